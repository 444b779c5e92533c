package store

import (
	"context"
	"database/sql"
	"errors"

	"briefstudio/internal/brief"
	"briefstudio/internal/review"
)

const commentColumns = `c.id, c.brief_id, c.parent_id, c.section_key, t.quote, t.base_version, c.body, c.author_id, ua.name,
	c.created_at, c.edited_at, c.deleted_at, t.start_pos, t.end_pos, t.at_version, t.detached, t.resolved_at, t.resolved_by, COALESCE(ur.name, '')
	FROM comments c JOIN comments t ON t.id = COALESCE(c.parent_id, c.id) JOIN users ua ON ua.id = c.author_id
	LEFT JOIN users ur ON ur.id = t.resolved_by`

func scanComment(row interface{ Scan(...any) error }) (review.Comment, error) {
	var c review.Comment
	var parent, edited, deleted, resolvedAt, resolvedBy sql.NullInt64
	var created int64
	var resolverName string
	err := row.Scan(&c.ID, &c.Brief, &parent, &c.Section, &c.Quote, &c.BaseVersion, &c.Body, &c.Author.ID, &c.Author.Name,
		&created, &edited, &deleted, &c.Start, &c.End, &c.Version, &c.Detached, &resolvedAt, &resolvedBy, &resolverName)
	if err != nil {
		return c, err
	}
	if parent.Valid {
		c.Parent = &parent.Int64
	}
	c.CreatedAt = fromMS(created)
	c.EditedAt = nullTime(edited)
	if deleted.Valid {
		c.Deleted, c.Body = true, ""
	}
	if resolvedAt.Valid {
		c.Resolved, c.ResolvedAt = true, nullTime(resolvedAt)
		c.ResolvedBy = &brief.Person{ID: resolvedBy.Int64, Name: resolverName}
	}
	return c, nil
}

// Comments lists a brief's comments thread by thread (each thread's first
// comment, then its replies), with ranges carried to the current text. A
// deleted comment stays as a stub while replies follow it. section
// filters by section when not "".
func (s *Store) Comments(ctx context.Context, u brief.User, id, section string) ([]review.Comment, error) {
	var list []review.Comment
	err := s.tx(ctx, func(tx *sql.Tx) error {
		if _, err := access(tx, u, id, brief.ActRead); err != nil {
			return err
		}
		var err error
		list, err = comments(tx, id, section)
		return err
	})
	return list, err
}

func comments(tx *sql.Tx, id, section string) ([]review.Comment, error) {
	if err := settleComments(tx, id); err != nil {
		return nil, err
	}
	rows, err := tx.Query(`SELECT `+commentColumns+` WHERE c.brief_id = ? AND (? = '' OR c.section_key = ?)
		ORDER BY t.id, c.id`, id, section, section)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	all := []review.Comment{}
	for rows.Next() {
		c, err := scanComment(rows)
		if err != nil {
			return nil, err
		}
		all = append(all, c)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	// Drop deleted replies, and deleted first comments nobody answered.
	out := all[:0]
	for i, c := range all {
		if !c.Deleted {
			out = append(out, c)
			continue
		}
		if c.Parent == nil {
			for _, r := range all[i+1:] {
				if r.Parent == nil || *r.Parent != c.ID {
					break
				}
				if !r.Deleted {
					out = append(out, c)
					break
				}
			}
		}
	}
	return out, nil
}

// settleComments carries every thread's range to the current text.
func settleComments(tx *sql.Tx, id string) error {
	secs, err := sectionsNow(tx, id)
	if err != nil {
		return err
	}
	rows, err := tx.Query(`SELECT id, section_key, quote, start_pos, end_pos, at_version, detached FROM comments
		WHERE brief_id = ? AND parent_id IS NULL AND deleted_at IS NULL`, id)
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
	return settle(tx, "comments", id, items, secs)
}

// comment reads one comment with its range carried to the current text.
func comment(tx *sql.Tx, cid int64) (review.Comment, error) {
	var id string
	err := tx.QueryRow(`SELECT brief_id FROM comments WHERE id = ? AND deleted_at IS NULL`, cid).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		return review.Comment{}, brief.Errorf(brief.ENotFound, "comment %d not found", cid)
	}
	if err != nil {
		return review.Comment{}, err
	}
	if err := settleComments(tx, id); err != nil {
		return review.Comment{}, err
	}
	return scanComment(tx.QueryRow(`SELECT `+commentColumns+` WHERE c.id = ?`, cid))
}

// commentFor loads a comment for an action on it: the caller must be able
// to do act on its brief, which (when briefID is not "") must be that one.
func commentFor(tx *sql.Tx, u brief.User, briefID string, cid int64, act brief.Action) (review.Comment, briefRow, error) {
	c, err := comment(tx, cid)
	if err != nil {
		return c, briefRow{}, err
	}
	if briefID != "" && c.Brief != briefID {
		return c, briefRow{}, brief.Errorf(brief.ENotFound, "comment %d not found", cid)
	}
	r, err := access(tx, u, c.Brief, act)
	if brief.ErrorCode(err) == brief.ENotFound {
		return c, r, brief.Errorf(brief.ENotFound, "comment %d not found", cid)
	}
	return c, r, err
}

// AddComment starts a thread on a range of a section, or replies to one.
func (s *Store) AddComment(ctx context.Context, u brief.User, id string, in review.NewComment) (review.Comment, error) {
	var c review.Comment
	var ev []Event
	err := s.tx(ctx, func(tx *sql.Tx) error {
		if _, err := access(tx, u, id, brief.ActComment); err != nil {
			return err
		}
		if err := review.CheckBody("body", in.Body, true); err != nil {
			return err
		}
		now := ms(s.now())
		var res sql.Result
		var err error
		if in.Parent != nil {
			p, _, err := commentFor(tx, u, id, *in.Parent, brief.ActComment)
			if err != nil {
				return err
			}
			if p.Parent != nil {
				p.ID = *p.Parent // a reply to a reply joins the thread
			}
			res, err = tx.Exec(`INSERT INTO comments (brief_id, section_key, parent_id, author_id, body, quote, base_version, start_pos, end_pos, at_version, created_at)
				VALUES (?, ?, ?, ?, ?, '', ?, 0, 0, 0, ?)`, id, p.Section, p.ID, u.ID, in.Body, p.Version, now)
			if err != nil {
				return err
			}
		} else {
			if in.Section == "" {
				return brief.Errorf(brief.EInvalid, "section is required (or parent, for a reply)")
			}
			a, quote, base, err := anchorAt(tx, id, in.Section, in.Start, in.End, in.Quote, in.BaseVersion)
			if err != nil {
				return err
			}
			res, err = tx.Exec(`INSERT INTO comments (brief_id, section_key, author_id, body, quote, base_version, start_pos, end_pos, at_version, detached, created_at)
				VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, id, in.Section, u.ID, in.Body, quote, base, a.Start, a.End, a.Version, a.Detached, now)
			if err != nil {
				return err
			}
		}
		cid, _ := res.LastInsertId()
		if c, err = comment(tx, cid); err != nil {
			return err
		}
		ev = append(ev, commentEvent("created", c))
		return nil
	})
	if err == nil {
		s.publish(ev...)
	}
	return c, err
}

// EditComment changes the body of one's own comment.
func (s *Store) EditComment(ctx context.Context, u brief.User, briefID string, cid int64, body string) (review.Comment, error) {
	return s.changeComment(ctx, u, briefID, cid, brief.ActComment, "edited", func(tx *sql.Tx, c review.Comment) error {
		if err := ownComment(u, c, "edit"); err != nil {
			return err
		}
		if err := review.CheckBody("body", body, true); err != nil {
			return err
		}
		_, err := tx.Exec(`UPDATE comments SET body = ?, edited_at = ? WHERE id = ?`, body, ms(s.now()), cid)
		return err
	})
}

// DeleteComment deletes one's own comment (a thread's first comment
// stays as a stub while replies follow it).
func (s *Store) DeleteComment(ctx context.Context, u brief.User, briefID string, cid int64) (review.Comment, error) {
	return s.changeComment(ctx, u, briefID, cid, brief.ActComment, "deleted", func(tx *sql.Tx, c review.Comment) error {
		if err := ownComment(u, c, "delete"); err != nil {
			return err
		}
		_, err := tx.Exec(`UPDATE comments SET deleted_at = ? WHERE id = ?`, ms(s.now()), cid)
		return err
	})
}

// ResolveComment resolves (or reopens) the thread a comment belongs to.
func (s *Store) ResolveComment(ctx context.Context, u brief.User, briefID string, cid int64, resolve bool) (review.Comment, error) {
	action := map[bool]string{true: "resolved", false: "reopened"}[resolve]
	return s.changeComment(ctx, u, briefID, cid, brief.ActResolve, action, func(tx *sql.Tx, c review.Comment) error {
		if c.Resolved == resolve {
			return brief.Errorf(brief.EConflict, "the thread is already %s", map[bool]string{true: "resolved", false: "open"}[resolve])
		}
		root := c.ID
		if c.Parent != nil {
			root = *c.Parent
		}
		var err error
		if resolve {
			_, err = tx.Exec(`UPDATE comments SET resolved_at = ?, resolved_by = ? WHERE id = ?`, ms(s.now()), u.ID, root)
		} else {
			_, err = tx.Exec(`UPDATE comments SET resolved_at = NULL, resolved_by = NULL WHERE id = ?`, root)
		}
		return err
	})
}

// changeComment runs one change to a comment and announces it.
func (s *Store) changeComment(ctx context.Context, u brief.User, briefID string, cid int64, act brief.Action, action string,
	change func(*sql.Tx, review.Comment) error) (review.Comment, error) {
	var c review.Comment
	var ev []Event
	err := s.tx(ctx, func(tx *sql.Tx) error {
		old, _, err := commentFor(tx, u, briefID, cid, act)
		if err != nil {
			return err
		}
		if err := change(tx, old); err != nil {
			return err
		}
		if c, err = scanComment(tx.QueryRow(`SELECT `+commentColumns+` WHERE c.id = ?`, cid)); err != nil {
			return err
		}
		ev = append(ev, commentEvent(action, c))
		return nil
	})
	if err == nil {
		s.publish(ev...)
	}
	return c, err
}

func ownComment(u brief.User, c review.Comment, verb string) error {
	if c.Author.ID != u.ID {
		return brief.Errorf(brief.EForbidden, "only %s, who wrote this comment, may %s it", c.Author.Name, verb)
	}
	return nil
}

func commentEvent(action string, c review.Comment) Event {
	return Event{Name: EventReview, Brief: c.Brief, Section: c.Section,
		Data: review.Change{Type: "comment", Action: action, Comment: &c}}
}
