package store

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"regexp"
	"strings"
	"time"
	"unicode/utf8"

	"briefstudio/internal/brief"
	"briefstudio/internal/review"
	"briefstudio/internal/revision"
)

// A bundle is a brief with everything the store holds about it (its edit
// log, outline log, revisions, named versions, comments, suggestions
// including unresolved merges, decisions and members), so that it can move
// to another server and be rebuilt there exactly. People are named by
// bundle-local refs; ids are renumbered on import. docs/API.md "Bundles"
// describes the format field by field.
const (
	BundleFormat        = "briefstudio-bundle"
	BundleFormatVersion = 1
)

// Bundle is the versioned, self-contained document of one brief.
type Bundle struct {
	Format      string               `json:"format"`
	Version     int                  `json:"version"`
	ExportedAt  time.Time            `json:"exportedAt"`
	ExportedBy  BundleIdentity       `json:"exportedBy"`
	Brief       BundleBrief          `json:"brief"`
	People      []BundlePerson       `json:"people"`
	Sections    []BundleSection      `json:"sections"`
	Log         []BundleEdit         `json:"log"`
	OutlineLog  []BundleOutline      `json:"outlineLog"`
	Revisions   []BundleRevision     `json:"revisions"`
	Versions    []BundleNamedVersion `json:"versions"`
	Comments    []BundleComment      `json:"comments"`
	Suggestions []BundleSuggestion   `json:"suggestions"`
	Decisions   []BundleDecision     `json:"decisions"`
	Members     []BundleMember       `json:"members"`
}

// BundleIdentity is who exported a bundle: on import this person is the
// caller (the desktop's local user and the account on a shared server are
// the same person).
type BundleIdentity struct {
	Email string `json:"email"`
	Name  string `json:"name"`
}

// BundleBrief is the brief's own row.
type BundleBrief struct {
	Type      string         `json:"type"`
	Title     string         `json:"title"`
	Status    brief.Status   `json:"status"`
	Metadata  brief.Metadata `json:"metadata"`
	CreatedBy int            `json:"createdBy"`
	CreatedAt time.Time      `json:"createdAt"`
	UpdatedAt time.Time      `json:"updatedAt"`
}

// BundlePerson is someone the brief's history names; Ref is what the rest
// of the bundle calls them.
type BundlePerson struct {
	Ref   int        `json:"ref"`
	Email string     `json:"email"`
	Name  string     `json:"name"`
	Role  brief.Role `json:"role"`
}

// BundleSection is a section as it stands: live sections in outline order,
// then removed ones (RemovedAt set), whose keys are never reused.
type BundleSection struct {
	Key       string     `json:"key"`
	Title     string     `json:"title"`
	Text      string     `json:"text"`
	Version   int64      `json:"version"`
	RemovedAt *time.Time `json:"removedAt,omitempty"`
}

// BundleEdit is one row of the edit log: Delta turns the section's text at
// Version-1 into its text at Version (its inverse is rebuilt on import).
type BundleEdit struct {
	Section  string    `json:"section"`
	Version  int64     `json:"version"`
	Delta    string    `json:"delta"`
	Revision int64     `json:"revision"`
	Author   int       `json:"author"`
	At       time.Time `json:"at"`
}

// BundleOutline is one row of the outline log: the live sections after a
// change, and the revision it followed.
type BundleOutline struct {
	Sections      []brief.SectionSlot `json:"sections"`
	AfterRevision int64               `json:"afterRevision"`
	Author        int                 `json:"author"`
	At            time.Time           `json:"at"`
}

// BundleRevision is one entry of History.
type BundleRevision struct {
	Number      int64     `json:"number"`
	Section     string    `json:"section"`
	Author      int       `json:"author"`
	CreatedAt   time.Time `json:"createdAt"`
	UpdatedAt   time.Time `json:"updatedAt"`
	FromVersion int64     `json:"fromVersion"`
	ToVersion   int64     `json:"toVersion"`
}

// BundleNamedVersion is a named version.
type BundleNamedVersion struct {
	Number    int64            `json:"number"`
	Label     string           `json:"label"`
	Kind      string           `json:"kind"`
	Revision  int64            `json:"revision"`
	CreatedBy int              `json:"createdBy"`
	CreatedAt time.Time        `json:"createdAt"`
	Sections  []VersionSection `json:"sections"`
}

// BundleComment is a comment: a thread's first comment holds the range
// (Start..End in the section's text at AtVersion), a reply names its
// thread's first comment as Parent and has no range of its own.
type BundleComment struct {
	Ref         int        `json:"ref"`
	Parent      *int       `json:"parent,omitempty"`
	Section     string     `json:"section"`
	Author      int        `json:"author"`
	Body        string     `json:"body"`
	Quote       string     `json:"quote"`
	BaseVersion int64      `json:"baseVersion"`
	Start       int        `json:"start"`
	End         int        `json:"end"`
	AtVersion   int64      `json:"atVersion"`
	Detached    bool       `json:"detached"`
	CreatedAt   time.Time  `json:"createdAt"`
	EditedAt    *time.Time `json:"editedAt,omitempty"`
	DeletedAt   *time.Time `json:"deletedAt,omitempty"`
	ResolvedAt  *time.Time `json:"resolvedAt,omitempty"`
	ResolvedBy  *int       `json:"resolvedBy,omitempty"`
}

// BundleSuggestion is a suggestion or (origin "merge") an unresolved merge.
type BundleSuggestion struct {
	Section        string     `json:"section"`
	Origin         string     `json:"origin"`
	Author         int        `json:"author"`
	Quote          string     `json:"quote"`
	Replacement    string     `json:"replacement"`
	Base           string     `json:"base,omitempty"`
	BaseVersion    int64      `json:"baseVersion"`
	Start          int        `json:"start"`
	End            int        `json:"end"`
	AtVersion      int64      `json:"atVersion"`
	Detached       bool       `json:"detached"`
	Status         string     `json:"status"`
	CreatedAt      time.Time  `json:"createdAt"`
	DecidedAt      *time.Time `json:"decidedAt,omitempty"`
	DecidedBy      *int       `json:"decidedBy,omitempty"`
	AppliedVersion *int64     `json:"appliedVersion,omitempty"`
}

// BundleDecision is a workflow decision and the named version it recorded.
type BundleDecision struct {
	Decision  string    `json:"decision"`
	Note      string    `json:"note"`
	Version   int64     `json:"version"` // versions[].number
	By        int       `json:"by"`
	CreatedAt time.Time `json:"createdAt"`
}

// BundleMember is a membership of the brief.
type BundleMember struct {
	Person int              `json:"person"`
	Role   brief.MemberRole `json:"role"`
}

// How the people of an imported bundle were mapped.
const (
	MappedYou      = "you"      // the exporter: the importing user
	MappedExisting = "existing" // a user of this server with the same e-mail
	MappedUnlinked = "unlinked" // no account here: named in history only
)

// BundleReport says what an import did with the bundle's people.
type BundleReport struct {
	People   []BundlePersonReport `json:"people"`
	Warnings []string             `json:"warnings"`
}

// BundlePersonReport is one person of the bundle and whom they became.
type BundlePersonReport struct {
	Email  string `json:"email"`
	Name   string `json:"name"`
	Mapped string `json:"mapped"`
}

// localEmail is the desktop's own user's address (internal/auth): it
// names a person only on the computer that made it.
const localEmail = "me@this-computer.local"

// bundleReplayBudget bounds the text (bytes, summed over every version)
// rebuilding a bundle's history may walk, so that a small bundle of many
// tiny edits on a huge text cannot keep a server busy for minutes. A
// variable for tests.
var bundleReplayBudget int64 = 4 << 30

// Counts no brief comes near, so that a bundle cannot make a server hold
// thousands of rows it has no use for.
const (
	maxBundlePeople   = 1000
	maxBundleSections = 1000
)

// sectionKey is what section keys look like (brief.Slug, and "-2" ... on
// a clash).
var sectionKey = regexp.MustCompile(`^[a-z0-9]+(-[a-z0-9]+)*$`)

// ExportBundle reads a brief as a bundle, in one consistent snapshot:
// anyone who may read the brief may export it.
func (s *Store) ExportBundle(ctx context.Context, u brief.User, id string) (*Bundle, error) {
	b := &Bundle{Format: BundleFormat, Version: BundleFormatVersion, ExportedAt: fromMS(ms(s.now())),
		ExportedBy: BundleIdentity{Email: u.Email, Name: u.Name},
		People:     []BundlePerson{}, Sections: []BundleSection{}, Log: []BundleEdit{}, OutlineLog: []BundleOutline{},
		Revisions: []BundleRevision{}, Versions: []BundleNamedVersion{}, Comments: []BundleComment{},
		Suggestions: []BundleSuggestion{}, Decisions: []BundleDecision{}, Members: []BundleMember{}}
	err := s.read(ctx, func(tx *sql.Tx) error {
		r, err := access(tx, u, id, brief.ActRead)
		if err != nil {
			return err
		}
		refs, err := exportPeople(tx, id, b)
		if err != nil {
			return err
		}
		var createdBy int64
		if err := tx.QueryRow(`SELECT created_by FROM briefs WHERE id = ?`, id).Scan(&createdBy); err != nil {
			return err
		}
		b.Brief = BundleBrief{Type: r.Type, Title: r.Title, Status: r.Status, Metadata: r.Metadata,
			CreatedBy: refs[createdBy], CreatedAt: r.CreatedAt, UpdatedAt: r.UpdatedAt}
		for _, step := range []func(*sql.Tx, string, *Bundle, map[int64]int) error{
			exportSections, exportLog, exportOutlines, exportRevisions, exportVersions,
			exportComments, exportSuggestions, exportDecisions, exportMembers,
		} {
			if err := step(tx, id, b, refs); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return b, nil
}

// exportPeople lists everyone the brief names, refs 1..n in id order.
func exportPeople(tx *sql.Tx, id string, b *Bundle) (map[int64]int, error) {
	rows, err := tx.Query(`SELECT id, email, name, role FROM users WHERE id IN (
		SELECT created_by FROM briefs WHERE id = ?1
		UNION SELECT user_id FROM members WHERE brief_id = ?1
		UNION SELECT author_id FROM edits WHERE brief_id = ?1
		UNION SELECT author_id FROM revisions WHERE brief_id = ?1
		UNION SELECT author_id FROM outlines WHERE brief_id = ?1
		UNION SELECT created_by FROM versions WHERE brief_id = ?1
		UNION SELECT author_id FROM comments WHERE brief_id = ?1
		UNION SELECT resolved_by FROM comments WHERE brief_id = ?1 AND resolved_by IS NOT NULL
		UNION SELECT author_id FROM suggestions WHERE brief_id = ?1
		UNION SELECT decided_by FROM suggestions WHERE brief_id = ?1 AND decided_by IS NOT NULL
		UNION SELECT user_id FROM decisions WHERE brief_id = ?1) ORDER BY id`, id)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	refs := map[int64]int{}
	for rows.Next() {
		var uid int64
		p := BundlePerson{Ref: len(b.People) + 1}
		if err := rows.Scan(&uid, &p.Email, &p.Name, &p.Role); err != nil {
			return nil, err
		}
		refs[uid] = p.Ref
		b.People = append(b.People, p)
	}
	return refs, rows.Err()
}

func exportSections(tx *sql.Tx, id string, b *Bundle, _ map[int64]int) error {
	rows, err := tx.Query(`SELECT key, title, text, version, removed_at FROM sections WHERE brief_id = ?
		ORDER BY removed_at IS NOT NULL, position, key`, id)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var sec BundleSection
		var removed sql.NullInt64
		if err := rows.Scan(&sec.Key, &sec.Title, &sec.Text, &sec.Version, &removed); err != nil {
			return err
		}
		sec.RemovedAt = nullTime(removed)
		b.Sections = append(b.Sections, sec)
	}
	return rows.Err()
}

func exportLog(tx *sql.Tx, id string, b *Bundle, refs map[int64]int) error {
	rows, err := tx.Query(`SELECT section_key, version, delta, revision, author_id, at FROM edits WHERE brief_id = ? ORDER BY id`, id)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var e BundleEdit
		var author, at int64
		if err := rows.Scan(&e.Section, &e.Version, &e.Delta, &e.Revision, &author, &at); err != nil {
			return err
		}
		e.Author, e.At = refs[author], fromMS(at)
		b.Log = append(b.Log, e)
	}
	return rows.Err()
}

func exportOutlines(tx *sql.Tx, id string, b *Bundle, refs map[int64]int) error {
	rows, err := tx.Query(`SELECT outline, after_revision, author_id, at FROM outlines WHERE brief_id = ? ORDER BY id`, id)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var o BundleOutline
		var js string
		var author, at int64
		if err := rows.Scan(&js, &o.AfterRevision, &author, &at); err != nil {
			return err
		}
		if err := json.Unmarshal([]byte(js), &o.Sections); err != nil {
			return fmt.Errorf("outline log of %s: %w", id, err)
		}
		o.Author, o.At = refs[author], fromMS(at)
		b.OutlineLog = append(b.OutlineLog, o)
	}
	return rows.Err()
}

func exportRevisions(tx *sql.Tx, id string, b *Bundle, refs map[int64]int) error {
	rows, err := tx.Query(`SELECT number, section_key, author_id, created_at, updated_at, from_version, to_version
		FROM revisions WHERE brief_id = ? ORDER BY number`, id)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var r BundleRevision
		var author, created, updated int64
		if err := rows.Scan(&r.Number, &r.Section, &author, &created, &updated, &r.FromVersion, &r.ToVersion); err != nil {
			return err
		}
		r.Author, r.CreatedAt, r.UpdatedAt = refs[author], fromMS(created), fromMS(updated)
		b.Revisions = append(b.Revisions, r)
	}
	return rows.Err()
}

func exportVersions(tx *sql.Tx, id string, b *Bundle, refs map[int64]int) error {
	rows, err := tx.Query(`SELECT number, label, kind, sections, revision, created_by, created_at FROM versions
		WHERE brief_id = ? ORDER BY number`, id)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var v BundleNamedVersion
		var js string
		var by, at int64
		if err := rows.Scan(&v.Number, &v.Label, &v.Kind, &js, &v.Revision, &by, &at); err != nil {
			return err
		}
		if err := json.Unmarshal([]byte(js), &v.Sections); err != nil {
			return fmt.Errorf("version %d of %s: %w", v.Number, id, err)
		}
		v.CreatedBy, v.CreatedAt = refs[by], fromMS(at)
		b.Versions = append(b.Versions, v)
	}
	return rows.Err()
}

func exportComments(tx *sql.Tx, id string, b *Bundle, refs map[int64]int) error {
	rows, err := tx.Query(`SELECT id, parent_id, section_key, author_id, body, quote, base_version, start_pos, end_pos,
		at_version, detached, created_at, edited_at, deleted_at, resolved_at, resolved_by FROM comments WHERE brief_id = ? ORDER BY id`, id)
	if err != nil {
		return err
	}
	defer rows.Close()
	mine := map[int64]int{}
	for rows.Next() {
		var c BundleComment
		var cid, author, created int64
		var parent, edited, deleted, resolvedAt, resolvedBy sql.NullInt64
		if err := rows.Scan(&cid, &parent, &c.Section, &author, &c.Body, &c.Quote, &c.BaseVersion, &c.Start, &c.End,
			&c.AtVersion, &c.Detached, &created, &edited, &deleted, &resolvedAt, &resolvedBy); err != nil {
			return err
		}
		c.Ref = len(b.Comments) + 1
		mine[cid] = c.Ref
		if parent.Valid {
			p, ok := mine[parent.Int64]
			if !ok {
				return fmt.Errorf("comment %d of %s answers comment %d, which is not before it", cid, id, parent.Int64)
			}
			c.Parent = &p
		}
		c.Author, c.CreatedAt, c.EditedAt, c.DeletedAt = refs[author], fromMS(created), nullTime(edited), nullTime(deleted)
		if deleted.Valid {
			c.Body = "" // what its author took back does not travel
		}
		if resolvedAt.Valid {
			c.ResolvedAt = nullTime(resolvedAt)
			if resolvedBy.Valid {
				r := refs[resolvedBy.Int64]
				c.ResolvedBy = &r
			}
		}
		b.Comments = append(b.Comments, c)
	}
	return rows.Err()
}

func exportSuggestions(tx *sql.Tx, id string, b *Bundle, refs map[int64]int) error {
	rows, err := tx.Query(`SELECT section_key, origin, author_id, quote, replacement, base_text, base_version, start_pos, end_pos,
		at_version, detached, status, created_at, decided_at, decided_by, applied_version FROM suggestions WHERE brief_id = ? ORDER BY id`, id)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var g BundleSuggestion
		var author, created int64
		var decidedAt, decidedBy, applied sql.NullInt64
		if err := rows.Scan(&g.Section, &g.Origin, &author, &g.Quote, &g.Replacement, &g.Base, &g.BaseVersion, &g.Start, &g.End,
			&g.AtVersion, &g.Detached, &g.Status, &created, &decidedAt, &decidedBy, &applied); err != nil {
			return err
		}
		g.Author, g.CreatedAt, g.DecidedAt = refs[author], fromMS(created), nullTime(decidedAt)
		if decidedBy.Valid {
			r := refs[decidedBy.Int64]
			g.DecidedBy = &r
		}
		if applied.Valid {
			g.AppliedVersion = &applied.Int64
		}
		b.Suggestions = append(b.Suggestions, g)
	}
	return rows.Err()
}

func exportDecisions(tx *sql.Tx, id string, b *Bundle, refs map[int64]int) error {
	rows, err := tx.Query(`SELECT kind, note, version, user_id, created_at FROM decisions WHERE brief_id = ? ORDER BY id`, id)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var d BundleDecision
		var by, at int64
		if err := rows.Scan(&d.Decision, &d.Note, &d.Version, &by, &at); err != nil {
			return err
		}
		d.By, d.CreatedAt = refs[by], fromMS(at)
		b.Decisions = append(b.Decisions, d)
	}
	return rows.Err()
}

func exportMembers(tx *sql.Tx, id string, b *Bundle, refs map[int64]int) error {
	rows, err := tx.Query(`SELECT user_id, role FROM members WHERE brief_id = ? ORDER BY added_at, user_id`, id)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var m BundleMember
		var uid int64
		if err := rows.Scan(&uid, &m.Role); err != nil {
			return err
		}
		m.Person = refs[uid]
		b.Members = append(b.Members, m)
	}
	return rows.Err()
}

// ParseBundle reads a bundle document: valid UTF-8 JSON, of this format
// and version, with no unknown fields. What it holds is checked on import.
func ParseBundle(raw []byte) (*Bundle, error) {
	if !utf8.Valid(raw) {
		return nil, badBundle("the file is not valid UTF-8")
	}
	if len(bytes.TrimSpace(raw)) == 0 {
		return nil, badBundle("the file is empty")
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.DisallowUnknownFields()
	var b Bundle
	err := dec.Decode(&b)
	if err == nil {
		if _, extra := dec.Token(); extra != io.EOF {
			err = errors.New("there is more after the document")
		}
	}
	if err != nil {
		// Say first what kind of file it is, then what is wrong with it.
		var head struct {
			Format  any `json:"format"`
			Version any `json:"version"`
		}
		var syntax *json.SyntaxError
		switch {
		case errors.As(err, &syntax):
			return nil, badBundle("the file is not JSON: %v (at byte %d)", syntax, syntax.Offset)
		case json.Unmarshal(raw, &head) != nil:
			return nil, badBundle("the file must hold one JSON object")
		case head.Format != BundleFormat:
			return nil, badBundle("this is not a Brief Studio bundle (format must be %q)", BundleFormat)
		case head.Version != float64(BundleFormatVersion):
			return nil, badBundle("bundle version %v is not supported: this server reads version %d", head.Version, BundleFormatVersion)
		}
		var typeErr *json.UnmarshalTypeError
		if errors.As(err, &typeErr) && typeErr.Field != "" {
			return nil, badBundle("%s must not be a JSON %s", typeErr.Field, typeErr.Value)
		}
		return nil, badBundle("%s", strings.TrimPrefix(err.Error(), "json: "))
	}
	if err := checkFormat(&b); err != nil {
		return nil, err
	}
	return &b, nil
}

func checkFormat(b *Bundle) error {
	if b.Format != BundleFormat {
		return badBundle("this is not a Brief Studio bundle (format must be %q)", BundleFormat)
	}
	if b.Version != BundleFormatVersion {
		return badBundle("bundle version %d is not supported: this server reads version %d", b.Version, BundleFormatVersion)
	}
	return nil
}

// badBundle is the invalid error of a bundle that cannot be imported.
func badBundle(format string, args ...any) error {
	return brief.Errorf(brief.EInvalid, "bundle: "+format, args...)
}

// badField words a coded error about one place of the bundle.
func badField(path string, err error) error {
	return badBundle("%s: %s", path, brief.ErrorMessage(err))
}

// bundlePlan is a checked bundle, ready to write.
type bundlePlan struct {
	b        *Bundle
	meta     brief.Metadata
	title    string
	sections map[string]*BundleSection
	// used are the people the bundle refers to (others are not mapped).
	used map[int]bool
	// undo is the inverse of each edit of the log (by index).
	undo []string
	// checkpoints are the texts stored beside the log: every
	// checkpointEvery versions and at every named version.
	checkpoints []planCheckpoint
}

type planCheckpoint struct {
	section string
	version int64
	text    string
}

// anchorCheck is a range to check against a section's text at a version.
type anchorCheck struct {
	path       string
	start, end int
}

// checkBundle validates everything a bundle holds, rebuilding every
// version of every section from its log, without the database.
func checkBundle(b *Bundle) (*bundlePlan, error) {
	if err := checkFormat(b); err != nil {
		return nil, err
	}
	p := &bundlePlan{b: b, sections: map[string]*BundleSection{}, used: map[int]bool{}, undo: make([]string, len(b.Log))}
	if len(b.People) > maxBundlePeople {
		return nil, badBundle("people: %d people; at most %d", len(b.People), maxBundlePeople)
	}
	if len(b.Sections) > maxBundleSections {
		return nil, badBundle("sections: %d sections; at most %d", len(b.Sections), maxBundleSections)
	}
	if _, err := brief.ValidateEmail(b.ExportedBy.Email); err != nil {
		return nil, badField("exportedBy.email", err)
	}
	if err := checkName("exportedBy.name", b.ExportedBy.Name); err != nil {
		return nil, err
	}

	// People.
	people := map[int]bool{}
	emails := map[string]int{}
	for i, pp := range b.People {
		path := fmt.Sprintf("people[%d]", i)
		if pp.Ref <= 0 || people[pp.Ref] {
			return nil, badBundle("%s: ref %d must be a positive number used once", path, pp.Ref)
		}
		people[pp.Ref] = true
		if _, err := brief.ValidateEmail(pp.Email); err != nil {
			return nil, badField(path+".email", err)
		}
		if j, dup := emails[strings.ToLower(pp.Email)]; dup {
			return nil, badBundle("%s: e-mail %s is also people[%d]'s", path, pp.Email, j)
		}
		emails[strings.ToLower(pp.Email)] = i
		if err := checkName(path+".name", pp.Name); err != nil {
			return nil, err
		}
		if _, err := brief.ParseRole(string(pp.Role)); err != nil {
			return nil, badField(path+".role", err)
		}
	}
	person := func(path string, ref int) error {
		if !people[ref] {
			return badBundle("%s: unknown person ref %d (not in people)", path, ref)
		}
		p.used[ref] = true
		return nil
	}
	optPerson := func(path string, ref *int) error {
		if ref == nil {
			return nil
		}
		return person(path, *ref)
	}

	// The brief.
	if _, err := brief.TemplateFor(b.Brief.Type); err != nil {
		return nil, badField("brief.type", err)
	}
	var err error
	if p.title, err = brief.ValidateTitle(b.Brief.Title); err != nil {
		return nil, badField("brief.title", err)
	}
	if p.meta, err = b.Brief.Metadata.Normalize(); err != nil {
		return nil, badField("brief.metadata", err)
	}
	switch b.Brief.Status {
	case brief.StatusDraft, brief.StatusInReview, brief.StatusChangesRequested, brief.StatusApproved:
	default:
		return nil, badBundle("brief.status: %q is not a status (draft, in_review, changes_requested or approved)", b.Brief.Status)
	}
	if err := person("brief.createdBy", b.Brief.CreatedBy); err != nil {
		return nil, err
	}
	if err := checkTimes("brief", b.Brief.CreatedAt, b.Brief.UpdatedAt); err != nil {
		return nil, err
	}

	// Sections.
	for i := range b.Sections {
		sec := &b.Sections[i]
		path := fmt.Sprintf("sections[%d]", i)
		if len(sec.Key) > 100 || !sectionKey.MatchString(sec.Key) {
			return nil, badBundle("%s: key %q is not a section key (lower-case letters, digits and dashes)", path, sec.Key)
		}
		if _, dup := p.sections[sec.Key]; dup {
			return nil, badBundle("%s: section key %q is used twice", path, sec.Key)
		}
		p.sections[sec.Key] = sec
		if sec.Title, err = brief.ValidateSectionTitle(sec.Title); err != nil {
			return nil, badField(path+".title", err)
		}
		if err := brief.ValidateSectionText(sec.Text); err != nil {
			return nil, badField(path+".text", err)
		}
		if sec.Version < 0 || sec.Version > int64(len(b.Log)) {
			return nil, badBundle("%s: version %d is not a version the log can hold (it has %d edits)", path, sec.Version, len(b.Log))
		}
		if sec.RemovedAt != nil && sec.RemovedAt.IsZero() {
			return nil, badBundle("%s: removedAt is not a time", path)
		}
	}
	section := func(path, key string) (*BundleSection, error) {
		sec, ok := p.sections[key]
		if !ok {
			return nil, badBundle("%s: section %q is not in sections", path, key)
		}
		return sec, nil
	}
	version := func(path string, sec *BundleSection, v int64) error {
		if v < 0 || v > sec.Version {
			return badBundle("%s: section %q has no version %d (it is at version %d)", path, sec.Key, v, sec.Version)
		}
		return nil
	}

	// Revisions: numbered 1..n.
	for i, r := range b.Revisions {
		path := fmt.Sprintf("revisions[%d]", i)
		if r.Number != int64(i+1) {
			return nil, badBundle("%s: number %d, want %d (revisions are numbered 1, 2, 3 ... in order)", path, r.Number, i+1)
		}
		sec, err := section(path, r.Section)
		if err != nil {
			return nil, err
		}
		if err := person(path+".author", r.Author); err != nil {
			return nil, err
		}
		if r.FromVersion < 0 || r.FromVersion >= r.ToVersion || r.ToVersion > sec.Version {
			return nil, badBundle("%s: versions %d to %d are not a range of section %q (at version %d)", path, r.FromVersion, r.ToVersion, r.Section, sec.Version)
		}
		if err := checkTimes(path, r.CreatedAt, r.UpdatedAt); err != nil {
			return nil, err
		}
	}
	lastRev := int64(len(b.Revisions))

	// The edit log: every version of every section, once.
	logOf := map[string][]int{} // section -> log index + 1 of each version
	for key, sec := range p.sections {
		logOf[key] = make([]int, sec.Version)
	}
	inRevision := make([]int64, len(b.Revisions))
	for i := range b.Log {
		e := &b.Log[i]
		path := fmt.Sprintf("log[%d]", i)
		sec, err := section(path, e.Section)
		if err != nil {
			return nil, err
		}
		if e.Version < 1 || e.Version > sec.Version {
			return nil, badBundle("%s: section %q has no version %d (it is at version %d)", path, e.Section, e.Version, sec.Version)
		}
		if logOf[e.Section][e.Version-1] != 0 {
			return nil, badBundle("%s: version %d of section %q is logged twice", path, e.Version, e.Section)
		}
		logOf[e.Section][e.Version-1] = i + 1
		if err := person(path+".author", e.Author); err != nil {
			return nil, err
		}
		if e.At.IsZero() {
			return nil, badBundle("%s: at is required", path)
		}
		if e.Revision < 0 || e.Revision > lastRev {
			return nil, badBundle("%s: revision %d is not in revisions", path, e.Revision)
		}
		if e.Revision > 0 {
			r := b.Revisions[e.Revision-1]
			if r.Section != e.Section || r.Author != e.Author || e.Version <= r.FromVersion || e.Version > r.ToVersion {
				return nil, badBundle("%s: version %d of section %q by person %d is not part of revision %d (section %q, versions %d to %d, person %d)",
					path, e.Version, e.Section, e.Author, e.Revision, r.Section, r.FromVersion+1, r.ToVersion, r.Author)
			}
			inRevision[e.Revision-1]++
		}
	}
	for key, log := range logOf {
		for v, e := range log {
			if e == 0 {
				return nil, badBundle("log: version %d of section %q is missing (the section is at version %d)", v+1, key, len(log))
			}
		}
	}
	for i, r := range b.Revisions {
		if n := r.ToVersion - r.FromVersion; inRevision[i] != n {
			return nil, badBundle("revisions[%d]: it spans %d versions of section %q but the log has %d edits in it", i, n, r.Section, inRevision[i])
		}
	}

	// The outline log.
	if len(b.OutlineLog) == 0 {
		return nil, badBundle("outlineLog: the brief's first outline is missing")
	}
	after := int64(0)
	for i, o := range b.OutlineLog {
		path := fmt.Sprintf("outlineLog[%d]", i)
		if o.AfterRevision < after || o.AfterRevision > lastRev {
			return nil, badBundle("%s: afterRevision %d must be between %d and %d", path, o.AfterRevision, after, lastRev)
		}
		after = o.AfterRevision
		if err := person(path+".author", o.Author); err != nil {
			return nil, err
		}
		if o.At.IsZero() {
			return nil, badBundle("%s: at is required", path)
		}
		seen := map[string]bool{}
		for j := range o.Sections {
			sl := &o.Sections[j]
			spath := fmt.Sprintf("%s.sections[%d]", path, j)
			if _, err := section(spath, sl.Key); err != nil {
				return nil, err
			}
			if seen[sl.Key] {
				return nil, badBundle("%s: section %q is listed twice", spath, sl.Key)
			}
			seen[sl.Key] = true
			if sl.Title, err = brief.ValidateSectionTitle(sl.Title); err != nil {
				return nil, badField(spath+".title", err)
			}
		}
	}

	// Named versions: numbered 1..n.
	named := map[string]map[int64]bool{}
	for i := range b.Versions {
		v := &b.Versions[i]
		path := fmt.Sprintf("versions[%d]", i)
		if v.Number != int64(i+1) {
			return nil, badBundle("%s: number %d, want %d (named versions are numbered 1, 2, 3 ... in order)", path, v.Number, i+1)
		}
		v.Label = strings.Join(strings.Fields(v.Label), " ")
		if v.Label == "" || !utf8.ValidString(v.Label) || utf8.RuneCountInString(v.Label) > 200 || strings.IndexByte(v.Label, 0) >= 0 {
			return nil, badBundle("%s: label must be text of 1 to 200 characters", path)
		}
		switch v.Kind {
		case "manual", review.DecisionSubmit, review.DecisionApprove, review.DecisionRequestChanges:
		default:
			return nil, badBundle("%s: kind %q is not manual, submit, approve or request_changes", path, v.Kind)
		}
		if v.Revision < 0 || v.Revision > lastRev {
			return nil, badBundle("%s: revision %d is not in revisions", path, v.Revision)
		}
		if err := person(path+".createdBy", v.CreatedBy); err != nil {
			return nil, err
		}
		if v.CreatedAt.IsZero() {
			return nil, badBundle("%s: createdAt is required", path)
		}
		seen := map[string]bool{}
		for j := range v.Sections {
			vs := &v.Sections[j]
			spath := fmt.Sprintf("%s.sections[%d]", path, j)
			sec, err := section(spath, vs.Key)
			if err != nil {
				return nil, err
			}
			if seen[vs.Key] {
				return nil, badBundle("%s: section %q is listed twice", spath, vs.Key)
			}
			seen[vs.Key] = true
			if vs.Title, err = brief.ValidateSectionTitle(vs.Title); err != nil {
				return nil, badField(spath+".title", err)
			}
			if err := version(spath, sec, vs.Version); err != nil {
				return nil, err
			}
			if named[vs.Key] == nil {
				named[vs.Key] = map[int64]bool{}
			}
			named[vs.Key][vs.Version] = true
		}
	}

	// Decisions: each recorded its own named version, in workflow order.
	status, usedVersion := brief.StatusDraft, int64(0)
	for i, d := range b.Decisions {
		path := fmt.Sprintf("decisions[%d]", i)
		e, err := review.Event(d.Decision)
		if err != nil || d.Decision == "" {
			return nil, badBundle("%s: decision %q is not submit, approve or request_changes", path, d.Decision)
		}
		if err := review.CheckBody(path+".note", d.Note, false); err != nil {
			return nil, badField(path, err)
		}
		if d.Version <= usedVersion || d.Version > int64(len(b.Versions)) {
			return nil, badBundle("%s: version %d is not a later named version than the previous decision's", path, d.Version)
		}
		usedVersion = d.Version
		if k := b.Versions[d.Version-1].Kind; k != d.Decision {
			return nil, badBundle("%s: named version %d was made by %q, not by this %q", path, d.Version, k, d.Decision)
		}
		if err := person(path+".by", d.By); err != nil {
			return nil, err
		}
		if d.CreatedAt.IsZero() {
			return nil, badBundle("%s: createdAt is required", path)
		}
		if status == brief.StatusApproved && e == brief.EventSubmit {
			status = brief.StatusDraft // it was changed after the approval
		}
		if status, _, err = brief.Transition(status, e); err != nil {
			return nil, badField(path, err)
		}
	}
	// Changing an approved brief makes it a draft again; nothing else moves
	// the status but decisions.
	if b.Brief.Status != status && !(status == brief.StatusApproved && b.Brief.Status == brief.StatusDraft) {
		return nil, badBundle("brief.status: %q does not follow from the decisions, which leave the brief %q", b.Brief.Status, status)
	}

	// Comments.
	anchors := map[string]map[int64][]anchorCheck{}
	want := func(path, key string, v int64, start, end int) {
		if anchors[key] == nil {
			anchors[key] = map[int64][]anchorCheck{}
		}
		anchors[key][v] = append(anchors[key][v], anchorCheck{path: path, start: start, end: end})
	}
	commentAt := map[int]int{} // ref -> index
	for i, c := range b.Comments {
		path := fmt.Sprintf("comments[%d]", i)
		if c.Ref <= 0 {
			return nil, badBundle("%s: ref %d must be a positive number", path, c.Ref)
		}
		if _, dup := commentAt[c.Ref]; dup {
			return nil, badBundle("%s: ref %d is used twice", path, c.Ref)
		}
		sec, err := section(path, c.Section)
		if err != nil {
			return nil, err
		}
		if err := person(path+".author", c.Author); err != nil {
			return nil, err
		}
		if err := review.CheckBody("body", c.Body, c.DeletedAt == nil); err != nil {
			return nil, badField(path, err)
		}
		if err := checkText(path+".quote", c.Quote); err != nil {
			return nil, err
		}
		if err := version(path+".baseVersion", sec, c.BaseVersion); err != nil {
			return nil, err
		}
		if c.CreatedAt.IsZero() {
			return nil, badBundle("%s: createdAt is required", path)
		}
		if (c.ResolvedAt == nil) != (c.ResolvedBy == nil) {
			return nil, badBundle("%s: resolvedAt and resolvedBy go together", path)
		}
		if err := optPerson(path+".resolvedBy", c.ResolvedBy); err != nil {
			return nil, err
		}
		if c.Parent != nil {
			j, ok := commentAt[*c.Parent]
			if !ok {
				return nil, badBundle("%s: parent %d is not a comment before it", path, *c.Parent)
			}
			if pc := b.Comments[j]; pc.Parent != nil || pc.Section != c.Section {
				return nil, badBundle("%s: parent %d is not the first comment of a thread on section %q", path, *c.Parent, c.Section)
			}
			if c.ResolvedAt != nil {
				return nil, badBundle("%s: a reply is not resolved on its own (its thread is)", path)
			}
		} else {
			if err := version(path+".atVersion", sec, c.AtVersion); err != nil {
				return nil, err
			}
			if err := checkRange(path, c.Start, c.End, c.Detached); err != nil {
				return nil, err
			}
			want(path, c.Section, c.AtVersion, c.Start, c.End)
		}
		commentAt[c.Ref] = i
	}

	// Suggestions and unresolved merges.
	for i, g := range b.Suggestions {
		path := fmt.Sprintf("suggestions[%d]", i)
		sec, err := section(path, g.Section)
		if err != nil {
			return nil, err
		}
		if g.Origin != review.OriginSuggestion && g.Origin != review.OriginMerge {
			return nil, badBundle("%s: origin %q is not suggestion or merge", path, g.Origin)
		}
		if err := person(path+".author", g.Author); err != nil {
			return nil, err
		}
		for field, text := range map[string]string{"quote": g.Quote, "replacement": g.Replacement, "base": g.Base} {
			if err := checkText(path+"."+field, text); err != nil {
				return nil, err
			}
		}
		if err := version(path+".baseVersion", sec, g.BaseVersion); err != nil {
			return nil, err
		}
		if err := version(path+".atVersion", sec, g.AtVersion); err != nil {
			return nil, err
		}
		if err := checkRange(path, g.Start, g.End, g.Detached); err != nil {
			return nil, err
		}
		want(path, g.Section, g.AtVersion, g.Start, g.End)
		if g.CreatedAt.IsZero() {
			return nil, badBundle("%s: createdAt is required", path)
		}
		switch g.Status {
		case review.StatusOpen:
			if g.DecidedAt != nil || g.DecidedBy != nil || g.AppliedVersion != nil {
				return nil, badBundle("%s: an open suggestion has no decision", path)
			}
		case review.StatusAccepted, review.StatusRejected:
			if g.DecidedAt == nil {
				return nil, badBundle("%s: decidedAt is required for a %s suggestion", path, g.Status)
			}
			if err := optPerson(path+".decidedBy", g.DecidedBy); err != nil {
				return nil, err
			}
			if g.AppliedVersion != nil {
				if g.Status != review.StatusAccepted || *g.AppliedVersion < 1 {
					return nil, badBundle("%s: only an accepted suggestion has an appliedVersion (1 or more)", path)
				}
				if err := version(path+".appliedVersion", sec, *g.AppliedVersion); err != nil {
					return nil, err
				}
			}
		default:
			return nil, badBundle("%s: status %q is not open, accepted or rejected", path, g.Status)
		}
	}

	// Members.
	member := map[int]bool{}
	for i, m := range b.Members {
		path := fmt.Sprintf("members[%d]", i)
		if err := person(path+".person", m.Person); err != nil {
			return nil, err
		}
		if member[m.Person] {
			return nil, badBundle("%s: person %d is a member twice", path, m.Person)
		}
		member[m.Person] = true
		if _, err := brief.ParseMemberRole(string(m.Role)); err != nil {
			return nil, badField(path+".role", err)
		}
	}

	// Every version of every section, rebuilt from the log (and each
	// edit's inverse with it): each delta applies, each text is within the
	// limits, ranges lie inside the text of their version, and the last
	// text is the section's.
	budget := bundleReplayBudget
	var text, spare []byte
	for i := range b.Sections {
		sec := &b.Sections[i]
		text = text[:0]
		check := func(v int64) error {
			list := anchors[sec.Key][v]
			if len(list) == 0 {
				return nil
			}
			n := utf8.RuneCount(text)
			for _, a := range list {
				if a.end > n {
					return badBundle("%s: range %d–%d is outside the text of section %q at version %d (0–%d code points)",
						a.path, a.start, a.end, sec.Key, v, n)
				}
			}
			return nil
		}
		if err := check(0); err != nil {
			return nil, err
		}
		for _, li := range logOf[sec.Key] {
			e := &b.Log[li-1]
			path := fmt.Sprintf("log[%d] (section %q version %d)", li-1, sec.Key, e.Version)
			if budget -= int64(2*len(text)) + int64(len(e.Delta)); budget < 0 {
				return nil, badBundle("the history is too long to rebuild here (more than %d bytes of text over all versions)", bundleReplayBudget)
			}
			next, undo, err := revision.ReplayDelta(spare, text, e.Delta)
			if err != nil {
				return nil, badBundle("%s: the delta does not apply to version %d: %s", path, e.Version-1, brief.ErrorMessage(err))
			}
			if len(next) > brief.MaxSectionText {
				return nil, badBundle("%s: the section text is %d bytes; at most %d", path, len(next), brief.MaxSectionText)
			}
			spare, text, p.undo[li-1] = text, next, undo
			if e.Version%checkpointEvery == 0 || named[sec.Key][e.Version] {
				p.checkpoints = append(p.checkpoints, planCheckpoint{section: sec.Key, version: e.Version, text: string(text)})
			}
			if err := check(e.Version); err != nil {
				return nil, err
			}
		}
		if string(text) != sec.Text {
			return nil, badBundle("sections[%d]: the text of section %q does not match its edit log (version %d rebuilds %d bytes, the text has %d)",
				i, sec.Key, sec.Version, len(text), len(sec.Text))
		}
	}
	return p, nil
}

func anRole(r brief.MemberRole) string {
	if r == brief.MemberAuthor {
		return "an author"
	}
	return "a " + string(r)
}

func checkName(path, name string) error {
	name = strings.TrimSpace(name)
	if name == "" || !utf8.ValidString(name) || strings.IndexByte(name, 0) >= 0 || utf8.RuneCountInString(name) > 200 {
		return badBundle("%s: a name of 1 to 200 characters is required", path)
	}
	return nil
}

func checkText(path, text string) error {
	if err := brief.ValidateSectionText(text); err != nil {
		return badField(path, err)
	}
	return nil
}

func checkTimes(path string, created, updated time.Time) error {
	if created.IsZero() || updated.IsZero() {
		return badBundle("%s: createdAt and updatedAt are required", path)
	}
	if updated.Before(created) {
		return badBundle("%s: updatedAt is before createdAt", path)
	}
	return nil
}

func checkRange(path string, start, end int, detached bool) error {
	if start < 0 || end < start {
		return badBundle("%s: range %d–%d is not a range", path, start, end)
	}
	if detached && start != end {
		return badBundle("%s: a detached range is a point (start = end), not %d–%d", path, start, end)
	}
	return nil
}

// ImportBundle makes a new brief from a bundle, with its whole history,
// review and workflow; the caller becomes one of its authors. People are
// mapped by e-mail: the exporter is the caller, a user of this server
// keeps their place (and membership), anyone else stays named in history
// as an inactive user who cannot sign in until an admin creates a user
// with that e-mail. The bundle is checked whole before anything is
// written, and written in one transaction.
func (s *Store) ImportBundle(ctx context.Context, u brief.User, b *Bundle) (brief.Brief, BundleReport, error) {
	report := BundleReport{People: []BundlePersonReport{}, Warnings: []string{}}
	if err := brief.Authorize(u.Actor(brief.MemberNone), brief.ActCreate); err != nil {
		return brief.Brief{}, report, err
	}
	p, err := checkBundle(b)
	if err != nil {
		return brief.Brief{}, report, err
	}
	id := newID()
	err = s.tx(ctx, func(tx *sql.Tx) error {
		report = BundleReport{People: []BundlePersonReport{}, Warnings: []string{}}
		users, err := s.mapPeople(tx, u, p, &report)
		if err != nil {
			return err
		}
		return s.writeBundle(tx, u, id, p, users, &report)
	})
	if err != nil {
		return brief.Brief{}, report, err
	}
	if err := s.IndexBrief(ctx, id); err != nil {
		return brief.Brief{}, report, err
	}
	nb, err := s.Brief(ctx, u, id)
	return nb, report, err
}

// mappedPerson is whom a bundle's person became here.
type mappedPerson struct {
	id     int64
	mapped string
}

// mapPeople finds or makes the user each person of the bundle is here.
func (s *Store) mapPeople(tx *sql.Tx, u brief.User, p *bundlePlan, report *BundleReport) (map[int]mappedPerson, error) {
	b := p.b
	out := map[int]mappedPerson{}
	first := map[int64]string{} // user id -> the first person mapped to them
	now := ms(s.now())
	named := false
	for _, pp := range b.People {
		named = named || p.used[pp.Ref] && strings.EqualFold(strings.TrimSpace(pp.Email), strings.TrimSpace(b.ExportedBy.Email))
	}
	if !named {
		// The exporter is the caller even when the brief does not name them.
		report.People = append(report.People, BundlePersonReport{Email: b.ExportedBy.Email, Name: b.ExportedBy.Name, Mapped: MappedYou})
	}
	for _, pp := range b.People {
		if !p.used[pp.Ref] {
			continue // named by nothing: nobody to map
		}
		m := mappedPerson{}
		email := strings.TrimSpace(pp.Email)
		elsewhere := false
		switch {
		case strings.EqualFold(email, strings.TrimSpace(b.ExportedBy.Email)):
			m = mappedPerson{id: u.ID, mapped: MappedYou}
		case strings.EqualFold(email, localEmail):
			// Another computer's own user is nobody here: named in history
			// under an address of their own, never merged with anyone.
			email, elsewhere = "me+"+newID()+"@this-computer.local", true
			report.Warnings = append(report.Warnings, fmt.Sprintf(
				"%s wrote on their own computer (%s), not as an account of a server: they stay named in the history but cannot sign in", pp.Name, pp.Email))
			fallthrough
		default:
			var inactive, local bool
			err := tx.QueryRow(`SELECT id, inactive, local FROM users WHERE email = ?`, email).Scan(&m.id, &inactive, &local)
			switch {
			case err == nil && !inactive:
				m.mapped = MappedExisting
			case err == nil:
				m.mapped = MappedUnlinked // named by an earlier import
			case errors.Is(err, sql.ErrNoRows):
				role := brief.RoleAuthor
				if pp.Role == brief.RoleSupervisor {
					role = brief.RoleSupervisor
				}
				res, err := tx.Exec(`INSERT INTO users (email, name, role, local, created_at, inactive) VALUES (?, ?, ?, 0, ?, 1)`,
					email, strings.TrimSpace(pp.Name), role, now)
				if err != nil {
					return nil, err
				}
				m.id, _ = res.LastInsertId()
				m.mapped = MappedUnlinked
			default:
				return nil, err
			}
		}
		if m.mapped == MappedUnlinked && !elsewhere {
			report.Warnings = append(report.Warnings, fmt.Sprintf(
				"%s <%s> has no account on this server: they stay named in the history but cannot sign in; "+
					"an admin who adds a user with this e-mail links them to it", pp.Name, pp.Email))
		}
		if other, dup := first[m.id]; dup {
			report.Warnings = append(report.Warnings, fmt.Sprintf("%s <%s> and %s are the same person here", pp.Name, pp.Email, other))
		} else {
			first[m.id] = fmt.Sprintf("%s <%s>", pp.Name, pp.Email)
		}
		out[pp.Ref] = m
		report.People = append(report.People, BundlePersonReport{Email: pp.Email, Name: pp.Name, Mapped: m.mapped})
	}
	return out, nil
}

// writeBundle writes a checked bundle as brief id.
func (s *Store) writeBundle(tx *sql.Tx, u brief.User, id string, p *bundlePlan, users map[int]mappedPerson, report *BundleReport) error {
	b := p.b
	uid := func(ref int) int64 { return users[ref].id }
	optUID := func(ref *int) any {
		if ref == nil {
			return nil
		}
		return users[*ref].id
	}
	optMS := func(t *time.Time) any {
		if t == nil {
			return nil
		}
		return ms(*t)
	}
	now := ms(s.now())
	metaJSON, err := json.Marshal(p.meta)
	if err != nil {
		return err
	}
	if _, err := tx.Exec(`INSERT INTO briefs (id, type, title, status, metadata, created_by, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
		id, b.Brief.Type, p.title, b.Brief.Status, string(metaJSON), uid(b.Brief.CreatedBy), ms(b.Brief.CreatedAt), ms(b.Brief.UpdatedAt)); err != nil {
		return err
	}

	// Members: the caller is an author; users of this server keep their
	// role (an author's wins when two people are one here).
	roles := map[int64]brief.MemberRole{u.ID: brief.MemberAuthor}
	order := []int64{u.ID}
	for _, m := range b.Members {
		mp := users[m.Person]
		switch mp.mapped {
		case MappedYou:
			if m.Role != brief.MemberAuthor {
				report.Warnings = append(report.Warnings, fmt.Sprintf("you were %s of the brief; here you are its author", anRole(m.Role)))
			}
			continue
		case MappedUnlinked:
			for _, pp := range b.People {
				if pp.Ref == m.Person {
					report.Warnings = append(report.Warnings, fmt.Sprintf(
						"%s <%s> was %s of the brief: an author can add them as a member once they have an account", pp.Name, pp.Email, anRole(m.Role)))
				}
			}
			continue
		}
		if _, seen := roles[mp.id]; !seen {
			order = append(order, mp.id)
		}
		if roles[mp.id] != brief.MemberAuthor {
			roles[mp.id] = m.Role
		}
	}
	for _, userID := range order {
		if _, err := tx.Exec(`INSERT INTO members (brief_id, user_id, role, added_at) VALUES (?, ?, ?, ?)`, id, userID, roles[userID], now); err != nil {
			return err
		}
	}

	for i, sec := range b.Sections {
		if _, err := tx.Exec(`INSERT INTO sections (brief_id, key, title, position, text, version, removed_at) VALUES (?, ?, ?, ?, ?, ?, ?)`,
			id, sec.Key, sec.Title, i, sec.Text, sec.Version, optMS(sec.RemovedAt)); err != nil {
			return err
		}
	}
	edit, err := tx.Prepare(`INSERT INTO edits (brief_id, section_key, version, delta, undo, revision, author_id, at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`)
	if err != nil {
		return err
	}
	defer edit.Close()
	for i, e := range b.Log {
		if _, err := edit.Exec(id, e.Section, e.Version, e.Delta, p.undo[i], e.Revision, uid(e.Author), ms(e.At)); err != nil {
			return err
		}
	}
	for _, c := range p.checkpoints {
		if err := checkpoint(tx, id, c.section, c.version, c.text); err != nil {
			return err
		}
	}
	// Revisions are closed: what is written here starts new ones.
	for _, r := range b.Revisions {
		if _, err := tx.Exec(`INSERT INTO revisions (brief_id, number, section_key, author_id, created_at, updated_at, from_version, to_version, closed)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, 1)`, id, r.Number, r.Section, uid(r.Author), ms(r.CreatedAt), ms(r.UpdatedAt), r.FromVersion, r.ToVersion); err != nil {
			return err
		}
	}
	for _, o := range b.OutlineLog {
		slots := o.Sections
		if slots == nil {
			slots = []brief.SectionSlot{}
		}
		js, err := json.Marshal(slots)
		if err != nil {
			return err
		}
		if _, err := tx.Exec(`INSERT INTO outlines (brief_id, outline, author_id, at, after_revision) VALUES (?, ?, ?, ?, ?)`,
			id, string(js), uid(o.Author), ms(o.At), o.AfterRevision); err != nil {
			return err
		}
	}
	for _, v := range b.Versions {
		secs := v.Sections
		if secs == nil {
			secs = []VersionSection{}
		}
		js, err := json.Marshal(secs)
		if err != nil {
			return err
		}
		if _, err := tx.Exec(`INSERT INTO versions (brief_id, number, label, kind, sections, revision, created_by, created_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?)`, id, v.Number, v.Label, v.Kind, string(js), v.Revision, uid(v.CreatedBy), ms(v.CreatedAt)); err != nil {
			return err
		}
	}
	commentID := map[int]int64{}
	for _, c := range b.Comments {
		var parent any
		start, end, at, detached, quote := c.Start, c.End, c.AtVersion, c.Detached, c.Quote
		if c.Parent != nil {
			// A reply has its thread's range.
			parent, start, end, at, detached, quote = commentID[*c.Parent], 0, 0, 0, false, ""
		}
		res, err := tx.Exec(`INSERT INTO comments (brief_id, section_key, parent_id, author_id, body, quote, base_version, start_pos, end_pos,
			at_version, detached, created_at, edited_at, deleted_at, resolved_at, resolved_by) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			id, c.Section, parent, uid(c.Author), c.Body, quote, c.BaseVersion, start, end, at, detached,
			ms(c.CreatedAt), optMS(c.EditedAt), optMS(c.DeletedAt), optMS(c.ResolvedAt), optUID(c.ResolvedBy))
		if err != nil {
			return err
		}
		commentID[c.Ref], _ = res.LastInsertId()
	}
	for _, g := range b.Suggestions {
		var applied any
		if g.AppliedVersion != nil {
			applied = *g.AppliedVersion
		}
		if _, err := tx.Exec(`INSERT INTO suggestions (brief_id, section_key, origin, author_id, quote, replacement, base_text, base_version,
			start_pos, end_pos, at_version, detached, status, created_at, decided_at, decided_by, applied_version)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			id, g.Section, g.Origin, uid(g.Author), g.Quote, g.Replacement, g.Base, g.BaseVersion, g.Start, g.End, g.AtVersion, g.Detached,
			g.Status, ms(g.CreatedAt), optMS(g.DecidedAt), optUID(g.DecidedBy), applied); err != nil {
			return err
		}
	}
	for _, d := range b.Decisions {
		if _, err := tx.Exec(`INSERT INTO decisions (brief_id, user_id, kind, note, version, created_at) VALUES (?, ?, ?, ?, ?, ?)`,
			id, uid(d.By), d.Decision, d.Note, d.Version, ms(d.CreatedAt)); err != nil {
			return err
		}
	}
	return markDirty(tx, id, now)
}
