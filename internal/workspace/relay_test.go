package workspace_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gorilla/websocket"

	"briefstudio/internal/sync/syncclient"
)

// sharedBrief makes a brief on the shared server through the proxy (Ana
// is its author) with Ben as a second author.
func sharedBrief(t *testing.T, s *shared, e *embedded, id string) string {
	t.Helper()
	var b briefBody
	e.must(201, "POST", "/w/"+id+"/api/briefs", e.local, map[string]any{"type": "discussion-brief", "title": "Live"}, &b)
	e.must(201, "POST", "/w/"+id+"/api/briefs/"+b.ID+"/members", e.local, map[string]string{"email": "ben@example.org", "role": "author"}, nil)
	return b.ID
}

func (s *shared) dial(key, briefID string) *syncclient.Client {
	s.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	c, err := syncclient.Dial(ctx, s.wsURL(), s.tokens[key], briefID, syncclient.Options{})
	if err != nil {
		s.t.Fatalf("%s: %v", key, err)
	}
	s.t.Cleanup(func() { c.Close() })
	return c
}

func (s *shared) text(briefID, key string) string {
	s.t.Helper()
	b, err := s.store.Brief(context.Background(), s.users["ana"], briefID)
	if err != nil {
		s.t.Fatal(err)
	}
	for _, sec := range b.Sections {
		if sec.Key == key {
			return sec.Text
		}
	}
	return "<missing>"
}

// converge waits until both clients are idle and hold the stored text.
func converge(t *testing.T, s *shared, briefID, key string, clients ...*syncclient.Client) string {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for {
		want := s.text(briefID, key)
		ok := true
		for _, c := range clients {
			ok = ok && c.Idle() && c.Text(key) == want
		}
		if ok {
			return want
		}
		if time.Now().After(deadline) {
			for i, c := range clients {
				t.Logf("client %d: connected %v idle %v text %q errors %q", i, c.Connected(), c.Idle(), c.Text(key), c.Errors())
			}
			t.Fatalf("no convergence on %q", want)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

func TestLiveSyncThroughTheRelay(t *testing.T) {
	noKeyring(t)
	s := newShared(t)
	e := newEmbedded(t, nil)
	e.add(s, "ana", "Consortium")
	id := sharedBrief(t, s, e, "consortium")
	remoteToken := storedToken(t, e, "consortium")

	var sentHello, gotWelcome string
	ana := e.dial("consortium", id, syncclient.Options{ClientID: "desktop-1", Trace: func(dir string, raw []byte) {
		if dir == "→" && strings.Contains(string(raw), `"hello"`) {
			sentHello = string(raw)
		}
		if dir == "←" && strings.Contains(string(raw), `"welcome"`) && gotWelcome == "" {
			gotWelcome = string(raw)
		}
	}})
	ben := s.dial("ben", id)
	if !strings.Contains(sentHello, e.local) || strings.Contains(gotWelcome, remoteToken) {
		t.Fatal("the UI sent its local session and must never see the shared server's")
	}
	var welcome struct {
		You struct {
			User struct{ ID int64 } `json:"user"`
			Role string             `json:"role"`
		} `json:"you"`
	}
	if err := json.Unmarshal([]byte(gotWelcome), &welcome); err != nil || welcome.You.User.ID != s.users["ana"].ID || welcome.You.Role != "author" {
		t.Fatalf("the relayed session is not Ana's: %s", gotWelcome)
	}

	words := []string{"Çağlar", "wrote", "😀", "that", "migration"}
	for _, w := range words {
		ana.Change("introduction", func(text string) string { return text + w + " " })
		time.Sleep(5 * time.Millisecond)
	}
	ben.Edit("introduction", 0, 0, "Ben: ")
	ben.Change("key-issues-and-controversies", func(string) string { return "Jørgensen replied" })
	text := converge(t, s, id, "introduction", ana, ben)
	for _, w := range append(words, "Ben:") {
		if strings.Count(text, w) != 1 {
			t.Fatalf("%q not once in %q", w, text)
		}
	}
	converge(t, s, id, "key-issues-and-controversies", ana, ben)
	if ana.Text("key-issues-and-controversies") != "Jørgensen replied" {
		t.Fatalf("Ben's edit did not reach the desktop: %q", ana.Text("key-issues-and-controversies"))
	}
	// Review actions and the application heartbeat go through unchanged.
	if _, err := ana.Review(context.Background(), "comment.create", map[string]any{"section": "introduction", "start": 0, "end": 4, "body": "Which?"}); err != nil {
		t.Fatal(err)
	}
	bearers, _ := s.seen()
	for _, bt := range bearers {
		if bt == e.local {
			t.Fatal("the local session reached the shared server")
		}
	}
}

func TestRelayOutageLosesNothing(t *testing.T) {
	noKeyring(t)
	s := newShared(t)
	e := newEmbedded(t, nil)
	e.add(s, "ana", "Consortium")
	id := sharedBrief(t, s, e, "consortium")
	ana := e.dial("consortium", id, syncclient.Options{ClientID: "desktop-1"})
	ben := s.dial("ben", id)
	ana.Change("introduction", func(string) string { return "before " })
	converge(t, s, id, "introduction", ana, ben)

	s.stop()
	waitFor(t, "the relay to drop", func() bool { return !ana.Connected() })
	msg := e.fail(502, "unreachable", "GET", "/w/consortium/api/briefs/"+id, e.local, nil)
	if !strings.Contains(msg, "cannot be reached") {
		t.Fatalf("message %q", msg)
	}
	var list []struct {
		ID        string
		Online    bool
		LastError string
	}
	e.must(200, "GET", "/api/workspaces", e.local, nil, &list)
	if list[1].Online || !strings.Contains(list[1].LastError, "cannot be reached") {
		t.Fatalf("offline workspace listed as %+v", list[1])
	}

	// Typing goes on offline; reconnecting meets 1013 until the server is back.
	ana.Change("introduction", func(text string) string { return text + "offline-1 " })
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	err := ana.Reconnect(ctx)
	var ce *websocket.CloseError
	if !errors.As(err, &ce) || ce.Code != 1013 || ce.Text != "shared server unreachable" {
		t.Fatalf("reconnect while the server is down: %v", err)
	}
	ana.Change("introduction", func(text string) string { return text + "offline-2 😀" })
	if ana.Idle() {
		t.Fatal("the offline typing is not pending")
	}

	// Back on the same address, over the same data: nothing is lost.
	s.start()
	if err := ana.Reconnect(ctx); err != nil {
		t.Fatalf("reconnect: %v", err)
	}
	ben.SetURL(s.wsURL())
	if err := ben.Reconnect(ctx); err != nil {
		t.Fatal(err)
	}
	ben.Edit("introduction", 0, 0, "ben ")
	text := converge(t, s, id, "introduction", ana, ben)
	for _, w := range []string{"before", "offline-1", "offline-2 😀", "ben"} {
		if strings.Count(text, w) != 1 {
			t.Fatalf("%q not once in %q", w, text)
		}
	}
}

func TestRelayRefusals(t *testing.T) {
	noKeyring(t)
	s := newShared(t)
	e := newEmbedded(t, nil)
	e.add(s, "ana", "Consortium")
	id := sharedBrief(t, s, e, "consortium")
	url := e.wsBase + "/w/consortium/api/ws"

	// Another origin is refused before the upgrade, as on /api/ws.
	_, res, err := websocket.DefaultDialer.Dial(url, http.Header{"Origin": {"https://evil.example"}})
	if err == nil || res == nil || res.StatusCode != 403 {
		t.Fatalf("foreign origin: %v %v", err, res)
	}
	// An unknown workspace is 404.
	_, res, err = websocket.DefaultDialer.Dial(e.wsBase+"/w/nosuch/api/ws", nil)
	if err == nil || res == nil || res.StatusCode != 404 {
		t.Fatalf("unknown workspace: %v %v", err, res)
	}
	closeOf := func(hello any) *websocket.CloseError {
		t.Helper()
		ws, _, err := websocket.DefaultDialer.Dial(url, http.Header{"Origin": {"wails://wails"}})
		if err != nil {
			t.Fatal(err)
		}
		defer ws.Close()
		if s, ok := hello.(string); ok {
			ws.WriteMessage(websocket.TextMessage, []byte(s))
		} else {
			ws.WriteJSON(hello)
		}
		ws.SetReadDeadline(time.Now().Add(5 * time.Second))
		for {
			_, _, err := ws.ReadMessage()
			var ce *websocket.CloseError
			if errors.As(err, &ce) {
				return ce
			}
			if err != nil {
				t.Fatalf("no close frame: %v", err)
			}
		}
	}
	// hello with a token of a user who is not this computer's.
	if ce := closeOf(map[string]any{"type": "hello", "token": e.other, "brief": id}); ce.Code != 4001 {
		t.Fatalf("other user's hello: %v", ce)
	}
	// The shared server's own API token of Ana is no local session either.
	if ce := closeOf(map[string]any{"type": "hello", "token": s.tokens["ana"], "brief": id}); ce.Code != 4001 {
		t.Fatalf("shared token in hello: %v", ce)
	}
	if ce := closeOf(map[string]any{"type": "edit"}); ce.Code != 4000 {
		t.Fatalf("no hello: %v", ce)
	}
	if ce := closeOf("not json"); ce.Code != 4000 {
		t.Fatalf("not JSON: %v", ce)
	}
	// The shared server's own refusals come back as they are.
	if ce := closeOf(map[string]any{"type": "hello", "token": e.local, "brief": "nosuchbrief"}); ce.Code != 4004 {
		t.Fatalf("unknown brief: %v", ce)
	}
	// A frame over 1 MiB is refused with 1009.
	ws, _, err := websocket.DefaultDialer.Dial(url, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer ws.Close()
	ws.WriteJSON(map[string]any{"type": "hello", "token": e.local, "brief": id})
	ws.SetReadDeadline(time.Now().Add(5 * time.Second))
	if _, _, err := ws.ReadMessage(); err != nil {
		t.Fatal(err)
	}
	ws.WriteMessage(websocket.TextMessage, []byte(fmt.Sprintf(`{"type":"presence","section":"%s"}`, strings.Repeat("x", 1<<20))))
	for {
		_, _, err := ws.ReadMessage()
		var ce *websocket.CloseError
		if errors.As(err, &ce) {
			if ce.Code != 1009 {
				t.Fatalf("oversized frame: %v", ce)
			}
			break
		}
		if err != nil {
			t.Fatalf("no close frame: %v", err)
		}
	}
}

// TestRevokedWhileConnected: the shared server closes with 4001 when the
// session is revoked; the relay passes it on and marks the workspace.
func TestRevokedWhileConnected(t *testing.T) {
	noKeyring(t)
	s := newShared(t)
	e := newEmbedded(t, nil)
	e.add(s, "ana", "Consortium")
	id := sharedBrief(t, s, e, "consortium")
	ana := e.dial("consortium", id, syncclient.Options{})
	if _, err := s.auth.RevokeUser(context.Background(), nil, s.users["ana"].ID); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "the 4001 close", func() bool {
		ana.Change("introduction", func(text string) string { return text + "x" }) // the room rechecks on messages
		for _, e := range ana.Errors() {
			if strings.HasPrefix(e, "closed 4001") {
				return true
			}
		}
		return false
	})
	waitFor(t, "needsLogin", func() bool { return e.m.Workspaces()[0].NeedsLogin })
}

// cutter forwards TCP connections to a server and can cut them all at
// once, as a network that drops (no close frame, no FIN from the server).
type cutter struct {
	ln    net.Listener
	mu    sync.Mutex
	conns []net.Conn
}

func newCutter(t *testing.T, to string) *cutter {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	c := &cutter{ln: ln}
	t.Cleanup(func() { ln.Close(); c.cut() })
	go func() {
		for {
			in, err := ln.Accept()
			if err != nil {
				return
			}
			out, err := net.Dial("tcp", to)
			if err != nil {
				in.Close()
				continue
			}
			c.mu.Lock()
			c.conns = append(c.conns, in, out)
			c.mu.Unlock()
			go func() { io.Copy(out, in); out.Close() }()
			go func() { io.Copy(in, out); in.Close() }()
		}
	}()
	return c
}

func (c *cutter) addr() string { return c.ln.Addr().String() }

func (c *cutter) cut() {
	c.mu.Lock()
	defer c.mu.Unlock()
	for _, conn := range c.conns {
		conn.Close()
	}
	c.conns = nil
}

// TestRelayLinkLost: the link to the shared server dies under the relay;
// the UI is closed with 1013 and its reconnect carries what it typed.
func TestRelayLinkLost(t *testing.T) {
	noKeyring(t)
	s := newShared(t)
	e := newEmbedded(t, nil)
	cut := newCutter(t, s.addr)
	link := strings.Replace(s.link("ana"), s.addr, cut.addr(), 1)
	e.must(201, "POST", "/api/workspaces", e.local, map[string]string{"link": link, "name": "Via"}, nil)
	id := sharedBrief(t, s, e, "via")
	ana := e.dial("via", id, syncclient.Options{ClientID: "desktop-2"})
	ben := s.dial("ben", id)
	ana.Change("introduction", func(string) string { return "one " })
	converge(t, s, id, "introduction", ana, ben)

	cut.cut()
	waitFor(t, "the relay to close", func() bool { return !ana.Connected() })
	found := false
	for _, e := range ana.Errors() {
		found = found || e == "closed 1013: shared server connection lost"
	}
	if !found {
		t.Fatalf("close: %q", ana.Errors())
	}
	ana.Change("introduction", func(text string) string { return text + "two" })
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := ana.Reconnect(ctx); err != nil {
		t.Fatal(err)
	}
	if text := converge(t, s, id, "introduction", ana, ben); text != "one two" {
		t.Fatalf("text %q", text)
	}
}
