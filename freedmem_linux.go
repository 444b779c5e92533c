package main

import (
	"os"
	"strings"
	"syscall"
)

// keepFreedMemory starts the server again, in the same process, with
// GODEBUG=madvdontneed=0 unless GODEBUG already sets it. Go's default on
// Linux hands freed heap pages back with MADV_DONTNEED, so each is faulted
// in again when the heap grows back; a sync server's heap grows and shrinks
// with every burst of edits, and on this kind of virtual machine the faults
// were the writer's longest stalls. MADV_FREE lets the kernel take the
// pages only when it needs them: with 200 authors in one brief the commit
// p99 fell from 110-280 ms to 37-77 ms and page faults by two thirds (the
// price: RSS counts freed pages until the kernel takes them).
func keepFreedMemory() {
	env, again := freedMemoryEnv(os.Environ())
	if !again {
		return
	}
	exe, err := os.Executable()
	if err != nil {
		return
	}
	// Exec returns only if it failed; the server then runs as it is.
	_ = syscall.Exec(exe, os.Args, env)
}

// freedMemoryEnv is environ with madvdontneed=0 added to GODEBUG, and
// whether that changed it (not if GODEBUG sets madvdontneed already: by
// an earlier start, or by whoever started the server).
func freedMemoryEnv(environ []string) ([]string, bool) {
	godebug := ""
	env := []string{}
	for _, kv := range environ {
		if v, ok := strings.CutPrefix(kv, "GODEBUG="); ok {
			godebug = v
			continue
		}
		env = append(env, kv)
	}
	for _, f := range strings.Split(godebug, ",") {
		if strings.HasPrefix(f, "madvdontneed=") {
			return environ, false
		}
	}
	if godebug != "" {
		godebug += ","
	}
	return append(env, "GODEBUG="+godebug+"madvdontneed=0"), true
}
