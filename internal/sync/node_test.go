package sync_test

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"briefstudio/internal/sync/syncclient"
)

// protocolNodeDir is test/protocol-node, relative to this package's
// directory (go test runs in internal/sync).
var protocolNodeDir = filepath.Join("..", "..", "test", "protocol-node")

// nodeResult is the JSON line run.mjs prints at the end.
type nodeResult struct {
	Text    *string  `json:"text"`
	Version int64    `json:"version"`
	Errors  []string `json:"errors"`
	Stats   struct {
		Edits, Acks, Others, Ignored, Carried, FuzzyFailed, Welcomes, Pongs int
	} `json:"stats"`
}

type nodeStep struct {
	At         any    `json:"at,omitempty"`
	Drop       bool   `json:"drop,omitempty"`
	AfterHello bool   `json:"afterHello,omitempty"`
	Insert     string `json:"insert,omitempty"`
	Delete     int    `json:"delete,omitempty"`
	PauseMs    int    `json:"pauseMs,omitempty"`
}

// requireNode fails (does not skip) when Node.js 20+ or the client's npm
// packages are missing.
func requireNode(t *testing.T) string {
	t.Helper()
	node, err := exec.LookPath("node")
	if err != nil {
		t.Fatalf("node is not on PATH: TestNodeClient needs Node.js 20 (run make deps)")
	}
	out, err := exec.Command(node, "--version").Output()
	if err != nil {
		t.Fatalf("node --version: %v", err)
	}
	v := strings.TrimPrefix(strings.TrimSpace(string(out)), "v")
	if major, err := strconv.Atoi(strings.SplitN(v, ".", 2)[0]); err != nil || major < 20 {
		t.Fatalf("node %s is too old: TestNodeClient needs Node.js 20 or later", v)
	}
	for _, pkg := range []string{"ws", filepath.Join("@dmsnell", "diff-match-patch")} {
		if _, err := os.Stat(filepath.Join(protocolNodeDir, "node_modules", pkg, "package.json")); err != nil {
			t.Fatalf("%s is not installed in %s/node_modules: run make deps (or npm ci in test/protocol-node)", pkg, protocolNodeDir)
		}
	}
	return node
}

// TestNodeClient runs the Node.js client written from docs/PROTOCOL.md
// alone (test/protocol-node) against the real server, typing into the same
// section as a Go client, and checks that both end with the stored text and
// that no word of either side is lost or doubled.
func TestNodeClient(t *testing.T) {
	node := requireNode(t)
	ts := newTestServer(t, "")
	id := ts.newBrief()
	const key = "introduction"

	a := ts.dial("author", id)
	// A separator between the Go client's words (typed at the start) and the
	// node client's (typed at the end), so that the node client's
	// backspaces at the end only ever hit its own text.
	a.Edit(key, len([]rune(a.Text(key))), 0, " ¶ ")
	converge(t, ts, id, key, a)

	// The node client's script: 30 words appended at the end or put at the
	// start, some typed with a "~~~" tail that is then backspaced.
	nodeVocab := []string{"Jørgensen", "Garcés-Mascareñas", "中文字", "😀😁👍🏽", "100%", "a+b=c&d#e?", "👍🏽Ærø", "50%20off", "naïve—café", "😀中文字😁"}
	var nodeWords []string
	var script []nodeStep
	for i := 1; i <= 30; i++ {
		w := fmt.Sprintf("N%02d-%s", i, nodeVocab[i%len(nodeVocab)])
		nodeWords = append(nodeWords, w)
		// Bursts of three quick keystrokes (typed while the previous
		// edit is in flight), then a pause.
		pause := 0
		if i%3 == 0 {
			pause = 15 + (i*7)%20
		}
		switch {
		case i%6 == 0:
			script = append(script, nodeStep{At: "start", Insert: w + " ", PauseMs: pause})
		case i%5 == 0:
			script = append(script,
				nodeStep{At: "end", Insert: " " + w + "~~~", PauseMs: pause},
				nodeStep{At: "end", Delete: 3, PauseMs: pause})
		default:
			script = append(script, nodeStep{At: "end", Insert: " " + w, PauseMs: pause})
		}
		switch i {
		case 14:
			// Cut the link with this edit in flight and go on typing (15
			// to 17 go out in the hello): the client reconnects with
			// hello sections.
			script[len(script)-1].Drop = true
		case 18:
			// Typed at the start between the hello and its welcome, while
			// the Go client has put a few hundred characters there: the
			// welcome must carry it onto its text (a plain
			// patch_make/patch_apply drops this hunk, see carryChange in
			// client.mjs).
			script[len(script)-1].AfterHello = true
		}
	}
	scriptJSON, err := json.Marshal(script)
	if err != nil {
		t.Fatal(err)
	}

	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, node, filepath.Join(protocolNodeDir, "run.mjs"),
		"--url", ts.wsURL, "--token", ts.tokens["author2"], "--brief", id, "--section", key,
		"--client", fmt.Sprintf("node-%d", time.Now().UnixNano()), "--script", string(scriptJSON), "--timeout", "80000")
	cmd.WaitDelay = 5 * time.Second
	stdin, err := cmd.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	stderrR, stderrW := io.Pipe()
	cmd.Stderr = stderrW
	if err := cmd.Start(); err != nil {
		t.Fatalf("start node: %v", err)
	}
	exited := make(chan error, 1)
	reaped := make(chan struct{})
	go func() {
		err := cmd.Wait()
		stderrW.Close()
		close(reaped)
		exited <- err
	}()
	t.Cleanup(func() {
		// Kill the child by its PID (a no-op once it has exited), and reap it.
		_ = cmd.Process.Kill()
		select {
		case <-reaped:
		case <-time.After(10 * time.Second):
			t.Errorf("node (pid %d) was not reaped", cmd.Process.Pid)
		}
		cancel()
	})

	// Collect stderr (shown on failure) and notice the welcome.
	var stderrBuf bytes.Buffer
	stderrDone := make(chan struct{})
	welcomed := make(chan struct{})
	go func() {
		defer close(stderrDone)
		sc := bufio.NewScanner(stderrR)
		sc.Buffer(make([]byte, 1<<20), 1<<20)
		once := false
		for sc.Scan() {
			stderrBuf.WriteString(sc.Text() + "\n")
			if !once && strings.Contains(sc.Text(), "welcome:") {
				once = true
				close(welcomed)
			}
		}
		_, _ = io.Copy(io.Discard, stderrR)
	}()
	// stderrLog is safe to call once the stderr goroutine is done.
	stderrLog := func() string {
		select {
		case <-stderrDone:
			return stderrBuf.String()
		case <-time.After(2 * time.Second):
			return "(stderr still open)"
		}
	}
	lines := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(stdout)
		sc.Buffer(make([]byte, 4<<20), 4<<20)
		for sc.Scan() {
			if strings.HasPrefix(strings.TrimSpace(sc.Text()), "{") {
				lines <- sc.Text()
				break
			}
		}
		_, _ = io.Copy(io.Discard, stdout)
		close(lines)
	}()

	select {
	case <-welcomed:
	case err := <-exited:
		t.Fatalf("node exited before its welcome: %v\nstderr:\n%s", err, stderrLog())
	case <-time.After(20 * time.Second):
		_ = cmd.Process.Kill()
		t.Fatalf("node client got no welcome within 20 s\nstderr:\n%s", stderrLog())
	}

	// The Go client types at the start meanwhile: 30 words, every fifth with
	// a "^^" tail it deletes again.
	goVocab := []string{"😀", "Çağlar", "👍🏽", "Łódź", "中文", "😁x😀", "évidence"}
	var goWords []string
	for i := 1; i <= 30; i++ {
		w := fmt.Sprintf("G%02d-%s", i, goVocab[i%len(goVocab)])
		goWords = append(goWords, w)
		if i%5 == 0 {
			a.Edit(key, 0, 0, w+"^^ ")
			time.Sleep(time.Duration(3+i%7) * time.Millisecond)
			r := []rune(a.Text(key))
			idx := strings.Index(string(r), "^^")
			if idx < 0 {
				t.Fatalf("the Go client lost its own marker: %q", string(r))
			}
			a.Edit(key, len([]rune(string(r)[:idx])), 2, "")
		} else {
			a.Edit(key, 0, 0, w+" ")
		}
		time.Sleep(time.Duration(4+(i*5)%15) * time.Millisecond)
	}
	waitIdle(t, a)

	if _, err := io.WriteString(stdin, "done\n"); err != nil {
		t.Fatalf("write done to node: %v\nstderr:\n%s", err, stderrLog())
	}
	var res nodeResult
	select {
	case line, ok := <-lines:
		if !ok {
			err := <-exited
			t.Fatalf("node printed no result (exit: %v)\nstderr:\n%s", err, stderrLog())
		}
		if err := json.Unmarshal([]byte(line), &res); err != nil {
			t.Fatalf("node result %q: %v", line, err)
		}
	case <-time.After(60 * time.Second):
		_ = cmd.Process.Kill()
		t.Fatalf("no result from node within 60 s\nstderr:\n%s", stderrLog())
	}
	select {
	case err := <-exited:
		if err != nil {
			t.Errorf("node exited with %v; errors %q\nstderr:\n%s", err, res.Errors, stderrLog())
		}
	case <-time.After(10 * time.Second):
		_ = cmd.Process.Kill()
		t.Errorf("node did not exit after printing its result")
	}
	t.Logf("node client stderr:\n%s", stderrLog())

	t.Logf("node client: %+v", res.Stats)
	if res.Stats.Welcomes != 2 {
		t.Errorf("node client had %d welcomes, want 2 (one after the dropped link)", res.Stats.Welcomes)
	}
	if res.Stats.Pongs == 0 {
		t.Errorf("node client got no pong")
	}
	if len(res.Errors) > 0 {
		t.Errorf("node client reported errors: %q", res.Errors)
	}
	if res.Text == nil {
		t.Fatalf("node client has no section %q", key)
	}
	text := converge(t, ts, id, key, a)
	if *res.Text != text {
		t.Errorf("texts differ:\n node   %q\n go/db  %q", *res.Text, text)
	}
	if db := ts.dbText(id, key); db != text {
		t.Errorf("stored text %q, Go client %q", db, text)
	}
	b, err := ts.store.Brief(context.Background(), ts.users["author"], id)
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range b.Sections {
		if s.Key != key {
			continue
		}
		if s.Version != res.Version {
			t.Errorf("node client ended at version %d, the stored section is at %d", res.Version, s.Version)
		}
		if len(s.Conflicts) > 0 {
			t.Errorf("unresolved merges on the section: %+v", s.Conflicts)
		}
	}
	for _, w := range append(goWords, nodeWords...) {
		if n := strings.Count(text, w); n != 1 {
			t.Errorf("%q is %d times in the final text, want once", w, n)
		}
	}
	for _, marker := range []string{"~", "^"} {
		if strings.Contains(text, marker) {
			t.Errorf("a deleted %q is still in the final text", marker)
		}
	}
	if t.Failed() {
		t.Logf("final text: %q", text)
	}
}

// waitIdle waits until the Go client has nothing in flight.
func waitIdle(t *testing.T, c *syncclient.Client) {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for !c.Idle() {
		if time.Now().After(deadline) {
			t.Fatalf("the Go client is not idle after 20 s")
		}
		time.Sleep(5 * time.Millisecond)
	}
}
