package store

import (
	"context"
	"database/sql"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"briefstudio/internal/brief"
	"briefstudio/internal/revision"
)

func openTest(t *testing.T) (*Store, string) {
	t.Helper()
	dir := t.TempDir()
	s, err := OpenDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s, dir
}

func mustUser(t *testing.T, s *Store, email string, role brief.Role) brief.User {
	t.Helper()
	u, err := s.CreateUser(context.Background(), brief.User{Email: email, Name: email, Role: role})
	if err != nil {
		t.Fatal(err)
	}
	return u
}

// withBrief opens a store with an author and one discussion brief of theirs.
func withBrief(t *testing.T) (*Store, brief.User, brief.Brief) {
	t.Helper()
	s, _ := openTest(t)
	u := mustUser(t, s, "a@example.org", brief.RoleAuthor)
	b, err := s.CreateBrief(context.Background(), u, NewBrief{Type: "discussion-brief", Title: "T"})
	if err != nil {
		t.Fatal(err)
	}
	return s, u, b
}

// rebuild replays a section's edit log from the empty text.
func rebuild(t *testing.T, s *Store, briefID, key string) (string, int64) {
	t.Helper()
	rows, err := s.db.Query(`SELECT version, delta FROM edits WHERE brief_id = ? AND section_key = ? ORDER BY version`, briefID, key)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	text, last := "", int64(0)
	for rows.Next() {
		var v int64
		var delta string
		if err := rows.Scan(&v, &delta); err != nil {
			t.Fatal(err)
		}
		if v != last+1 {
			t.Fatalf("edit log jumps from version %d to %d", last, v)
		}
		if text, err = revision.ApplyDelta(text, delta); err != nil {
			t.Fatalf("version %d: %v", v, err)
		}
		last = v
	}
	return text, last
}

func TestEditLogRebuildsText(t *testing.T) {
	s, u, b := withBrief(t)
	ctx := context.Background()
	texts := []string{"Hello", "Hello wörld 😀", "中文 Hello wörld 😀😁", "", "Jørgensen, Çağlar, Salamońska"}
	for i, text := range texts {
		w, err := s.PutSection(ctx, u, b.ID, "introduction", text, int64(i))
		if err != nil {
			t.Fatal(err)
		}
		got, v := rebuild(t, s, b.ID, "introduction")
		if got != text || v != w.Version {
			t.Fatalf("step %d: log rebuilds %q at v%d, want %q at v%d", i, got, v, text, w.Version)
		}
	}
}

// TestConcurrentWriters: many goroutines doing read-then-write transactions
// on one file; with _txlock=immediate none may fail with SQLITE_BUSY.
func TestConcurrentWriters(t *testing.T) {
	s, u, b := withBrief(t)
	ctx := context.Background()
	const workers, each = 16, 20
	var wg sync.WaitGroup
	errs := make(chan error, workers*each)
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			key := b.Sections[w%len(b.Sections)].Key
			for i := 0; i < each; i++ {
				// Each writer reads the current version then writes on it;
				// a conflict (someone else wrote in between) is retried.
				for {
					cur, err := s.Brief(ctx, u, b.ID)
					if err != nil {
						errs <- err
						return
					}
					var v int64
					for _, sec := range cur.Sections {
						if sec.Key == key {
							v = sec.Version
						}
					}
					_, err = s.PutSection(ctx, u, b.ID, key, fmt.Sprintf("w%d i%d", w, i), v)
					if brief.ErrorCode(err) == brief.EConflict {
						continue
					}
					if err != nil {
						errs <- err
					}
					break
				}
			}
		}(w)
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatalf("concurrent write failed: %v", err)
	}
	var total int
	s.db.QueryRow(`SELECT COUNT(*) FROM edits WHERE brief_id = ?`, b.ID).Scan(&total)
	if total != workers*each {
		t.Fatalf("edit log has %d rows, want %d", total, workers*each)
	}
}

func TestMigrationsAreIdempotent(t *testing.T) {
	s, dir := openTest(t)
	mustUser(t, s, "a@example.org", brief.RoleAuthor)
	s.Close()
	again, err := OpenDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer again.Close()
	n, err := again.CountUsers(context.Background())
	if err != nil || n != 1 {
		t.Fatalf("after reopening: %d users, %v", n, err)
	}
}

func TestOpenDirErrors(t *testing.T) {
	file := filepath.Join(t.TempDir(), "file")
	os.WriteFile(file, []byte("x"), 0o600)
	_, err := OpenDir(filepath.Join(file, "data"))
	if err == nil || !strings.Contains(err.Error(), "cannot be created") {
		t.Fatalf("a data directory under a file: %v", err)
	}
	notDB := t.TempDir()
	os.WriteFile(filepath.Join(notDB, FileName), []byte(strings.Repeat("not a database ", 100)), 0o600)
	if _, err := OpenDir(notDB); err == nil {
		t.Fatal("opening a file that is not a database succeeded")
	}
}

func TestBackupWhileOpen(t *testing.T) {
	s, dir := openTest(t)
	ctx := context.Background()
	u := mustUser(t, s, "a@example.org", brief.RoleAuthor)
	b, _ := s.CreateBrief(ctx, u, NewBrief{Type: "synthetic-report", Title: "Backed up"})
	s.PutSection(ctx, u, b.ID, "summary", "Summary text", 0)
	out := filepath.Join(dir, "copy.db")
	if err := s.Backup(ctx, out); err != nil {
		t.Fatal(err)
	}
	if err := s.Backup(ctx, out); brief.ErrorCode(err) != brief.EConflict {
		t.Fatalf("backup over an existing file: %v", err)
	}
	c, err := Open(out)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	got, err := c.Brief(ctx, u, b.ID)
	if err != nil || got.Sections[0].Text != "Summary text" {
		t.Fatalf("backup holds %+v, %v", got, err)
	}
}

func TestOutlineLog(t *testing.T) {
	s, _ := openTest(t)
	ctx := context.Background()
	u := mustUser(t, s, "a@example.org", brief.RoleAuthor)
	b, _ := s.CreateBrief(ctx, u, NewBrief{Type: "ask-the-expert-brief", Title: "T"})
	if _, err := s.AddSection(ctx, u, b.ID, "Annex", ""); err != nil {
		t.Fatal(err)
	}
	if err := s.RemoveSection(ctx, u, b.ID, "references"); err != nil {
		t.Fatal(err)
	}
	rows, err := s.db.Query(`SELECT outline FROM outlines WHERE brief_id = ? ORDER BY id`, b.ID)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var outlines []string
	for rows.Next() {
		var o string
		rows.Scan(&o)
		outlines = append(outlines, o)
	}
	if len(outlines) != 3 || !strings.Contains(outlines[1], `"annex"`) || strings.Contains(outlines[2], `"references"`) {
		t.Fatalf("outline log: %v", outlines)
	}
	// A removed section keeps its row, so its history stays.
	var removed sql.NullInt64
	s.db.QueryRow(`SELECT removed_at FROM sections WHERE brief_id = ? AND key = 'references'`, b.ID).Scan(&removed)
	if !removed.Valid {
		t.Fatal("removed section lost its row")
	}
}

// Writes run on one connection kept for them; if database/sql drops it
// (as it does with a connection whose statement was cancelled), the next
// write takes another instead of failing from then on.
func TestWritesOutliveTheirConnection(t *testing.T) {
	s, _ := openTest(t)
	ctx := context.Background()
	mustUser(t, s, "a@example.org", brief.RoleAuthor)
	s.wmu.Lock()
	first := s.wconn
	first.Close()
	s.wmu.Unlock()
	u := mustUser(t, s, "b@example.org", brief.RoleAuthor)
	if _, err := s.CreateBrief(ctx, u, NewBrief{Type: "discussion-brief", Title: "After"}); err != nil {
		t.Fatalf("write after the writer connection closed: %v", err)
	}
	if s.wconn == nil || s.wconn == first {
		t.Fatal("the closed writer connection was not replaced")
	}
	var size int
	if err := s.wconn.QueryRowContext(ctx, `PRAGMA cache_size`).Scan(&size); err != nil || size != -writeCache {
		t.Fatalf("writer connection cache_size = %d (%v), want %d", size, err, -writeCache)
	}
	var auto int
	if err := s.wconn.QueryRowContext(ctx, `PRAGMA wal_autocheckpoint`).Scan(&auto); err != nil || auto != 0 {
		t.Fatalf("writer connection wal_autocheckpoint = %d (%v), want 0 (the checkpointer's)", auto, err)
	}
}

// The checkpointer keeps the WAL from growing without bound while a
// writer commits back to back (a checkpoint beside a busy writer never
// lets the WAL start again on its own).
func TestWALStaysBounded(t *testing.T) {
	oldFrames, oldEvery := walRestartFrames, walCheckpointEvery
	walRestartFrames, walCheckpointEvery = 64, 20*time.Millisecond
	t.Cleanup(func() { walRestartFrames, walCheckpointEvery = oldFrames, oldEvery })
	s, u, b := withBrief(t)
	ctx := context.Background()
	key := b.Sections[0].Key
	text := strings.Repeat("a brief about housing first for newly recognised refugees. ", 200) // 12 KB: a few pages a commit
	var version int64
	deadline := time.Now().Add(time.Second)
	for i := 0; time.Now().Before(deadline); i++ {
		w, err := s.PutSection(ctx, u, b.ID, key, fmt.Sprint(i, text), version)
		if err != nil {
			t.Fatal(err)
		}
		version = w.Version
	}
	var seq int
	var name, file string
	if err := s.db.QueryRow(`PRAGMA database_list`).Scan(&seq, &name, &file); err != nil {
		t.Fatal(err)
	}
	fi, err := os.Stat(file + "-wal")
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("%d commits, WAL file %d KB", version, fi.Size()>>10)
	// The WAL file keeps its largest size. Each commit writes several pages
	// (about 30 KB); a WAL that starts again every few ticks holds far less
	// than 8 KB a commit, one that never does holds them all.
	if fi.Size() > version*8<<10 {
		t.Fatalf("the WAL grew to %d KB after %d commits", fi.Size()>>10, version)
	}
}
