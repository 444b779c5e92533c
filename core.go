package main

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"os"
	"os/user"
	"time"

	"briefstudio/frontend"
	"briefstudio/internal/auth"
	"briefstudio/internal/server"
	"briefstudio/internal/store"
	livesync "briefstudio/internal/sync"
)

// core is what every command opens: the store and the services over one
// data directory.
type core struct {
	dir   string
	store *store.Store
	auth  *auth.Service
	live  *livesync.Hub
	stop  context.CancelFunc // ends background work
}

// openCore opens the data directory's database, creating it when needed.
func openCore(dataDir string) (*core, error) {
	st, err := store.OpenDir(dataDir)
	if err != nil {
		return nil, err
	}
	ctx, stop := context.WithCancel(context.Background())
	go st.RunIndexer(ctx, 2*time.Second, func(format string, args ...any) { slog.Error(fmt.Sprintf(format, args...)) })
	a := auth.New(st)
	hub := livesync.NewHub(st, a, slog.Default())
	st.SetPublisher(hub)
	return &core{dir: dataDir, store: st, auth: a, live: hub, stop: stop}, nil
}

// Close ends live connections and background work and closes the database.
func (c *core) Close() error {
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Second)
	defer cancel()
	c.live.Close(ctx)
	c.stop()
	return c.store.Close()
}

// Server returns the HTTP server over the services, with the embedded UI.
func (c *core) Server(o server.Options) *server.Server {
	if o.UI == nil {
		o.UI = frontend.Dist()
	}
	o.Version = version
	o.Live = c.live
	return server.New(c.store, c.auth, o)
}

// Handler serves /api/* and the UI.
func (c *core) Handler(o server.Options) http.Handler { return c.Server(o).Handler() }

// localSession is the desktop user's session.
type localSession struct {
	Token             string
	UserID            int64
	Email, Name, Role string
}

// LocalSession signs in the person at this computer (created on first use,
// named after the OS account).
func (c *core) LocalSession() (localSession, error) {
	name := os.Getenv("USER")
	if u, err := user.Current(); err == nil && u.Name != "" {
		name = u.Name
	}
	s, err := c.auth.LocalSession(context.Background(), name)
	if err != nil {
		return localSession{}, err
	}
	return localSession{Token: s.Token, UserID: s.User.ID, Email: s.User.Email, Name: s.User.Name, Role: string(s.User.Role)}, nil
}
