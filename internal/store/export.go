package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"strconv"
	"strings"

	"briefstudio/internal/brief"
)

// Export is what a PDF export is made from, read in one transaction: the
// brief with its sections' titles and texts at the exported version, the
// named version when one was asked for, and the brand profile and logo.
type Export struct {
	// Brief holds the brief's current title and metadata (they are not
	// versioned) and its outline and texts at the version.
	Brief brief.Brief
	// Version is the named version exported; nil for the current text or
	// a revision number.
	Version *Version
	// Approved says the text is an approved version, printed without the
	// DRAFT mark: a named version made by an approval, or the current text
	// of a brief whose status is approved (any change since reverts it to
	// draft).
	Approved bool
	Brand    brief.Brand
	Logo     []byte
}

// Export reads a brief for export at ref ("" or "current", "v12", or a
// revision number): anyone who may read the brief may export it.
func (s *Store) Export(ctx context.Context, u brief.User, id, ref string) (Export, error) {
	var e Export
	ref = strings.TrimSpace(ref)
	err := s.read(ctx, func(tx *sql.Tx) error {
		r, err := access(tx, u, id, brief.ActRead)
		if err != nil {
			return err
		}
		st, err := resolveState(tx, id, ref)
		if err != nil {
			return err
		}
		e.Brief = brief.Brief{ID: r.ID, Type: r.Type, Title: r.Title, Status: r.Status, Metadata: r.Metadata,
			CreatedAt: r.CreatedAt, UpdatedAt: r.UpdatedAt, Archived: r.Archived, Role: string(r.Member),
			Sections: make([]brief.Section, 0, len(st.outline))}
		for _, vs := range st.outline {
			text, err := textAt(tx, id, vs.Key, vs.Version)
			if err != nil {
				return err
			}
			e.Brief.Sections = append(e.Brief.Sections, brief.Section{Key: vs.Key, Title: vs.Title, Text: text, Version: vs.Version})
		}
		switch {
		case ref == "" || ref == "current":
			e.Approved = r.Status == brief.StatusApproved
		case ref[0] == 'v' || ref[0] == 'V':
			n, _ := strconv.ParseInt(ref[1:], 10, 64) // resolveState parsed it
			v, err := scanVersion(tx.QueryRow(`SELECT v.number, v.label, v.kind, v.sections, v.revision, v.created_by, u.name, v.created_at
				FROM versions v JOIN users u ON u.id = v.created_by WHERE v.brief_id = ? AND v.number = ?`, id, n))
			if err != nil {
				return err
			}
			e.Version, e.Approved = &v, v.Kind == "approve"
		}
		e.Brand, e.Logo, err = brandIn(tx)
		return err
	})
	if err != nil {
		return Export{}, err
	}
	return e, nil
}

// brandIn reads the brand profile and logo inside a transaction.
func brandIn(tx *sql.Tx) (brief.Brand, []byte, error) {
	var js string
	var logo []byte
	b := brief.DefaultBrand()
	err := tx.QueryRow(`SELECT profile, logo FROM brand WHERE id = 1`).Scan(&js, &logo)
	if errors.Is(err, sql.ErrNoRows) {
		return b, nil, nil
	}
	if err != nil {
		return b, nil, err
	}
	if err := json.Unmarshal([]byte(js), &b); err != nil {
		return b, nil, err
	}
	b.HasLogo = logo != nil
	return b, logo, nil
}
