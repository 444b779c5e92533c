package store

import (
	"context"
	"database/sql"
	"errors"
	"strconv"

	"briefstudio/internal/brief"
	"briefstudio/internal/review"
)

// Submit submits a brief for review (an author; the note is optional).
func (s *Store) Submit(ctx context.Context, u brief.User, id, note string) (review.Decision, brief.Brief, error) {
	return s.workflow(ctx, u, id, review.DecisionSubmit, note)
}

// Review records a supervisor's decision: "approve" or "request_changes"
// (which needs a note).
func (s *Store) Review(ctx context.Context, u brief.User, id, decision, note string) (review.Decision, brief.Brief, error) {
	if decision == review.DecisionSubmit {
		return review.Decision{}, brief.Brief{}, brief.Errorf(brief.EInvalid, `decision must be "approve" or "request_changes"; authors submit instead`)
	}
	return s.workflow(ctx, u, id, decision, note)
}

// workflow takes a decision. Each records a named version ("Submitted for
// review 2", "Approved 1", "Changes requested 1") and moves the brief as
// the workflow table says; a supervisor's decision is their last review.
func (s *Store) workflow(ctx context.Context, u brief.User, id, kind, note string) (review.Decision, brief.Brief, error) {
	var d review.Decision
	var b brief.Brief
	var ev []Event
	err := s.tx(ctx, func(tx *sql.Tx) error {
		e, err := review.Event(kind)
		if err != nil {
			return err
		}
		act := brief.ActReview
		if kind == review.DecisionSubmit {
			act = brief.ActSubmit
		}
		r, err := access(tx, u, id, act)
		if err != nil {
			return err
		}
		if err := review.CheckBody("note", note, kind == review.DecisionRequestChanges); err != nil {
			return err
		}
		next, label, err := brief.Transition(r.Status, e)
		if err != nil {
			return err
		}
		var n int64
		if err := tx.QueryRow(`SELECT COUNT(*) + 1 FROM decisions WHERE brief_id = ? AND kind = ?`, id, kind).Scan(&n); err != nil {
			return err
		}
		v, err := s.createVersion(tx, u, id, label+" "+strconv.FormatInt(n, 10), kind)
		if err != nil {
			return err
		}
		now := s.now()
		res, err := tx.Exec(`INSERT INTO decisions (brief_id, user_id, kind, note, version, created_at) VALUES (?, ?, ?, ?, ?, ?)`,
			id, u.ID, kind, note, v.Number, ms(now))
		if err != nil {
			return err
		}
		if err := s.touch(tx, r, e, &ev); err != nil {
			return err
		}
		did, _ := res.LastInsertId()
		d = review.Decision{ID: did, Brief: id, Kind: kind, Note: note, Version: v.ID, Status: next,
			By: brief.Person{ID: u.ID, Name: u.Name}, CreatedAt: fromMS(ms(now))}
		ev = append(ev, Event{Name: EventReview, Brief: id, Data: review.Change{Type: "decision", Action: kind, Decision: &d}})
		r.Status = next
		b, err = loadBrief(tx, r)
		return err
	})
	if err == nil {
		s.publish(ev...)
		// A named version is indexed at once.
		err = s.IndexBrief(ctx, id)
	}
	return d, b, err
}

// Decisions lists a brief's workflow decisions, oldest first.
func (s *Store) Decisions(ctx context.Context, u brief.User, id string) ([]review.Decision, error) {
	list := []review.Decision{}
	err := s.read(ctx, func(tx *sql.Tx) error {
		if _, err := access(tx, u, id, brief.ActRead); err != nil {
			return err
		}
		rows, err := tx.Query(`SELECT d.id, d.kind, d.note, d.version, d.user_id, u.name, d.created_at FROM decisions d
			JOIN users u ON u.id = d.user_id WHERE d.brief_id = ? ORDER BY d.id`, id)
		if err != nil {
			return err
		}
		defer rows.Close()
		status := brief.StatusDraft
		for rows.Next() {
			d := review.Decision{Brief: id}
			var n, at int64
			if err := rows.Scan(&d.ID, &d.Kind, &d.Note, &n, &d.By.ID, &d.By.Name, &at); err != nil {
				return err
			}
			e, _ := review.Event(d.Kind)
			status, _, _ = brief.Transition(status, e)
			d.Version, d.Status, d.CreatedAt = "v"+strconv.FormatInt(n, 10), status, fromMS(at)
			list = append(list, d)
		}
		return rows.Err()
	})
	return list, err
}

// lastReviewed is the named version of a user's last review decision on a
// brief (nil if they made none).
func lastReviewed(tx *sql.Tx, id string, userID int64) (*string, error) {
	var n int64
	err := tx.QueryRow(`SELECT version FROM decisions WHERE brief_id = ? AND user_id = ? AND kind != 'submit' ORDER BY id DESC LIMIT 1`,
		id, userID).Scan(&n)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	v := "v" + strconv.FormatInt(n, 10)
	return &v, nil
}

// Version references that name a review: "lastReviewed" (the caller's last
// review) and "submitted" (the last submission).
const (
	RefLastReviewed = "lastReviewed"
	RefSubmitted    = "submitted"
)

// reviewRef resolves RefLastReviewed and RefSubmitted to a version id;
// other references pass through.
func reviewRef(tx *sql.Tx, id string, userID int64, ref string) (string, error) {
	switch ref {
	case RefLastReviewed:
		v, err := lastReviewed(tx, id, userID)
		if err != nil {
			return "", err
		}
		if v == nil {
			return "", brief.Errorf(brief.ENotFound, "you have not reviewed this brief yet")
		}
		return *v, nil
	case RefSubmitted:
		var n int64
		err := tx.QueryRow(`SELECT version FROM decisions WHERE brief_id = ? AND kind = 'submit' ORDER BY id DESC LIMIT 1`, id).Scan(&n)
		if errors.Is(err, sql.ErrNoRows) {
			return "", brief.Errorf(brief.ENotFound, "the brief has not been submitted for review yet")
		}
		return "v" + strconv.FormatInt(n, 10), err
	}
	return ref, nil
}
