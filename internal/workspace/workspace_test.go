package workspace_test

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"briefstudio/internal/brief"
	"briefstudio/internal/workspace"
)

type section struct {
	Key     string `json:"key"`
	Text    string `json:"text"`
	Version int64  `json:"version"`
}

type briefBody struct {
	ID       string    `json:"id"`
	Title    string    `json:"title"`
	Sections []section `json:"sections"`
}

// storedToken reads the session token kept for a workspace in the token
// file (the keyring is unavailable in tests).
func storedToken(t *testing.T, e *embedded, id string) string {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(e.dir, workspace.TokenFile))
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]string
	if err := json.Unmarshal(data, &m); err != nil {
		t.Fatal(err)
	}
	return m[id]
}

func TestWorkThroughTheEmbeddedServer(t *testing.T) {
	noKeyring(t)
	s := newShared(t)
	e := newEmbedded(t, nil)

	st := e.add(s, "ana", "Consortium")
	if st.ID != "consortium" || st.Name != "Consortium" || st.URL != s.base() || !st.Online || st.NeedsLogin ||
		st.User.Email != "ana@example.org" || st.User.ID != s.users["ana"].ID || st.User.Role != "author" {
		t.Fatalf("added: %+v", st)
	}
	if e.m.TokenBackend() != "file" {
		t.Fatalf("tokens go to %s, want the file (no keyring here)", e.m.TokenBackend())
	}
	remoteToken := storedToken(t, e, st.ID)
	if !strings.HasPrefix(remoteToken, "bss_") {
		t.Fatalf("stored token %q is not a session", remoteToken)
	}

	var list []workspace.Status
	e.must(200, "GET", "/api/workspaces", e.local, nil, &list)
	if len(list) != 2 || list[0].ID != "local" || list[0].Name != "This computer" || list[0].URL != "" || !list[0].Online ||
		list[0].User.Email != "me@this-computer.local" || list[1].ID != "consortium" || !list[1].Online || list[1].LastError != "" {
		t.Fatalf("list: %+v", list)
	}

	// REST through the proxy, as Ana on the shared server.
	var b briefBody
	h := e.must(201, "POST", "/w/consortium/api/briefs", e.local, map[string]any{"type": "discussion-brief", "title": "Housing first"}, &b)
	if h.Get("Set-Cookie") != "" || h.Get("X-Shared") != "yes" {
		t.Fatalf("answer headers: %v", h)
	}
	var put struct {
		Version int64  `json:"version"`
		Text    string `json:"text"`
	}
	e.must(200, "PUT", "/w/consortium/api/briefs/"+b.ID+"/sections/introduction", e.local,
		map[string]any{"text": "Jørgensen: housing 😀 first", "baseVersion": 0}, &put)
	if put.Version != 1 {
		t.Fatalf("put: %+v", put)
	}
	var got briefBody
	e.must(200, "GET", "/w/consortium/api/briefs/"+b.ID, e.local, nil, &got)
	if got.Title != "Housing first" || got.Sections[0].Text != "Jørgensen: housing 😀 first" {
		t.Fatalf("got %+v", got)
	}
	// The query string is kept.
	var diff struct {
		From string `json:"from"`
	}
	e.must(200, "GET", "/w/consortium/api/briefs/"+b.ID+"/diff?from=0&to=current", e.local, nil, &diff)
	if diff.From != "0" {
		t.Fatalf("diff from %q", diff.From)
	}
	// On the shared server the brief is Ana's.
	stored, err := s.store.Brief(context.Background(), s.users["ana"], b.ID)
	if err != nil || stored.Sections[0].Text != "Jørgensen: housing 😀 first" {
		t.Fatalf("shared server has %+v, %v", stored, err)
	}
	// The shared server's own errors pass through.
	e.fail(404, "not_found", "GET", "/w/consortium/api/briefs/nosuchbrief", e.local, nil)
	e.fail(404, "not_found", "GET", "/w/nosuch/api/briefs", e.local, nil)
	// The session routes are the embedded server's: their answers would
	// carry the stored token.
	for _, p := range []string{"/api/session/renew", "/api/session/%72enew", "/api/login", "/api/logout", "/api/session/renew/"} {
		e.fail(404, "not_found", "POST", "/w/consortium"+p, e.local, `{"token":"x"}`)
	}
	if n := s.count("POST /api/session/renew") + s.count("POST /api/login") + s.count("POST /api/logout"); n != 1 { // the login of add
		t.Fatalf("session routes reached the shared server %d times", n)
	}
	// The request limit holds through the proxy.
	e.fail(413, "too_large", "PUT", "/w/consortium/api/briefs/"+b.ID+"/sections/introduction", e.local,
		`{"baseVersion":0,"text":"`+strings.Repeat("x", 11<<20)+`"}`)
	// This computer's own API answers under /w/local too.
	var me brief.User
	e.must(200, "GET", "/w/local/api/me", e.local, nil, &me)
	if !me.Local {
		t.Fatalf("/w/local/api/me: %+v", me)
	}

	// The shared server saw only its own session, never the local one.
	bearers, _ := s.seen()
	if len(bearers) == 0 {
		t.Fatal("the shared server saw no bearer token")
	}
	for _, bt := range bearers {
		if bt == e.local {
			t.Fatal("the local session reached the shared server")
		}
		if u, _, err := s.auth.Authenticate(context.Background(), bt); err != nil || u.ID != s.users["ana"].ID {
			t.Fatalf("the shared server saw a token that is not Ana's session: %v", err)
		}
	}
	// No answer and no log line carries the shared server's token.
	if strings.Contains(e.answers.String(), remoteToken) || strings.Contains(e.logs.String(), remoteToken) {
		t.Fatal("the shared server's token leaked to the UI or the log")
	}
	if strings.Contains(e.answers.String(), "bss_") {
		t.Fatal("an answer carries a session token")
	}
}

func TestAddTwiceReplacesTheSession(t *testing.T) {
	noKeyring(t)
	s := newShared(t)
	e := newEmbedded(t, nil)
	first := e.add(s, "ana", "")
	if first.ID != "127-0-0-1" || first.Name != "127.0.0.1" {
		t.Fatalf("default name and id: %+v", first)
	}
	old := storedToken(t, e, first.ID)
	var again workspace.Status
	e.must(200, "POST", "/api/workspaces", e.local, map[string]string{"link": s.link("ana")}, &again)
	if again.ID != first.ID || again.Name != first.Name {
		t.Fatalf("again: %+v", again)
	}
	var list []workspace.Status
	e.must(200, "GET", "/api/workspaces", e.local, nil, &list)
	if len(list) != 2 {
		t.Fatalf("a duplicate was made: %+v", list)
	}
	if now := storedToken(t, e, first.ID); now == old || now == "" {
		t.Fatal("the token was not replaced")
	}
	// The replaced session is ended on the shared server.
	waitFor(t, "the old session to be revoked", func() bool {
		_, _, err := s.auth.Authenticate(context.Background(), old)
		return err != nil
	})
	// Another user of the same server is another workspace.
	ben := e.add(s, "ben", "Ben's view")
	if ben.ID != "ben-s-view" || ben.User.Email != "ben@example.org" {
		t.Fatalf("ben: %+v", ben)
	}
	// A name that would be "local" never takes that id.
	created, err := s.auth.CreateUser(context.Background(), nil, "cy@example.org", "Cy", "supervisor")
	if err != nil {
		t.Fatal(err)
	}
	s.users["cy"] = created.User
	if loc := e.add(s, "cy", "Local"); loc.ID != "local-2" || loc.Name != "Local" || loc.User.Role != "supervisor" {
		t.Fatalf("named Local: %+v", loc)
	}
}

func TestRemoveWorkspace(t *testing.T) {
	noKeyring(t)
	s := newShared(t)
	e := newEmbedded(t, nil)
	st := e.add(s, "ana", "Consortium")
	token := storedToken(t, e, st.ID)
	tokenFile := filepath.Join(e.dir, workspace.TokenFile)
	info, err := os.Stat(tokenFile)
	if err != nil {
		t.Fatal(err)
	}
	if info.Mode().Perm() != 0o600 {
		t.Fatalf("token file mode %v, want 0600", info.Mode().Perm())
	}
	e.must(204, "DELETE", "/api/workspaces/consortium", e.local, nil, nil)
	if _, err := os.Stat(tokenFile); !os.IsNotExist(err) {
		data, _ := os.ReadFile(tokenFile)
		if strings.Contains(string(data), token) {
			t.Fatal("the token is still stored")
		}
	}
	if _, _, err := s.auth.Authenticate(context.Background(), token); err == nil {
		t.Fatal("the session is still valid on the shared server")
	}
	var list []workspace.Status
	e.must(200, "GET", "/api/workspaces", e.local, nil, &list)
	if len(list) != 1 {
		t.Fatalf("list: %+v", list)
	}
	e.fail(404, "not_found", "DELETE", "/api/workspaces/consortium", e.local, nil)
	e.fail(400, "invalid", "DELETE", "/api/workspaces/local", e.local, nil)
	e.fail(404, "not_found", "GET", "/w/consortium/api/briefs", e.local, nil)

	// Removing works while the shared server is down, too.
	e.add(s, "ben", "Again")
	s.stop()
	e.must(204, "DELETE", "/api/workspaces/again", e.local, nil, nil)
}

func TestRegistrySurvivesRestart(t *testing.T) {
	noKeyring(t)
	s := newShared(t)
	e := newEmbedded(t, nil)
	e.add(s, "ana", "Consortium")
	m, err := workspace.Open(workspace.Config{Dir: e.dir})
	if err != nil {
		t.Fatal(err)
	}
	defer m.Close()
	ws := m.Workspaces()
	if len(ws) != 1 || ws[0].ID != "consortium" || ws[0].URL != s.base() || ws[0].ExpiresAt.IsZero() {
		t.Fatalf("reopened: %+v", ws)
	}
	data, err := os.ReadFile(filepath.Join(e.dir, workspace.RegistryFile))
	if err != nil || strings.Contains(string(data), "bss_") {
		t.Fatalf("the registry holds a token or is missing: %v", err)
	}
}

func TestRevokedSessionNeedsLogin(t *testing.T) {
	noKeyring(t)
	s := newShared(t)
	e := newEmbedded(t, nil)
	e.add(s, "ana", "Consortium")
	if _, err := s.auth.RevokeUser(context.Background(), nil, s.users["ana"].ID); err != nil {
		t.Fatal(err)
	}
	e.fail(401, "unauthorized", "GET", "/w/consortium/api/briefs", e.local, nil)
	var list []workspace.Status
	e.must(200, "GET", "/api/workspaces", e.local, nil, &list)
	if !list[1].NeedsLogin || !list[1].Online {
		t.Fatalf("after revocation: %+v", list[1])
	}
	// A new link makes it work again.
	var st workspace.Status
	e.must(200, "POST", "/api/workspaces", e.local, map[string]string{"link": s.link("ana")}, &st)
	if st.NeedsLogin {
		t.Fatalf("still needs login: %+v", st)
	}
	e.must(200, "GET", "/w/consortium/api/briefs", e.local, nil, nil)
}

func TestSessionRenewal(t *testing.T) {
	noKeyring(t)
	s := newShared(t)
	e := newEmbedded(t, nil)
	e.add(s, "ana", "Consortium")
	before := e.m.Workspaces()[0].ExpiresAt

	e.must(200, "GET", "/w/consortium/api/briefs", e.local, nil, nil)
	if n := s.count("POST /api/session/renew"); n != 0 {
		t.Fatalf("renewed a fresh session %d times", n)
	}
	// 24 days later the session has 6 left: it is renewed before proxying.
	e.clock.set(24 * 24 * time.Hour)
	e.must(200, "GET", "/w/consortium/api/briefs", e.local, nil, nil)
	if n := s.count("POST /api/session/renew"); n != 1 {
		t.Fatalf("renewed %d times, want 1", n)
	}
	_, reqs := s.seen()
	if i, j := slices.Index(reqs, "POST /api/session/renew"), len(reqs)-1; i < 0 || reqs[j] != "GET /api/briefs" || i > j {
		t.Fatalf("requests: %q", reqs)
	}
	if after := e.m.Workspaces()[0].ExpiresAt; !after.After(before) {
		t.Fatalf("expiry %v not moved from %v", after, before)
	}
	e.clock.set(0)
	e.must(200, "GET", "/w/consortium/api/briefs", e.local, nil, nil)
	if n := s.count("POST /api/session/renew"); n != 1 {
		t.Fatalf("renewed %d times, want 1", n)
	}
}
