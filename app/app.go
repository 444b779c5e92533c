// Package app is the Wails-bound façade of the desktop window: the methods
// the UI calls through window.go.app.App. It holds no business logic; the
// embedded server (internal/server) does the work, and the façade only hands
// the UI its local session and reports what the UI says about itself.
package app

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"
)

// User is the local user the desktop window acts as.
type User struct {
	ID    int64  `json:"id"`
	Email string `json:"email"`
	Name  string `json:"name"`
	Role  string `json:"role"`
}

// Config is what the desktop entry point knows at start.
type Config struct {
	// SessionToken is a fresh session of the local user on the embedded server.
	SessionToken string
	// User is the local user.
	User User
	// WSURL is the websocket endpoint of the embedded server on 127.0.0.1
	// (the Wails asset server carries no websocket).
	WSURL string
	// Version is the app's version.
	Version string
	// ServerURL is the embedded server's http://127.0.0.1:PORT, which the
	// façade calls as the local user (export, import).
	ServerURL string
	// OpenFiles are Markdown files named on the command line, to import.
	OpenFiles []string
	// Dialogs are the native file dialogs; nil: none (every dialog fails).
	Dialogs Dialogs
	// Window is the window around the UI; nil: none.
	Window Window
	// Log receives the façade's log lines; nil means os.Stderr.
	Log io.Writer
}

// Bootstrap is what the UI needs to start in the desktop window instead of a login.
type Bootstrap struct {
	SessionToken string `json:"sessionToken"`
	User         User   `json:"user"`
	WSURL        string `json:"wsURL"`
	Version      string `json:"version"`
	// Mode is always "desktop".
	Mode string `json:"mode"`
}

// ReadyInfo is what the UI reports once a page has rendered.
type ReadyInfo struct {
	// Page names the page, e.g. "briefs".
	Page string `json:"page"`
	// Briefs is the number of briefs listed.
	Briefs int `json:"briefs"`
	// Text is the start of the page's visible text.
	Text string `json:"text"`
}

// maxReadyText bounds what one Ready call can write to the log.
const maxReadyText = 300

// App is the object Wails binds; its exported methods are callable from the UI.
type App struct {
	cfg     Config
	dialogs Dialogs
	window  Window
	http    *http.Client

	mu    sync.Mutex
	ctx   context.Context
	log   io.Writer
	files map[string]time.Time // saved from this window (OpenFile, ShowInFolder)
}

// New returns the façade for one desktop window.
func New(cfg Config) *App {
	log := cfg.Log
	if log == nil {
		log = os.Stderr
	}
	a := &App{cfg: cfg, log: log, dialogs: cfg.Dialogs, window: cfg.Window, files: map[string]time.Time{}}
	if a.dialogs == nil {
		a.dialogs = noWindow{}
	}
	if a.window == nil {
		a.window = noWindow{}
	}
	// An export of a long brief takes well under a second; a minute means trouble.
	a.http = &http.Client{Timeout: time.Minute}
	return a
}

// context is the Wails runtime context once the window started, else a background one.
func (a *App) context() context.Context {
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.ctx == nil {
		return context.Background()
	}
	return a.ctx
}

// logf writes one line to the façade's log.
func (a *App) logf(format string, args ...any) {
	a.mu.Lock()
	defer a.mu.Unlock()
	fmt.Fprintf(a.log, format+"\n", args...)
}

// Menu is called by a menu item of the window: the UI hears it as the
// event "menu" with the item's name ("new-brief", "import", "export", "about").
func (a *App) Menu(name string) {
	a.window.Emit(a.context(), "menu", name)
}

// TakeOpenFiles hands the UI, once, the Markdown files named on the
// command line that started the window (it imports them).
func (a *App) TakeOpenFiles() []string {
	a.mu.Lock()
	defer a.mu.Unlock()
	f := a.cfg.OpenFiles
	a.cfg.OpenFiles = nil
	if f == nil {
		f = []string{}
	}
	return f
}

// IsMarkdownName says whether a file name is one Brief Studio imports
// (.md, .markdown, .txt): the command line and a second launch agree.
func IsMarkdownName(name string) bool {
	switch strings.ToLower(filepath.Ext(name)) {
	case ".md", ".markdown", ".txt":
		return true
	}
	return false
}

// IsLoginLink says whether arg is a login link of a Brief Studio server
// (http(s)://HOST/…/login?token=…): opened with the app, it adds that server
// as a workspace.
func IsLoginLink(arg string) bool {
	u, err := url.Parse(arg)
	return err == nil && (u.Scheme == "http" || u.Scheme == "https") && u.Host != "" &&
		strings.HasSuffix(u.Path, "/login") && u.Query().Get("token") != ""
}

// linkHost is a link's host, for the log (never the token).
func linkHost(link string) string {
	if u, err := url.Parse(link); err == nil {
		return u.Host
	}
	return "?"
}

// SecondLaunch is called when Brief Studio is started again while this
// window is open: the window comes to the front, a Markdown file named on
// that command line is handed to the UI to import ("open-file"), and a
// login link to add as a workspace ("open-link").
func (a *App) SecondLaunch(args []string, workDir string) {
	ctx := a.context()
	a.window.Focus(ctx)
	for _, arg := range args {
		if IsLoginLink(arg) {
			a.logf("second launch: login link for %s", linkHost(arg))
			a.window.Emit(ctx, "open-link", arg)
			continue
		}
		if !IsMarkdownName(arg) {
			continue
		}
		if !filepath.IsAbs(arg) && workDir != "" {
			arg = filepath.Join(workDir, arg)
		}
		a.logf("second launch: open %s", arg)
		a.window.Emit(ctx, "open-file", arg)
	}
	a.logf("second launch: focused")
}

// Startup is Wails' OnStartup hook; it keeps the runtime context for later
// calls into the Wails runtime (dialogs, events).
func (a *App) Startup(ctx context.Context) {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.ctx = ctx
}

// Bootstrap hands the UI the local user's session, so the local user never
// sees a sign-in screen.
func (a *App) Bootstrap() (Bootstrap, error) {
	if a.cfg.SessionToken == "" {
		return Bootstrap{}, errors.New("no local session: the embedded server did not start")
	}
	return Bootstrap{
		SessionToken: a.cfg.SessionToken,
		User:         a.cfg.User,
		WSURL:        a.cfg.WSURL,
		Version:      a.cfg.Version,
		Mode:         "desktop",
	}, nil
}

// Ready records that the UI has rendered a page, as one log line:
//
//	ui ready: page=briefs briefs=3 text=Brief Studio | Briefs | …
//
// The desktop smoke test waits for this line.
func (a *App) Ready(info ReadyInfo) error {
	page := oneLine(info.Page)
	if page == "" {
		page = "-"
	}
	a.mu.Lock()
	defer a.mu.Unlock()
	_, err := fmt.Fprintf(a.log, "ui ready: page=%s briefs=%d text=%s\n", page, info.Briefs, readyText(info.Text))
	if err != nil {
		return fmt.Errorf("app: log: %w", err)
	}
	return nil
}

// readyText keeps the non-empty lines of s, joined by " | ", cut to maxReadyText runes.
func readyText(s string) string {
	var parts []string
	for _, line := range strings.FieldsFunc(s, func(r rune) bool { return r == '\n' || r == '\r' }) {
		if line = oneLine(line); line != "" {
			parts = append(parts, line)
		}
	}
	out := strings.Join(parts, " | ")
	if r := []rune(out); len(r) > maxReadyText {
		out = string(r[:maxReadyText]) + "…"
	}
	return out
}

// oneLine trims s and folds its runs of white space (tabs included) to single spaces.
func oneLine(s string) string {
	return strings.Join(strings.Fields(s), " ")
}
