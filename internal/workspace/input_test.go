package workspace_test

import (
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

func TestBadLinks(t *testing.T) {
	noKeyring(t)
	s := newShared(t)
	e := newEmbedded(t, nil)
	for _, tt := range []struct{ link, want string }{
		{"", "link is required"},
		{"   ", "link is required"},
		{"not a link", "http:// or https://"},
		{"ftp://example.org/login?token=bsl_x", "http:// or https://"},
		{"http:///login?token=bsl_x", "names no server"},
		{"http://user:pw@example.org/login?token=bsl_x", "no user name or password"},
		{"http://example.org/briefs?token=bsl_x", "should end in /login"},
		{"http://example.org/login", "has no token"},
		{"http://example.org/login?token=", "has no token"},
		{"http://%zz/login?token=x", "cannot be read"},
	} {
		msg := e.fail(400, "invalid", "POST", "/api/workspaces", e.local, map[string]string{"link": tt.link})
		if !strings.Contains(msg, tt.want) {
			t.Errorf("%q: message %q, want it to say %q", tt.link, msg, tt.want)
		}
	}
	e.fail(400, "invalid", "POST", "/api/workspaces", e.local, "{")
	e.fail(400, "invalid", "POST", "/api/workspaces", e.local, map[string]string{"link": s.link("ana"), "name": strings.Repeat("n", 101)})

	// A used link is refused by the shared server: 401 with a clear word.
	link := s.link("ana")
	e.must(201, "POST", "/api/workspaces", e.local, map[string]string{"link": link}, nil)
	msg := e.fail(401, "unauthorized", "POST", "/api/workspaces", e.local, map[string]string{"link": link})
	if msg != "this login link was already used or has expired: ask for a new one" {
		t.Fatalf("used link: %q", msg)
	}
	// A made-up token too.
	e.fail(401, "unauthorized", "POST", "/api/workspaces", e.local, map[string]string{"link": s.base() + "/login?token=bsl_forged"})

	// Nobody listens there: 502 unreachable.
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	dead := ln.Addr().String()
	ln.Close()
	msg = e.fail(502, "unreachable", "POST", "/api/workspaces", e.local, map[string]string{"link": "http://" + dead + "/login?token=bsl_x"})
	if !strings.Contains(msg, "cannot be reached") {
		t.Fatalf("unreachable: %q", msg)
	}
	// Something that is not a Brief Studio server: 502 unreachable too.
	other := httptest.NewServer(http.NotFoundHandler())
	defer other.Close()
	e.fail(502, "unreachable", "POST", "/api/workspaces", e.local, map[string]string{"link": other.URL + "/login?token=bsl_x"})

	var list []map[string]any
	e.must(200, "GET", "/api/workspaces", e.local, nil, &list)
	if len(list) != 2 {
		t.Fatalf("refused links left workspaces behind: %v", list)
	}
}

func TestOnlyTheLocalUser(t *testing.T) {
	noKeyring(t)
	s := newShared(t)
	e := newEmbedded(t, nil)
	e.add(s, "ana", "Consortium")
	for _, r := range []struct{ method, path string }{
		{"GET", "/api/workspaces"},
		{"POST", "/api/workspaces"},
		{"DELETE", "/api/workspaces/consortium"},
		{"GET", "/w/consortium/api/briefs"},
		{"POST", "/w/consortium/api/briefs"},
		{"GET", "/api/local/store"},
		{"GET", "/api/local/store/queue"},
		{"PUT", "/api/local/store/queue"},
		{"DELETE", "/api/local/store/queue"},
	} {
		e.fail(403, "forbidden", r.method, r.path, e.other, map[string]string{"link": s.link("ana")})
		e.fail(401, "unauthorized", r.method, r.path, "", nil)
		// A shared server's token means nothing here.
		e.fail(401, "unauthorized", r.method, r.path, s.tokens["ana"], nil)
	}
	// The proxy never ran for them.
	if n := s.count("GET /api/briefs") + s.count("POST /api/briefs"); n != 0 {
		t.Fatalf("%d refused requests reached the shared server", n)
	}
}

func TestLocalStore(t *testing.T) {
	noKeyring(t)
	e := newEmbedded(t, nil)
	e.fail(404, "not_found", "GET", "/api/local/store/queue:consortium:b1", e.local, nil)
	e.must(204, "PUT", "/api/local/store/queue:consortium:b1", e.local, `{"edits":[{"section":"introduction","text":"Łódź 😀"}]}`, nil)
	e.must(204, "PUT", "/api/local/store/queue:consortium:B1", e.local, `[1,2]`, nil)
	e.must(204, "PUT", "/api/local/store/cache:consortium:b1", e.local, `{"title":"Housing"}`, nil)
	e.must(204, "PUT", "/api/local/store/"+strings.Repeat("Q", 200), e.local, `"long key"`, nil)
	status, raw, h := e.do("GET", "/api/local/store/queue:consortium:b1", e.local, nil)
	if status != 200 || string(raw) != `{"edits":[{"section":"introduction","text":"Łódź 😀"}]}` || !strings.HasPrefix(h.Get("Content-Type"), "application/json") {
		t.Fatalf("get: %d %s %v", status, raw, h)
	}
	// Keys differing only in case are different keys.
	if _, raw, _ := e.do("GET", "/api/local/store/queue:consortium:B1", e.local, nil); string(raw) != `[1,2]` {
		t.Fatalf("B1: %s", raw)
	}
	if _, raw, _ := e.do("GET", "/api/local/store/"+strings.Repeat("Q", 200), e.local, nil); string(raw) != `"long key"` {
		t.Fatalf("long key: %s", raw)
	}
	var entries []struct {
		Key  string
		Size int64
	}
	e.must(200, "GET", "/api/local/store?prefix=queue:", e.local, nil, &entries)
	if len(entries) != 2 || entries[0].Key != "queue:consortium:B1" || entries[1].Key != "queue:consortium:b1" || entries[0].Size != 5 {
		t.Fatalf("list: %+v", entries)
	}
	e.must(200, "GET", "/api/local/store", e.local, nil, &entries)
	if len(entries) != 4 {
		t.Fatalf("list all: %+v", entries)
	}
	// Replace, then delete (twice is fine).
	e.must(204, "PUT", "/api/local/store/cache:consortium:b1", e.local, `{"title":"Housing first"}`, nil)
	if _, raw, _ := e.do("GET", "/api/local/store/cache:consortium:b1", e.local, nil); string(raw) != `{"title":"Housing first"}` {
		t.Fatalf("replaced: %s", raw)
	}
	e.must(204, "DELETE", "/api/local/store/cache:consortium:b1", e.local, nil, nil)
	e.must(204, "DELETE", "/api/local/store/cache:consortium:b1", e.local, nil, nil)
	e.must(204, "DELETE", "/api/local/store/"+strings.Repeat("Q", 200), e.local, nil, nil)
	e.fail(404, "not_found", "GET", "/api/local/store/cache:consortium:b1", e.local, nil)

	// Bad keys and values.
	for _, key := range []string{"..%2F..%2Fbriefstudio.db", "..%2F", "a%2Fb", "sp%20ace", "%C3%A9", strings.Repeat("k", 201)} {
		e.fail(400, "invalid", "PUT", "/api/local/store/"+key, e.local, `{}`)
		e.fail(400, "invalid", "GET", "/api/local/store/"+key, e.local, nil)
	}
	e.fail(400, "invalid", "GET", "/api/local/store?prefix=../", e.local, nil)
	// "." and ".." never reach the route (the router cleans such paths), and
	// the store refuses them on its own.
	for _, key := range []string{".", "..", "...", "../x", "a/b", `a\b`, ""} {
		if err := e.m.Local().Put(key, strings.NewReader("{}")); err == nil {
			t.Errorf("key %q was taken", key)
		}
	}
	e.fail(400, "invalid", "PUT", "/api/local/store/queue", e.local, `not json`)
	e.fail(400, "invalid", "PUT", "/api/local/store/queue", e.local, ``)
	big := `"` + strings.Repeat("x", 5<<20) + `"`
	e.fail(413, "too_large", "PUT", "/api/local/store/queue", e.local, big)
	e.must(204, "PUT", "/api/local/store/queue", e.local, `"`+strings.Repeat("x", 5<<20-2)+`"`, nil)

	// Values survive a restart: they are files in the data directory.
	reopened, err := workspaceOpen(e.dir)
	if err != nil {
		t.Fatal(err)
	}
	got, err := reopened.Local().Get("queue:consortium:B1")
	if err != nil || string(got) != `[1,2]` {
		t.Fatalf("after reopening: %s %v", got, err)
	}
}
