package sync_test

import (
	"context"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"briefstudio/internal/auth"
	"briefstudio/internal/brief"
	"briefstudio/internal/server"
	"briefstudio/internal/store"
	livesync "briefstudio/internal/sync"
	"briefstudio/internal/sync/syncclient"
)

// testServer is a real server (HTTP + websocket) over a real SQLite file.
type testServer struct {
	t      testing.TB
	dbPath string
	store  *store.Store
	auth   *auth.Service
	hub    *livesync.Hub
	http   *httptest.Server
	wsURL  string
	tokens map[string]string
	users  map[string]brief.User
}

func newTestServer(t testing.TB, dbPath string) *testServer {
	t.Helper()
	if dbPath == "" {
		dbPath = filepath.Join(t.TempDir(), "sync.db")
	}
	ts := &testServer{t: t, dbPath: dbPath, tokens: map[string]string{}, users: map[string]brief.User{}}
	ts.start()
	t.Cleanup(ts.close)
	for _, u := range []struct{ key, role string }{{"author", "author"}, {"author2", "author"}, {"supervisor", "supervisor"}, {"outsider", "author"}, {"admin", "admin"}} {
		created, err := ts.auth.CreateUser(context.Background(), nil, u.key+"@example.org", u.key, u.role)
		if err != nil {
			t.Fatal(err)
		}
		ts.tokens[u.key], ts.users[u.key] = created.Token, created.User
	}
	return ts
}

// start opens the database and serves it on a fresh loopback port.
func (ts *testServer) start() {
	st, err := store.Open(ts.dbPath)
	if err != nil {
		ts.t.Fatal(err)
	}
	a := auth.New(st)
	hub := livesync.NewHub(st, a, nil)
	st.SetPublisher(hub)
	srv := httptest.NewServer(server.New(st, a, server.Options{Live: hub}).Handler())
	ts.store, ts.auth, ts.hub, ts.http = st, a, hub, srv
	ts.wsURL = "ws" + strings.TrimPrefix(srv.URL, "http") + "/api/ws"
}

// restart stops the server and starts it again on the same database (on
// another port).
func (ts *testServer) restart() {
	ts.close()
	ts.start()
}

func (ts *testServer) close() {
	if ts.http == nil {
		return
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	ts.hub.Close(ctx)
	ts.http.CloseClientConnections()
	ts.http.Close()
	ts.store.Close()
	ts.http = nil
}

// newBrief makes a brief owned by author, with author2 as a second author
// and supervisor as its supervisor.
func (ts *testServer) newBrief() string {
	ts.t.Helper()
	ctx := context.Background()
	b, err := ts.store.CreateBrief(ctx, ts.users["author"], store.NewBrief{Type: "discussion-brief", Title: "Live"})
	if err != nil {
		ts.t.Fatal(err)
	}
	for who, role := range map[string]string{"author2": "author", "supervisor": "supervisor"} {
		if _, err := ts.store.AddMember(ctx, ts.users["author"], b.ID, who+"@example.org", role); err != nil {
			ts.t.Fatal(err)
		}
	}
	return b.ID
}

func (ts *testServer) dial(who, briefID string) *syncclient.Client {
	ts.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	c, err := syncclient.Dial(ctx, ts.wsURL, ts.tokens[who], briefID, syncclient.Options{})
	if err != nil {
		ts.t.Fatalf("%s: %v", who, err)
	}
	ts.t.Cleanup(func() { c.Close() })
	return c
}

// dbText is the section's text as stored.
func (ts *testServer) dbText(briefID, key string) string {
	b, err := ts.store.Brief(context.Background(), ts.users["author"], briefID)
	if err != nil {
		ts.t.Fatal(err)
	}
	for _, s := range b.Sections {
		if s.Key == key {
			return s.Text
		}
	}
	return "<missing>"
}

// converge waits until every client is idle and holds the stored text.
func converge(t testing.TB, ts *testServer, briefID, key string, clients ...*syncclient.Client) string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	for {
		want := ts.dbText(briefID, key)
		ok := true
		for _, c := range clients {
			if !c.Idle() || c.Text(key) != want {
				ok = false
			}
		}
		if ok {
			return want
		}
		select {
		case <-ctx.Done():
			var got []string
			for i, c := range clients {
				got = append(got, c.Text(key))
				t.Logf("client %d: connected %v, idle %v, errors %q", i, c.Connected(), c.Idle(), c.Errors())
			}
			t.Fatalf("no convergence:\n db %q\n clients %q", want, got)
		case <-time.After(10 * time.Millisecond):
		}
	}
}

func TestTwoAuthorsTypeInOneSection(t *testing.T) {
	ts := newTestServer(t, "")
	id := ts.newBrief()
	a := ts.dial("author", id)
	b := ts.dial("author2", id)
	sup := ts.dial("supervisor", id)
	wordsA := strings.Fields("Çağlar wrote that migration 😀 policy is 中文 slow")
	wordsB := strings.Fields("Jørgensen replied with évidence from Łódź")
	done := make(chan struct{})
	go func() {
		for _, w := range wordsA {
			a.Edit("introduction", 0, 0, w+" ")
			time.Sleep(3 * time.Millisecond)
		}
		close(done)
	}()
	for _, w := range wordsB {
		b.Change("introduction", func(text string) string { return text + " " + w })
		time.Sleep(2 * time.Millisecond)
	}
	<-done
	text := converge(t, ts, id, "introduction", a, b, sup)
	for _, w := range append(wordsA, wordsB...) {
		if !strings.Contains(text, w) {
			t.Errorf("%q lost from %q", w, text)
		}
	}
}
