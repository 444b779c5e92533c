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
