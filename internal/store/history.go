package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"briefstudio/internal/brief"
	"briefstudio/internal/revision"
)

// Revision is one entry of a brief's history: consecutive edits of one
// section by one author.
type Revision struct {
	Number      int64        `json:"number"`
	Section     string       `json:"section"`
	Author      brief.Person `json:"author"`
	CreatedAt   time.Time    `json:"createdAt"`
	UpdatedAt   time.Time    `json:"updatedAt"`
	FromVersion int64        `json:"fromVersion"`
	ToVersion   int64        `json:"toVersion"`
}

// VersionSection is a section as a named version holds it.
type VersionSection struct {
	Key     string `json:"key"`
	Title   string `json:"title"`
	Version int64  `json:"version"`
}

// Version is a named version ("v12"): every section's version at a moment.
type Version struct {
	ID        string           `json:"id"`
	Number    int64            `json:"number"`
	Label     string           `json:"label"`
	Kind      string           `json:"kind"` // manual, submit, approve, request_changes
	Revision  int64            `json:"revision"`
	CreatedBy brief.Person     `json:"createdBy"`
	CreatedAt time.Time        `json:"createdAt"`
	Sections  []VersionSection `json:"sections"`
}

// Revisions lists a brief's revisions, newest first.
func (s *Store) Revisions(ctx context.Context, u brief.User, id string) ([]Revision, error) {
	list := []Revision{}
	err := s.read(ctx, func(tx *sql.Tx) error {
		if _, err := access(tx, u, id, brief.ActRead); err != nil {
			return err
		}
		rows, err := tx.Query(`SELECT r.number, r.section_key, r.author_id, u.name, r.created_at, r.updated_at, r.from_version, r.to_version
			FROM revisions r JOIN users u ON u.id = r.author_id WHERE r.brief_id = ? ORDER BY r.number DESC`, id)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var r Revision
			var created, updated int64
			if err := rows.Scan(&r.Number, &r.Section, &r.Author.ID, &r.Author.Name, &created, &updated, &r.FromVersion, &r.ToVersion); err != nil {
				return err
			}
			r.CreatedAt, r.UpdatedAt = fromMS(created), fromMS(updated)
			list = append(list, r)
		}
		return rows.Err()
	})
	return list, err
}

// CreateVersion names the brief's current state (authors). It closes the
// open revision and brings the search index up to date at once.
func (s *Store) CreateVersion(ctx context.Context, u brief.User, id, label string) (Version, error) {
	label = strings.Join(strings.Fields(label), " ")
	if label == "" {
		return Version{}, brief.Errorf(brief.EInvalid, "label is required")
	}
	if !utf8.ValidString(label) || utf8.RuneCountInString(label) > 200 {
		return Version{}, brief.Errorf(brief.EInvalid, "label must be valid text of at most 200 characters")
	}
	var v Version
	err := s.tx(ctx, func(tx *sql.Tx) error {
		if _, err := access(tx, u, id, brief.ActEdit); err != nil {
			return err
		}
		var err error
		v, err = s.createVersion(tx, u, id, label, "manual")
		return err
	})
	if err != nil {
		return v, err
	}
	return v, s.IndexBrief(ctx, id)
}

// createVersion records a named version inside a transaction (workflow
// events use it too).
func (s *Store) createVersion(tx *sql.Tx, u brief.User, id, label, kind string) (Version, error) {
	if err := closeRevisions(tx, id); err != nil {
		return Version{}, err
	}
	rows, err := tx.Query(`SELECT key, title, version, text FROM sections WHERE brief_id = ? AND removed_at IS NULL ORDER BY position, key`, id)
	if err != nil {
		return Version{}, err
	}
	secs := []VersionSection{}
	texts := []string{}
	for rows.Next() {
		var vs VersionSection
		var text string
		if err := rows.Scan(&vs.Key, &vs.Title, &vs.Version, &text); err != nil {
			rows.Close()
			return Version{}, err
		}
		secs = append(secs, vs)
		texts = append(texts, text)
	}
	rows.Close()
	// Named versions are few and often compared: keep their full texts.
	for i, vs := range secs {
		if vs.Version > 0 {
			if err := checkpoint(tx, id, vs.Key, vs.Version, texts[i]); err != nil {
				return Version{}, err
			}
		}
	}
	rev, err := lastRevision(tx, id)
	if err != nil {
		return Version{}, err
	}
	var n int64
	if err := tx.QueryRow(`SELECT COALESCE(MAX(number), 0) + 1 FROM versions WHERE brief_id = ?`, id).Scan(&n); err != nil {
		return Version{}, err
	}
	js, _ := json.Marshal(secs)
	now := s.now()
	if _, err := tx.Exec(`INSERT INTO versions (brief_id, number, label, kind, sections, revision, created_by, created_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?)`, id, n, label, kind, string(js), rev, u.ID, ms(now)); err != nil {
		return Version{}, err
	}
	return Version{ID: "v" + strconv.FormatInt(n, 10), Number: n, Label: label, Kind: kind, Revision: rev,
		CreatedBy: brief.Person{ID: u.ID, Name: u.Name}, CreatedAt: fromMS(ms(now)), Sections: secs}, nil
}

// Versions lists a brief's named versions, newest first.
func (s *Store) Versions(ctx context.Context, u brief.User, id string) ([]Version, error) {
	list := []Version{}
	err := s.read(ctx, func(tx *sql.Tx) error {
		if _, err := access(tx, u, id, brief.ActRead); err != nil {
			return err
		}
		rows, err := tx.Query(`SELECT v.number, v.label, v.kind, v.sections, v.revision, v.created_by, u.name, v.created_at
			FROM versions v JOIN users u ON u.id = v.created_by WHERE v.brief_id = ? ORDER BY v.number DESC`, id)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			v, err := scanVersion(rows)
			if err != nil {
				return err
			}
			list = append(list, v)
		}
		return rows.Err()
	})
	return list, err
}

func scanVersion(row interface{ Scan(...any) error }) (Version, error) {
	var v Version
	var secs string
	var created int64
	if err := row.Scan(&v.Number, &v.Label, &v.Kind, &secs, &v.Revision, &v.CreatedBy.ID, &v.CreatedBy.Name, &created); err != nil {
		return v, err
	}
	v.ID, v.CreatedAt = "v"+strconv.FormatInt(v.Number, 10), fromMS(created)
	return v, json.Unmarshal([]byte(secs), &v.Sections)
}

// state is a brief at some moment: its outline and each section's version.
type state struct {
	outline  []VersionSection
	versions map[string]int64 // every section key that existed, live or not
}

// resolveState turns a reference into a state: "current", a named version
// "v12", or a revision number "7" (the brief just after that revision).
func resolveState(tx *sql.Tx, id, ref string) (state, error) {
	ref = strings.TrimSpace(ref)
	st := state{versions: map[string]int64{}}
	switch {
	case ref == "" || ref == "current":
		rows, err := tx.Query(`SELECT key, title, version, removed_at IS NOT NULL FROM sections WHERE brief_id = ? ORDER BY position, key`, id)
		if err != nil {
			return st, err
		}
		defer rows.Close()
		for rows.Next() {
			var vs VersionSection
			var removed bool
			if err := rows.Scan(&vs.Key, &vs.Title, &vs.Version, &removed); err != nil {
				return st, err
			}
			if !removed {
				st.outline = append(st.outline, vs)
			}
			st.versions[vs.Key] = vs.Version
		}
		return st, rows.Err()
	case ref[0] == 'v' || ref[0] == 'V':
		n, err := strconv.ParseInt(ref[1:], 10, 64)
		if err != nil {
			return st, brief.Errorf(brief.EInvalid, "%q is not a version id (like v12), a revision number or current", ref)
		}
		v, err := scanVersion(tx.QueryRow(`SELECT v.number, v.label, v.kind, v.sections, v.revision, v.created_by, u.name, v.created_at
			FROM versions v JOIN users u ON u.id = v.created_by WHERE v.brief_id = ? AND v.number = ?`, id, n))
		if errors.Is(err, sql.ErrNoRows) {
			return st, brief.Errorf(brief.ENotFound, "version %s not found", ref)
		}
		if err != nil {
			return st, err
		}
		st.outline = v.Sections
		for _, s := range v.Sections {
			st.versions[s.Key] = s.Version
		}
		return st, nil
	}
	n, err := strconv.ParseInt(ref, 10, 64)
	if err != nil || n < 0 {
		return st, brief.Errorf(brief.EInvalid, "%q is not a version id (like v12), a revision number or current", ref)
	}
	var last int64
	if err := tx.QueryRow(`SELECT COALESCE(MAX(number), 0) FROM revisions WHERE brief_id = ?`, id).Scan(&last); err != nil {
		return st, err
	}
	if n > last {
		return st, brief.Errorf(brief.ENotFound, "revision %d not found (the latest is %d)", n, last)
	}
	rows, err := tx.Query(`SELECT section_key, MAX(version) FROM edits WHERE brief_id = ? AND revision <= ? GROUP BY section_key`, id, n)
	if err != nil {
		return st, err
	}
	for rows.Next() {
		var k string
		var v int64
		if err := rows.Scan(&k, &v); err != nil {
			rows.Close()
			return st, err
		}
		st.versions[k] = v
	}
	rows.Close()
	var js string
	err = tx.QueryRow(`SELECT outline FROM outlines WHERE brief_id = ? AND after_revision <= ? ORDER BY id DESC LIMIT 1`, id, n).Scan(&js)
	if errors.Is(err, sql.ErrNoRows) {
		// A brief created with text (import, duplicate) logs its first
		// edits before its first outline: that outline is theirs too.
		err = tx.QueryRow(`SELECT outline FROM outlines WHERE brief_id = ? ORDER BY id LIMIT 1`, id).Scan(&js)
	}
	if err != nil {
		return st, err
	}
	var slots []brief.SectionSlot
	if err := json.Unmarshal([]byte(js), &slots); err != nil {
		return st, err
	}
	for _, sl := range slots {
		st.outline = append(st.outline, VersionSection{Key: sl.Key, Title: sl.Title, Version: st.versions[sl.Key]})
		if _, ok := st.versions[sl.Key]; !ok {
			st.versions[sl.Key] = 0
		}
	}
	return st, nil
}

// SectionDiff is one section's part of a diff.
type SectionDiff struct {
	Key      string        `json:"key"`
	Title    string        `json:"title"`
	Status   string        `json:"status"` // same, changed, added, removed
	OldTitle string        `json:"oldTitle,omitempty"`
	OldIndex *int          `json:"oldIndex,omitempty"`
	Ops      []revision.Op `json:"ops"`
}

// Diff compares two states of a brief section by section, with word diffs.
func (s *Store) Diff(ctx context.Context, u brief.User, id, from, to string) ([]SectionDiff, error) {
	var out []SectionDiff
	err := s.read(ctx, func(tx *sql.Tx) error {
		_, err := access(tx, u, id, brief.ActRead)
		if err != nil {
			return err
		}
		if from, err = reviewRef(tx, id, u.ID, from); err != nil {
			return err
		}
		if to, err = reviewRef(tx, id, u.ID, to); err != nil {
			return err
		}
		a, err := resolveState(tx, id, from)
		if err != nil {
			return err
		}
		b, err := resolveState(tx, id, to)
		if err != nil {
			return err
		}
		out, err = diffStates(tx, id, a, b)
		return err
	})
	return out, err
}

func diffStates(tx *sql.Tx, id string, a, b state) ([]SectionDiff, error) {
	oldIndex := map[string]int{}
	for i, s := range a.outline {
		oldIndex[s.Key] = i
	}
	inB := map[string]bool{}
	for _, s := range b.outline {
		inB[s.Key] = true
	}
	out := []SectionDiff{}
	emit := func(d SectionDiff) { out = append(out, d) }
	// Removed sections go where they stood: after the section that preceded
	// them in the old outline.
	removedAfter := map[string][]VersionSection{}
	var leading []VersionSection
	prev := ""
	for _, s := range a.outline {
		if !inB[s.Key] {
			if prev == "" {
				leading = append(leading, s)
			} else {
				removedAfter[prev] = append(removedAfter[prev], s)
			}
			continue
		}
		prev = s.Key
	}
	removed := func(list []VersionSection) error {
		for _, s := range list {
			text, err := textAt(tx, id, s.Key, s.Version)
			if err != nil {
				return err
			}
			i := oldIndex[s.Key]
			emit(SectionDiff{Key: s.Key, Title: s.Title, Status: "removed", OldIndex: &i, Ops: opsOf("delete", text)})
		}
		return nil
	}
	if err := removed(leading); err != nil {
		return nil, err
	}
	for i, s := range b.outline {
		newText, err := textAt(tx, id, s.Key, s.Version)
		if err != nil {
			return nil, err
		}
		oi, existed := oldIndex[s.Key]
		d := SectionDiff{Key: s.Key, Title: s.Title}
		if !existed {
			d.Status, d.Ops = "added", opsOf("insert", newText)
		} else {
			oldV := a.versions[s.Key]
			oldText := newText
			if oldV != s.Version {
				if oldText, err = textAt(tx, id, s.Key, oldV); err != nil {
					return nil, err
				}
			}
			d.Status, d.Ops = "same", opsOf("equal", newText)
			if oldText != newText {
				d.Status, d.Ops = "changed", revision.WordDiff(oldText, newText)
			}
			if old := a.outline[oi].Title; old != s.Title {
				d.OldTitle = old
			}
			if oi != i {
				d.OldIndex = &oi
			}
		}
		emit(d)
		if err := removed(removedAfter[s.Key]); err != nil {
			return nil, err
		}
	}
	return out, nil
}

func opsOf(op, text string) []revision.Op {
	if text == "" {
		return []revision.Op{}
	}
	return []revision.Op{{Op: op, Text: text}}
}

// Restore brings a brief back to a named version or revision with new
// edits (history keeps everything): texts, section titles and order;
// sections added since are removed, removed ones come back. It returns the
// sections it wrote.
func (s *Store) Restore(ctx context.Context, u brief.User, id, ref string) ([]VersionSection, error) {
	var written []VersionSection
	ev := []Event{{Name: EventOutlineChanged, Brief: id}}
	err := s.tx(ctx, func(tx *sql.Tx) error {
		r, err := access(tx, u, id, brief.ActEdit)
		if err != nil {
			return err
		}
		target, err := resolveState(tx, id, ref)
		if err != nil {
			return err
		}
		cur, err := resolveState(tx, id, "current")
		if err != nil {
			return err
		}
		if err := closeRevisions(tx, id); err != nil {
			return err
		}
		now := ms(s.now())
		live := map[string]bool{}
		for _, c := range cur.outline {
			live[c.Key] = true
		}
		want := map[string]bool{}
		for i, t := range target.outline {
			want[t.Key] = true
			if _, err := tx.Exec(`UPDATE sections SET removed_at = NULL, title = ?, position = ? WHERE brief_id = ? AND key = ?`,
				t.Title, i, id, t.Key); err != nil {
				return err
			}
			old, err := textAt(tx, id, t.Key, t.Version)
			if err != nil {
				return err
			}
			var text string
			var v int64
			if err := tx.QueryRow(`SELECT text, version FROM sections WHERE brief_id = ? AND key = ?`, id, t.Key).Scan(&text, &v); err != nil {
				return err
			}
			if text != old {
				nv, _, err := writeText(tx, id, t.Key, text, old, v, u.ID, now)
				if err != nil {
					return err
				}
				written = append(written, VersionSection{Key: t.Key, Title: t.Title, Version: nv})
			}
		}
		for k := range live {
			if !want[k] {
				if _, err := tx.Exec(`UPDATE sections SET removed_at = ? WHERE brief_id = ? AND key = ?`, now, id, k); err != nil {
					return err
				}
			}
		}
		if err := renumber(tx, id); err != nil {
			return err
		}
		if err := logOutline(tx, id, u.ID, now); err != nil {
			return err
		}
		if err := closeRevisions(tx, id); err != nil {
			return err
		}
		return s.touch(tx, r, brief.EventTextChange, &ev)
	})
	if written == nil {
		written = []VersionSection{}
	}
	if err == nil {
		for _, w := range written {
			ev = append(ev, Event{Name: EventSectionChanged, Brief: id, Section: w.Key, Version: w.Version})
		}
		s.publish(ev...)
	}
	return written, err
}
