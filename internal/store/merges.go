package store

import (
	"context"
	"database/sql"

	"briefstudio/internal/brief"
	"briefstudio/internal/review"
	"briefstudio/internal/revision"
)

// keepConflict keeps a hunk of a stale edit that could not be merged as an
// unresolved merge: a suggestion of its author (origin merge) to put their
// text where merged (the section at atVersion) now holds the other side's.
func (s *Store) keepConflict(tx dbtx, u brief.User, id, key, merged string, baseVersion, atVersion int64, h revision.Hunk) (brief.Conflict, error) {
	now := s.now()
	quote := string([]rune(merged)[h.Start:h.End])
	res, err := tx.Exec(`INSERT INTO suggestions (brief_id, section_key, origin, author_id, quote, replacement, base_text, base_version,
		start_pos, end_pos, at_version, created_at) VALUES (?, ?, 'merge', ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		id, key, u.ID, quote, h.Mine, h.Base, baseVersion, h.Start, h.End, atVersion, ms(now))
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
	list, err := suggestions(tx, id, `s.origin = 'merge' AND s.status = 'open'`)
	if err != nil {
		return nil, err
	}
	out := make([]brief.Conflict, len(list))
	for i, g := range list {
		out[i] = conflictOf(g)
	}
	return out, nil
}

func conflictOf(g review.Suggestion) brief.Conflict {
	return brief.Conflict{ID: g.ID, Section: g.Section, BaseVersion: g.BaseVersion, Base: g.Base, Text: g.Replacement,
		Start: g.Start, End: g.End, Author: g.Author, CreatedAt: g.CreatedAt}
}

// mergeEvents announces unresolved merges as the suggestions they are.
func mergeEvents(id string, cs []brief.Conflict) []Event {
	var ev []Event
	for _, c := range cs {
		ev = append(ev, suggestionEvent("created", review.Suggestion{ID: c.ID, Brief: id, Section: c.Section, Origin: review.OriginMerge,
			Start: c.Start, End: c.End, Replacement: c.Text, Base: c.Base, BaseVersion: c.BaseVersion, Status: review.StatusOpen,
			Author: c.Author, CreatedAt: c.CreatedAt}))
	}
	return ev
}

// ResolveConflict applies (the author's text replaces the range it was
// meant for, as the author's edit) or dismisses an unresolved merge. Only
// its author may do either; other authors accept or reject it as a
// suggestion.
func (s *Store) ResolveConflict(ctx context.Context, u brief.User, id string, cid int64, apply bool) (SectionWrite, error) {
	var w SectionWrite
	var ev []Event
	err := s.tx(ctx, func(tx *sql.Tx) error {
		r, err := access(tx, u, id, brief.ActRead)
		if err != nil {
			return err
		}
		g, err := suggestion(tx, id, cid)
		if err != nil || g.Origin != review.OriginMerge || g.Status != review.StatusOpen {
			return brief.Errorf(brief.ENotFound, "unresolved merge %d not found", cid)
		}
		if g.Author.ID != u.ID {
			return brief.Errorf(brief.EForbidden, "only %s, whose edit this was, may apply or dismiss it", g.Author.Name)
		}
		if apply {
			if err := brief.Authorize(u.Actor(r.Member), brief.ActEdit); err != nil {
				return err
			}
		}
		done, refused, err := s.decide(tx, u, r, []review.Suggestion{g}, apply, &ev)
		if err != nil {
			return err
		}
		if len(refused) > 0 {
			return refused[0].Err()
		}
		if apply {
			w = SectionWrite{Version: done[0].AppliedVersion, Conflicts: []brief.Conflict{}}
			return tx.QueryRow(`SELECT text FROM sections WHERE brief_id = ? AND key = ?`, id, g.Section).Scan(&w.Text)
		}
		return nil
	})
	if err == nil {
		s.publish(ev...)
	}
	return w, err
}
