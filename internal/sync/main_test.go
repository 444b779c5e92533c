package sync_test

import (
	"fmt"
	"net"
	"net/http"
	"os"
	"testing"

	"briefstudio/internal/auth"
	"briefstudio/internal/server"
	"briefstudio/internal/store"
	livesync "briefstudio/internal/sync"
)

// childEnv names the database a re-executed test binary serves (the crash
// test kills it with SIGKILL).
const childEnv = "BRIEFSTUDIO_SYNC_CHILD_DB"

func TestMain(m *testing.M) {
	if db := os.Getenv(childEnv); db != "" {
		os.Exit(serveChild(db))
	}
	os.Exit(m.Run())
}

// serveChild serves the database on a loopback port, printing it, until
// it is killed.
func serveChild(db string) int {
	st, err := store.Open(db)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	a := auth.New(st)
	hub := livesync.NewHub(st, a, nil)
	st.SetPublisher(hub)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	fmt.Printf("ADDR %s\n", ln.Addr())
	return func() int {
		err := http.Serve(ln, server.New(st, a, server.Options{Live: hub}).Handler())
		fmt.Fprintln(os.Stderr, err)
		return 1
	}()
}
