package app

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"strings"
	"testing"
)

func TestBootstrap(t *testing.T) {
	t.Run("OK", func(t *testing.T) {
		a := New(Config{
			SessionToken: "sess",
			User:         User{ID: 1, Email: "me@local", Name: "Me", Role: "author"},
			WSURL:        "ws://127.0.0.1:4000/api/ws",
			Version:      "0.1.0",
		})
		got, err := a.Bootstrap()
		if err != nil {
			t.Fatal(err)
		}
		b, err := json.Marshal(got)
		if err != nil {
			t.Fatal(err)
		}
		want := `{"sessionToken":"sess","user":{"id":1,"email":"me@local","name":"Me","role":"author"},` +
			`"wsURL":"ws://127.0.0.1:4000/api/ws","version":"0.1.0","mode":"desktop"}`
		if string(b) != want {
			t.Errorf("got %s, want %s", b, want)
		}
	})
	t.Run("NoSession", func(t *testing.T) {
		if _, err := New(Config{}).Bootstrap(); err == nil {
			t.Error("got nil error, want one")
		}
	})
}

func TestReady(t *testing.T) {
	tests := []struct {
		name string
		info ReadyInfo
		want string
	}{
		{"OK", ReadyInfo{Page: "briefs", Briefs: 2, Text: "Brief Studio\nLocal user\n\nBriefs\t2 briefs"},
			"ui ready: page=briefs briefs=2 text=Brief Studio | Local user | Briefs 2 briefs\n"},
		{"CRLF", ReadyInfo{Page: "briefs", Text: "a\r\nb"}, "ui ready: page=briefs briefs=0 text=a | b\n"},
		{"EmptyPage", ReadyInfo{Text: ""}, "ui ready: page=- briefs=0 text=\n"},
		{"PageWithNewline", ReadyInfo{Page: "br\niefs x"}, "ui ready: page=br iefs x briefs=0 text=\n"},
		{"Long", ReadyInfo{Page: "p", Text: strings.Repeat("é", 400)},
			"ui ready: page=p briefs=0 text=" + strings.Repeat("é", 300) + "…\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var buf bytes.Buffer
			if err := New(Config{Log: &buf}).Ready(tt.info); err != nil {
				t.Fatal(err)
			}
			if got := buf.String(); got != tt.want {
				t.Errorf("got %q, want %q", got, tt.want)
			}
		})
	}
}

func TestReadyJSON(t *testing.T) {
	// The UI sends {page, briefs, text}; Wails decodes it with encoding/json.
	var info ReadyInfo
	if err := json.Unmarshal([]byte(`{"page":"briefs","briefs":3,"text":"Brief Studio"}`), &info); err != nil {
		t.Fatal(err)
	}
	if want := (ReadyInfo{Page: "briefs", Briefs: 3, Text: "Brief Studio"}); info != want {
		t.Errorf("got %+v, want %+v", info, want)
	}
}

type failingWriter struct{}

func (failingWriter) Write([]byte) (int, error) { return 0, errors.New("disk full") }

func TestReadyLogError(t *testing.T) {
	if err := New(Config{Log: failingWriter{}}).Ready(ReadyInfo{Page: "briefs"}); err == nil {
		t.Error("got nil error, want the writer's error")
	}
}

func TestStartup(t *testing.T) {
	a := New(Config{})
	if a.ctx != nil {
		t.Error("context before Startup")
	}
	ctx := context.WithValue(context.Background(), struct{}{}, 1)
	a.Startup(ctx)
	if a.ctx != ctx {
		t.Error("Startup did not keep its context")
	}
}
