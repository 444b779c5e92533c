package sync_test

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/gorilla/websocket"

	livesync "briefstudio/internal/sync"
)

// closeCode reads until the connection closes and returns its close code,
// failing if a welcome (data) arrives first.
func closeCode(t *testing.T, r *raw) int {
	t.Helper()
	for {
		m, err := r.next()
		var ce *websocket.CloseError
		if errors.As(err, &ce) {
			return ce.Code
		}
		if err != nil {
			t.Fatalf("read: %v", err)
		}
		if m["type"] == "welcome" || m["type"] == "update" {
			t.Fatalf("data before refusal: %v", m)
		}
	}
}

func TestOrigin(t *testing.T) {
	ts := newTestServer(t, "")
	tests := []struct {
		name   string
		origin string
		ok     bool
	}{
		{"OKNoOrigin", "", true},
		{"OKOwnHost", strings.Replace(ts.http.URL, "127.0.0.1", "127.0.0.1", 1), true},
		{"OKWails", "wails://wails", true},
		{"OKWailsWindows", "http://wails.localhost", true},
		{"ErrForeign", "https://evil.example", false},
		{"ErrOtherPort", "http://127.0.0.1:1", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := http.Header{}
			if tt.origin != "" {
				h.Set("Origin", tt.origin)
			}
			ws, res, err := websocket.DefaultDialer.Dial(ts.wsURL, h)
			if tt.ok {
				if err != nil {
					t.Fatalf("refused: %v", err)
				}
				ws.Close()
				return
			}
			if err == nil {
				ws.Close()
				t.Fatal("a foreign origin was upgraded")
			}
			if res == nil || res.StatusCode != 403 {
				t.Fatalf("want 403 before the upgrade, got %v", res)
			}
		})
	}
}

func TestHelloRefusals(t *testing.T) {
	ts := newTestServer(t, "")
	id := ts.newBrief()
	other := ts.newBrief()
	ctx := context.Background()
	// An expired session and a revoked API token.
	sess, err := ts.auth.Login(ctx, ts.tokens["author2"])
	if err != nil {
		t.Fatal(err)
	}
	if err := ts.auth.Logout(ctx, sess.Token); err != nil {
		t.Fatal(err)
	}
	// The supervisor is a member of id but not of other.
	if err := ts.store.RemoveMember(ctx, ts.users["author"], other, "supervisor@example.org"); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name  string
		hello map[string]any
		first string // a raw first frame instead of hello
		code  int
	}{
		{"ErrNoToken", map[string]any{"type": "hello", "brief": id}, "", livesync.CloseUnauthorized},
		{"ErrWrongToken", map[string]any{"type": "hello", "token": "bss_nope", "brief": id}, "", livesync.CloseUnauthorized},
		{"ErrRevokedSession", map[string]any{"type": "hello", "token": sess.Token, "brief": id}, "", livesync.CloseUnauthorized},
		{"ErrOutsider", map[string]any{"type": "hello", "token": ts.tokens["outsider"], "brief": id}, "", livesync.CloseNotFound},
		{"ErrOtherBrief", map[string]any{"type": "hello", "token": ts.tokens["supervisor"], "brief": other}, "", livesync.CloseNotFound},
		{"ErrUnknownBrief", map[string]any{"type": "hello", "token": ts.tokens["author"], "brief": "nosuchbrief"}, "", livesync.CloseNotFound},
		{"ErrNoBrief", map[string]any{"type": "hello", "token": ts.tokens["author"]}, "", livesync.CloseBadRequest},
		{"ErrEditFirst", map[string]any{"type": "edit", "section": "introduction", "n": 1, "base": 0, "delta": "+x"}, "", livesync.CloseBadRequest},
		{"ErrMalformed", nil, `{"type": "hello", "token":`, livesync.CloseBadRequest},
		{"ErrNotObject", nil, `[1,2,3]`, livesync.CloseBadRequest},
		{"ErrTrailingData", nil, `{"type": "hello", "token": "` + ts.tokens["author"] + `", "brief": "` + id + `"} {}`, livesync.CloseBadRequest},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r, err := dialRaw(t, ts.wsURL, nil)
			if err != nil {
				t.Fatal(err)
			}
			if tt.first != "" {
				r.ws.WriteMessage(websocket.TextMessage, []byte(tt.first))
			} else {
				r.send(tt.hello)
			}
			if code := closeCode(t, r); code != tt.code {
				t.Fatalf("close code %d, want %d", code, tt.code)
			}
		})
	}
	t.Run("ErrHelloTimeout", func(t *testing.T) {
		ts.hub.HelloTimeout = 200 * time.Millisecond
		defer func() { ts.hub.HelloTimeout = livesync.HelloTimeout }()
		r, err := dialRaw(t, ts.wsURL, nil)
		if err != nil {
			t.Fatal(err)
		}
		if code := closeCode(t, r); code != livesync.CloseHelloTimeout {
			t.Fatalf("close code %d, want %d", code, livesync.CloseHelloTimeout)
		}
	})
}

func joined(t *testing.T, ts *testServer, who, id string) *raw {
	t.Helper()
	r, err := dialRaw(t, ts.wsURL, nil)
	if err != nil {
		t.Fatal(err)
	}
	r.send(map[string]any{"type": "hello", "token": ts.tokens[who], "brief": id, "client": who})
	r.must("welcome")
	return r
}

func TestMessagesAfterHello(t *testing.T) {
	ts := newTestServer(t, "")
	id := ts.newBrief()
	t.Run("ErrSupervisorEdit", func(t *testing.T) {
		r := joined(t, ts, "supervisor", id)
		r.send(map[string]any{"type": "edit", "section": "introduction", "n": 1, "base": 0, "delta": "+overwrite"})
		m := r.must("error", "peers")
		if m["code"] != "forbidden" || m["n"].(float64) != 1 {
			t.Fatalf("got %v", m)
		}
		if got := ts.dbText(id, "introduction"); got != "" {
			t.Fatalf("a supervisor's edit was written: %q", got)
		}
		r.send(map[string]any{"type": "ping", "t": 7})
		if m := r.must("pong", "peers"); m["t"].(float64) != 7 {
			t.Fatalf("the connection should stay usable: %v", m)
		}
	})
	t.Run("ErrTooLarge", func(t *testing.T) {
		r := joined(t, ts, "author", id)
		r.send(map[string]any{"type": "edit", "section": "introduction", "n": 1, "base": 0, "delta": "+" + strings.Repeat("a", livesync.MaxMessage)})
		if code := closeCode(t, r); code != livesync.CloseTooLarge {
			t.Fatalf("close code %d, want %d", code, livesync.CloseTooLarge)
		}
	})
	t.Run("ErrUnknownType", func(t *testing.T) {
		r := joined(t, ts, "author", id)
		r.send(map[string]any{"type": "delete_everything"})
		if code := closeCode(t, r); code != livesync.CloseBadRequest {
			t.Fatalf("close code %d", code)
		}
	})
	t.Run("ErrSecondHello", func(t *testing.T) {
		r := joined(t, ts, "author", id)
		r.send(map[string]any{"type": "hello", "token": ts.tokens["author"], "brief": id})
		if code := closeCode(t, r); code != livesync.CloseBadRequest {
			t.Fatalf("close code %d", code)
		}
	})
	t.Run("ErrBadDelta", func(t *testing.T) {
		r := joined(t, ts, "author", id)
		r.send(map[string]any{"type": "edit", "section": "introduction", "n": 1, "base": 0, "delta": "=500"})
		m := r.must("resync", "peers")
		if m["keep"] != true || m["n"].(float64) != 0 {
			t.Fatalf("got %v", m)
		}
		r.send(map[string]any{"type": "keep", "section": "introduction", "text": "my precious text"})
		c := r.must("conflicts", "peers")
		if !strings.Contains(toJSON(c), "my precious text") {
			t.Fatalf("kept: %v", c)
		}
	})
	t.Run("ErrRateLimited", func(t *testing.T) {
		r := joined(t, ts, "author", id)
		// Faster than the limit for as long as it takes (bounded).
		payload := []byte(`{"type":"ping"}`)
		for i, start := 0, time.Now(); i < 20*livesync.MessagesPerSecond && time.Since(start) < 5*time.Second; i++ {
			if err := r.ws.WriteMessage(websocket.TextMessage, payload); err != nil {
				break
			}
		}
		code := 0
		for code == 0 {
			_, err := r.next()
			var ce *websocket.CloseError
			if errors.As(err, &ce) {
				code = ce.Code
			} else if err != nil {
				t.Fatal(err)
			}
		}
		if code != livesync.CloseRateLimited {
			t.Fatalf("close code %d, want %d", code, livesync.CloseRateLimited)
		}
	})
	t.Run("ErrRevokedWhileConnected", func(t *testing.T) {
		ts.hub.AuthRecheck = 100 * time.Millisecond
		r := joined(t, ts, "author2", id)
		if _, err := ts.auth.RevokeUser(context.Background(), nil, ts.users["author2"].ID); err != nil {
			t.Fatal(err)
		}
		// After AuthRecheck, the next message finds the token revoked.
		time.Sleep(200 * time.Millisecond)
		r.send(map[string]any{"type": "presence", "section": "introduction"})
		if code := closeCode(t, r); code != livesync.CloseUnauthorized {
			t.Fatalf("close code %d, want %d", code, livesync.CloseUnauthorized)
		}
	})
}

func toJSON(v any) string {
	b, _ := jsonMarshal(v)
	return string(b)
}
