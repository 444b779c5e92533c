package workspace_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"briefstudio/internal/auth"
	"briefstudio/internal/brief"
	"briefstudio/internal/server"
	"briefstudio/internal/store"
	livesync "briefstudio/internal/sync"
	"briefstudio/internal/sync/syncclient"
	"briefstudio/internal/workspace"
)

// noKeyring makes the OS keyring unreachable for the test, as on CI (no
// Secret Service): the manager must fall back to its token file. It also
// keeps tests away from a developer's real keyring.
func noKeyring(t *testing.T) {
	t.Setenv("DBUS_SESSION_BUS_ADDRESS", "unix:path=/nonexistent/briefstudio-test-bus")
}

// logBuffer collects log lines (to check no token is ever logged).
type logBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *logBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *logBuffer) String() string { l.mu.Lock(); defer l.mu.Unlock(); return l.b.String() }

// shared is a real shared server (`briefstudio serve`'s parts) over its
// own SQLite data directory, served under the path prefix /team, that
// records what reaches it.
type shared struct {
	t      *testing.T
	dir    string
	addr   string // kept across restarts
	store  *store.Store
	auth   *auth.Service
	hub    *livesync.Hub
	srv    *http.Server
	ln     net.Listener
	tokens map[string]string // user key -> API token
	users  map[string]brief.User

	mu       sync.Mutex
	bearers  []string // every Authorization bearer seen
	requests []string // "METHOD path"
}

const prefix = "/team"

func newShared(t *testing.T) *shared {
	t.Helper()
	s := &shared{t: t, dir: t.TempDir(), tokens: map[string]string{}, users: map[string]brief.User{}}
	s.start()
	t.Cleanup(s.stop)
	for _, u := range []struct{ key, role string }{{"ana", "author"}, {"ben", "author"}} {
		created, err := s.auth.CreateUser(context.Background(), nil, u.key+"@example.org", strings.ToUpper(u.key[:1])+u.key[1:], u.role)
		if err != nil {
			t.Fatal(err)
		}
		s.tokens[u.key], s.users[u.key] = created.Token, created.User
	}
	return s
}

// base is the shared server's URL, prefix included.
func (s *shared) base() string { return "http://" + s.addr + prefix }

func (s *shared) wsURL() string { return "ws://" + s.addr + prefix + "/api/ws" }

// start opens the data directory and serves it on the same address as
// before (a fresh one the first time).
func (s *shared) start() {
	s.t.Helper()
	st, err := store.OpenDir(s.dir)
	if err != nil {
		s.t.Fatal(err)
	}
	a := auth.New(st)
	hub := livesync.NewHub(st, a, nil)
	hub.AuthRecheck = 100 * time.Millisecond
	st.SetPublisher(hub)
	addr := s.addr
	if addr == "" {
		addr = "127.0.0.1:0"
	}
	var ln net.Listener
	for i := 0; ; i++ {
		if ln, err = net.Listen("tcp", addr); err == nil || i == 50 {
			break
		}
		time.Sleep(100 * time.Millisecond) // the old listener's port is being released
	}
	if err != nil {
		s.t.Fatal(err)
	}
	s.addr = ln.Addr().String()
	api := server.New(st, a, server.Options{Live: hub, Version: "shared"}).Handler()
	h := http.StripPrefix(prefix, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.mu.Lock()
		if b := r.Header.Get("Authorization"); b != "" {
			s.bearers = append(s.bearers, strings.TrimPrefix(b, "Bearer "))
		}
		s.requests = append(s.requests, r.Method+" "+r.URL.Path)
		s.mu.Unlock()
		// Headers the proxy must not pass on.
		w.Header().Set("Set-Cookie", "tracker=1; Path=/")
		w.Header().Set("X-Shared", "yes")
		api.ServeHTTP(w, r)
	}))
	s.srv = &http.Server{Handler: h}
	s.ln = ln
	s.store, s.auth, s.hub = st, a, hub
	if err := a.SetPublicURL(context.Background(), s.base()); err != nil {
		s.t.Fatal(err)
	}
	go s.srv.Serve(ln)
}

// stop shuts the server down: live clients are told it is going away, the
// listener and every connection are closed, the database too.
func (s *shared) stop() {
	if s.srv == nil {
		return
	}
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Second)
	defer cancel()
	s.hub.Close(ctx)
	s.srv.Close()
	s.store.Close()
	s.srv = nil
}

// link makes a fresh login link for a user.
func (s *shared) link(key string) string {
	s.t.Helper()
	l, err := s.auth.LoginLink(context.Background(), s.users[key].ID)
	if err != nil {
		s.t.Fatal(err)
	}
	return l
}

func (s *shared) seen() (bearers, requests []string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]string(nil), s.bearers...), append([]string(nil), s.requests...)
}

func (s *shared) count(request string) int {
	_, reqs := s.seen()
	n := 0
	for _, r := range reqs {
		if r == request {
			n++
		}
	}
	return n
}

// embedded is the desktop's embedded server with its workspace manager,
// over its own data directory.
type embedded struct {
	t       *testing.T
	dir     string
	url     string
	wsBase  string
	store   *store.Store
	auth    *auth.Service
	hub     *livesync.Hub
	m       *workspace.Manager
	local   string // the local user's session token
	other   string // an API token of a user who is not the local one
	logs    *logBuffer
	clock   *clock
	srv     *http.Server
	answers *logBuffer // every answer body, to look for tokens in
}

type clock struct {
	mu  sync.Mutex
	off time.Duration
}

func (c *clock) now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return time.Now().Add(c.off) }
func (c *clock) set(d time.Duration) {
	c.mu.Lock()
	c.off = d
	c.mu.Unlock()
}

func newEmbedded(t *testing.T, ring workspace.Keyring) *embedded {
	t.Helper()
	dir := t.TempDir()
	st, err := store.OpenDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	a := auth.New(st)
	hub := livesync.NewHub(st, a, nil)
	st.SetPublisher(hub)
	logs := &logBuffer{}
	log := slog.New(slog.NewTextHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	c := &clock{}
	m, err := workspace.Open(workspace.Config{Dir: dir, Keyring: ring, Logger: log, Now: c.now})
	if err != nil {
		t.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	base := "http://" + ln.Addr().String()
	e := &embedded{t: t, dir: dir, url: base, wsBase: "ws://" + ln.Addr().String(), store: st, auth: a, hub: hub, m: m,
		logs: logs, clock: c, answers: &logBuffer{}}
	h := server.New(st, a, server.Options{PublicURL: base, AllowOrigins: []string{"wails://wails"}, Live: hub,
		Workspaces: m, Logger: log, Version: "embedded"}).Handler()
	e.srv = &http.Server{Handler: h}
	go e.srv.Serve(ln)
	t.Cleanup(func() {
		m.Close()
		ctx, cancel := context.WithTimeout(context.Background(), 3*time.Second)
		defer cancel()
		hub.Close(ctx)
		e.srv.Close()
		st.Close()
	})
	sess, err := a.LocalSession(context.Background(), "Me")
	if err != nil {
		t.Fatal(err)
	}
	e.local = sess.Token
	created, err := a.CreateUser(context.Background(), nil, "guest@example.org", "Guest", "admin")
	if err != nil {
		t.Fatal(err)
	}
	e.other = created.Token
	return e
}

// do sends a request to the embedded server: body nil, []byte/string as is,
// or a value sent as JSON.
func (e *embedded) do(method, path, token string, body any) (int, []byte, http.Header) {
	e.t.Helper()
	var rd io.Reader
	switch b := body.(type) {
	case nil:
	case []byte:
		rd = bytes.NewReader(b)
	case string:
		rd = strings.NewReader(b)
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
	e.answers.Write(raw)
	for k, vs := range res.Header {
		e.answers.Write([]byte(k + ": " + strings.Join(vs, ",") + "\n"))
	}
	return res.StatusCode, raw, res.Header
}

// must sends a request that has to answer want, decoding into out.
func (e *embedded) must(want int, method, path, token string, body, out any) http.Header {
	e.t.Helper()
	status, raw, h := e.do(method, path, token, body)
	if status != want {
		e.t.Fatalf("%s %s: status %d, want %d: %s", method, path, status, want, raw)
	}
	if out != nil {
		if err := json.Unmarshal(raw, out); err != nil {
			e.t.Fatalf("%s %s: %v: %s", method, path, err, raw)
		}
	}
	return h
}

// fail sends a request that has to answer the error status and code.
func (e *embedded) fail(status int, code, method, path, token string, body any) string {
	e.t.Helper()
	got, raw, _ := e.do(method, path, token, body)
	var eb struct {
		Error struct{ Code, Message string }
	}
	if got != status || json.Unmarshal(raw, &eb) != nil || eb.Error.Code != code || eb.Error.Message == "" {
		e.t.Fatalf("%s %s: got %d %s, want %d %s", method, path, got, raw, status, code)
	}
	return eb.Error.Message
}

// add adds the shared server with a fresh link for user key.
func (e *embedded) add(s *shared, key, name string) workspace.Status {
	e.t.Helper()
	var st workspace.Status
	e.must(201, "POST", "/api/workspaces", e.local, map[string]string{"link": s.link(key), "name": name}, &st)
	return st
}

// dial joins a brief through the relay with the local session in hello.
func (e *embedded) dial(id, briefID string, opts syncclient.Options) *syncclient.Client {
	e.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if opts.Header == nil {
		opts.Header = http.Header{"Origin": {"wails://wails"}}
	}
	c, err := syncclient.Dial(ctx, e.wsBase+"/w/"+id+"/api/ws", e.local, briefID, opts)
	if err != nil {
		e.t.Fatalf("dial through the relay: %v", err)
	}
	e.t.Cleanup(func() { c.Close() })
	return c
}

// waitFor polls cond for up to 10 s.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(10 * time.Millisecond)
	}
}
