package store

import (
	"context"
	"database/sql"
	"errors"
	"sort"
	"strings"

	"briefstudio/internal/brief"
	"briefstudio/internal/review"
)

const suggestionColumns = `s.id, s.brief_id, s.section_key, s.origin, s.start_pos, s.end_pos, s.at_version, s.quote, s.replacement,
	s.base_text, s.base_version, s.detached, s.status, s.author_id, ua.name, s.created_at, s.decided_at, s.decided_by,
	COALESCE(ud.name, ''), COALESCE(s.applied_version, 0)
	FROM suggestions s JOIN users ua ON ua.id = s.author_id LEFT JOIN users ud ON ud.id = s.decided_by`

func scanSuggestion(row interface{ Scan(...any) error }) (review.Suggestion, error) {
	var g review.Suggestion
	var created int64
	var decidedAt, decidedBy sql.NullInt64
	var decider string
	err := row.Scan(&g.ID, &g.Brief, &g.Section, &g.Origin, &g.Start, &g.End, &g.Version, &g.Quote, &g.Replacement,
		&g.Base, &g.BaseVersion, &g.Detached, &g.Status, &g.Author.ID, &g.Author.Name, &created, &decidedAt, &decidedBy,
		&decider, &g.AppliedVersion)
	if err != nil {
		return g, err
	}
	g.CreatedAt = fromMS(created)
	if decidedAt.Valid {
		g.DecidedAt = nullTime(decidedAt)
		g.DecidedBy = &brief.Person{ID: decidedBy.Int64, Name: decider}
	}
	return g, nil
}

// suggestions lists a brief's suggestions (where filters: "" or a SQL
// condition on s) with open ranges carried to the current text and
// staleness worked out.
func suggestions(tx *sql.Tx, id, where string, args ...any) ([]review.Suggestion, error) {
	secs, err := sectionsNow(tx, id)
	if err != nil {
		return nil, err
	}
	if err := settleSuggestions(tx, id, secs); err != nil {
		return nil, err
	}
	q := `SELECT ` + suggestionColumns + ` WHERE s.brief_id = ?`
	if where != "" {
		q += ` AND (` + where + `)`
	}
	rows, err := tx.Query(q+` ORDER BY s.id`, append([]any{id}, args...)...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	list := []review.Suggestion{}
	for rows.Next() {
		g, err := scanSuggestion(rows)
		if err != nil {
			return nil, err
		}
		if g.Status == review.StatusOpen && g.Origin == review.OriginSuggestion {
			_, _, refused := review.Apply(secs[g.Section].text, []review.Replacement{replacementOf(g)})
			g.Stale = len(refused) > 0
		}
		list = append(list, g)
	}
	return list, rows.Err()
}

// settleSuggestions carries open suggestions' ranges to the current text.
func settleSuggestions(tx *sql.Tx, id string, secs map[string]liveSection) error {
	rows, err := tx.Query(`SELECT id, section_key, quote, start_pos, end_pos, at_version, detached FROM suggestions
		WHERE brief_id = ? AND status = 'open'`, id)
	if err != nil {
		return err
	}
	var items []*anchored
	for rows.Next() {
		it := &anchored{}
		if err := rows.Scan(&it.id, &it.section, &it.quote, &it.a.Start, &it.a.End, &it.a.Version, &it.a.Detached); err != nil {
			rows.Close()
			return err
		}
		if s, ok := secs[it.section]; ok && it.a.Version < s.version {
			items = append(items, it)
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	return settle(tx, "suggestions", id, items, secs)
}

// replacementOf is what applying a suggestion means: its range must still
// read its quote, except for a merge, which replaces what stands there.
func replacementOf(g review.Suggestion) review.Replacement {
	r := review.Replacement{ID: g.ID, Start: g.Start, End: g.End, Detached: g.Detached, Text: g.Replacement}
	if g.Origin == review.OriginSuggestion {
		q := g.Quote
		r.Quote = &q
	}
	return r
}

// Suggestions lists a brief's suggestions; section and status ("open",
// "accepted", "rejected") filter when not "".
func (s *Store) Suggestions(ctx context.Context, u brief.User, id, section, status string) ([]review.Suggestion, error) {
	var list []review.Suggestion
	err := s.tx(ctx, func(tx *sql.Tx) error {
		if _, err := access(tx, u, id, brief.ActRead); err != nil {
			return err
		}
		var err error
		list, err = suggestions(tx, id, `(? = '' OR s.section_key = ?) AND (? = '' OR s.status = ?)`, section, section, status, status)
		return err
	})
	return list, err
}

// AddSuggestion proposes a replacement for a range of a section.
func (s *Store) AddSuggestion(ctx context.Context, u brief.User, id string, in review.NewSuggestion) (review.Suggestion, error) {
	var g review.Suggestion
	var ev []Event
	err := s.tx(ctx, func(tx *sql.Tx) error {
		if _, err := access(tx, u, id, brief.ActSuggest); err != nil {
			return err
		}
		if in.Section == "" {
			return brief.Errorf(brief.EInvalid, "section is required")
		}
		if err := brief.ValidateSectionText(in.Replacement); err != nil {
			return err
		}
		a, quote, base, err := anchorAt(tx, id, in.Section, in.Start, in.End, in.Quote, in.BaseVersion)
		if err != nil {
			return err
		}
		if quote == in.Replacement {
			return brief.Errorf(brief.EInvalid, "the suggestion changes nothing: its replacement is the text it replaces")
		}
		res, err := tx.Exec(`INSERT INTO suggestions (brief_id, section_key, origin, author_id, quote, replacement, base_version,
			start_pos, end_pos, at_version, detached, created_at) VALUES (?, ?, 'suggestion', ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			id, in.Section, u.ID, quote, in.Replacement, base, a.Start, a.End, a.Version, a.Detached, ms(s.now()))
		if err != nil {
			return err
		}
		sid, _ := res.LastInsertId()
		if g, err = suggestion(tx, id, sid); err != nil {
			return err
		}
		ev = append(ev, suggestionEvent("created", g))
		return nil
	})
	if err == nil {
		s.publish(ev...)
	}
	return g, err
}

// suggestion reads one suggestion of a brief.
func suggestion(tx *sql.Tx, id string, sid int64) (review.Suggestion, error) {
	list, err := suggestions(tx, id, `s.id = ?`, sid)
	if err != nil {
		return review.Suggestion{}, err
	}
	if len(list) == 0 {
		return review.Suggestion{}, brief.Errorf(brief.ENotFound, "suggestion %d not found", sid)
	}
	return list[0], nil
}

// suggestionBrief finds which brief a suggestion belongs to; briefID, when
// not "", must be it.
func suggestionBrief(tx *sql.Tx, briefID string, sid int64) (string, error) {
	var id string
	err := tx.QueryRow(`SELECT brief_id FROM suggestions WHERE id = ?`, sid).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) || err == nil && briefID != "" && id != briefID {
		return "", brief.Errorf(brief.ENotFound, "suggestion %d not found", sid)
	}
	return id, err
}

// DecideSuggestion accepts (applied as the deciding author's edit) or
// rejects an open suggestion. Accepting one whose quoted text has changed
// answers conflict.
func (s *Store) DecideSuggestion(ctx context.Context, u brief.User, briefID string, sid int64, accept bool) (review.Suggestion, error) {
	var g review.Suggestion
	var ev []Event
	err := s.tx(ctx, func(tx *sql.Tx) error {
		id, err := suggestionBrief(tx, briefID, sid)
		if err != nil {
			return err
		}
		r, err := access(tx, u, id, brief.ActDecide)
		if brief.ErrorCode(err) == brief.ENotFound {
			return brief.Errorf(brief.ENotFound, "suggestion %d not found", sid)
		}
		if err != nil {
			return err
		}
		g, err = suggestion(tx, id, sid)
		if err != nil {
			return err
		}
		done, refused, err := s.decide(tx, u, r, []review.Suggestion{g}, accept, &ev)
		if err != nil {
			return err
		}
		if len(refused) > 0 {
			return refused[0].Err()
		}
		g = done[0]
		return nil
	})
	if err == nil {
		s.publish(ev...)
	}
	return g, err
}

// AcceptAllResult says what accept-all did.
type AcceptAllResult struct {
	Accepted []review.Suggestion `json:"accepted"`
	// Refused are the suggestions left open: their text changed, or they
	// overlap one accepted before them.
	Refused []review.Refusal `json:"refused"`
}

// AcceptAll accepts every open suggestion of a brief (of one section when
// section is not ""), in text order. Unresolved merges are left for a
// look each. Those that no longer fit are left open and reported.
func (s *Store) AcceptAll(ctx context.Context, u brief.User, id, section string) (AcceptAllResult, error) {
	var out AcceptAllResult
	var ev []Event
	err := s.tx(ctx, func(tx *sql.Tx) error {
		r, err := access(tx, u, id, brief.ActDecide)
		if err != nil {
			return err
		}
		open, err := suggestions(tx, id, `s.status = 'open' AND s.origin = 'suggestion' AND (? = '' OR s.section_key = ?)`, section, section)
		if err != nil {
			return err
		}
		out.Accepted, out.Refused, err = s.decide(tx, u, r, open, true, &ev)
		return err
	})
	if err == nil {
		s.publish(ev...)
	}
	return out, err
}

// decide accepts or rejects open suggestions of one brief: accepted ones
// are applied section by section, as one edit of the deciding author per
// section; those that no longer fit are refused and stay open.
func (s *Store) decide(tx *sql.Tx, u brief.User, r briefRow, list []review.Suggestion, accept bool, ev *[]Event) ([]review.Suggestion, []review.Refusal, error) {
	done, refused := []review.Suggestion{}, []review.Refusal{}
	var ids []int64 // decided
	now := ms(s.now())
	bySection := map[string][]review.Suggestion{}
	var keys []string
	for _, g := range list {
		if g.Status != review.StatusOpen {
			refused = append(refused, review.Refuse(g.ID, "suggestion %d was already %s", g.ID, g.Status))
			continue
		}
		if _, seen := bySection[g.Section]; !seen {
			keys = append(keys, g.Section)
		}
		bySection[g.Section] = append(bySection[g.Section], g)
	}
	sort.Strings(keys)
	for _, key := range keys {
		status, applied := review.StatusRejected, map[int64]int64{}
		if accept {
			status = review.StatusAccepted
			var cur string
			var version int64
			err := tx.QueryRow(`SELECT text, version FROM sections WHERE brief_id = ? AND key = ? AND removed_at IS NULL`, r.ID, key).Scan(&cur, &version)
			if errors.Is(err, sql.ErrNoRows) {
				for _, g := range bySection[key] {
					refused = append(refused, review.Refuse(g.ID, "section %q was removed: restore it first", key))
				}
				continue
			}
			if err != nil {
				return nil, nil, err
			}
			reps := make([]review.Replacement, len(bySection[key]))
			for i, g := range bySection[key] {
				reps[i] = replacementOf(g)
			}
			text, fit, no := review.Apply(cur, reps)
			refused = append(refused, no...)
			if len(fit) == 0 {
				continue
			}
			if err := brief.ValidateSectionText(text); err != nil {
				return nil, nil, err
			}
			v, _, err := writeText(tx, r.ID, key, cur, text, version, u.ID, now)
			if err != nil {
				return nil, nil, err
			}
			*ev = append(*ev, Event{Name: EventSectionChanged, Brief: r.ID, Section: key, Version: v})
			for _, sid := range fit {
				applied[sid] = v
			}
		} else {
			for _, g := range bySection[key] {
				applied[g.ID] = 0
			}
		}
		for _, g := range bySection[key] {
			v, ok := applied[g.ID]
			if !ok {
				continue
			}
			if _, err := tx.Exec(`UPDATE suggestions SET status = ?, decided_at = ?, decided_by = ?, applied_version = NULLIF(?, 0) WHERE id = ?`,
				status, now, u.ID, v, g.ID); err != nil {
				return nil, nil, err
			}
			ids = append(ids, g.ID)
		}
	}
	if len(ids) > 0 {
		var err error
		marks := strings.Repeat(",?", len(ids))[1:]
		args := make([]any, len(ids))
		for i, sid := range ids {
			args[i] = sid
		}
		if done, err = suggestions(tx, r.ID, `s.id IN (`+marks+`)`, args...); err != nil {
			return nil, nil, err
		}
		for _, g := range done {
			*ev = append(*ev, suggestionEvent(g.Status, g))
		}
	}
	if accept && len(done) > 0 {
		if err := s.touch(tx, r, brief.EventTextChange, ev); err != nil {
			return nil, nil, err
		}
	}
	return done, refused, nil
}

func suggestionEvent(action string, g review.Suggestion) Event {
	return Event{Name: EventReview, Brief: g.Brief, Section: g.Section,
		Data: review.Change{Type: "suggestion", Action: action, Suggestion: &g}}
}
