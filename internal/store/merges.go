package store

import (
	"context"
	"database/sql"
	"errors"

	"briefstudio/internal/brief"
	"briefstudio/internal/revision"
)

func (s *Store) keepConflict(tx *sql.Tx, u brief.User, id, key string, baseVersion, atVersion int64, h revision.Hunk) (brief.Conflict, error) {
	now := s.now()
	res, err := tx.Exec(`INSERT INTO merges (brief_id, section_key, base_version, base_text, text, start_pos, end_pos, at_version, author_id, created_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, id, key, baseVersion, h.Base, h.Mine, h.Start, h.End, atVersion, u.ID, ms(now))
	if err != nil {
		return brief.Conflict{}, err
	}
	cid, _ := res.LastInsertId()
	return brief.Conflict{ID: cid, Section: key, BaseVersion: baseVersion, Base: h.Base, Text: h.Mine, Start: h.Start, End: h.End,
		Author: brief.Person{ID: u.ID, Name: u.Name}, CreatedAt: fromMS(ms(now))}, nil
}

// conflicts lists a brief's unresolved merges with positions mapped to the
// current text.
func conflicts(tx *sql.Tx, id string) ([]brief.Conflict, error) {
	rows, err := tx.Query(`SELECT m.id, m.section_key, m.base_version, m.base_text, m.text, m.start_pos, m.end_pos, m.at_version,
		m.author_id, u.name, m.created_at FROM merges m JOIN users u ON u.id = m.author_id
		WHERE m.brief_id = ? AND m.resolved_at IS NULL ORDER BY m.id`, id)
	if err != nil {
		return nil, err
	}
	type row struct {
		c  brief.Conflict
		at int64
	}
	var list []row
	for rows.Next() {
		var r row
		var created int64
		if err := rows.Scan(&r.c.ID, &r.c.Section, &r.c.BaseVersion, &r.c.Base, &r.c.Text, &r.c.Start, &r.c.End, &r.at,
			&r.c.Author.ID, &r.c.Author.Name, &created); err != nil {
			rows.Close()
			return nil, err
		}
		r.c.CreatedAt = fromMS(created)
		list = append(list, r)
	}
	rows.Close()
	out := make([]brief.Conflict, 0, len(list))
	for _, r := range list {
		if r.c.Start, r.c.End, err = mapForward(tx, id, r.c.Section, r.at, r.c.Start, r.c.End); err != nil {
			return nil, err
		}
		out = append(out, r.c)
	}
	return out, nil
}

// mapForward maps a range made at version `at` of a section to its current
// text through the edit log (start sticks right, end sticks left).
func mapForward(tx *sql.Tx, id, key string, at int64, start, end int) (int, int, error) {
	rows, err := tx.Query(`SELECT delta FROM edits WHERE brief_id = ? AND section_key = ? AND version > ? ORDER BY version`, id, key, at)
	if err != nil {
		return 0, 0, err
	}
	defer rows.Close()
	for rows.Next() {
		var d string
		if err := rows.Scan(&d); err != nil {
			return 0, 0, err
		}
		if start, err = revision.MapThroughDelta(d, start, true); err != nil {
			return 0, 0, err
		}
		if end, err = revision.MapThroughDelta(d, end, false); err != nil {
			return 0, 0, err
		}
		if end < start {
			end = start
		}
	}
	return start, end, rows.Err()
}

// ResolveConflict applies (the author's text replaces the range it was
// meant for, as the author's edit) or dismisses an unresolved merge. Only
// its author may do either.
func (s *Store) ResolveConflict(ctx context.Context, u brief.User, id string, cid int64, apply bool) (SectionWrite, error) {
	var w SectionWrite
	var ev []Event
	err := s.tx(ctx, func(tx *sql.Tx) error {
		r, err := access(tx, u, id, brief.ActRead)
		if err != nil {
			return err
		}
		all, err := conflicts(tx, id)
		if err != nil {
			return err
		}
		var c *brief.Conflict
		for i := range all {
			if all[i].ID == cid {
				c = &all[i]
			}
		}
		if c == nil {
			return brief.Errorf(brief.ENotFound, "unresolved merge %d not found", cid)
		}
		if c.Author.ID != u.ID {
			return brief.Errorf(brief.EForbidden, "only %s, whose edit this was, may apply or dismiss it", c.Author.Name)
		}
		resolution := "dismissed"
		if apply {
			if err := brief.Authorize(u.Actor(r.Member), brief.ActEdit); err != nil {
				return err
			}
			var cur string
			var version int64
			err := tx.QueryRow(`SELECT text, version FROM sections WHERE brief_id = ? AND key = ? AND removed_at IS NULL`, id, c.Section).Scan(&cur, &version)
			if errors.Is(err, sql.ErrNoRows) {
				return brief.Errorf(brief.EConflict, "section %q was removed: restore it first", c.Section)
			}
			if err != nil {
				return err
			}
			runes := []rune(cur)
			start, end := c.Start, c.End
			// Where the context is gone the best guess can fall inside a
			// word: an insertion then goes after that word, not into it.
			for start == end && start > 0 && start < len(runes) && isWordRune(runes[start-1]) && isWordRune(runes[start]) {
				start++
				end++
			}
			text := string(runes[:start]) + c.Text + string(runes[end:])
			if err := brief.ValidateSectionText(text); err != nil {
				return err
			}
			v, err := writeText(tx, id, c.Section, cur, text, version, u.ID, ms(s.now()))
			if err != nil {
				return err
			}
			w = SectionWrite{Version: v, Text: text, Conflicts: []brief.Conflict{}}
			resolution = "applied"
			ev = append(ev, Event{Name: EventSectionChanged, Brief: id, Section: c.Section, Version: v})
			if err := s.touch(tx, r, brief.EventTextChange, &ev); err != nil {
				return err
			}
		}
		_, err = tx.Exec(`UPDATE merges SET resolved_at = ?, resolution = ? WHERE id = ?`, ms(s.now()), resolution, cid)
		return err
	})
	if err == nil {
		s.publish(ev...)
	}
	return w, err
}
