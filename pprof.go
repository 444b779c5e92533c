package main

import (
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/pprof"
	"os"
	"runtime"
	"strings"
	"time"
)

// startPprof serves Go's profiles on BRIEFSTUDIO_PPROF (a loopback address
// such as 127.0.0.1:6060) when it is set: for finding what limits a server
// under `briefstudio loadtest`. Anything but a loopback address is refused.
func startPprof(stderr io.Writer) error {
	addr := os.Getenv("BRIEFSTUDIO_PPROF")
	if addr == "" {
		return nil
	}
	host, _, err := net.SplitHostPort(addr)
	if err != nil || !(host == "localhost" || strings.HasPrefix(host, "127.") || host == "::1") {
		return fmt.Errorf("BRIEFSTUDIO_PPROF=%q: give a loopback address such as 127.0.0.1:6060", addr)
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return fmt.Errorf("BRIEFSTUDIO_PPROF: %w", err)
	}
	// Where goroutines wait (the store's writer lock, channels) matters as
	// much as where they run: sample the waits too.
	runtime.SetMutexProfileFraction(10)
	runtime.SetBlockProfileRate(int(100 * time.Microsecond))
	mux := http.NewServeMux()
	mux.HandleFunc("/debug/pprof/", pprof.Index)
	mux.HandleFunc("/debug/pprof/profile", pprof.Profile)
	mux.HandleFunc("/debug/pprof/trace", pprof.Trace)
	fmt.Fprintf(stderr, "pprof on http://%s/debug/pprof/\n", ln.Addr())
	go func() { _ = http.Serve(ln, mux) }()
	return nil
}
