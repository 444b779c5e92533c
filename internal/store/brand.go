package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"

	"briefstudio/internal/brief"
)

// Brand returns the workspace's brand profile (the default until an admin
// saves one).
func (s *Store) Brand(ctx context.Context) (brief.Brand, error) {
	var js string
	var hasLogo bool
	err := s.db.QueryRowContext(ctx, `SELECT profile, logo IS NOT NULL FROM brand WHERE id = 1`).Scan(&js, &hasLogo)
	if errors.Is(err, sql.ErrNoRows) {
		return brief.DefaultBrand(), nil
	}
	if err != nil {
		return brief.Brand{}, brief.Internal(fmt.Errorf("sqlite: brand: %w", err))
	}
	b := brief.DefaultBrand()
	if err := json.Unmarshal([]byte(js), &b); err != nil {
		return brief.Brand{}, brief.Internal(fmt.Errorf("sqlite: brand: %w", err))
	}
	b.HasLogo = hasLogo
	return b, nil
}

// PutBrand validates and saves the brand profile (admins).
func (s *Store) PutBrand(ctx context.Context, u brief.User, b brief.Brand) (brief.Brand, error) {
	if err := brief.Authorize(u.Actor(brief.MemberNone), brief.ActAdminister); err != nil {
		return b, err
	}
	b, err := b.Normalize()
	if err != nil {
		return b, err
	}
	b.HasLogo = false // derived from the stored logo, never saved
	js, err := json.Marshal(b)
	if err != nil {
		return b, brief.Internal(err)
	}
	if _, err := s.db.ExecContext(ctx, `INSERT INTO brand (id, profile) VALUES (1, ?)
		ON CONFLICT(id) DO UPDATE SET profile = excluded.profile`, string(js)); err != nil {
		return b, brief.Internal(fmt.Errorf("sqlite: save brand: %w", err))
	}
	return s.Brand(ctx)
}

// SetLogo checks and stores the brand's logo (admins): a PNG or JPEG of at
// most 2 MB, decoded whole first (brief.NormalizeLogo); a refused upload
// leaves the stored logo as it was.
func (s *Store) SetLogo(ctx context.Context, u brief.User, data []byte) (brief.Brand, error) {
	if err := brief.Authorize(u.Actor(brief.MemberNone), brief.ActAdminister); err != nil {
		return brief.Brand{}, err
	}
	logo, mime, err := brief.NormalizeLogo(data)
	if err != nil {
		return brief.Brand{}, err
	}
	def, err := json.Marshal(brief.DefaultBrand())
	if err != nil {
		return brief.Brand{}, brief.Internal(err)
	}
	err = s.tx(ctx, func(tx *sql.Tx) error {
		_, err := tx.Exec(`INSERT INTO brand (id, profile, logo, logo_type) VALUES (1, ?, ?, ?)
			ON CONFLICT(id) DO UPDATE SET logo = excluded.logo, logo_type = excluded.logo_type`, string(def), logo, mime)
		return err
	})
	if err != nil {
		return brief.Brand{}, err
	}
	return s.Brand(ctx)
}

// DeleteLogo removes the brand's logo (admins); the PDF then prints the
// project's name.
func (s *Store) DeleteLogo(ctx context.Context, u brief.User) error {
	if err := brief.Authorize(u.Actor(brief.MemberNone), brief.ActAdminister); err != nil {
		return err
	}
	return s.tx(ctx, func(tx *sql.Tx) error {
		_, err := tx.Exec(`UPDATE brand SET logo = NULL, logo_type = NULL WHERE id = 1`)
		return err
	})
}

// Logo returns the brand's logo and its MIME type; not_found when there is
// none.
func (s *Store) Logo(ctx context.Context) ([]byte, string, error) {
	var logo []byte
	var mime sql.NullString
	err := s.db.QueryRowContext(ctx, `SELECT logo, logo_type FROM brand WHERE id = 1`).Scan(&logo, &mime)
	if errors.Is(err, sql.ErrNoRows) || (err == nil && logo == nil) {
		return nil, "", brief.Errorf(brief.ENotFound, "the brand has no logo")
	}
	if err != nil {
		return nil, "", brief.Internal(fmt.Errorf("sqlite: logo: %w", err))
	}
	return logo, mime.String, nil
}
