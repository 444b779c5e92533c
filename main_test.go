package main

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"briefstudio/frontend"
	"briefstudio/internal/store"
)

// syncBuffer is a bytes.Buffer safe for a writer goroutine and a reader.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}
func (s *syncBuffer) String() string { s.mu.Lock(); defer s.mu.Unlock(); return s.b.String() }

func runCmd(t *testing.T, args ...string) (string, error) {
	t.Helper()
	var out, errOut bytes.Buffer
	err := run(args, &out, &errOut)
	return out.String() + errOut.String(), err
}

var loginLine = regexp.MustCompile(`login: (http://\S+/login\?token=\S+)`)

func TestUserCommands(t *testing.T) {
	dir := t.TempDir()
	out, err := runCmd(t, "user", "add", "--data", dir, "--email", "ana@example.org", "--name", "Ana Çağlar", "--role", "supervisor")
	if err != nil || !regexp.MustCompile(`(?m)^token: bsa_\S+$`).MatchString(out) || !loginLine.MatchString(out) {
		t.Fatalf("user add: %v\n%s", err, out)
	}
	out, err = runCmd(t, "user", "link", "--data", dir, "--email", "ANA@example.org")
	if err != nil || !loginLine.MatchString(out) {
		t.Fatalf("user link: %v\n%s", err, out)
	}
	out, err = runCmd(t, "user", "revoke", "--data", dir, "--email", "ana@example.org")
	if err != nil || !strings.Contains(out, "revoked 3 token(s)") {
		t.Fatalf("user revoke: %v\n%s", err, out)
	}
	for _, tt := range []struct {
		name string
		args []string
		want string
	}{
		{"ErrDuplicate", []string{"user", "add", "--data", dir, "--email", "ana@example.org", "--name", "A", "--role", "author"}, "already exists"},
		{"ErrRole", []string{"user", "add", "--data", dir, "--email", "b@example.org", "--name", "B", "--role", "owner"}, "role must be"},
		{"ErrNoEmail", []string{"user", "add", "--data", dir, "--name", "B"}, "--email is required"},
		{"ErrUnknownUser", []string{"user", "link", "--data", dir, "--email", "nobody@example.org"}, "no user"},
		{"ErrSubcommand", []string{"user", "delete", "--data", dir, "--email", "ana@example.org"}, "unknown command"},
		{"ErrCommand", []string{"frobnicate"}, "unknown command"},
		{"ErrFlag", []string{"backup", "--nope"}, "flag provided but not defined"},
		{"ErrBackupNoOut", []string{"backup", "--data", dir}, "--out FILE is required"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := runCmd(t, tt.args...); err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("got %v, want an error containing %q", err, tt.want)
			}
		})
	}
}

func TestDataDirEnvironment(t *testing.T) {
	dir := t.TempDir()
	t.Setenv("BRIEFSTUDIO_DATA", dir)
	if _, err := runCmd(t, "user", "add", "--email", "env@example.org", "--name", "Env", "--role", "author"); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(dir, "briefstudio.db")); err != nil {
		t.Fatalf("BRIEFSTUDIO_DATA was not used: %v", err)
	}
}

// TestUnwritableDataDir: a data directory that cannot be made or written is
// a clear error (and so a non-zero exit), for every command.
func TestUnwritableDataDir(t *testing.T) {
	file := filepath.Join(t.TempDir(), "a-file")
	os.WriteFile(file, []byte("x"), 0o600)
	bad := filepath.Join(file, "data")
	for _, args := range [][]string{
		{"serve", "--data", bad, "--addr", "127.0.0.1:0"},
		{"user", "add", "--data", bad, "--email", "a@example.org", "--name", "A"},
		{"backup", "--data", bad, "--out", filepath.Join(t.TempDir(), "b.db")},
	} {
		t.Run(args[0], func(t *testing.T) {
			var out bytes.Buffer
			err := func() error {
				if args[0] == "serve" {
					return serve(context.Background(), args[1:], &out, &out)
				}
				return run(args, &out, &out)
			}()
			if err == nil || !strings.Contains(err.Error(), "data directory") || !strings.Contains(err.Error(), bad) {
				t.Fatalf("got %v, want a data directory error naming %s", err, bad)
			}
		})
	}
}

func TestBackupCommand(t *testing.T) {
	dir := t.TempDir()
	if _, err := runCmd(t, "user", "add", "--data", dir, "--email", "a@example.org", "--name", "A", "--role", "author"); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(t.TempDir(), "backup.db")
	if msg, err := runCmd(t, "backup", "--data", dir, "--out", out); err != nil {
		t.Fatalf("%v: %s", err, msg)
	}
	copyDB, err := store.Open(out)
	if err != nil {
		t.Fatal(err)
	}
	u, err := copyDB.UserByEmail(context.Background(), "a@example.org")
	copyDB.Close()
	if err != nil || u.Name != "A" {
		t.Fatalf("the backup does not hold the user: %+v %v", u, err)
	}
	if _, err := runCmd(t, "backup", "--data", dir, "--out", out); err == nil || !strings.Contains(err.Error(), "already exists") {
		t.Fatalf("backup over an existing file: %v", err)
	}
}

// TestServePrintsWorkingLink: serve on an empty directory creates an admin,
// prints a login link that signs in, and stops when its context ends.
func TestServePrintsWorkingLink(t *testing.T) {
	dir := t.TempDir()
	ctx, cancel := context.WithCancel(context.Background())
	var out syncBuffer
	done := make(chan error, 1)
	go func() { done <- serve(ctx, []string{"--data", dir, "--addr", "127.0.0.1:0"}, &out, &out) }()

	var link string
	for deadline := time.Now().Add(30 * time.Second); time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
		if m := loginLine.FindStringSubmatch(out.String()); m != nil && strings.Contains(out.String(), "serving") {
			link = m[1]
			break
		}
	}
	if link == "" {
		cancel()
		t.Fatalf("no login link printed:\n%s", out.String())
	}
	u, _ := url.Parse(link)
	body, _ := json.Marshal(map[string]string{"token": u.Query().Get("token")})
	res, err := http.Post(u.Scheme+"://"+u.Host+"/api/login", "application/json", bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	var sess struct {
		SessionToken string `json:"sessionToken"`
		User         struct{ Role string }
	}
	json.NewDecoder(res.Body).Decode(&sess)
	res.Body.Close()
	if res.StatusCode != 200 || sess.SessionToken == "" || sess.User.Role != "admin" {
		t.Fatalf("login with the printed link: %d %+v", res.StatusCode, sess)
	}

	// `user add` beside the running server prints links to the same host,
	// and its token works at once.
	msg, err := runCmd(t, "user", "add", "--data", dir, "--email", "b@example.org", "--name", "B", "--role", "author")
	if err != nil || !strings.Contains(msg, "login: "+u.Scheme+"://"+u.Host+"/login?token=") {
		t.Fatalf("user add beside serve: %v\n%s", err, msg)
	}
	token := regexp.MustCompile(`token: (\S+)`).FindStringSubmatch(msg)[1]
	req, _ := http.NewRequest("GET", u.Scheme+"://"+u.Host+"/api/me", nil)
	req.Header.Set("Authorization", "Bearer "+token)
	res, err = http.DefaultClient.Do(req)
	if err != nil || res.StatusCode != 200 {
		t.Fatalf("API token from user add: %v %v", err, res)
	}
	res.Body.Close()

	cancel()
	if err := <-done; err != nil {
		t.Fatalf("serve returned %v", err)
	}
	// A second start on the same directory creates no second admin.
	ctx2, cancel2 := context.WithCancel(context.Background())
	var out2 syncBuffer
	go func() {
		done <- serve(ctx2, []string{"--data", dir, "--addr", "127.0.0.1:0", "--login-link"}, &out2, &out2)
	}()
	for deadline := time.Now().Add(30 * time.Second); time.Now().Before(deadline) && !strings.Contains(out2.String(), "serving"); time.Sleep(20 * time.Millisecond) {
	}
	cancel2()
	<-done
	if strings.Contains(out2.String(), "Created the first admin") || !loginLine.MatchString(out2.String()) {
		t.Fatalf("second start:\n%s", out2.String())
	}
}

func TestImportCommand(t *testing.T) {
	dir := t.TempDir()
	if _, err := runCmd(t, "user", "add", "--data", dir, "--email", "boss@example.org", "--name", "Boss", "--role", "admin"); err != nil {
		t.Fatal(err)
	}
	if _, err := runCmd(t, "user", "add", "--data", dir, "--email", "ana@example.org", "--name", "Ana", "--role", "author"); err != nil {
		t.Fatal(err)
	}
	file := "internal/importer/testdata/messy-conversion.md"
	out, err := runCmd(t, "import", file, "--type", "policy-options-brief", "--data", dir, "--owner", "ana@example.org")
	id := strings.TrimSpace(out)
	if err != nil || len(id) != 12 {
		t.Fatalf("import: %v %q", err, out)
	}
	c, err := openCore(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	ana, _ := c.store.UserByEmail(context.Background(), "ana@example.org")
	b, err := c.store.Brief(context.Background(), ana, id)
	if err != nil || b.Role != "author" || b.Type != "policy-options-brief" {
		t.Fatalf("imported brief: %+v %v", b, err)
	}
	if out, err := runCmd(t, "import", "--data", dir, "--type", "policy-options-brief", file); err != nil || len(strings.TrimSpace(out)) != 12 {
		t.Fatalf("import with flags first, owner defaulting to the admin: %v %q", err, out)
	}
	for _, tt := range []struct {
		name string
		args []string
		want string
	}{
		{"ErrNoType", []string{"import", file, "--data", dir}, "usage"},
		{"ErrNoFile", []string{"import", "nope.md", "--type", "discussion-brief", "--data", dir}, "no such file"},
		{"ErrOwner", []string{"import", file, "--type", "discussion-brief", "--data", dir, "--owner", "x@example.org"}, "no user"},
		{"ErrType", []string{"import", file, "--type", "memo", "--data", dir}, "unknown brief type"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := runCmd(t, tt.args...); err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("got %v, want an error containing %q", err, tt.want)
			}
		})
	}
}

func TestDesktopArguments(t *testing.T) {
	dir := t.TempDir()
	md := filepath.Join(dir, "brief.md")
	if err := os.WriteFile(md, []byte("# A brief\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if !isMarkdownFile(md) || isMarkdownFile(filepath.Join(dir, "missing.md")) || isMarkdownFile(dir) {
		t.Error("isMarkdownFile: wrong answer for an existing file, a missing one or a folder")
	}
	var out, errOut bytes.Buffer
	err := run([]string{"--data", dir, filepath.Join(dir, "notes.pdf")}, &out, &errOut)
	if err == nil || !strings.Contains(err.Error(), "is not a Markdown file") {
		t.Fatalf("got %v, want a refusal naming the argument", err)
	}
}

// TestEmbeddedCommand: `briefstudio embedded` runs the desktop's embedded
// server headless: it prints one JSON line (its URL and the window's
// bootstrap), the local session reaches the desktop-only routes, the UI is
// at its root when built, a reload sees the same local user, and SIGTERM
// stops it.
func TestEmbeddedCommand(t *testing.T) {
	dir := t.TempDir()
	var out syncBuffer
	done := make(chan error, 1)
	go func() { done <- run([]string{"embedded", "--data", dir, "--addr", "127.0.0.1:0"}, &out, &out) }()

	var line struct {
		URL       string `json:"url"`
		Bootstrap struct {
			SessionToken string `json:"sessionToken"`
			User         struct {
				ID    int64  `json:"id"`
				Email string `json:"email"`
				Role  string `json:"role"`
			} `json:"user"`
			WSURL   string `json:"wsURL"`
			Version string `json:"version"`
			Mode    string `json:"mode"`
		} `json:"bootstrap"`
	}
	for deadline := time.Now().Add(30 * time.Second); ; time.Sleep(20 * time.Millisecond) {
		if first, _, ok := strings.Cut(out.String(), "\n"); ok {
			if err := json.Unmarshal([]byte(first), &line); err != nil {
				t.Fatalf("the first line is not the JSON line: %v\n%s", err, out.String())
			}
			break
		}
		select {
		case err := <-done:
			t.Fatalf("embedded returned %v before printing its line:\n%s", err, out.String())
		default:
		}
		if time.Now().After(deadline) {
			t.Fatalf("no line printed within 30 s:\n%s", out.String())
		}
	}
	b := line.Bootstrap
	if !regexp.MustCompile(`^http://127\.0\.0\.1:\d+$`).MatchString(line.URL) || b.Mode != "desktop" ||
		b.WSURL != "ws://"+strings.TrimPrefix(line.URL, "http://")+"/api/ws" || b.SessionToken == "" ||
		b.User.Email != "me@this-computer.local" || b.User.Role != "admin" || b.Version != version {
		t.Fatalf("line: %+v", line)
	}

	get := func(path, token string) (int, []byte) {
		t.Helper()
		req, _ := http.NewRequest("GET", line.URL+path, nil)
		if token != "" {
			req.Header.Set("Authorization", "Bearer "+token)
		}
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		var body bytes.Buffer
		body.ReadFrom(res.Body)
		return res.StatusCode, body.Bytes()
	}
	code, body := get("/api/workspaces", b.SessionToken)
	var spaces []struct{ ID, Name string }
	if code != 200 || json.Unmarshal(body, &spaces) != nil || len(spaces) != 1 || spaces[0].ID != "local" || spaces[0].Name != "This computer" {
		t.Fatalf("GET /api/workspaces: %d %s", code, body)
	}
	if code, body := get("/api/workspaces", ""); code != 401 {
		t.Fatalf("GET /api/workspaces without a session: %d %s", code, body)
	}
	// The UI store of the desktop is there too.
	if code, body := get("/api/local/store", b.SessionToken); code != 200 {
		t.Fatalf("GET /api/local/store: %d %s", code, body)
	}
	if frontend.Built() {
		if code, body := get("/", ""); code != 200 || !bytes.Contains(body, []byte("<div id=\"app\"")) {
			t.Fatalf("GET /: %d %.200s", code, body)
		}
	}

	// The signal handler is in place before the line is printed (run).
	if err := syscall.Kill(os.Getpid(), syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("embedded returned %v after SIGTERM", err)
		}
	case <-time.After(15 * time.Second):
		t.Fatal("embedded did not stop within 15 s of SIGTERM")
	}
	if _, err := http.Get(line.URL + "/api/health"); err == nil {
		t.Fatal("still serving after it returned")
	}
}

func TestEmbeddedCommandErrors(t *testing.T) {
	file := filepath.Join(t.TempDir(), "a-file")
	os.WriteFile(file, []byte("x"), 0o600)
	for _, tt := range []struct {
		name string
		args []string
		want string
	}{
		{"ErrFlag", []string{"embedded", "--nope"}, "flag provided but not defined"},
		{"ErrArg", []string{"embedded", "--data", t.TempDir(), "extra"}, "unexpected argument"},
		{"ErrAddr", []string{"embedded", "--data", t.TempDir(), "--addr", "256.0.0.1:0"}, "listen"},
		{"ErrDataDir", []string{"embedded", "--data", filepath.Join(file, "data")}, "data directory"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := runCmd(t, tt.args...); err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("got %v, want an error containing %q", err, tt.want)
			}
		})
	}
}

func TestPprofOnlyOnLoopback(t *testing.T) {
	for _, tt := range []struct {
		addr string
		ok   bool
	}{{"", true}, {"127.0.0.1:0", true}, {"0.0.0.0:6060", false}, {"example.org:6060", false}, {"nonsense", false}} {
		t.Setenv("BRIEFSTUDIO_PPROF", tt.addr)
		var out bytes.Buffer
		if err := startPprof(&out); (err == nil) != tt.ok {
			t.Errorf("BRIEFSTUDIO_PPROF=%q: got %v, want ok=%v", tt.addr, err, tt.ok)
		}
	}
}
