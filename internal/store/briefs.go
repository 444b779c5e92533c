package store

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"briefstudio/internal/brief"
	"briefstudio/internal/revision"
)

// NewBrief is what creating a brief takes. Sections, when given, replace the
// template's (import, duplicate); their text is logged as each one's first edit.
type NewBrief struct {
	Type     string
	Title    string
	Metadata brief.Metadata
	Sections []brief.Section
}

// Patch changes a brief's title, metadata (a JSON object whose fields replace
// the stored ones) and outline (the live sections' keys in their new order,
// with optional new titles).
type Patch struct {
	Title    *string
	Metadata json.RawMessage
	Sections []brief.SectionSlot
}

// SectionWrite is the answer to a section PUT.
type SectionWrite struct {
	Version   int64            `json:"version"`
	Text      string           `json:"text"`
	Merged    bool             `json:"merged"`
	Conflicts []brief.Conflict `json:"conflicts"`
	// For live clients: the delta from the writer's text to Text, and the
	// logged delta from the previous version (when one was written).
	ack, forward string
}

// briefRow is a brief's row and the caller's standing on it.
type briefRow struct {
	ID, Type, Title string
	Status          brief.Status
	Metadata        brief.Metadata
	CreatedAt       time.Time
	UpdatedAt       time.Time
	Archived        bool
	Member          brief.MemberRole
	UserID          int64 // the caller's
}

// access loads a brief for a user and checks that they may act on it. An
// archived brief exists only for admins.
func access(tx dbtx, u brief.User, id string, act brief.Action) (briefRow, error) {
	var r briefRow
	var meta string
	var created, updated int64
	var archived sql.NullInt64
	var member sql.NullString
	err := tx.QueryRow(`SELECT b.id, b.type, b.title, b.status, b.metadata, b.created_at, b.updated_at, b.archived_at, m.role
		FROM briefs b LEFT JOIN members m ON m.brief_id = b.id AND m.user_id = ? WHERE b.id = ?`, u.ID, id).
		Scan(&r.ID, &r.Type, &r.Title, &r.Status, &meta, &created, &updated, &archived, &member)
	if errors.Is(err, sql.ErrNoRows) {
		return r, brief.Errorf(brief.ENotFound, "brief not found")
	}
	if err != nil {
		return r, err
	}
	r.CreatedAt, r.UpdatedAt, r.Archived = fromMS(created), fromMS(updated), archived.Valid
	r.Member, r.UserID = brief.MemberRole(member.String), u.ID
	if r.Archived && u.Role != brief.RoleAdmin {
		return r, brief.Errorf(brief.ENotFound, "brief not found")
	}
	if err := json.Unmarshal([]byte(meta), &r.Metadata); err != nil {
		return r, fmt.Errorf("brief %s metadata: %w", id, err)
	}
	return r, brief.Authorize(u.Actor(r.Member), act)
}

// Authorize checks that u may do act on brief id (for transports that act
// outside the store, such as the websocket and the PDF export).
func (s *Store) Authorize(ctx context.Context, u brief.User, id string, act brief.Action) (brief.MemberRole, error) {
	var m brief.MemberRole
	err := s.read(ctx, func(tx *sql.Tx) error {
		r, err := access(tx, u, id, act)
		m = r.Member
		return err
	})
	return m, err
}

var idAlphabet = []byte("abcdefghijkmnpqrstuvwxyz23456789")

// newID makes a brief id: 12 characters, 60 random bits, no look-alikes.
func newID() string {
	b := make([]byte, 12)
	rand.Read(b)
	for i := range b {
		b[i] = idAlphabet[int(b[i])%len(idAlphabet)]
	}
	return string(b)
}

// CreateBrief creates a brief from a template; the creator becomes its author.
func (s *Store) CreateBrief(ctx context.Context, u brief.User, in NewBrief) (brief.Brief, error) {
	if err := brief.Authorize(u.Actor(brief.MemberNone), brief.ActCreate); err != nil {
		return brief.Brief{}, err
	}
	t, err := brief.TemplateFor(in.Type)
	if err != nil {
		return brief.Brief{}, err
	}
	if in.Title, err = brief.ValidateTitle(in.Title); err != nil {
		return brief.Brief{}, err
	}
	if in.Metadata, err = in.Metadata.Normalize(); err != nil {
		return brief.Brief{}, err
	}
	if in.Metadata.Series == "" {
		in.Metadata.Series = t.Series
	}
	sections := in.Sections
	if sections == nil {
		for _, slot := range t.Sections {
			sections = append(sections, brief.Section{Key: slot.Key, Title: slot.Title})
		}
	}
	id := newID()
	err = s.tx(ctx, func(tx *sql.Tx) error {
		return s.insertBrief(tx, u, id, in.Type, in.Title, in.Metadata, sections)
	})
	if err != nil {
		return brief.Brief{}, err
	}
	return s.Brief(ctx, u, id)
}

func (s *Store) insertBrief(tx *sql.Tx, u brief.User, id, typ, title string, meta brief.Metadata, sections []brief.Section) error {
	now := ms(s.now())
	metaJSON, err := json.Marshal(meta)
	if err != nil {
		return err
	}
	if _, err := tx.Exec(`INSERT INTO briefs (id, type, title, status, metadata, created_by, created_at, updated_at)
		VALUES (?, ?, ?, 'draft', ?, ?, ?, ?)`, id, typ, title, string(metaJSON), u.ID, now, now); err != nil {
		return err
	}
	if _, err := tx.Exec(`INSERT INTO members (brief_id, user_id, role, added_at) VALUES (?, ?, 'author', ?)`, id, u.ID, now); err != nil {
		return err
	}
	used := map[string]bool{}
	for i, sec := range sections {
		title, err := brief.ValidateSectionTitle(sec.Title)
		if err != nil {
			return err
		}
		if err := brief.ValidateSectionText(sec.Text); err != nil {
			return err
		}
		key := uniqueKey(sec.Key, title, used)
		if _, err := tx.Exec(`INSERT INTO sections (brief_id, key, title, position) VALUES (?, ?, ?, ?)`, id, key, title, i); err != nil {
			return err
		}
		if sec.Text != "" {
			if _, _, err := writeText(tx, id, key, "", sec.Text, 0, u.ID, now); err != nil {
				return err
			}
		}
	}
	if err := markDirty(tx, id, now); err != nil {
		return err
	}
	return logOutline(tx, id, u.ID, now)
}

// uniqueKey picks a section key not in used (want, else the title's slug,
// with -2, -3 ... on a clash) and records it.
func uniqueKey(want, title string, used map[string]bool) string {
	base := brief.Slug(want)
	if want == "" {
		base = brief.Slug(title)
	}
	key := base
	for n := 2; used[key]; n++ {
		key = fmt.Sprintf("%s-%d", base, n)
	}
	used[key] = true
	return key
}

// logOutline appends the brief's current outline to the outline log.
func logOutline(tx *sql.Tx, briefID string, authorID, now int64) error {
	slots, err := outline(tx, briefID)
	if err != nil {
		return err
	}
	js, err := json.Marshal(slots)
	if err != nil {
		return err
	}
	rev, err := lastRevision(tx, briefID)
	if err != nil {
		return err
	}
	_, err = tx.Exec(`INSERT INTO outlines (brief_id, outline, author_id, at, after_revision) VALUES (?, ?, ?, ?, ?)`,
		briefID, string(js), authorID, now, rev)
	return err
}

func outline(tx *sql.Tx, briefID string) ([]brief.SectionSlot, error) {
	rows, err := tx.Query(`SELECT key, title FROM sections WHERE brief_id = ? AND removed_at IS NULL ORDER BY position, key`, briefID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	slots := []brief.SectionSlot{}
	for rows.Next() {
		var s brief.SectionSlot
		if err := rows.Scan(&s.Key, &s.Title); err != nil {
			return nil, err
		}
		slots = append(slots, s)
	}
	return slots, rows.Err()
}

// Brief returns a brief as the API gives it.
func (s *Store) Brief(ctx context.Context, u brief.User, id string) (brief.Brief, error) {
	var b brief.Brief
	err := s.tx(ctx, func(tx *sql.Tx) error {
		r, err := access(tx, u, id, brief.ActRead)
		if err != nil {
			return err
		}
		b, err = loadBrief(tx, r)
		return err
	})
	return b, err
}

func loadBrief(tx *sql.Tx, r briefRow) (brief.Brief, error) {
	b := brief.Brief{ID: r.ID, Type: r.Type, Title: r.Title, Status: r.Status, Metadata: r.Metadata,
		CreatedAt: r.CreatedAt, UpdatedAt: r.UpdatedAt, Archived: r.Archived, Role: string(r.Member),
		Sections: []brief.Section{}}
	rows, err := tx.Query(`SELECT key, title, text, version FROM sections WHERE brief_id = ? AND removed_at IS NULL ORDER BY position, key`, r.ID)
	if err != nil {
		return b, err
	}
	defer rows.Close()
	for rows.Next() {
		var sec brief.Section
		if err := rows.Scan(&sec.Key, &sec.Title, &sec.Text, &sec.Version); err != nil {
			return b, err
		}
		b.Sections = append(b.Sections, sec)
	}
	if err := rows.Err(); err != nil {
		return b, err
	}
	rows.Close()
	if b.LastReviewedVersion, err = lastReviewed(tx, r.ID, r.UserID); err != nil {
		return b, err
	}
	open, err := conflicts(tx, r.ID)
	if err != nil {
		return b, err
	}
	for _, c := range open {
		for i := range b.Sections {
			if b.Sections[i].Key == c.Section {
				b.Sections[i].Conflicts = append(b.Sections[i].Conflicts, c)
			}
		}
	}
	return b, nil
}

// ListBriefs lists the briefs a user is a member of (admins: all), newest
// change first; archived ones only for admins who ask. Each carries its
// open review items and whether it changed since the caller's last review.
func (s *Store) ListBriefs(ctx context.Context, u brief.User, archived bool) ([]brief.Summary, error) {
	q := `SELECT b.id, b.type, b.title, b.status, COALESCE(m.role, ''), b.created_at, b.updated_at, b.archived_at IS NOT NULL,
		(SELECT COUNT(*) FROM comments c WHERE c.brief_id = b.id AND c.parent_id IS NULL AND c.deleted_at IS NULL AND c.resolved_at IS NULL),
		(SELECT COUNT(*) FROM suggestions g WHERE g.brief_id = b.id AND g.status = 'open'),
		(SELECT d.version FROM decisions d WHERE d.brief_id = b.id AND d.user_id = ? AND d.kind != 'submit' ORDER BY d.id DESC LIMIT 1)
		FROM briefs b LEFT JOIN members m ON m.brief_id = b.id AND m.user_id = ?
		WHERE (m.user_id IS NOT NULL OR ?) AND (b.archived_at IS NULL OR ?)
		ORDER BY b.updated_at DESC, b.id`
	admin := u.Role == brief.RoleAdmin
	list := []brief.Summary{}
	err := s.read(ctx, func(tx *sql.Tx) error {
		rows, err := tx.Query(q, u.ID, u.ID, admin, admin && archived)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var b brief.Summary
			var created, updated int64
			var reviewed sql.NullInt64
			if err := rows.Scan(&b.ID, &b.Type, &b.Title, &b.Status, &b.Role, &created, &updated, &b.Archived,
				&b.OpenComments, &b.OpenSuggestions, &reviewed); err != nil {
				return err
			}
			b.CreatedAt, b.UpdatedAt = fromMS(created), fromMS(updated)
			if reviewed.Valid {
				v := "v" + strconv.FormatInt(reviewed.Int64, 10)
				b.LastReviewedVersion = &v
			}
			list = append(list, b)
		}
		if err := rows.Err(); err != nil {
			return err
		}
		rows.Close()
		for i := range list {
			if list[i].LastReviewedVersion == nil {
				continue
			}
			if list[i].ChangedSinceReview, err = changedSince(tx, list[i].ID, *list[i].LastReviewedVersion); err != nil {
				return err
			}
		}
		return nil
	})
	return list, err
}

// changedSince says whether a brief's sections (text, titles, order)
// differ from a named version's.
func changedSince(tx *sql.Tx, id, ref string) (bool, error) {
	then, err := resolveState(tx, id, ref)
	if err != nil {
		return false, err
	}
	now, err := resolveState(tx, id, "current")
	if err != nil {
		return false, err
	}
	return !slices.Equal(then.outline, now.outline), nil
}

// touch records a change to a brief: its updated time, and the workflow
// transition the event causes (an approved brief that changes is a draft).
func (s *Store) touch(tx dbtx, r briefRow, e brief.Event, ev *[]Event) error {
	next, _, err := brief.Transition(r.Status, e)
	if err != nil {
		return err
	}
	if next != r.Status || e == brief.EventMetadataChange {
		*ev = append(*ev, Event{Name: EventBriefChanged, Brief: r.ID})
	}
	now := ms(s.now())
	if _, err = tx.Exec(`UPDATE briefs SET updated_at = ?, status = ? WHERE id = ?`, now, next, r.ID); err != nil {
		return err
	}
	return markDirty(tx, r.ID, now)
}

// PatchBrief changes title, metadata and outline in one transaction.
func (s *Store) PatchBrief(ctx context.Context, u brief.User, id string, p Patch) (brief.Brief, error) {
	var b brief.Brief
	var ev []Event
	err := s.tx(ctx, func(tx *sql.Tx) error {
		r, err := access(tx, u, id, brief.ActEdit)
		if err != nil {
			return err
		}
		if p.Title != nil {
			if r.Title, err = brief.ValidateTitle(*p.Title); err != nil {
				return err
			}
		}
		if len(p.Metadata) > 0 && string(p.Metadata) != "null" {
			if r.Metadata, err = mergeMetadata(r.Metadata, p.Metadata); err != nil {
				return err
			}
		}
		metaJSON, err := json.Marshal(r.Metadata)
		if err != nil {
			return err
		}
		if _, err := tx.Exec(`UPDATE briefs SET title = ?, metadata = ? WHERE id = ?`, r.Title, string(metaJSON), id); err != nil {
			return err
		}
		if p.Sections != nil {
			if err := s.reorder(tx, u, id, p.Sections); err != nil {
				return err
			}
			ev = append(ev, Event{Name: EventOutlineChanged, Brief: id})
		}
		if err := s.touch(tx, r, brief.EventMetadataChange, &ev); err != nil {
			return err
		}
		r, err = access(tx, u, id, brief.ActRead)
		if err != nil {
			return err
		}
		b, err = loadBrief(tx, r)
		return err
	})
	if err == nil {
		s.publish(ev...)
	}
	return b, err
}

// mergeMetadata overlays the fields of patch (a JSON object) on m.
func mergeMetadata(m brief.Metadata, patch json.RawMessage) (brief.Metadata, error) {
	var fields map[string]json.RawMessage
	if err := json.Unmarshal(patch, &fields); err != nil {
		return m, brief.Errorf(brief.EInvalid, "metadata must be a JSON object: %v", err)
	}
	cur, _ := json.Marshal(m)
	var merged map[string]json.RawMessage
	json.Unmarshal(cur, &merged)
	for k, v := range fields {
		if _, ok := merged[k]; !ok {
			return m, brief.Errorf(brief.EInvalid, "unknown metadata field %q", k)
		}
		merged[k] = v
	}
	all, _ := json.Marshal(merged)
	var out brief.Metadata
	if err := json.Unmarshal(all, &out); err != nil {
		return m, brief.Errorf(brief.EInvalid, "metadata: %v", err)
	}
	return out.Normalize()
}

// reorder applies a new outline: the same live keys, new order and titles.
func (s *Store) reorder(tx *sql.Tx, u brief.User, id string, slots []brief.SectionSlot) error {
	cur, err := outline(tx, id)
	if err != nil {
		return err
	}
	live := map[string]bool{}
	for _, c := range cur {
		live[c.Key] = true
	}
	seen := map[string]bool{}
	for _, sl := range slots {
		if !live[sl.Key] {
			return brief.Errorf(brief.EInvalid, "sections: %q is not a section of this brief", sl.Key)
		}
		if seen[sl.Key] {
			return brief.Errorf(brief.EInvalid, "sections: %q is listed twice", sl.Key)
		}
		seen[sl.Key] = true
	}
	if len(seen) != len(live) {
		return brief.Errorf(brief.EInvalid, "sections must list every section of the brief (%d), not %d", len(live), len(seen))
	}
	for i, sl := range slots {
		if sl.Title != "" {
			title, err := brief.ValidateSectionTitle(sl.Title)
			if err != nil {
				return err
			}
			if _, err := tx.Exec(`UPDATE sections SET title = ? WHERE brief_id = ? AND key = ?`, title, id, sl.Key); err != nil {
				return err
			}
		}
		if _, err := tx.Exec(`UPDATE sections SET position = ? WHERE brief_id = ? AND key = ?`, i, id, sl.Key); err != nil {
			return err
		}
	}
	return logOutline(tx, id, u.ID, ms(s.now()))
}

// ArchiveBrief archives (soft-deletes) a brief.
func (s *Store) ArchiveBrief(ctx context.Context, u brief.User, id string) error {
	err := s.tx(ctx, func(tx *sql.Tx) error {
		if _, err := access(tx, u, id, brief.ActArchive); err != nil {
			return err
		}
		_, err := tx.Exec(`UPDATE briefs SET archived_at = ? WHERE id = ? AND archived_at IS NULL`, ms(s.now()), id)
		return err
	})
	if err == nil {
		s.publish(Event{Name: EventBriefArchived, Brief: id})
	}
	return err
}

// UnarchiveBrief brings an archived brief back (admins).
func (s *Store) UnarchiveBrief(ctx context.Context, u brief.User, id string) (brief.Brief, error) {
	err := s.tx(ctx, func(tx *sql.Tx) error {
		// Only admins see archived briefs, so others get not_found here.
		if _, err := access(tx, u, id, brief.ActRead); err != nil {
			return err
		}
		if err := brief.Authorize(u.Actor(brief.MemberNone), brief.ActAdminister); err != nil {
			return err
		}
		_, err := tx.Exec(`UPDATE briefs SET archived_at = NULL WHERE id = ?`, id)
		return err
	})
	if err != nil {
		return brief.Brief{}, err
	}
	return s.Brief(ctx, u, id)
}

// DuplicateBrief copies a brief's title, metadata and sections into a new
// draft whose author is the caller.
func (s *Store) DuplicateBrief(ctx context.Context, u brief.User, id string) (brief.Brief, error) {
	var src brief.Brief
	err := s.tx(ctx, func(tx *sql.Tx) error {
		r, err := access(tx, u, id, brief.ActArchive)
		if err != nil {
			return err
		}
		src, err = loadBrief(tx, r)
		return err
	})
	if err != nil {
		return brief.Brief{}, err
	}
	title := "Copy of " + src.Title
	if r := []rune(title); len(r) > brief.MaxTitle {
		title = string(r[:brief.MaxTitle])
	}
	for i := range src.Sections {
		src.Sections[i].Version = 0
	}
	return s.CreateBrief(ctx, u, NewBrief{Type: src.Type, Title: title, Metadata: src.Metadata, Sections: src.Sections})
}

// AddSection adds a section after the one keyed after ("" = at the end).
func (s *Store) AddSection(ctx context.Context, u brief.User, id, title, after string) (brief.Section, error) {
	var sec brief.Section
	ev := []Event{{Name: EventOutlineChanged, Brief: id}}
	err := s.tx(ctx, func(tx *sql.Tx) error {
		r, err := access(tx, u, id, brief.ActEdit)
		if err != nil {
			return err
		}
		if title, err = brief.ValidateSectionTitle(title); err != nil {
			return err
		}
		cur, err := outline(tx, id)
		if err != nil {
			return err
		}
		pos := len(cur)
		if after != "" {
			pos = -1
			for i, c := range cur {
				if c.Key == after {
					pos = i + 1
				}
			}
			if pos < 0 {
				return brief.Errorf(brief.ENotFound, "section %q not found", after)
			}
		}
		used := map[string]bool{}
		keys, err := tx.Query(`SELECT key FROM sections WHERE brief_id = ?`, id)
		if err != nil {
			return err
		}
		for keys.Next() {
			var k string
			keys.Scan(&k)
			used[k] = true
		}
		keys.Close()
		sec = brief.Section{Key: uniqueKey("", title, used), Title: title}
		if _, err := tx.Exec(`UPDATE sections SET position = position + 1 WHERE brief_id = ? AND removed_at IS NULL AND position >= ?`, id, pos); err != nil {
			return err
		}
		if _, err := tx.Exec(`INSERT INTO sections (brief_id, key, title, position) VALUES (?, ?, ?, ?)`, id, sec.Key, title, pos); err != nil {
			return err
		}
		return s.outlineChanged(tx, u, r, &ev)
	})
	if err == nil {
		s.publish(ev...)
	}
	return sec, err
}

// outlineChanged records a change of the list of sections: positions made
// 0..n-1 again, the outline logged, the brief touched.
func (s *Store) outlineChanged(tx *sql.Tx, u brief.User, r briefRow, ev *[]Event) error {
	if err := renumber(tx, r.ID); err != nil {
		return err
	}
	if err := logOutline(tx, r.ID, u.ID, ms(s.now())); err != nil {
		return err
	}
	return s.touch(tx, r, brief.EventMetadataChange, ev)
}

// renumber makes live sections' positions 0..n-1 in their current order.
func renumber(tx *sql.Tx, id string) error {
	cur, err := outline(tx, id)
	if err != nil {
		return err
	}
	for i, c := range cur {
		if _, err := tx.Exec(`UPDATE sections SET position = ? WHERE brief_id = ? AND key = ?`, i, id, c.Key); err != nil {
			return err
		}
	}
	return nil
}

// RemoveSection removes a section; its text and history stay in the log.
func (s *Store) RemoveSection(ctx context.Context, u brief.User, id, key string) error {
	ev := []Event{{Name: EventOutlineChanged, Brief: id}}
	err := s.tx(ctx, func(tx *sql.Tx) error {
		r, err := access(tx, u, id, brief.ActEdit)
		if err != nil {
			return err
		}
		res, err := tx.Exec(`UPDATE sections SET removed_at = ? WHERE brief_id = ? AND key = ? AND removed_at IS NULL`, ms(s.now()), id, key)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return brief.Errorf(brief.ENotFound, "section %q not found", key)
		}
		return s.outlineChanged(tx, u, r, &ev)
	})
	if err == nil {
		s.publish(ev...)
	}
	return err
}

// PutSection replaces a section's text. With a stale baseVersion the
// user's change (base -> text) is merged onto the current text; hunks that
// cannot apply are kept as unresolved merges and returned as conflicts.
// Nothing is dropped, and every accepted PUT returns a higher version.
func (s *Store) PutSection(ctx context.Context, u brief.User, id, key, text string, baseVersion int64) (SectionWrite, error) {
	if err := brief.ValidateSectionText(text); err != nil {
		return SectionWrite{}, err
	}
	var w SectionWrite
	var ev []Event
	err := s.tx(ctx, func(tx *sql.Tx) error {
		r, err := access(tx, u, id, brief.ActEdit)
		if err != nil {
			return err
		}
		var cur string
		var version int64
		err = tx.QueryRow(`SELECT text, version FROM sections WHERE brief_id = ? AND key = ? AND removed_at IS NULL`, id, key).Scan(&cur, &version)
		if errors.Is(err, sql.ErrNoRows) {
			return brief.Errorf(brief.ENotFound, "section %q not found", key)
		}
		if err != nil {
			return err
		}
		if baseVersion < 0 || baseVersion > version {
			return brief.Errorf(brief.EInvalid, "baseVersion %d does not exist (the section is at version %d)", baseVersion, version)
		}
		w, err = s.mergeWrite(tx, u, id, key, cur, version, text, baseVersion)
		if err != nil {
			return err
		}
		ev = append(ev, Event{Name: EventSectionChanged, Brief: id, Section: key, Version: w.Version})
		ev = append(ev, mergeEvents(id, w.Conflicts)...)
		return s.touch(tx, r, brief.EventTextChange, &ev)
	})
	if err == nil {
		s.publish(ev...)
	}
	return w, err
}

// mergeWrite writes the user's text made on baseVersion onto the current
// text (cur at version), merging when the base is stale.
func (s *Store) mergeWrite(tx *sql.Tx, u brief.User, id, key, cur string, version int64, text string, baseVersion int64) (SectionWrite, error) {
	base := cur
	if baseVersion != version {
		var err error
		if base, err = textAt(tx, id, key, baseVersion); err != nil {
			return SectionWrite{}, err
		}
	}
	return s.mergeText(tx, u, id, key, cur, version, base, baseVersion, text, "", true)
}

// mergeText merges mine, made from base (the text at baseVersion, or a
// text derived from it), onto cur (the section at version) and writes the
// result: always when force (a PUT always makes a version), else only when
// the text changes. Hunks that cannot apply are kept as unresolved merges.
func (s *Store) mergeText(tx dbtx, u brief.User, id, key, cur string, version int64, base string, baseVersion int64, mine, mineDelta string, force bool) (SectionWrite, error) {
	l := revision.Live{Text: mine}
	if base != cur || mineDelta != "" {
		// The others' changes since baseVersion are in the log, the
		// user's in their delta: reading them costs less than a diff.
		var since revision.Run
		if base != cur {
			var err error
			if since, err = s.deltaSince(tx, id, key, baseVersion, version); err != nil {
				return SectionWrite{}, err
			}
		}
		if mineDelta == "" {
			mineDelta = revision.Delta(base, mine)
		}
		l = revision.MergeLiveRun(base, mine, cur, mineDelta, since)
	}
	merged, failed := l.Text, l.Failed
	if err := brief.ValidateSectionText(merged); err != nil {
		return SectionWrite{}, err
	}
	w := SectionWrite{Version: version, Text: merged, Merged: baseVersion != version, Conflicts: []brief.Conflict{}, ack: l.Ack}
	if merged != cur || force {
		var v int64
		var err error
		if l.Forward != "" && merged != cur {
			v, w.forward, err = logText(tx, id, key, merged, l.Forward, l.Undo, version, u.ID, ms(s.now()))
		} else {
			v, w.forward, err = writeText(tx, id, key, cur, merged, version, u.ID, ms(s.now()))
		}
		if err != nil {
			return SectionWrite{}, err
		}
		w.Version = v
	}
	for _, h := range failed {
		c, err := s.keepConflict(tx, u, id, key, merged, baseVersion, w.Version, h)
		if err != nil {
			return w, err
		}
		w.Conflicts = append(w.Conflicts, c)
	}
	return w, nil
}

// Members lists a brief's members.
func (s *Store) Members(ctx context.Context, u brief.User, id string) ([]brief.Member, error) {
	var list []brief.Member
	err := s.read(ctx, func(tx *sql.Tx) error {
		if _, err := access(tx, u, id, brief.ActRead); err != nil {
			return err
		}
		var err error
		list, err = members(tx, id)
		return err
	})
	return list, err
}

func members(tx *sql.Tx, id string) ([]brief.Member, error) {
	rows, err := tx.Query(`SELECT u.id, u.email, u.name, m.role FROM members m JOIN users u ON u.id = m.user_id
		WHERE m.brief_id = ? ORDER BY m.added_at, u.id`, id)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	list := []brief.Member{}
	for rows.Next() {
		var m brief.Member
		if err := rows.Scan(&m.UserID, &m.Email, &m.Name, &m.Role); err != nil {
			return nil, err
		}
		list = append(list, m)
	}
	return list, rows.Err()
}

// AddMember adds a user (by e-mail) to a brief, or changes their role.
// role "" means the user's default role.
func (s *Store) AddMember(ctx context.Context, u brief.User, id, email, role string) (brief.Member, error) {
	var m brief.Member
	err := s.tx(ctx, func(tx *sql.Tx) error {
		if _, err := access(tx, u, id, brief.ActManageMembers); err != nil {
			return err
		}
		target, err := scanUser(tx.QueryRow(`SELECT `+userColumns+` FROM users WHERE email = ? AND inactive = 0`, strings.TrimSpace(email)))
		if errors.Is(err, sql.ErrNoRows) {
			return brief.Errorf(brief.ENotFound, "no user with e-mail %q: an admin must invite them first", email)
		}
		if err != nil {
			return err
		}
		mr := brief.DefaultMemberRole(target.Role)
		if role != "" {
			if mr, err = brief.ParseMemberRole(role); err != nil {
				return err
			}
		}
		if err := keepAnAuthor(tx, id, target.ID, mr); err != nil {
			return err
		}
		if _, err := tx.Exec(`INSERT INTO members (brief_id, user_id, role, added_at) VALUES (?, ?, ?, ?)
			ON CONFLICT(brief_id, user_id) DO UPDATE SET role = excluded.role`, id, target.ID, mr, ms(s.now())); err != nil {
			return err
		}
		m = brief.Member{UserID: target.ID, Email: target.Email, Name: target.Name, Role: mr}
		return nil
	})
	if err == nil {
		s.publish(Event{Name: EventMembersChanged, Brief: id})
	}
	return m, err
}

// RemoveMember removes a user (by e-mail) from a brief.
func (s *Store) RemoveMember(ctx context.Context, u brief.User, id, email string) error {
	err := s.tx(ctx, func(tx *sql.Tx) error {
		if _, err := access(tx, u, id, brief.ActManageMembers); err != nil {
			return err
		}
		var uid int64
		err := tx.QueryRow(`SELECT m.user_id FROM members m JOIN users u ON u.id = m.user_id WHERE m.brief_id = ? AND u.email = ?`,
			id, strings.TrimSpace(email)).Scan(&uid)
		if errors.Is(err, sql.ErrNoRows) {
			return brief.Errorf(brief.ENotFound, "%q is not a member of this brief", email)
		}
		if err != nil {
			return err
		}
		if err := keepAnAuthor(tx, id, uid, brief.MemberNone); err != nil {
			return err
		}
		_, err = tx.Exec(`DELETE FROM members WHERE brief_id = ? AND user_id = ?`, id, uid)
		return err
	})
	if err == nil {
		s.publish(Event{Name: EventMembersChanged, Brief: id})
	}
	return err
}

// keepAnAuthor refuses a change that would leave the brief with no author.
func keepAnAuthor(tx *sql.Tx, id string, userID int64, newRole brief.MemberRole) error {
	if newRole == brief.MemberAuthor {
		return nil
	}
	var others int
	if err := tx.QueryRow(`SELECT COUNT(*) FROM members WHERE brief_id = ? AND role = 'author' AND user_id != ?`, id, userID).Scan(&others); err != nil {
		return err
	}
	var isAuthor int
	if err := tx.QueryRow(`SELECT COUNT(*) FROM members WHERE brief_id = ? AND role = 'author' AND user_id = ?`, id, userID).Scan(&isAuthor); err != nil {
		return err
	}
	if isAuthor > 0 && others == 0 {
		return brief.Errorf(brief.EConflict, "a brief needs at least one author: add another author first")
	}
	return nil
}
