package store

import (
	"database/sql"
	"errors"
	"fmt"

	"briefstudio/internal/brief"
	"briefstudio/internal/revision"
)

// Edit-log tuning.
const (
	// RevisionQuiet is the pause that closes a revision.
	RevisionQuiet = 60 * 1000 // ms
	// checkpointEvery versions a section's full text is stored, so an old
	// version rebuilds forward in at most that many steps.
	checkpointEvery = 100
)

// writeText stores a section's new text and appends its edit (forward and
// inverse delta) to the log in the same transaction, folding it into the
// brief's open revision or starting a new one. It returns the new version
// and the forward delta logged.
func writeText(tx dbtx, briefID, key, oldText, newText string, oldVersion, authorID, now int64) (int64, string, error) {
	fwd, undo := revision.Deltas(oldText, newText)
	return logText(tx, briefID, key, newText, fwd, undo, oldVersion, authorID, now)
}

// logText is writeText with the deltas known (a live merge made them).
func logText(tx dbtx, briefID, key, newText, fwd, undo string, oldVersion, authorID, now int64) (int64, string, error) {
	v := oldVersion + 1
	res, err := tx.Exec(`UPDATE sections SET text = ?, version = ? WHERE brief_id = ? AND key = ? AND version = ?`,
		newText, v, briefID, key, oldVersion)
	if err != nil {
		return 0, "", err
	}
	if n, _ := res.RowsAffected(); n != 1 {
		return 0, "", brief.Errorf(brief.EConflict, "section %s changed meanwhile", key)
	}
	rev, err := revisionFor(tx, briefID, key, authorID, oldVersion, v, now)
	if err != nil {
		return 0, "", err
	}
	if _, err := tx.Exec(`INSERT INTO edits (brief_id, section_key, version, delta, undo, revision, author_id, at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?)`, briefID, key, v, fwd, undo, rev, authorID, now); err != nil {
		return 0, "", err
	}
	if v%checkpointEvery == 0 {
		if err := checkpoint(tx, briefID, key, v, newText); err != nil {
			return 0, "", err
		}
	}
	return v, fwd, nil
}

func checkpoint(tx dbtx, briefID, key string, version int64, text string) error {
	_, err := tx.Exec(`INSERT OR IGNORE INTO checkpoints (brief_id, section_key, version, text) VALUES (?, ?, ?, ?)`,
		briefID, key, version, text)
	return err
}

// revisionFor extends the brief's last revision with an edit when it is
// open, of the same section and author, and not quiet for RevisionQuiet;
// otherwise it starts the next one.
func revisionFor(tx dbtx, briefID, key string, authorID, from, to, now int64) (int64, error) {
	var number, author, updated int64
	var lastKey string
	var closed bool
	err := tx.QueryRow(`SELECT number, section_key, author_id, updated_at, closed FROM revisions
		WHERE brief_id = ? ORDER BY number DESC LIMIT 1`, briefID).Scan(&number, &lastKey, &author, &updated, &closed)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return 0, err
	}
	if err == nil && !closed && lastKey == key && author == authorID && now-updated <= RevisionQuiet {
		_, err := tx.Exec(`UPDATE revisions SET to_version = ?, updated_at = ? WHERE brief_id = ? AND number = ?`, to, now, briefID, number)
		return number, err
	}
	number++
	_, err = tx.Exec(`INSERT INTO revisions (brief_id, number, section_key, author_id, created_at, updated_at, from_version, to_version)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?)`, briefID, number, key, authorID, now, now, from, to)
	return number, err
}

// closeRevisions closes the brief's open revision, so the next edit starts
// a new one (named versions and workflow events do this).
func closeRevisions(tx *sql.Tx, briefID string) error {
	_, err := tx.Exec(`UPDATE revisions SET closed = 1 WHERE brief_id = ? AND closed = 0`, briefID)
	return err
}

// lastRevision is the number of the brief's latest revision (0 for none).
func lastRevision(tx *sql.Tx, briefID string) (int64, error) {
	var n int64
	err := tx.QueryRow(`SELECT COALESCE(MAX(number), 0) FROM revisions WHERE brief_id = ?`, briefID).Scan(&n)
	return n, err
}

// textAt rebuilds a section's text at a version from the nearest known
// text: backwards from the current text through inverse deltas, or forwards
// from a checkpoint, whichever takes fewer steps.
func textAt(tx dbtx, briefID, key string, version int64) (string, error) {
	var cur string
	var curV int64
	err := tx.QueryRow(`SELECT text, version FROM sections WHERE brief_id = ? AND key = ?`, briefID, key).Scan(&cur, &curV)
	if errors.Is(err, sql.ErrNoRows) {
		return "", brief.Errorf(brief.ENotFound, "section %q not found", key)
	}
	if err != nil {
		return "", err
	}
	if version < 0 || version > curV {
		return "", brief.Errorf(brief.EInvalid, "section %q has no version %d (it is at %d)", key, version, curV)
	}
	if version == curV {
		return cur, nil
	}
	var cpV int64
	var cpText string
	err = tx.QueryRow(`SELECT version, text FROM checkpoints WHERE brief_id = ? AND section_key = ? AND version <= ?
		ORDER BY version DESC LIMIT 1`, briefID, key, version).Scan(&cpV, &cpText)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return "", err
	}
	if version-cpV < curV-version {
		return replay(tx, briefID, key, cpText, cpV, version, `delta`, `version > ? AND version <= ? ORDER BY version`)
	}
	return replay(tx, briefID, key, cur, version, curV, `undo`, `version > ? AND version <= ? ORDER BY version DESC`)
}

// replay applies the log's deltas (column col) of versions in (lo, hi].
func replay(tx dbtx, briefID, key, text string, lo, hi int64, col, where string) (string, error) {
	rows, err := tx.Query(`SELECT version, `+col+` FROM edits WHERE brief_id = ? AND section_key = ? AND `+where, briefID, key, lo, hi)
	if err != nil {
		return "", err
	}
	defer rows.Close()
	n := int64(0)
	for rows.Next() {
		var v int64
		var d string
		if err := rows.Scan(&v, &d); err != nil {
			return "", err
		}
		if text, err = revision.ApplyDelta(text, d); err != nil {
			return "", fmt.Errorf("edit log of %s/%s version %d: %w", briefID, key, v, err)
		}
		n++
	}
	if err := rows.Err(); err != nil {
		return "", err
	}
	if n != hi-lo {
		return "", fmt.Errorf("edit log of %s/%s misses versions between %d and %d", briefID, key, lo, hi)
	}
	return text, nil
}

// sectionRef names a section of a brief.
type sectionRef struct{ brief, section string }

// deltaSince is the delta from a section's text at version base to its
// text at version now (the current one), composed from the edit log and
// held parsed, or empty if the log's deltas do not compose (the texts
// decide then). The
// deltas the live path wrote are held parsed (s.logs), so in a busy room,
// where every edit is some versions behind, an edit costs neither reading
// nor parsing the log since its base. A rolled-back transaction empties
// them (tx), and the merge checks every delta against the texts.
func (s *Store) deltaSince(tx dbtx, briefID, key string, base, now int64) (revision.Run, error) {
	if l := s.logs[sectionRef{briefID, key}]; l != nil {
		if r, ok := l.Run(base, now); ok {
			return r, nil
		}
	}
	log, err := editsSince(tx, briefID, key, base)
	if err != nil {
		return revision.Run{}, err
	}
	deltas := make([]string, len(log))
	for i, e := range log {
		deltas[i] = e.delta
	}
	r, err := revision.ComposeRun(deltas...)
	if err != nil {
		return revision.Run{}, nil // fits no changed text: the texts decide
	}
	return r, nil
}

// logged records a delta the live path committed (under wmu).
func (s *Store) logged(briefID, key string, version int64, forward string) {
	ref := sectionRef{briefID, key}
	l := s.logs[ref]
	if l == nil {
		if s.logs == nil || len(s.logs) >= maxLogs {
			s.logs = map[sectionRef]*revision.DeltaLog{}
		}
		l = &revision.DeltaLog{}
		s.logs[ref] = l
	}
	l.Append(version, forward)
}

// maxLogs bounds the sections whose recent deltas are held.
const maxLogs = 1024
