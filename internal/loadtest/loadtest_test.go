package loadtest

import (
	"bytes"
	"context"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"briefstudio/internal/auth"
	"briefstudio/internal/server"
	"briefstudio/internal/store"
	livesync "briefstudio/internal/sync"
)

// TestRunInProcess runs tiny scenarios against a server in this process.
func TestRunInProcess(t *testing.T) {
	st, err := store.Open(filepath.Join(t.TempDir(), "load.db"))
	if err != nil {
		t.Fatal(err)
	}
	a := auth.New(st)
	hub := livesync.NewHub(st, a, nil)
	st.SetPublisher(hub)
	srv := httptest.NewServer(server.New(st, a, server.Options{Live: hub}).Handler())
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
		defer cancel()
		hub.Close(ctx)
		srv.CloseClientConnections()
		srv.Close()
		st.Close()
	})
	admin, err := a.CreateUser(context.Background(), nil, "admin@example.org", "Admin", "admin")
	if err != nil {
		t.Fatal(err)
	}

	typing := Typing{Rate: 4, BurstMin: 2, BurstMax: 4, Gap: 50 * time.Millisecond}
	scenarios := []Scenario{
		{Name: "tiny", Briefs: 2, Sizes: []int{2, 3}, Duration: 2 * time.Second, Typing: typing, OwnWords: 5,
			CommentEvery: 500 * time.Millisecond, ReconnectEvery: time.Second,
			Targets: []Target{atMost("errors", 0), atLeast("edits/s", 1)}},
		{Name: "joining", Briefs: 1, Sizes: []int{4}, Duration: time.Second, Typing: Typing{Rate: 8}, JoinWhileTyping: true, OwnWords: 3},
		{Name: "idle", Briefs: 2, Sizes: []int{2}, Users: 3, Duration: 200 * time.Millisecond, Idle: true,
			Targets: []Target{atMost("join.s", 5)}},
	}
	var out bytes.Buffer
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	results, err := Run(ctx, Config{Scenarios: scenarios, URL: srv.URL, Token: admin.Token, PID: os.Getpid(), Out: &out})
	t.Log("\n" + out.String())
	if err != nil {
		t.Fatal(err)
	}
	if len(results) != len(scenarios) {
		t.Fatalf("%d results for %d scenarios", len(results), len(scenarios))
	}
	for _, r := range results {
		if r.Errors != 0 {
			t.Errorf("%s: %d errors: %v", r.Scenario, r.Errors, r.ErrorDetails)
		}
		if len(r.Missed) > 0 {
			t.Errorf("%s: missed %v", r.Scenario, r.Missed)
		}
	}
	tiny, joining, idle := results[0], results[1], results[2]
	if tiny.Clients != 5 || tiny.Acked == 0 || tiny.Commit.N == 0 || tiny.Others.N == 0 {
		t.Errorf("tiny: %d clients, %d acked, %d commit and %d edit→others samples", tiny.Clients, tiny.Acked, tiny.Commit.N, tiny.Others.N)
	}
	if tiny.Comments == 0 || tiny.Reconnects == 0 {
		t.Errorf("tiny: %d comments, %d reconnects", tiny.Comments, tiny.Reconnects)
	}
	if joining.Acked == 0 || joining.Others.N == 0 {
		t.Errorf("joining: %d acked, %d edit→others samples", joining.Acked, joining.Others.N)
	}
	if idle.Clients != 4 || idle.JoinSeconds <= 0 || idle.Acked != 0 {
		t.Errorf("idle: %d clients, join %.3f s, %d acked", idle.Clients, idle.JoinSeconds, idle.Acked)
	}
	if !strings.Contains(out.String(), "edit→others") || !strings.Contains(out.String(), "tiny        target: met") {
		t.Errorf("the table is missing:\n%s", out.String())
	}
}

func TestPrintTable(t *testing.T) {
	r := Result{Scenario: "x", Clients: 3, Briefs: 1, Seconds: 2, Acked: 10, Commit: Latency{N: 1, P50: 1, P95: 2, P99: 3},
		Errors: 1, ErrorDetails: []string{"client 1: boom"}, Missed: []string{"errors=1 > 0"}}
	var out bytes.Buffer
	PrintTable(&out, []Result{r})
	for _, want := range []string{"1.0/2.0/3.0", "MISSED (errors=1 > 0)", "client 1: boom", " 5 "} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("table lacks %q:\n%s", want, out.String())
		}
	}
}
