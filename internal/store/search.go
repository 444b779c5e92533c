package store

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"briefstudio/internal/brief"
)

// SearchQuiet is how long a brief must be quiet before the background
// indexer takes its edits (a search indexes whatever is pending anyway).
const SearchQuiet = 5 * 1000 // ms

// Hit is one search result.
type Hit struct {
	ID           string `json:"id"`
	Title        string `json:"title"`
	Section      string `json:"section"` // section key; "" when the title matched
	SectionTitle string `json:"sectionTitle"`
	Snippet      string `json:"snippet"`
}

// IndexBrief brings a brief's search rows up to date: its title and every
// section whose indexed version lags; removed sections leave the index.
func (s *Store) IndexBrief(ctx context.Context, id string) error {
	return s.tx(ctx, func(tx *sql.Tx) error {
		if err := indexBrief(tx, id); err != nil {
			return err
		}
		_, err := tx.Exec(`DELETE FROM search_dirty WHERE brief_id = ?`, id)
		return err
	})
}

func indexBrief(tx *sql.Tx, id string) error {
	var rowid int64
	var title, indexed string
	var archived bool
	err := tx.QueryRow(`SELECT rowid, title, indexed_title, archived_at IS NOT NULL FROM briefs WHERE id = ?`, id).Scan(&rowid, &title, &indexed, &archived)
	if err != nil {
		return err
	}
	if title != indexed {
		// Titles use negative rowids; sections their own rowid.
		if _, err := tx.Exec(`DELETE FROM search WHERE rowid = ?`, -rowid); err != nil {
			return err
		}
		f, _ := fold(title, false)
		if _, err := tx.Exec(`INSERT INTO search (rowid, brief_id, section_key, body) VALUES (?, ?, '', ?)`, -rowid, id, f); err != nil {
			return err
		}
		if _, err := tx.Exec(`UPDATE briefs SET indexed_title = title WHERE id = ?`, id); err != nil {
			return err
		}
	}
	rows, err := tx.Query(`SELECT rowid, key, text, version, removed_at IS NOT NULL FROM sections
		WHERE brief_id = ? AND (indexed_version != version OR removed_at IS NOT NULL)`, id)
	if err != nil {
		return err
	}
	type sec struct {
		rowid   int64
		key     string
		text    string
		version int64
		removed bool
	}
	var stale []sec
	for rows.Next() {
		var x sec
		if err := rows.Scan(&x.rowid, &x.key, &x.text, &x.version, &x.removed); err != nil {
			rows.Close()
			return err
		}
		stale = append(stale, x)
	}
	rows.Close()
	for _, x := range stale {
		if _, err := tx.Exec(`DELETE FROM search WHERE rowid = ?`, x.rowid); err != nil {
			return err
		}
		version := x.version
		if x.removed {
			version = -1 // back in the index if the section is restored
		} else {
			f, _ := fold(x.text, false)
			if _, err := tx.Exec(`INSERT INTO search (rowid, brief_id, section_key, body) VALUES (?, ?, ?, ?)`, x.rowid, id, x.key, f); err != nil {
				return err
			}
		}
		if _, err := tx.Exec(`UPDATE sections SET indexed_version = ? WHERE rowid = ?`, version, x.rowid); err != nil {
			return err
		}
	}
	return nil
}

// markDirty notes that a brief changed at `at` and needs indexing.
func markDirty(tx dbtx, id string, at int64) error {
	_, err := tx.Exec(`INSERT INTO search_dirty (brief_id, at) VALUES (?, ?)
		ON CONFLICT(brief_id) DO UPDATE SET at = excluded.at`, id, at)
	return err
}

// IndexPending indexes briefs changed since they were last indexed; with
// quietOnly, only those with no change in the last SearchQuiet (the
// background indexer), so typing is never slowed by indexing.
func (s *Store) IndexPending(ctx context.Context, quietOnly bool) (int, error) {
	cutoff := int64(1 << 62)
	if quietOnly {
		cutoff = ms(s.now()) - SearchQuiet
	}
	var ids []string
	err := func() error {
		rows, err := s.db.QueryContext(ctx, `SELECT brief_id FROM search_dirty WHERE at <= ?`, cutoff)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var id string
			if err := rows.Scan(&id); err != nil {
				return err
			}
			ids = append(ids, id)
		}
		return rows.Err()
	}()
	if err != nil {
		return 0, fmt.Errorf("sqlite: pending index: %w", err)
	}
	for _, id := range ids {
		if err := s.IndexBrief(ctx, id); err != nil {
			return 0, err
		}
	}
	return len(ids), nil
}

// Search finds briefs the user may read whose title or text holds every
// word of q (prefixes match; accents and case ignored).
func (s *Store) Search(ctx context.Context, u brief.User, q string, limit int) ([]Hit, error) {
	folded, _ := fold(q, false)
	words := terms(folded)
	if len(words) == 0 {
		return nil, brief.Errorf(brief.EInvalid, "q must hold at least one word")
	}
	if len(words) > 16 {
		words = words[:16]
	}
	if limit <= 0 || limit > 100 {
		limit = 50
	}
	if _, err := s.IndexPending(ctx, false); err != nil {
		return nil, err
	}
	parts := make([]string, len(words))
	for i, w := range words {
		parts[i] = `"` + w + `"*`
	}
	admin := u.Role == brief.RoleAdmin
	rows, err := s.db.QueryContext(ctx, `SELECT f.brief_id, f.section_key, b.title, COALESCE(sec.title, ''), COALESCE(sec.text, '')
		FROM search f JOIN briefs b ON b.id = f.brief_id
		LEFT JOIN sections sec ON sec.brief_id = f.brief_id AND sec.key = f.section_key
		WHERE search MATCH ? AND b.archived_at IS NULL AND sec.removed_at IS NULL
		AND (? OR EXISTS (SELECT 1 FROM members m WHERE m.brief_id = f.brief_id AND m.user_id = ?))
		ORDER BY rank LIMIT ?`, "body : "+strings.Join(parts, " "), admin, u.ID, limit)
	if err != nil {
		return nil, brief.Internal(fmt.Errorf("sqlite: search: %w", err))
	}
	defer rows.Close()
	hits := []Hit{}
	for rows.Next() {
		var h Hit
		var text string
		if err := rows.Scan(&h.ID, &h.Section, &h.Title, &h.SectionTitle, &text); err != nil {
			return nil, brief.Internal(fmt.Errorf("sqlite: search: %w", err))
		}
		if h.Section == "" {
			text = h.Title
		}
		h.Snippet = snippet(text, words, 120)
		hits = append(hits, h)
	}
	return hits, rows.Err()
}

// snippet cuts about width code points of text around the first word that
// matches, on word boundaries, with "…" where it was cut.
func snippet(text string, words []string, width int) string {
	folded, pos := fold(text, true)
	at := -1
	for _, w := range words {
		// The first occurrence that starts a word (prefixes match).
		for off := 0; off < len(folded); {
			i := strings.Index(folded[off:], w)
			if i < 0 {
				break
			}
			i += off
			prev, _ := utf8.DecodeLastRuneInString(folded[:i])
			if i == 0 || !isWordRune(prev) {
				if p := pos[utf8.RuneCountInString(folded[:i])]; at < 0 || p < at {
					at = p
				}
				break
			}
			off = i + len(w)
		}
	}
	src := []rune(text)
	if at < 0 {
		at = 0
	}
	start := at - width/3
	if start < 0 {
		start = 0
	}
	for start > 0 && isWordRune(src[start-1]) && at-start < width/2 {
		start--
	}
	end := start + width
	if end > len(src) {
		end = len(src)
	}
	for end < len(src) && isWordRune(src[end]) && end-start < width+20 {
		end++
	}
	out := strings.Join(strings.Fields(string(src[start:end])), " ")
	if start > 0 {
		out = "…" + out
	}
	if end < len(src) {
		out += "…"
	}
	return out
}

func isWordRune(r rune) bool { return unicode.IsLetter(r) || unicode.IsDigit(r) }

// RunIndexer indexes quiet briefs every interval until ctx ends, so search
// rarely has pending work; errors are reported through logf.
func (s *Store) RunIndexer(ctx context.Context, every time.Duration, logf func(format string, args ...any)) {
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			if _, err := s.IndexPending(ctx, true); err != nil && ctx.Err() == nil {
				logf("search indexer: %v", err)
			}
		}
	}
}
