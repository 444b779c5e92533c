package sync_test

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"os/exec"
	"strings"
	gosync "sync"
	"testing"
	"time"

	"briefstudio/internal/store"
	"briefstudio/internal/sync/syncclient"
)

type child struct {
	cmd  *exec.Cmd
	addr string
}

// startChild re-runs this test binary as a server over db.
func startChild(t *testing.T, db string) *child {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), childEnv+"="+db)
	cmd.Stderr = os.Stderr
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cmd.Process.Kill(); cmd.Wait() })
	line := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(out)
		for sc.Scan() {
			if strings.HasPrefix(sc.Text(), "ADDR ") {
				line <- strings.TrimPrefix(sc.Text(), "ADDR ")
			}
		}
	}()
	select {
	case addr := <-line:
		return &child{cmd: cmd, addr: addr}
	case <-time.After(30 * time.Second):
		t.Fatal("the child server did not start")
	}
	return nil
}

// TestCrashLosesNoAcknowledgedEdit: the server is killed with SIGKILL while
// two authors type; every edit acknowledged before the kill is in the
// database, and after a restart the clients deliver the rest.
func TestCrashLosesNoAcknowledgedEdit(t *testing.T) {
	ts := newTestServer(t, "")
	id := ts.newBrief()
	db := ts.dbPath
	ts.close()

	srv := startChild(t, db)
	url := "ws://" + srv.addr + "/api/ws"
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	var clients []*syncclient.Client
	for _, who := range []string{"author", "author2"} {
		c, err := syncclient.Dial(ctx, url, ts.tokens[who], id, syncclient.Options{ClientID: who})
		if err != nil {
			t.Fatal(err)
		}
		defer c.Close()
		clients = append(clients, c)
	}
	var mu gosync.Mutex
	typed := map[*syncclient.Client][]string{}
	stop := make(chan struct{})
	var wg gosync.WaitGroup
	for i, c := range clients {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for k := 0; ; k++ {
				select {
				case <-stop:
					return
				default:
				}
				w := fmt.Sprintf("c%d-%dü😀", i, k)
				mu.Lock()
				typed[c] = append(typed[c], w)
				mu.Unlock()
				c.Change("introduction", func(text string) string { return text + " " + w })
				time.Sleep(time.Millisecond)
			}
		}()
	}
	// Let enough edits be acknowledged, then kill while typing goes on.
	for len([]rune(clients[0].Acked("introduction"))) < 400 && ctx.Err() == nil {
		time.Sleep(5 * time.Millisecond)
	}
	time.Sleep(20 * time.Millisecond)
	srv.cmd.Process.Kill() // SIGKILL mid-stream
	srv.cmd.Wait()
	close(stop)
	wg.Wait()

	// What each client had acknowledged when the server died.
	var acked []string
	for _, c := range clients {
		text := c.Acked("introduction")
		for _, w := range typed[c] {
			if strings.Contains(text, w) {
				acked = append(acked, w)
			}
		}
	}
	if len(acked) < 10 {
		t.Fatalf("only %d edits acknowledged before the kill: the test did not exercise anything", len(acked))
	}
	st, err := store.Open(db)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	b, err := st.Brief(context.Background(), ts.users["author"], id)
	if err != nil {
		t.Fatal(err)
	}
	stored := b.Sections[0].Text
	for _, w := range acked {
		if !strings.Contains(stored, w) {
			t.Errorf("acknowledged %q is not in the database after the crash", w)
		}
	}

	// Restart; the clients reconnect and deliver what was not acknowledged.
	srv = startChild(t, db)
	for _, c := range clients {
		c.SetURL("ws://" + srv.addr + "/api/ws")
		if err := c.Reconnect(ctx); err != nil {
			t.Fatal(err)
		}
	}
	var final string
	for {
		b, err := st.Brief(context.Background(), ts.users["author"], id)
		if err != nil {
			t.Fatal(err)
		}
		final = b.Sections[0].Text
		if clients[0].Idle() && clients[1].Idle() && clients[0].Text("introduction") == final && clients[1].Text("introduction") == final {
			break
		}
		if ctx.Err() != nil {
			t.Fatalf("no convergence after restart")
		}
		time.Sleep(20 * time.Millisecond)
	}
	for i, c := range clients {
		for _, w := range typed[c] {
			if n := strings.Count(final, w); n != 1 {
				t.Errorf("%q occurs %d times after the restart", w, n)
				at := strings.Index(final, w)
				t.Logf("client %d acked tail %q", i, tail(clients[i].Acked("introduction")))
				_ = at
			}
		}
	}
	t.Logf("stored before restart tail %q", tail(stored))
	t.Logf("final tail %q", tail(final))
	t.Logf("%d words typed, %d acknowledged before the kill", len(typed[clients[0]])+len(typed[clients[1]]), len(acked))
}

func tail(s string) string {
	r := []rune(s)
	if len(r) > 300 {
		r = r[len(r)-300:]
	}
	return string(r)
}
