package server

import (
	"net/http"
	"net/url"
	"strings"
	gosync "sync"

	"github.com/gorilla/websocket"

	"briefstudio/internal/brief"
)

// WailsOrigins are the origins of the desktop window's webview.
var WailsOrigins = []string{"wails://wails", "http://wails.localhost", "https://wails.localhost"}

// Buffers are what an idle connection costs: reads use the HTTP server's
// 4 KB reader, writes borrow a buffer from a pool only while writing.
var upgrader = websocket.Upgrader{
	WriteBufferPool: &gosync.Pool{},
	// The Origin was checked before the upgrade (originAllowed).
	CheckOrigin: func(*http.Request) bool { return true },
}

// ws upgrades GET /api/ws after the Origin check; the token in hello gates
// everything after that (internal/sync).
func (s *Server) ws(w http.ResponseWriter, r *http.Request) {
	if s.opts.Live == nil {
		s.writeError(w, r, brief.Errorf(brief.ENotFound, "live sync is not enabled on this server"))
		return
	}
	if conn := s.upgrade(w, r); conn != nil {
		s.opts.Live.Serve(conn)
	}
}

// upgrade checks the Origin and upgrades to a websocket; nil means it has
// answered with the error (the live socket and the desktop's relay share it).
func (s *Server) upgrade(w http.ResponseWriter, r *http.Request) *websocket.Conn {
	if !s.originAllowed(r) {
		s.writeError(w, r, brief.Errorf(brief.EForbidden, "origin %q may not open the websocket", r.Header.Get("Origin")))
		return nil
	}
	if !websocket.IsWebSocketUpgrade(r) {
		s.writeError(w, r, brief.Errorf(brief.EInvalid, "a websocket upgrade is expected here"))
		return nil
	}
	conn, err := upgrader.Upgrade(w, r, nil)
	if err != nil {
		return nil // the upgrader has answered
	}
	return conn
}

// originAllowed: no Origin (a script, the desktop's proxy) is fine, since
// hello's token gates everything; a present Origin must be the server's own
// (--public-url or the Host), an --allow-origin, or a Wails origin.
func (s *Server) originAllowed(r *http.Request) bool {
	origin := r.Header.Get("Origin")
	if origin == "" {
		return true
	}
	o := strings.ToLower(strings.TrimRight(origin, "/"))
	for _, allowed := range append(append([]string{}, WailsOrigins...), s.opts.AllowOrigins...) {
		if o == strings.ToLower(strings.TrimRight(allowed, "/")) {
			return true
		}
	}
	if s.opts.PublicURL != "" {
		if u, err := url.Parse(s.opts.PublicURL); err == nil && o == strings.ToLower(u.Scheme+"://"+u.Host) {
			return true
		}
	}
	u, err := url.Parse(o)
	return err == nil && (u.Scheme == "http" || u.Scheme == "https") && u.Host == strings.ToLower(r.Host)
}
