package store

import (
	"database/sql"
	"errors"
	"fmt"

	"briefstudio/internal/brief"
	"briefstudio/internal/review"
)

// anchored is a comment's or suggestion's range as stored.
type anchored struct {
	id      int64
	section string
	quote   string
	a       review.Anchor
}

// liveSection is a section's current text and version (removed ones too:
// their comments stay readable).
type liveSection struct {
	text    string
	version int64
}

func sectionsNow(tx *sql.Tx, id string) (map[string]liveSection, error) {
	rows, err := tx.Query(`SELECT key, text, version FROM sections WHERE brief_id = ?`, id)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[string]liveSection{}
	for rows.Next() {
		var k string
		var s liveSection
		if err := rows.Scan(&k, &s.text, &s.version); err != nil {
			return nil, err
		}
		out[k] = s
	}
	return out, rows.Err()
}

// settle carries ranges of one brief (rows of table, comments or
// suggestions) to their sections' current versions through the edit log,
// and writes back those that moved, so the next reading starts from there.
// Each section's log is read once, from the oldest version any range is at.
func settle(tx *sql.Tx, table, id string, items []*anchored, secs map[string]liveSection) error {
	oldest := map[string]int64{}
	for _, it := range items {
		s, ok := secs[it.section]
		if !ok || it.a.Version >= s.version {
			continue
		}
		if v, seen := oldest[it.section]; !seen || it.a.Version < v {
			oldest[it.section] = it.a.Version
		}
	}
	for key, from := range oldest {
		log, err := editsSince(tx, id, key, from)
		if err != nil {
			return err
		}
		for _, it := range items {
			if it.section != key || it.a.Version >= secs[key].version {
				continue
			}
			if err := it.carry(log, secs[key].text); err != nil {
				return fmt.Errorf("%s %d: %w", table, it.id, err)
			}
			if _, err := tx.Exec(`UPDATE `+table+` SET start_pos = ?, end_pos = ?, at_version = ?, detached = ? WHERE id = ?`,
				it.a.Start, it.a.End, it.a.Version, it.a.Detached, it.id); err != nil {
				return err
			}
		}
	}
	return nil
}

type logEdit struct {
	version int64
	delta   string
}

// editsSince reads a section's edit log after version from.
func editsSince(tx dbtx, id, key string, from int64) ([]logEdit, error) {
	rows, err := tx.Query(`SELECT version, delta FROM edits WHERE brief_id = ? AND section_key = ? AND version > ? ORDER BY version`, id, key, from)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var log []logEdit
	for rows.Next() {
		var e logEdit
		if err := rows.Scan(&e.version, &e.delta); err != nil {
			return nil, err
		}
		log = append(log, e)
	}
	return log, rows.Err()
}

// carry maps the range through the edits of log after its version; text
// is the section after the last of them.
func (it *anchored) carry(log []logEdit, text string) error {
	for _, e := range log {
		if e.version <= it.a.Version {
			continue
		}
		if err := it.a.Forward(e.delta, e.version); err != nil {
			return fmt.Errorf("edit %d: %w", e.version, err)
		}
	}
	it.a.Settle(text, it.quote)
	return nil
}

// anchorAt checks a range given on a section at baseVersion (nil: the
// current version) and returns it carried to the current version, with
// the text it held and the base version.
func anchorAt(tx *sql.Tx, id, key string, start, end int, quote *string, baseVersion *int64) (review.Anchor, string, int64, error) {
	var text string
	var version int64
	err := tx.QueryRow(`SELECT text, version FROM sections WHERE brief_id = ? AND key = ? AND removed_at IS NULL`, id, key).Scan(&text, &version)
	if errors.Is(err, sql.ErrNoRows) {
		return review.Anchor{}, "", 0, brief.Errorf(brief.ENotFound, "section %q not found", key)
	}
	if err != nil {
		return review.Anchor{}, "", 0, err
	}
	base := version
	if baseVersion != nil {
		base = *baseVersion
	}
	if base < 0 || base > version {
		return review.Anchor{}, "", 0, brief.Errorf(brief.EInvalid, "baseVersion %d is not a version of section %q (it is at version %d)", base, key, version)
	}
	then := text
	if base != version {
		if then, err = textAt(tx, id, key, base); err != nil {
			return review.Anchor{}, "", 0, err
		}
	}
	held, err := review.CheckRange(then, start, end, quote)
	if err != nil {
		return review.Anchor{}, "", 0, err
	}
	it := &anchored{section: key, quote: held, a: review.Anchor{Start: start, End: end, Version: base}}
	if base != version {
		log, err := editsSince(tx, id, key, base)
		if err != nil {
			return review.Anchor{}, "", 0, err
		}
		if err := it.carry(log, text); err != nil {
			return review.Anchor{}, "", 0, err
		}
	}
	return it.a, held, base, nil
}
