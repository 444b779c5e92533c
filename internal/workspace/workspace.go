// Package workspace lets the desktop app work against shared servers
// (other `briefstudio serve` instances) through its embedded server: a
// registry of the servers added with a login link, their session tokens
// (kept in the OS keyring, or a private file), a REST proxy and a
// websocket relay that put the stored token in place of the UI's local
// one, and a small on-disk store for the UI's offline queue and cache.
// The UI keeps one origin and never sees a shared server's token.
package workspace

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/gorilla/websocket"

	"briefstudio/internal/brief"
)

// EUnreachable is the error code of a shared server that cannot be reached
// (answered 502): the UI treats the workspace as offline.
const EUnreachable brief.Code = "unreachable"

// LocalID names "This computer", the embedded server's own data: no shared
// server may take it.
const LocalID = "local"

// RegistryFile is the list of workspaces in the data directory.
const RegistryFile = "workspaces.json"

// renewWithin is how close to its expiry a stored session is renewed.
const renewWithin = 7 * 24 * time.Hour

// User is the signed-in user of a workspace.
type User struct {
	ID    int64  `json:"id"`
	Email string `json:"email"`
	Name  string `json:"name"`
	Role  string `json:"role"`
}

// Workspace is a shared server as the registry keeps it (its token is
// kept apart, in the keyring or the token file).
type Workspace struct {
	ID      string    `json:"id"`
	Name    string    `json:"name"`
	URL     string    `json:"url"` // the server's base: scheme, host and any path prefix
	User    User      `json:"user"`
	AddedAt time.Time `json:"addedAt"`
	// ExpiresAt is when the stored session ends unless renewed.
	ExpiresAt time.Time `json:"expiresAt"`
	// NeedsLogin says the shared server refused the stored session: a new
	// login link must be added.
	NeedsLogin bool `json:"needsLogin"`
}

// Status is a workspace as GET /api/workspaces lists it.
type Status struct {
	ID         string     `json:"id"`
	Name       string     `json:"name"`
	URL        string     `json:"url"`
	User       User       `json:"user"`
	AddedAt    *time.Time `json:"addedAt,omitempty"`
	Online     bool       `json:"online"`
	NeedsLogin bool       `json:"needsLogin"`
	LastError  string     `json:"lastError,omitempty"`
}

// Config configures a Manager.
type Config struct {
	// Dir is the data directory: the registry, the token file and the UI
	// store live in it.
	Dir string
	// Keyring keeps tokens; nil is the OS keyring. When it fails the
	// tokens go to TokenFile.
	Keyring Keyring
	// Logger receives warnings; slog.Default() when nil.
	Logger *slog.Logger
	// Now is the clock (time.Now when nil).
	Now func() time.Time
}

// Manager holds the workspaces of one data directory.
type Manager struct {
	dir     string
	log     *slog.Logger
	now     func() time.Time
	secrets *secrets
	remote  *remote
	local   *LocalStore

	mu      sync.Mutex
	list    []Workspace
	tokens  map[string]string // id -> session token, as read or written
	state   map[string]*liveState
	renewMu map[string]*sync.Mutex

	relays   map[*websocket.Conn]func() // open relays, closed by Close
	closed   bool
	relaysWG sync.WaitGroup
}

// liveState is what the manager last learnt about reaching a workspace.
type liveState struct {
	online    bool
	known     bool
	lastError string
}

// Open opens the workspaces of the data directory dir.
func Open(cfg Config) (*Manager, error) {
	if cfg.Dir == "" {
		return nil, errors.New("workspace: no data directory")
	}
	if err := os.MkdirAll(cfg.Dir, 0o700); err != nil {
		return nil, fmt.Errorf("workspace: %w", err)
	}
	log := cfg.Logger
	if log == nil {
		log = slog.Default()
	}
	ring := cfg.Keyring
	if ring == nil {
		ring = osKeyring{}
	}
	now := cfg.Now
	if now == nil {
		now = time.Now
	}
	local, err := OpenLocalStore(filepath.Join(cfg.Dir, LocalStoreDir))
	if err != nil {
		return nil, err
	}
	m := &Manager{dir: cfg.Dir, log: log, now: now, secrets: newSecrets(ring, cfg.Dir, log), remote: newRemote(),
		local: local, tokens: map[string]string{}, state: map[string]*liveState{}, renewMu: map[string]*sync.Mutex{},
		relays: map[*websocket.Conn]func(){}}
	if err := m.load(); err != nil {
		return nil, err
	}
	return m, nil
}

// Local is the UI's on-disk store.
func (m *Manager) Local() *LocalStore { return m.local }

// TokenBackend says where tokens are kept now: "keyring" or "file".
func (m *Manager) TokenBackend() string { return m.secrets.Backend() }

// registry is the registry file's content.
type registry struct {
	Workspaces []Workspace `json:"workspaces"`
}

func (m *Manager) load() error {
	data, err := os.ReadFile(filepath.Join(m.dir, RegistryFile))
	if errors.Is(err, os.ErrNotExist) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("workspace: %w", err)
	}
	var r registry
	if err := json.Unmarshal(data, &r); err != nil {
		return fmt.Errorf("workspace: %s is damaged: %w", filepath.Join(m.dir, RegistryFile), err)
	}
	m.list = r.Workspaces
	return nil
}

// save writes the registry (m.mu held).
func (m *Manager) save() error {
	data, err := json.MarshalIndent(registry{Workspaces: m.list}, "", "  ")
	if err != nil {
		return brief.Internal(err)
	}
	if err := writeFileAtomic(filepath.Join(m.dir, RegistryFile), data, 0o600); err != nil {
		return brief.Internal(fmt.Errorf("workspace: saving the registry: %w", err))
	}
	return nil
}

// find returns the index of a workspace (m.mu held), or -1.
func (m *Manager) find(id string) int {
	return slices.IndexFunc(m.list, func(w Workspace) bool { return w.ID == id })
}

// Get returns a workspace.
func (m *Manager) Get(id string) (Workspace, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if i := m.find(id); i >= 0 {
		return m.list[i], nil
	}
	return Workspace{}, brief.Errorf(brief.ENotFound, "no such workspace: %q (add the shared server in Settings)", id)
}

// Workspaces returns the registry in the order the workspaces were added.
func (m *Manager) Workspaces() []Workspace {
	m.mu.Lock()
	defer m.mu.Unlock()
	return slices.Clone(m.list)
}

func (m *Manager) status(w Workspace) Status {
	added := w.AddedAt
	st := Status{ID: w.ID, Name: w.Name, URL: w.URL, User: w.User, AddedAt: &added, NeedsLogin: w.NeedsLogin}
	if s := m.state[w.ID]; s != nil {
		st.Online, st.LastError = s.online, s.lastError
	}
	return st
}

// List checks every workspace (in parallel, a few seconds at most) and
// returns them with whether they answered.
func (m *Manager) List(ctx context.Context) []Status {
	ws := m.Workspaces()
	var wg sync.WaitGroup
	for _, w := range ws {
		wg.Go(func() { m.probe(ctx, w.ID) })
	}
	wg.Wait()
	m.mu.Lock()
	defer m.mu.Unlock()
	out := make([]Status, 0, len(m.list))
	for _, w := range m.list {
		out = append(out, m.status(w))
	}
	return out
}

// reached records that a workspace answered, or not (err).
func (m *Manager) reached(id string, err error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	s := m.state[id]
	if s == nil {
		s = &liveState{}
		m.state[id] = s
	}
	s.known, s.online, s.lastError = true, err == nil, ""
	if err != nil {
		s.lastError = brief.ErrorMessage(err)
	}
}

// setNeedsLogin records whether the shared server refuses the stored
// session.
func (m *Manager) setNeedsLogin(id string, needs bool) {
	m.mu.Lock()
	defer m.mu.Unlock()
	i := m.find(id)
	if i < 0 || m.list[i].NeedsLogin == needs {
		return
	}
	m.list[i].NeedsLogin = needs
	if err := m.save(); err != nil {
		m.log.Error("workspace: saving the registry", "err", err)
	}
	if needs {
		m.log.Warn("workspace: the shared server refused the stored session: a new login link is needed", "workspace", id)
	}
}

// Add signs in to the shared server of a login link and keeps the session.
// Adding the same server and user again replaces the stored session.
// created says whether a new workspace was made.
func (m *Manager) Add(ctx context.Context, link, name string) (st Status, created bool, err error) {
	base, token, err := ParseLink(link)
	if err != nil {
		return Status{}, false, err
	}
	name = strings.TrimSpace(name)
	named := name != ""
	if len([]rune(name)) > 100 {
		return Status{}, false, brief.Errorf(brief.EInvalid, "name is too long (at most 100 characters)")
	}
	sess, err := m.remote.login(ctx, base, token)
	if err != nil {
		return Status{}, false, err
	}
	if name == "" {
		name = m.remote.projectName(ctx, base, sess.Token)
	}
	if name == "" {
		u, _ := url.Parse(base)
		name = u.Hostname()
	}

	m.mu.Lock()
	defer m.mu.Unlock()
	var old string
	i := slices.IndexFunc(m.list, func(w Workspace) bool { return w.URL == base && w.User.ID == sess.User.ID })
	if i >= 0 {
		old = m.tokens[m.list[i].ID]
		if old == "" {
			old, _ = m.secrets.Get(m.list[i].ID)
		}
		w := &m.list[i]
		w.User, w.ExpiresAt, w.NeedsLogin = sess.User, sess.ExpiresAt, false
		if named {
			w.Name = name
		}
	} else {
		created = true
		m.list = append(m.list, Workspace{ID: m.newID(name), Name: name, URL: base, User: sess.User,
			AddedAt: m.now().UTC().Truncate(time.Second), ExpiresAt: sess.ExpiresAt})
		i = len(m.list) - 1
	}
	w := m.list[i]
	if err := m.secrets.Set(w.ID, sess.Token); err != nil {
		if created {
			m.list = m.list[:i]
		}
		go m.remote.logout(context.Background(), base, sess.Token)
		return Status{}, false, brief.Internal(err)
	}
	m.tokens[w.ID] = sess.Token
	if err := m.save(); err != nil {
		return Status{}, false, err
	}
	if old != "" && old != sess.Token {
		go m.remote.logout(context.Background(), base, old) // the replaced session
	}
	m.state[w.ID] = &liveState{known: true, online: true}
	return m.status(w), created, nil
}

// Remove forgets a workspace: its session is ended on the shared server
// when it can be reached (best effort) and its token is deleted.
func (m *Manager) Remove(ctx context.Context, id string) error {
	if id == LocalID {
		return brief.Errorf(brief.EInvalid, "This computer cannot be removed")
	}
	m.mu.Lock()
	i := m.find(id)
	if i < 0 {
		m.mu.Unlock()
		return brief.Errorf(brief.ENotFound, "no such workspace: %q", id)
	}
	w := m.list[i]
	token := m.tokens[id]
	m.mu.Unlock()
	if token == "" {
		token, _ = m.secrets.Get(id)
	}
	if token != "" {
		ctx, cancel := context.WithTimeout(ctx, 3*time.Second)
		m.remote.logout(ctx, w.URL, token)
		cancel()
	}
	if err := m.secrets.Delete(id); err != nil {
		return brief.Internal(err)
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	if i = m.find(id); i >= 0 {
		m.list = slices.Delete(m.list, i, i+1)
	}
	delete(m.tokens, id)
	delete(m.state, id)
	return m.save()
}

// newID makes a short slug for a new workspace from its name (m.mu held).
func (m *Manager) newID(name string) string {
	base := slug(name)
	if base == "" {
		base = "server"
	}
	id := base
	for n := 2; id == LocalID || m.find(id) >= 0; n++ {
		id = fmt.Sprintf("%s-%d", base, n)
	}
	return id
}

// slug keeps lower-case ASCII letters and digits, turning every other run
// into one hyphen, at most 24 characters.
func slug(s string) string {
	var b strings.Builder
	dash := false
	for _, r := range strings.ToLower(s) {
		switch {
		case r >= 'a' && r <= 'z' || r >= '0' && r <= '9':
			if dash && b.Len() > 0 {
				b.WriteByte('-')
			}
			dash = false
			b.WriteRune(r)
		default:
			dash = true
		}
		if b.Len() >= 24 {
			break
		}
	}
	return strings.Trim(b.String(), "-")
}

// ParseLink checks a login link `http(s)://HOST[/prefix]/login?token=T` and
// returns the server's base URL and the token.
func ParseLink(link string) (base, token string, err error) {
	link = strings.TrimSpace(link)
	if link == "" {
		return "", "", brief.Errorf(brief.EInvalid, "link is required: paste the login link you were sent (http(s)://HOST/login?token=…)")
	}
	u, perr := url.Parse(link)
	if perr != nil {
		return "", "", brief.Errorf(brief.EInvalid, "this is not a login link: it cannot be read as an address")
	}
	scheme := strings.ToLower(u.Scheme)
	if scheme != "http" && scheme != "https" {
		return "", "", brief.Errorf(brief.EInvalid, "a login link starts with http:// or https://")
	}
	if u.Hostname() == "" {
		return "", "", brief.Errorf(brief.EInvalid, "the login link names no server")
	}
	if u.User != nil {
		return "", "", brief.Errorf(brief.EInvalid, "a login link carries no user name or password before the server's name")
	}
	p := strings.TrimRight(u.EscapedPath(), "/")
	if !strings.HasSuffix(p, "/login") {
		return "", "", brief.Errorf(brief.EInvalid, "this is not a login link: it should end in /login?token=…")
	}
	token = strings.TrimSpace(u.Query().Get("token"))
	if token == "" {
		return "", "", brief.Errorf(brief.EInvalid, "the login link has no token: copy the whole link")
	}
	return scheme + "://" + strings.ToLower(u.Host) + strings.TrimSuffix(p, "/login"), token, nil
}

// token returns the stored session of a workspace, renewing it on the
// shared server first when it ends within renewWithin.
func (m *Manager) token(ctx context.Context, id string) (Workspace, string, error) {
	m.mu.Lock()
	i := m.find(id)
	if i < 0 {
		m.mu.Unlock()
		return Workspace{}, "", brief.Errorf(brief.ENotFound, "no such workspace: %q (add the shared server in Settings)", id)
	}
	w, token := m.list[i], m.tokens[id]
	rm := m.renewMu[id]
	if rm == nil {
		rm = &sync.Mutex{}
		m.renewMu[id] = rm
	}
	m.mu.Unlock()
	if token == "" {
		t, err := m.secrets.Get(id)
		if err != nil {
			if errors.Is(err, errNoToken) {
				m.setNeedsLogin(id, true)
				return w, "", brief.Errorf(brief.EUnauthorized, "no session is stored for %s: add a new login link", w.Name)
			}
			return w, "", brief.Internal(err)
		}
		token = t
		m.mu.Lock()
		m.tokens[id] = t
		m.mu.Unlock()
	}
	if w.NeedsLogin || w.ExpiresAt.IsZero() || m.now().Before(w.ExpiresAt.Add(-renewWithin)) {
		return w, token, nil
	}
	rm.Lock()
	defer rm.Unlock()
	m.mu.Lock()
	if i = m.find(id); i >= 0 && m.tokens[id] != "" {
		w, token = m.list[i], m.tokens[id]
	}
	m.mu.Unlock()
	if m.now().Before(w.ExpiresAt.Add(-renewWithin)) {
		return w, token, nil // renewed while this call waited
	}
	sess, err := m.remote.renew(ctx, w.URL, token)
	switch {
	case brief.ErrorCode(err) == brief.EUnauthorized:
		m.setNeedsLogin(id, true)
		return w, token, nil
	case err != nil:
		m.log.Warn("workspace: the session could not be renewed now", "workspace", id, "err", brief.ErrorMessage(err))
		return w, token, nil
	}
	if sess.Token != token {
		if err := m.secrets.Set(id, sess.Token); err != nil {
			m.log.Error("workspace: storing the renewed session", "workspace", id, "err", err)
			return w, token, nil
		}
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	m.tokens[id] = sess.Token
	if i = m.find(id); i >= 0 {
		m.list[i].ExpiresAt, m.list[i].User = sess.ExpiresAt, sess.User
		w = m.list[i]
		if err := m.save(); err != nil {
			m.log.Error("workspace: saving the registry", "err", err)
		}
	}
	return w, sess.Token, nil
}

// probe asks a workspace who the stored session is (GET /api/me), which
// says whether it is online and whether its session still works.
func (m *Manager) probe(ctx context.Context, id string) {
	ctx, cancel := context.WithTimeout(ctx, 3*time.Second)
	defer cancel()
	w, token, err := m.token(ctx, id)
	if err != nil {
		if brief.ErrorCode(err) == brief.EUnauthorized {
			m.reached(id, m.remote.health(ctx, w.URL)) // no session to ask with
		}
		return
	}
	u, err := m.remote.me(ctx, w.URL, token)
	switch brief.ErrorCode(err) {
	case "":
		m.reached(id, nil)
		m.setNeedsLogin(id, false)
		if u != w.User {
			m.mu.Lock()
			if i := m.find(id); i >= 0 {
				m.list[i].User = u
				if err := m.save(); err != nil {
					m.log.Error("workspace: saving the registry", "err", err)
				}
			}
			m.mu.Unlock()
		}
	case brief.EUnauthorized:
		m.reached(id, nil)
		m.setNeedsLogin(id, true)
	default:
		m.reached(id, err)
	}
}

// Close ends every open relay (the app is closing).
func (m *Manager) Close() {
	m.mu.Lock()
	m.closed = true
	stops := make([]func(), 0, len(m.relays))
	for _, stop := range m.relays {
		stops = append(stops, stop)
	}
	m.mu.Unlock()
	for _, stop := range stops {
		stop()
	}
	m.relaysWG.Wait()
	m.remote.close()
}
