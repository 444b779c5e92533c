package sync_test

import (
	"context"
	"strings"
	"testing"
	"time"

	livesync "briefstudio/internal/sync"
	"briefstudio/internal/sync/syncclient"
)

// TestRESTWritesReachClients: a PUT, a restore and outline changes made
// through the services (as REST does) reach connected clients.
func TestRESTWritesReachClients(t *testing.T) {
	ts := newTestServer(t, "")
	id := ts.newBrief()
	a := ts.dial("author", id)
	sup := ts.dial("supervisor", id)
	ctx := context.Background()
	author := ts.users["author"]

	a.Edit("introduction", 0, 0, "Typed live.")
	converge(t, ts, id, "introduction", a, sup)
	if _, err := ts.store.PutSection(ctx, author, id, "introduction", "Replaced through REST.", a.Version("introduction")); err != nil {
		t.Fatal(err)
	}
	if got := converge(t, ts, id, "introduction", a, sup); got != "Replaced through REST." {
		t.Fatalf("got %q", got)
	}
	if _, err := ts.store.CreateVersion(ctx, author, id, "v"); err != nil {
		t.Fatal(err)
	}
	a.Edit("introduction", 0, 0, "Later. ")
	converge(t, ts, id, "introduction", a, sup)
	if _, err := ts.store.Restore(ctx, author, id, "v1"); err != nil {
		t.Fatal(err)
	}
	if got := converge(t, ts, id, "introduction", a, sup); got != "Replaced through REST." {
		t.Fatalf("after restore %q", got)
	}

	sec, err := ts.store.AddSection(ctx, author, id, "Annex", "")
	if err != nil {
		t.Fatal(err)
	}
	waitFor(t, sup, func(c *syncclient.Client) bool { return contains(c.Sections(), sec.Key) })
	a.Edit(sec.Key, 0, 0, "Annex text")
	converge(t, ts, id, sec.Key, a, sup)
	if err := ts.store.RemoveSection(ctx, author, id, "references"); err != nil {
		t.Fatal(err)
	}
	waitFor(t, a, func(c *syncclient.Client) bool { return !contains(c.Sections(), "references") })
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

func waitFor(t *testing.T, c *syncclient.Client, cond func(*syncclient.Client) bool) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := c.Wait(ctx, cond); err != nil {
		t.Fatalf("condition not met: %v", err)
	}
}

func TestPresence(t *testing.T) {
	ts := newTestServer(t, "")
	id := ts.newBrief()
	a := ts.dial("author", id)
	var seen []string
	got := make(chan string, 16)
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	b, err := syncclient.Dial(ctx, ts.wsURL, ts.tokens["supervisor"], id, syncclient.Options{OnMessage: func(typ string, raw []byte) {
		if typ == "peers" {
			got <- string(raw)
		}
	}})
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	a.Presence("scoping-the-debate", 3, 9)
	for {
		select {
		case p := <-got:
			seen = append(seen, p)
			if strings.Contains(p, `"section":"scoping-the-debate","cursor":{"anchor":3,"head":9}`) && strings.Contains(p, `"name":"author"`) {
				return
			}
		case <-ctx.Done():
			t.Fatalf("no presence seen: %v", seen)
		}
	}
}

func TestAccessChangesWhileConnected(t *testing.T) {
	ts := newTestServer(t, "")
	id := ts.newBrief()
	ctx := context.Background()
	r := joined(t, ts, "supervisor", id)
	if err := ts.store.RemoveMember(ctx, ts.users["author"], id, "supervisor@example.org"); err != nil {
		t.Fatal(err)
	}
	if code := closeCode(t, r); code != livesync.CloseForbidden {
		t.Fatalf("removed member: close %d", code)
	}
	r2 := joined(t, ts, "author2", id)
	if err := ts.store.ArchiveBrief(ctx, ts.users["author"], id); err != nil {
		t.Fatal(err)
	}
	if code := closeCode(t, r2); code != livesync.CloseNotFound {
		t.Fatalf("archived: close %d", code)
	}
}
