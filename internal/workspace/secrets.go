package workspace

import (
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"sync"
	"time"

	"github.com/zalando/go-keyring"
)

// Keyring is where secrets live when the system has a keyring: macOS
// Keychain, Windows Credential Manager, the Secret Service on Linux.
type Keyring interface {
	Get(service, key string) (string, error)
	Set(service, key, secret string) error
	Delete(service, key string) error
}

// keyringService names Brief Studio's entries in the OS keyring.
const keyringService = "briefstudio"

// TokenFile is the fallback for tokens when there is no usable keyring, in
// the data directory, readable and writable only by its owner.
const TokenFile = "workspace-tokens.json"

// keyringTimeout bounds one keyring call: a Secret Service that waits for
// an unlock prompt nobody answers must not hang the app.
const keyringTimeout = 5 * time.Second

// osKeyring is the system keyring (github.com/zalando/go-keyring).
type osKeyring struct{}

func (osKeyring) Get(service, key string) (string, error) { return keyring.Get(service, key) }
func (osKeyring) Set(service, key, secret string) error   { return keyring.Set(service, key, secret) }
func (osKeyring) Delete(service, key string) error        { return keyring.Delete(service, key) }

// errNoToken says no token is stored for a workspace.
var errNoToken = errors.New("no token stored")

// secrets keeps the shared servers' session tokens: in the OS keyring
// while it works, else in TokenFile (mode 0600). The first keyring failure
// switches to the file for the rest of the run and is logged once. Tokens
// are never logged.
type secrets struct {
	ring     Keyring // nil: none
	file     string
	scope    string // tells this data directory's entries from another's
	log      *slog.Logger
	mu       sync.Mutex
	ringDown bool
}

func newSecrets(ring Keyring, dir string, log *slog.Logger) *secrets {
	scope := dir
	if abs, err := filepath.Abs(dir); err == nil {
		scope = abs
	}
	return &secrets{ring: ring, file: filepath.Join(dir, TokenFile), scope: scope, log: log, ringDown: ring == nil}
}

// key is the keyring entry of a workspace: its id, scoped to the data
// directory so two data directories (or a test run) never share entries.
func (s *secrets) key(id string) string { return id + "@" + s.scope }

// Backend says where tokens go now: "keyring" or "file".
func (s *secrets) Backend() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.ringDown {
		return "file"
	}
	return "keyring"
}

// call runs one keyring operation with a timeout.
func (s *secrets) call(f func() error) error {
	done := make(chan error, 1)
	go func() { done <- f() }()
	select {
	case err := <-done:
		return err
	case <-time.After(keyringTimeout):
		return fmt.Errorf("the keyring did not answer within %s", keyringTimeout)
	}
}

// down records that the keyring does not work (s.mu held) and says so once.
func (s *secrets) down(err error) {
	if s.ringDown {
		return
	}
	s.ringDown = true
	s.log.Warn("the OS keyring is not available: shared-server tokens are kept in a file only you can read",
		"file", s.file, "err", err)
}

// Set stores a workspace's token.
func (s *secrets) Set(id, token string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if !s.ringDown {
		err := s.call(func() error { return s.ring.Set(keyringService, s.key(id), token) })
		if err == nil {
			return s.fileUpdate(func(m map[string]string) bool { _, had := m[id]; delete(m, id); return had })
		}
		s.down(err)
	}
	return s.fileUpdate(func(m map[string]string) bool { m[id] = token; return true })
}

// Get returns a workspace's token, or errNoToken.
func (s *secrets) Get(id string) (string, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if !s.ringDown {
		var token string
		err := s.call(func() (err error) { token, err = s.ring.Get(keyringService, s.key(id)); return err })
		if err == nil {
			return token, nil
		}
		if !errors.Is(err, keyring.ErrNotFound) {
			s.down(err)
		}
	}
	m, err := s.fileRead()
	if err != nil {
		return "", err
	}
	if t, ok := m[id]; ok {
		return t, nil
	}
	return "", errNoToken
}

// Delete removes a workspace's token from wherever it is.
func (s *secrets) Delete(id string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if !s.ringDown {
		err := s.call(func() error { return s.ring.Delete(keyringService, s.key(id)) })
		if err != nil && !errors.Is(err, keyring.ErrNotFound) {
			s.down(err)
		}
	}
	return s.fileUpdate(func(m map[string]string) bool { _, had := m[id]; delete(m, id); return had })
}

// fileRead reads the token file (s.mu held); a missing file is empty.
func (s *secrets) fileRead() (map[string]string, error) {
	m := map[string]string{}
	data, err := os.ReadFile(s.file)
	if errors.Is(err, os.ErrNotExist) {
		return m, nil
	}
	if err != nil {
		return nil, fmt.Errorf("workspace tokens: %w", err)
	}
	if err := json.Unmarshal(data, &m); err != nil {
		return nil, fmt.Errorf("workspace tokens: %s is damaged: %w", s.file, err)
	}
	return m, nil
}

// fileUpdate changes the token file (s.mu held); change says whether it
// changed anything. The file is rewritten atomically with mode 0600 and
// removed when it holds no token.
func (s *secrets) fileUpdate(change func(map[string]string) bool) error {
	m, err := s.fileRead()
	if err != nil {
		return err
	}
	if !change(m) {
		return nil
	}
	if len(m) == 0 {
		if err := os.Remove(s.file); err != nil && !errors.Is(err, os.ErrNotExist) {
			return fmt.Errorf("workspace tokens: %w", err)
		}
		return nil
	}
	data, err := json.MarshalIndent(m, "", "  ")
	if err != nil {
		return err
	}
	if err := writeFileAtomic(s.file, data, 0o600); err != nil {
		return fmt.Errorf("workspace tokens: %w", err)
	}
	return nil
}
