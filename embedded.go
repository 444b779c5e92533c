package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"time"

	"briefstudio/app"
	"briefstudio/internal/server"
	"briefstudio/internal/workspace"
)

// wailsOrigins are the origins the desktop UI runs under: wails://wails on
// Linux and macOS, http://wails.localhost on Windows. The loopback server
// accepts websockets from them.
var wailsOrigins = []string{"wails://wails", "http://wails.localhost"}

// embeddedServer is the desktop's embedded server: the core over the data
// directory, the local user's session, the workspaces (the shared servers
// it proxies to) and the HTTP server on a loopback port. The window
// (desktop.go) and `briefstudio embedded` (tests, scripting) both run it.
type embeddedServer struct {
	core    *core
	session localSession
	spaces  *workspace.Manager
	// Handler serves /api/*, /w/{id}/... and the UI; the window's asset
	// server uses it too (same origin for REST: no CORS, no login).
	Handler http.Handler
	// Base is http://127.0.0.1:PORT; WSURL its websocket endpoint.
	Base, WSURL string

	srv      *http.Server
	serveErr chan error
}

// startEmbedded opens the data directory, signs in the local user and
// serves on addr (a loopback address; "127.0.0.1:0" picks a free port).
// Close stops it.
func startEmbedded(dataDir, addr string) (*embeddedServer, error) {
	c, err := openCore(dataDir)
	if err != nil {
		return nil, err
	}
	sess, err := c.LocalSession()
	if err != nil {
		c.Close()
		return nil, fmt.Errorf("desktop: local session: %w", err)
	}
	// The window's asset server carries no websocket, so the same handler
	// also listens on a loopback port for /api/ws.
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		c.Close()
		return nil, fmt.Errorf("desktop: listen: %w", err)
	}
	base := "http://" + ln.Addr().String()
	// Shared servers (workspaces) are reached through this server: it holds
	// their tokens, proxies REST and relays the websocket.
	spaces, err := workspace.Open(workspace.Config{Dir: dataDir, Logger: slog.Default()})
	if err != nil {
		ln.Close()
		c.Close()
		return nil, fmt.Errorf("desktop: workspaces: %w", err)
	}
	handler := c.Handler(server.Options{PublicURL: base, AllowOrigins: wailsOrigins, Workspaces: spaces})
	e := &embeddedServer{
		core: c, session: sess, spaces: spaces, Handler: handler,
		Base: base, WSURL: "ws://" + ln.Addr().String() + "/api/ws",
		srv:      &http.Server{Handler: handler, ReadHeaderTimeout: 10 * time.Second},
		serveErr: make(chan error, 1),
	}
	go func() { e.serveErr <- e.srv.Serve(ln) }()
	return e, nil
}

// AppConfig is the façade's configuration for this server: the local
// session, the websocket and server URLs, the version. The window adds its
// dialogs, window and files.
func (e *embeddedServer) AppConfig() app.Config {
	s := e.session
	return app.Config{
		SessionToken: s.Token,
		User:         app.User{ID: s.UserID, Email: s.Email, Name: s.Name, Role: s.Role},
		WSURL:        e.WSURL,
		ServerURL:    e.Base,
		Version:      version,
	}
}

// Done delivers the serving error if the server stopped by itself.
func (e *embeddedServer) Done() <-chan error { return e.serveErr }

// Close ends the relayed websockets, then the HTTP server, then the core.
func (e *embeddedServer) Close() error {
	e.spaces.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	err := e.srv.Shutdown(ctx)
	if cerr := e.core.Close(); err == nil {
		err = cerr
	}
	select {
	case serr := <-e.serveErr:
		if err == nil && !errors.Is(serr, http.ErrServerClosed) {
			err = fmt.Errorf("desktop: embedded server: %w", serr)
		}
	default:
	}
	return err
}

// embeddedLine is what `briefstudio embedded` prints once it serves.
type embeddedLine struct {
	URL       string        `json:"url"`
	Bootstrap app.Bootstrap `json:"bootstrap"`
}

// embeddedCmd runs the desktop's embedded server without a window until ctx
// is done, with the UI at its root, and prints one JSON line: its URL and
// the bootstrap the window's façade would hand the UI.
func embeddedCmd(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs, data := newFlags("embedded")
	addr := fs.String("addr", "127.0.0.1:0", "loopback listen address")
	if err := parse(fs, args); err != nil {
		return err
	}
	e, err := startEmbedded(*data, *addr)
	if err != nil {
		return err
	}
	b, err := app.New(e.AppConfig()).Bootstrap()
	if err == nil {
		err = json.NewEncoder(stdout).Encode(embeddedLine{URL: e.Base, Bootstrap: b})
	}
	if err != nil {
		e.Close()
		return fmt.Errorf("embedded: %w", err)
	}
	select {
	case err = <-e.serveErr:
		e.serveErr <- err // Close reports it
	case <-ctx.Done():
		fmt.Fprintln(stderr, "shutting down")
	}
	return e.Close()
}
