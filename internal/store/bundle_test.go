package store

import (
	"context"
	"encoding/json"
	"math/rand"
	"path/filepath"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"briefstudio/internal/brief"
	"briefstudio/internal/revision"
)

// roundTrip exports a brief from one store and imports it into another
// as u, through the JSON file.
func roundTrip(t testing.TB, from *Store, by brief.User, id string, to *Store, u brief.User) (brief.Brief, BundleReport, error) {
	t.Helper()
	ctx := context.Background()
	b, err := from.ExportBundle(ctx, by, id)
	if err != nil {
		t.Fatal(err)
	}
	raw, err := json.Marshal(b)
	if err != nil {
		t.Fatal(err)
	}
	parsed, err := ParseBundle(raw)
	if err != nil {
		t.Fatal(err)
	}
	return to.ImportBundle(ctx, u, parsed)
}

func count(t testing.TB, s *Store, table string) int {
	t.Helper()
	var n int
	if err := s.db.QueryRow(`SELECT COUNT(*) FROM ` + table).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// TestBundleUnlinkedPeople: someone a bundle names who has no account
// here is an inactive user: no token, not listed, not a member, until a
// user is created with their e-mail, which is then that same row.
func TestBundleUnlinkedPeople(t *testing.T) {
	ctx := context.Background()
	a, _ := openTest(t)
	b, _ := openTest(t)
	ana := mustUser(t, a, "ana@example.org", brief.RoleAuthor)
	ben := mustUser(t, a, "ben@example.org", brief.RoleSupervisor)
	br, err := a.CreateBrief(ctx, ana, NewBrief{Type: "discussion-brief", Title: "Unlinked"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := a.AddMember(ctx, ana, br.ID, ben.Email, ""); err != nil {
		t.Fatal(err)
	}
	if _, err := a.PutSection(ctx, ana, br.ID, "introduction", "Some text.", 0); err != nil {
		t.Fatal(err)
	}
	carol := mustUser(t, b, "carol@example.org", brief.RoleAuthor)
	usersBefore, _ := b.CountUsers(ctx)
	nb, report, err := roundTrip(t, a, ana, br.ID, b, carol)
	if err != nil {
		t.Fatal(err)
	}
	if len(report.People) != 2 || report.People[0].Mapped != MappedYou || report.People[1].Mapped != MappedUnlinked {
		t.Fatalf("report %+v", report)
	}
	var pid int64
	var inactive bool
	if err := b.db.QueryRow(`SELECT id, inactive FROM users WHERE email = 'ben@example.org'`).Scan(&pid, &inactive); err != nil || !inactive {
		t.Fatalf("ben on B: %v inactive=%v", err, inactive)
	}
	if n, _ := b.CountUsers(ctx); n != usersBefore {
		t.Fatalf("CountUsers counts the unlinked: %d -> %d", usersBefore, n)
	}
	users, _ := b.Users(ctx)
	for _, u := range users {
		if u.ID == pid {
			t.Fatal("Users lists the unlinked")
		}
	}
	if _, err := b.User(ctx, pid); brief.ErrorCode(err) != brief.ENotFound {
		t.Fatalf("User(unlinked): %v", err)
	}
	if err := b.InsertToken(ctx, pid, TokenAPI, []byte("0123456789abcdef0123456789abcdef"), nil); brief.ErrorCode(err) != brief.ENotFound {
		t.Fatalf("a token was stored for the unlinked: %v", err)
	}
	if _, err := b.AddMember(ctx, carol, nb.ID, "ben@example.org", ""); brief.ErrorCode(err) != brief.ENotFound {
		t.Fatalf("the unlinked was made a member: %v", err)
	}
	members, _ := b.Members(ctx, carol, nb.ID)
	if len(members) != 1 || members[0].UserID != carol.ID || members[0].Role != brief.MemberAuthor {
		t.Fatalf("members %+v", members)
	}
	// A second import maps ben to the same row.
	if _, report, err := roundTrip(t, a, ana, br.ID, b, carol); err != nil || report.People[1].Mapped != MappedUnlinked {
		t.Fatalf("second import: %v %+v", err, report)
	}
	if n := count(t, b, "users"); n != usersBefore+1 {
		t.Fatalf("users rows %d, want %d", n, usersBefore+1)
	}
	// Creating ben activates the row.
	u, err := b.CreateUser(ctx, brief.User{Email: "Ben@example.org", Name: "Ben B.", Role: brief.RoleSupervisor})
	if err != nil || u.ID != pid {
		t.Fatalf("CreateUser: %+v %v, want id %d", u, err, pid)
	}
	if err := b.InsertToken(ctx, pid, TokenAPI, []byte("0123456789abcdef0123456789abcdef"), nil); err != nil {
		t.Fatal(err)
	}
	if _, err := b.CreateUser(ctx, brief.User{Email: "ben@example.org", Name: "Ben", Role: brief.RoleAuthor}); brief.ErrorCode(err) != brief.EConflict {
		t.Fatalf("a second CreateUser: %v", err)
	}
	if _, err := b.AddMember(ctx, carol, nb.ID, "ben@example.org", ""); err != nil {
		t.Fatal(err)
	}
	revs, _ := b.Revisions(ctx, carol, nb.ID)
	if len(revs) != 1 || revs[0].Author.ID != carol.ID {
		t.Fatalf("revisions %+v", revs)
	}
}

// TestBundleLocalUsers: the desktop's own user is "me@this-computer.local"
// everywhere; when they export, they are the importer; when someone else
// exports, they are nobody here and are never merged with this computer's
// own user.
func TestBundleLocalUsers(t *testing.T) {
	ctx := context.Background()
	desk, _ := openTest(t)
	me := brief.User{Email: localEmail, Name: "Me on the desk", Role: brief.RoleAdmin, Local: true}
	me, err := desk.CreateUser(ctx, me)
	if err != nil {
		t.Fatal(err)
	}
	br, err := desk.CreateBrief(ctx, me, NewBrief{Type: "synthetic-report", Title: "From the desk"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := desk.PutSection(ctx, me, br.ID, "summary", "Written at my desk.", 0); err != nil {
		t.Fatal(err)
	}
	// To a shared server: the local user is the importer.
	srv, _ := openTest(t)
	ana := mustUser(t, srv, "ana@example.org", brief.RoleAuthor)
	onSrv, report, err := roundTrip(t, desk, me, br.ID, srv, ana)
	if err != nil {
		t.Fatal(err)
	}
	if report.People[0].Mapped != MappedYou {
		t.Fatalf("report %+v", report)
	}
	revs, _ := srv.Revisions(ctx, ana, onSrv.ID)
	if revs[0].Author.ID != ana.ID {
		t.Fatalf("the desk's revision is by %+v, not ana", revs[0].Author)
	}
	// Exported by someone else to another desktop: this computer's own
	// user is not the desk's.
	other, _ := openTest(t)
	mine, err := other.CreateUser(ctx, brief.User{Email: localEmail, Name: "Me elsewhere", Role: brief.RoleAdmin, Local: true})
	if err != nil {
		t.Fatal(err)
	}
	boss := mustUser(t, desk, "boss@example.org", brief.RoleAdmin)
	back, report, err := roundTrip(t, desk, boss, br.ID, other, mine)
	if err != nil {
		t.Fatal(err)
	}
	if len(report.People) != 2 || report.People[0].Mapped != MappedYou || report.People[1].Mapped != MappedUnlinked ||
		!strings.Contains(strings.Join(report.Warnings, " "), "own computer") {
		t.Fatalf("report %+v", report)
	}
	revs, _ = other.Revisions(ctx, mine, back.ID)
	if revs[0].Author.ID == mine.ID || revs[0].Author.Name != "Me on the desk" {
		t.Fatalf("the desk's revision is by %+v", revs[0].Author)
	}
	if u, err := other.LocalUser(ctx); err != nil || u.ID != mine.ID {
		t.Fatalf("local user %+v %v", u, err)
	}
}

// TestBundleImportedAndDuplicated: briefs made by import or duplication
// (their first edits come before the first outline) travel too.
func TestBundleImportedAndDuplicated(t *testing.T) {
	ctx := context.Background()
	a, _ := openTest(t)
	b, _ := openTest(t)
	ana := mustUser(t, a, "ana@example.org", brief.RoleAuthor)
	carol := mustUser(t, b, "carol@example.org", brief.RoleAuthor)
	br, err := a.CreateBrief(ctx, ana, NewBrief{Type: "discussion-brief", Title: "Original",
		Sections: []brief.Section{{Title: "Introduction", Text: "Imported text, Jørgensen."}, {Title: "Evidence", Text: "More."}}})
	if err != nil {
		t.Fatal(err)
	}
	// Long titles make keys longer than a slug, with "-2" on a clash.
	long := strings.Repeat("Consequences of European policies ", 3)
	for i := 0; i < 2; i++ {
		sec, err := a.AddSection(ctx, ana, br.ID, long, "")
		if err != nil {
			t.Fatal(err)
		}
		if _, err := a.PutSection(ctx, ana, br.ID, sec.Key, "Text of "+sec.Key, 0); err != nil {
			t.Fatal(err)
		}
	}
	dup, err := a.DuplicateBrief(ctx, ana, br.ID)
	if err != nil {
		t.Fatal(err)
	}
	for _, id := range []string{br.ID, dup.ID} {
		nb, _, err := roundTrip(t, a, ana, id, b, carol)
		if err != nil {
			t.Fatal(err)
		}
		da, err := a.Diff(ctx, ana, id, "1", "current")
		if err != nil {
			t.Fatal(err)
		}
		db, err := b.Diff(ctx, carol, nb.ID, "1", "current")
		if err != nil {
			t.Fatal(err)
		}
		ja, _ := json.Marshal(da)
		jb, _ := json.Marshal(db)
		if string(ja) != string(jb) {
			t.Fatalf("diffs differ:\n%s\n%s", ja, jb)
		}
	}
}

// TestBundleReplayBudget: a history too long to rebuild is refused, and
// nothing of a refused bundle is written.
func TestBundleReplayBudget(t *testing.T) {
	ctx := context.Background()
	a, _ := openTest(t)
	b, _ := openTest(t)
	ana := mustUser(t, a, "ana@example.org", brief.RoleAuthor)
	carol := mustUser(t, b, "carol@example.org", brief.RoleAuthor)
	br, _ := a.CreateBrief(ctx, ana, NewBrief{Type: "discussion-brief", Title: "Long"})
	text, v := strings.Repeat("word ", 200), int64(0)
	for i := 0; i < 20; i++ {
		text += "more "
		w, err := a.PutSection(ctx, ana, br.ID, "introduction", text, v)
		if err != nil {
			t.Fatal(err)
		}
		v = w.Version
	}
	tables := []string{"users", "briefs", "sections", "edits", "revisions", "outlines", "versions", "comments", "suggestions", "decisions", "members", "checkpoints"}
	before := map[string]int{}
	for _, tb := range tables {
		before[tb] = count(t, b, tb)
	}
	old := bundleReplayBudget
	bundleReplayBudget = 10_000
	defer func() { bundleReplayBudget = old }()
	_, _, err := roundTrip(t, a, ana, br.ID, b, carol)
	if brief.ErrorCode(err) != brief.EInvalid || !strings.Contains(err.Error(), "too long") {
		t.Fatalf("import: %v", err)
	}
	for _, tb := range tables {
		if n := count(t, b, tb); n != before[tb] {
			t.Fatalf("%s: %d rows -> %d", tb, before[tb], n)
		}
	}
	bundleReplayBudget = old
	if _, _, err := roundTrip(t, a, ana, br.ID, b, carol); err != nil {
		t.Fatal(err)
	}
}

// BenchmarkBundle60KB1000Edits: export (with JSON) and import (parse,
// check, write) of a brief whose 60 KB section has 1,000 edits.
func BenchmarkBundle60KB1000Edits(b *testing.B) {
	ctx := context.Background()
	dir := b.TempDir()
	now := time.Date(2026, 1, 5, 9, 0, 0, 0, time.UTC)
	clock := func() time.Time { return now }
	a, err := Open(filepath.Join(dir, "a.db"), WithClock(clock))
	if err != nil {
		b.Fatal(err)
	}
	defer a.Close()
	dst, err := Open(filepath.Join(dir, "b.db"))
	if err != nil {
		b.Fatal(err)
	}
	defer dst.Close()
	ana, _ := a.CreateUser(ctx, brief.User{Email: "ana@example.org", Name: "Ana", Role: brief.RoleAuthor})
	ben, _ := a.CreateUser(ctx, brief.User{Email: "ben@example.org", Name: "Ben", Role: brief.RoleAuthor})
	carol, _ := dst.CreateUser(ctx, brief.User{Email: "carol@example.org", Name: "Carol", Role: brief.RoleAuthor})
	br, _ := a.CreateBrief(ctx, ana, NewBrief{Type: "discussion-brief", Title: "Bench"})
	if _, err := a.AddMember(ctx, ana, br.ID, ben.Email, "author"); err != nil {
		b.Fatal(err)
	}
	rng := rand.New(rand.NewSource(1))
	text := benchText(rng, 60_000)
	w, err := a.PutSection(ctx, ana, br.ID, "introduction", text, 0)
	if err != nil {
		b.Fatal(err)
	}
	for i := 1; i < 1000; i++ {
		words := strings.Split(text, " ")
		k := rng.Intn(len(words))
		words[k] = benchWords[rng.Intn(len(benchWords))]
		text = strings.Join(words, " ")
		who := ana
		if i/40%2 == 1 {
			who = ben
		}
		now = now.Add(time.Duration(rng.Intn(90)) * time.Second)
		if w, err = a.PutSection(ctx, who, br.ID, "introduction", text, w.Version); err != nil {
			b.Fatal(err)
		}
	}
	if w.Version != 1000 {
		b.Fatalf("version %d", w.Version)
	}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		bundle, err := a.ExportBundle(ctx, ana, br.ID)
		if err != nil {
			b.Fatal(err)
		}
		raw, err := json.Marshal(bundle)
		if err != nil {
			b.Fatal(err)
		}
		parsed, err := ParseBundle(raw)
		if err != nil {
			b.Fatal(err)
		}
		if _, _, err := dst.ImportBundle(ctx, carol, parsed); err != nil {
			b.Fatal(err)
		}
		b.SetBytes(int64(len(raw)))
	}
}

// FuzzReplayDelta: the import's replay (revision.ReplayDelta) gives what revision.ApplyDelta
// gives for any delta, refuses what it refuses (and NUL), and its inverse
// brings the old text back.
func FuzzReplayDelta(f *testing.F) {
	rng := rand.New(rand.NewSource(5))
	texts := []string{"", "a", "Jørgensen counts 😀 in Łódź.", "中文 text\twith\ttabs and %25 percent", benchText(rng, 300)}
	for _, old := range texts {
		for _, nw := range texts {
			fwd, undo := revision.Deltas(old, nw)
			f.Add(old, fwd)
			f.Add(nw, undo)
			f.Add(old, revision.Delta(old, nw))
		}
	}
	for _, bad := range []string{"=1", "-99", "+%", "+%4", "+%zz", "+%C3", "x3", "=-1", "=+1", "\t\t", "+a\t", "=3\t+%00", "=1\t=1\t=1"} {
		f.Add("abc", bad)
	}
	f.Fuzz(func(t *testing.T, old, delta string) {
		if !utf8.ValidString(old) {
			return
		}
		want, wantErr := revision.ApplyDelta(old, delta)
		next, undo, err := revision.ReplayDelta(nil, []byte(old), delta)
		got := string(next)
		if err != nil {
			if wantErr == nil && utf8.ValidString(delta) && !strings.Contains(want, "\x00") {
				t.Fatalf("replayDelta(%q, %q) refused what ApplyDelta takes (%q): %v", old, delta, want, err)
			}
			return
		}
		if wantErr != nil || got != want {
			t.Fatalf("replayDelta(%q, %q) = %q, ApplyDelta = %q, %v", old, delta, got, want, wantErr)
		}
		back, err := revision.ApplyDelta(got, undo)
		if err != nil || back != old {
			t.Fatalf("the inverse %q of %q gives %q, %v; want %q", undo, delta, back, err, old)
		}
	})
}
