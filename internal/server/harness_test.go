package server

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"sync"
	"testing"
	"testing/fstest"
	"time"

	"briefstudio/internal/auth"
	"briefstudio/internal/brief"
	"briefstudio/internal/store"
)

// clock is a settable clock shared by the store and the test.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clock) advance(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

// env is a real server over a real SQLite file, with a user per role.
type env struct {
	t      testing.TB
	url    string
	store  *store.Store
	auth   *auth.Service
	clock  *clock
	tokens map[string]string // "admin", "author", "supervisor", "outsider" -> API token
	users  map[string]brief.User
}

func newEnv(t testing.TB) *env {
	t.Helper()
	return newEnvUsers(t, []envUser{
		{"admin", "admin@example.org", "admin", "admin"},
		{"author", "author@example.org", "author", "author"},
		{"supervisor", "supervisor@example.org", "supervisor", "supervisor"},
		{"outsider", "outsider@example.org", "outsider", "author"},
		{"author2", "author2@example.org", "author2", "author"},
	})
}

// envUser is a user an env creates: tokens and users are keyed by key.
type envUser struct{ key, email, name, role string }

// newEnvUsers is a real server over its own SQLite file with these users.
func newEnvUsers(t testing.TB, users []envUser) *env {
	t.Helper()
	c := &clock{t: time.Date(2026, 11, 23, 9, 0, 0, 0, time.UTC)}
	st, err := store.Open(filepath.Join(t.TempDir(), "test.db"), store.WithClock(c.now))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	a := auth.New(st)
	ui := fstest.MapFS{"index.html": {Data: []byte("<!doctype html><title>Brief Studio</title>")},
		"assets/app.js": {Data: []byte("console.log(1)")}}
	srv := httptest.NewServer(New(st, a, Options{UI: ui, Version: "test"}).Handler())
	t.Cleanup(srv.Close)
	e := &env{t: t, url: srv.URL, store: st, auth: a, clock: c, tokens: map[string]string{}, users: map[string]brief.User{}}
	for _, u := range users {
		created, err := a.CreateUser(context.Background(), nil, u.email, u.name, u.role)
		if err != nil {
			t.Fatal(err)
		}
		e.tokens[u.key], e.users[u.key] = created.Token, created.User
	}
	return e
}

// do sends a request; body may be nil, a []byte/string sent as is, or a
// value encoded as JSON. It returns the status and the raw answer.
func (e *env) do(method, path, token string, body any) (int, []byte) {
	e.t.Helper()
	var rd io.Reader
	switch b := body.(type) {
	case nil:
	case []byte:
		rd = bytes.NewReader(b)
	case string:
		rd = bytes.NewReader([]byte(b))
	default:
		js, err := json.Marshal(b)
		if err != nil {
			e.t.Fatal(err)
		}
		rd = bytes.NewReader(js)
	}
	req, err := http.NewRequest(method, e.url+path, rd)
	if err != nil {
		e.t.Fatal(err)
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		e.t.Fatal(err)
	}
	defer res.Body.Close()
	raw, _ := io.ReadAll(res.Body)
	return res.StatusCode, raw
}

// must sends a request that has to answer want, decoding the answer into out.
func (e *env) must(want int, method, path, token string, body any, out any) {
	e.t.Helper()
	status, raw := e.do(method, path, token, body)
	if status != want {
		e.t.Fatalf("%s %s: status %d, want %d: %s", method, path, status, want, raw)
	}
	if out != nil {
		if err := json.Unmarshal(raw, out); err != nil {
			e.t.Fatalf("%s %s: %v: %s", method, path, err, raw)
		}
	}
}

// errorCode decodes an error answer's code.
func errorCode(t testing.TB, raw []byte) string {
	t.Helper()
	var body errorBody
	if err := json.Unmarshal(raw, &body); err != nil || body.Error.Code == "" || body.Error.Message == "" {
		t.Fatalf("not an error body: %s", raw)
	}
	return string(body.Error.Code)
}

// newBrief creates a discussion brief by the author with the supervisor as
// a member.
func (e *env) newBrief() brief.Brief {
	e.t.Helper()
	var b brief.Brief
	e.must(201, "POST", "/api/briefs", e.tokens["author"], map[string]any{"type": "discussion-brief", "title": "Labour migration"}, &b)
	e.must(201, "POST", "/api/briefs/"+b.ID+"/members", e.tokens["author"], map[string]string{"email": "supervisor@example.org"}, nil)
	return b
}
