package workspace_test

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/zalando/go-keyring"

	"briefstudio/internal/workspace"
)

func workspaceOpen(dir string) (*workspace.Manager, error) {
	return workspace.Open(workspace.Config{Dir: dir})
}

// fakeRing is a working keyring in memory.
type fakeRing struct {
	mu      sync.Mutex
	entries map[string]string
	fail    error
	calls   int
}

func (f *fakeRing) Get(service, key string) (string, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.calls++
	if f.fail != nil {
		return "", f.fail
	}
	v, ok := f.entries[service+"/"+key]
	if !ok {
		return "", keyring.ErrNotFound
	}
	return v, nil
}

func (f *fakeRing) Set(service, key, secret string) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.calls++
	if f.fail != nil {
		return f.fail
	}
	f.entries[service+"/"+key] = secret
	return nil
}

func (f *fakeRing) Delete(service, key string) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.calls++
	if f.fail != nil {
		return f.fail
	}
	if _, ok := f.entries[service+"/"+key]; !ok {
		return keyring.ErrNotFound
	}
	delete(f.entries, service+"/"+key)
	return nil
}

func (f *fakeRing) len() int { f.mu.Lock(); defer f.mu.Unlock(); return len(f.entries) }

// TestTokenFileWithoutKeyring: this environment has no Secret Service, so
// the real OS keyring fails and tokens go to a 0600 file, said once in the
// log; removing the workspace deletes the token.
func TestTokenFileWithoutKeyring(t *testing.T) {
	noKeyring(t)
	s := newShared(t)
	e := newEmbedded(t, nil) // the OS keyring
	a := e.add(s, "ana", "A")
	b := e.add(s, "ben", "B")
	if e.m.TokenBackend() != "file" {
		t.Fatalf("backend %s", e.m.TokenBackend())
	}
	file := filepath.Join(e.dir, workspace.TokenFile)
	info, err := os.Stat(file)
	if err != nil {
		t.Fatal(err)
	}
	if info.Mode().Perm() != 0o600 {
		t.Fatalf("mode %v, want 0600", info.Mode().Perm())
	}
	if n := strings.Count(e.logs.String(), "keyring is not available"); n != 1 {
		t.Fatalf("the fallback was logged %d times:\n%s", n, e.logs.String())
	}
	ta, tb := storedToken(t, e, a.ID), storedToken(t, e, b.ID)
	if ta == "" || tb == "" || ta == tb {
		t.Fatal("tokens not stored per workspace")
	}
	if strings.Contains(e.logs.String(), ta) || strings.Contains(e.logs.String(), tb) {
		t.Fatal("a token was logged")
	}
	e.must(204, "DELETE", "/api/workspaces/"+a.ID, e.local, nil, nil)
	if storedToken(t, e, a.ID) != "" || storedToken(t, e, b.ID) != tb {
		t.Fatal("removing A did not delete exactly its token")
	}
	e.must(204, "DELETE", "/api/workspaces/"+b.ID, e.local, nil, nil)
	if _, err := os.Stat(file); !os.IsNotExist(err) {
		t.Fatalf("the empty token file stays: %v", err)
	}
}

func TestTokensInAWorkingKeyring(t *testing.T) {
	ring := &fakeRing{entries: map[string]string{}}
	s := newShared(t)
	e := newEmbedded(t, ring)
	st := e.add(s, "ana", "Consortium")
	if e.m.TokenBackend() != "keyring" || ring.len() != 1 {
		t.Fatalf("backend %s, %d entries", e.m.TokenBackend(), ring.len())
	}
	for k, v := range ring.entries {
		if !strings.HasPrefix(k, "briefstudio/consortium@") || !strings.HasPrefix(v, "bss_") {
			t.Fatalf("entry %q", k)
		}
	}
	if _, err := os.Stat(filepath.Join(e.dir, workspace.TokenFile)); !os.IsNotExist(err) {
		t.Fatal("a token file was written although the keyring works")
	}
	e.must(200, "GET", "/w/"+st.ID+"/api/briefs", e.local, nil, nil)
	// A manager opened later finds the token in the keyring.
	m, err := workspace.Open(workspace.Config{Dir: e.dir, Keyring: ring})
	if err != nil {
		t.Fatal(err)
	}
	m.Close()
	e.must(204, "DELETE", "/api/workspaces/"+st.ID, e.local, nil, nil)
	if ring.len() != 0 {
		t.Fatal("the keyring entry was not deleted")
	}
}

func TestKeyringFailingAtRuntime(t *testing.T) {
	ring := &fakeRing{entries: map[string]string{}, fail: errors.New("org.freedesktop.DBus.Error.ServiceUnknown")}
	s := newShared(t)
	e := newEmbedded(t, ring)
	st := e.add(s, "ana", "Consortium")
	e.add(s, "ben", "Other")
	calls := ring.calls
	if e.m.TokenBackend() != "file" || storedToken(t, e, st.ID) == "" {
		t.Fatal("no fallback to the file")
	}
	e.must(200, "GET", "/w/"+st.ID+"/api/briefs", e.local, nil, nil)
	if ring.calls != calls || calls != 1 {
		t.Fatalf("the failed keyring was called %d times (then %d)", calls, ring.calls)
	}
	if n := strings.Count(e.logs.String(), "keyring is not available"); n != 1 {
		t.Fatalf("logged %d times", n)
	}
}
