package sync_test

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/gorilla/websocket"
)

// countEach fails unless every word occurs in text exactly once.
func countEach(t *testing.T, text string, words []string) {
	t.Helper()
	for _, w := range words {
		if n := strings.Count(text, w); n != 1 {
			t.Errorf("%q occurs %d times in %q", w, n, text)
		}
	}
}

func TestDropMidEditAndReconnect(t *testing.T) {
	ts := newTestServer(t, "")
	id := ts.newBrief()
	a := ts.dial("author", id)
	b := ts.dial("author2", id)
	var words []string
	for i := 0; i < 40; i++ {
		w := fmt.Sprintf("w%dé😀", i)
		words = append(words, w)
		a.Change("introduction", func(text string) string { return text + " " + w })
		if i%7 == 3 {
			a.Drop() // the link dies with an edit possibly in flight
		}
		if i%7 == 5 {
			ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
			if err := a.Reconnect(ctx); err != nil {
				t.Fatal(err)
			}
			cancel()
		}
		if i%5 == 0 {
			b.Edit("introduction", 0, 0, fmt.Sprintf("b%d ", i))
			words = append(words, fmt.Sprintf("b%d ", i))
		}
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := a.Reconnect(ctx); err != nil {
		t.Fatal(err)
	}
	text := converge(t, ts, id, "introduction", a, b)
	countEach(t, text, words)
}

// raw is a bare protocol connection for tests that need exact control.
type raw struct {
	t  *testing.T
	ws *websocket.Conn
}

func dialRaw(t *testing.T, url string, header map[string][]string) (*raw, error) {
	ws, _, err := websocket.DefaultDialer.Dial(url, header)
	if err != nil {
		return nil, err
	}
	t.Cleanup(func() { ws.Close() })
	return &raw{t: t, ws: ws}, nil
}

func (r *raw) send(v any) {
	r.t.Helper()
	if err := r.ws.WriteJSON(v); err != nil {
		r.t.Fatal(err)
	}
}

// next reads the next message that is not of the skipped types.
func (r *raw) next(skip ...string) (map[string]any, error) {
	for {
		r.ws.SetReadDeadline(time.Now().Add(5 * time.Second))
		_, data, err := r.ws.ReadMessage()
		if err != nil {
			return nil, err
		}
		var m map[string]any
		if err := json.Unmarshal(data, &m); err != nil {
			r.t.Fatalf("not JSON: %s", data)
		}
		skipped := false
		for _, s := range skip {
			skipped = skipped || m["type"] == s
		}
		if !skipped {
			return m, nil
		}
	}
}

func (r *raw) must(want string, skip ...string) map[string]any {
	r.t.Helper()
	m, err := r.next(skip...)
	if err != nil {
		r.t.Fatalf("waiting for %s: %v", want, err)
	}
	if m["type"] != want {
		r.t.Fatalf("got %v, want %s", m, want)
	}
	return m
}

// TestLostAckIsNotAppliedTwice: an edit committed whose acknowledgement
// never arrived comes back in hello; the server recognises it by its number.
func TestLostAckIsNotAppliedTwice(t *testing.T) {
	ts := newTestServer(t, "")
	id := ts.newBrief()
	r, err := dialRaw(t, ts.wsURL, nil)
	if err != nil {
		t.Fatal(err)
	}
	r.send(map[string]any{"type": "hello", "token": ts.tokens["author"], "brief": id, "client": "laptop"})
	r.must("welcome")
	r.send(map[string]any{"type": "edit", "section": "introduction", "n": 1, "base": 0, "delta": "+Once 😀"})
	deadline := time.Now().Add(5 * time.Second)
	for ts.dbText(id, "introduction") != "Once 😀" {
		if time.Now().After(deadline) {
			t.Fatal("edit not committed")
		}
		time.Sleep(5 * time.Millisecond)
	}
	r.ws.UnderlyingConn().Close() // the ack is lost with the link

	// Meanwhile someone else writes.
	other := ts.dial("author2", id)
	other.Edit("introduction", 0, 0, "Twice? ")
	converge(t, ts, id, "introduction", other)

	// The client comes back with its text since version 0 and typed more.
	r2, err := dialRaw(t, ts.wsURL, nil)
	if err != nil {
		t.Fatal(err)
	}
	r2.send(map[string]any{"type": "hello", "token": ts.tokens["author"], "brief": id, "client": "laptop",
		"sections": []map[string]any{{"key": "introduction", "baseVersion": 0, "delta": "+Once 😀 more", "acked": 0}}})
	w := r2.must("welcome")
	sec := w["sections"].([]any)[0].(map[string]any)
	if got, want := sec["text"], "Twice? Once 😀 more"; got != want {
		t.Fatalf("text %q, want %q", got, want)
	}
	if sec["acked"].(float64) != 1 {
		t.Fatalf("acked %v, want 1", sec["acked"])
	}
}

func TestServerRestartBetweenEdits(t *testing.T) {
	ts := newTestServer(t, "")
	id := ts.newBrief()
	a := ts.dial("author", id)
	a.Edit("introduction", 0, 0, "Before the restart.")
	converge(t, ts, id, "introduction", a)

	ts.restart()
	// Offline: the client keeps typing; nothing can be sent.
	a.Change("introduction", func(text string) string { return text + " While offline, Jørgensen 😀." })
	a.SetURL(ts.wsURL)
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := a.Reconnect(ctx); err != nil {
		t.Fatal(err)
	}
	a.Change("introduction", func(text string) string { return text + " After." })
	text := converge(t, ts, id, "introduction", a)
	if text != "Before the restart. While offline, Jørgensen 😀. After." {
		t.Fatalf("text %q", text)
	}
}

func jsonMarshal(v any) ([]byte, error) { return json.Marshal(v) }
