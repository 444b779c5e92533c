// Package server is Brief Studio's HTTP face: the REST API, the websocket
// upgrade and the static UI. It only translates between HTTP and the
// services; the services decide.
package server

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"io/fs"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/gorilla/websocket"

	"briefstudio/internal/auth"
	"briefstudio/internal/brief"
	"briefstudio/internal/store"
	"briefstudio/internal/workspace"
)

// Limits of the contract.
const (
	MaxBody        = 10 << 20 // bytes of any request body
	LoginsPerMin   = 30       // POST /api/login per IP
	loginRateReset = time.Minute
)

// Options configures a server.
type Options struct {
	// PublicURL is the address people reach the server at: links print it
	// and a websocket Origin must match it (or the Host).
	PublicURL string
	// AllowOrigins are further origins allowed to open the websocket.
	AllowOrigins []string
	// UI is the built frontend (index.html at its root); nil or without
	// index.html, the server says the UI is not built.
	UI fs.FS
	// Version is what /api/health reports.
	Version string
	// Logger receives internal errors; slog.Default() when nil.
	Logger *slog.Logger
	// Live serves upgraded websockets (GET /api/ws); nil disables it.
	Live LiveServer
	// Workspaces, on the desktop's embedded server, serves the shared
	// servers (/api/workspaces, /w/{id}/api/..., /api/local/store); nil
	// (`briefstudio serve`) answers those paths not_found.
	Workspaces *workspace.Manager
}

// LiveServer runs an upgraded websocket connection (internal/sync.Hub).
type LiveServer interface {
	Serve(*websocket.Conn)
}

// Server serves the API and the UI.
type Server struct {
	store  *store.Store
	auth   *auth.Service
	opts   Options
	log    *slog.Logger
	logins *limiter
}

// New returns a server over the services.
func New(st *store.Store, a *auth.Service, o Options) *Server {
	s := &Server{store: st, auth: a, opts: o, log: o.Logger,
		logins: newLimiter(LoginsPerMin, loginRateReset, time.Now)}
	if s.log == nil {
		s.log = slog.Default()
	}
	return s
}

type ctxKey int

const userKey ctxKey = 0

// user returns the signed-in user of an authenticated request.
func user(r *http.Request) brief.User {
	u, _ := r.Context().Value(userKey).(brief.User)
	return u
}

// apiHandler is a handler that returns an error instead of writing it.
type apiHandler func(w http.ResponseWriter, r *http.Request) error

// Handler returns the HTTP handler: /api/... and the UI.
func (s *Server) Handler() http.Handler {
	mux := http.NewServeMux()
	open := func(pattern string, h apiHandler) { mux.Handle(pattern, s.wrap(h, false)) }
	authed := func(pattern string, h apiHandler) { mux.Handle(pattern, s.wrap(h, true)) }

	open("GET /api/health", s.health)
	mux.HandleFunc("GET /api/ws", s.ws)
	open("POST /api/login", s.login)
	authed("POST /api/logout", s.logout)
	authed("POST /api/session/renew", s.renew)
	authed("GET /api/me", s.me)

	authed("GET /api/users", s.listUsers)
	authed("POST /api/users", s.createUser)
	authed("POST /api/users/{id}/revoke", s.revokeUser)
	authed("POST /api/users/{id}/link", s.userLink)

	authed("GET /api/templates", s.templates)
	authed("GET /api/briefs", s.listBriefs)
	authed("POST /api/briefs", s.createBrief)
	authed("GET /api/briefs/{id}", s.getBrief)
	authed("PATCH /api/briefs/{id}", s.patchBrief)
	authed("DELETE /api/briefs/{id}", s.archiveBrief)
	authed("POST /api/briefs/{id}/duplicate", s.duplicateBrief)
	authed("POST /api/briefs/{id}/unarchive", s.unarchiveBrief)
	authed("POST /api/briefs/{id}/sections", s.addSection)
	authed("PUT /api/briefs/{id}/sections/{key}", s.putSection)
	authed("DELETE /api/briefs/{id}/sections/{key}", s.removeSection)
	authed("GET /api/briefs/{id}/members", s.listMembers)
	authed("POST /api/briefs/{id}/members", s.addMember)
	authed("DELETE /api/briefs/{id}/members", s.removeMember)

	authed("GET /api/briefs/{id}/revisions", s.listRevisions)
	authed("GET /api/briefs/{id}/versions", s.listVersions)
	authed("POST /api/briefs/{id}/versions", s.createVersion)
	authed("GET /api/briefs/{id}/diff", s.diff)
	authed("POST /api/briefs/{id}/restore", s.restore)
	authed("POST /api/briefs/{id}/conflicts/{cid}/apply", s.resolveConflict(true))
	authed("POST /api/briefs/{id}/conflicts/{cid}/dismiss", s.resolveConflict(false))
	authed("GET /api/briefs/{id}/comments", s.listComments)
	authed("POST /api/briefs/{id}/comments", s.addComment)
	authed("PATCH /api/comments/{cid}", s.editComment)
	authed("DELETE /api/comments/{cid}", s.deleteComment)
	authed("POST /api/comments/{cid}/resolve", s.resolveComment(true))
	authed("POST /api/comments/{cid}/reopen", s.resolveComment(false))
	authed("GET /api/briefs/{id}/suggestions", s.listSuggestions)
	authed("POST /api/briefs/{id}/suggestions", s.addSuggestion)
	authed("POST /api/briefs/{id}/suggestions/accept-all", s.acceptAll)
	authed("POST /api/suggestions/{cid}/accept", s.decideSuggestion(true))
	authed("POST /api/suggestions/{cid}/reject", s.decideSuggestion(false))
	authed("POST /api/briefs/{id}/submit", s.submit)
	authed("POST /api/briefs/{id}/review", s.reviewBrief)
	authed("GET /api/briefs/{id}/decisions", s.listDecisions)
	authed("GET /api/search", s.search)
	authed("POST /api/import", s.importBrief)
	authed("GET /api/briefs/{id}/bundle", s.exportBundle)
	authed("POST /api/import/bundle", s.importBundle)

	authed("GET /api/brand", s.getBrand)
	authed("PUT /api/brand", s.putBrand)
	authed("GET /api/brand/logo", s.getLogo)
	authed("PUT /api/brand/logo", s.putLogo)
	authed("DELETE /api/brand/logo", s.deleteLogo)
	authed("GET /api/briefs/{id}/export.pdf", s.exportPDF)
	s.workspaceRoutes(mux, authed)

	// Anything else under /api/ (an unknown route, or a known one with
	// another method) answers the API's JSON not_found, never the UI.
	open("/api/", func(w http.ResponseWriter, r *http.Request) error {
		return brief.Errorf(brief.ENotFound, "no such API route: %s %s", r.Method, r.URL.Path)
	})
	mux.Handle("/", s.ui())
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("X-Content-Type-Options", "nosniff")
		w.Header().Set("Referrer-Policy", "no-referrer")
		mux.ServeHTTP(w, r)
	})
}

// wrap authenticates (when asked), limits the body and writes errors.
func (s *Server) wrap(h apiHandler, authenticate bool) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		r.Body = http.MaxBytesReader(w, r.Body, MaxBody)
		if authenticate {
			u, _, err := s.auth.Authenticate(r.Context(), bearer(r))
			if err != nil {
				w.Header().Set("WWW-Authenticate", `Bearer realm="briefstudio"`)
				s.writeError(w, r, err)
				return
			}
			r = r.WithContext(context.WithValue(r.Context(), userKey, u))
		}
		if err := h(w, r); err != nil {
			s.writeError(w, r, err)
		}
	})
}

func bearer(r *http.Request) string {
	h := r.Header.Get("Authorization")
	if len(h) > 7 && strings.EqualFold(h[:7], "bearer ") {
		return strings.TrimSpace(h[7:])
	}
	return ""
}

// decode reads a JSON body into v: too_large past MaxBody, invalid for
// anything that is not valid UTF-8 JSON (encoding/json would silently turn
// invalid UTF-8 into U+FFFD, so the bytes are checked first).
func decode(r *http.Request, v any) error { return decodeBody(r, v, true) }

// decodeBody is decode; an empty body is fine when not required.
func decodeBody(r *http.Request, v any, required bool) error {
	body, err := io.ReadAll(r.Body)
	var tooBig *http.MaxBytesError
	if errors.As(err, &tooBig) {
		return brief.Errorf(brief.ETooLarge, "request body is larger than %d bytes", MaxBody)
	}
	if err != nil {
		return brief.Errorf(brief.EInvalid, "reading the request body: %v", err)
	}
	if len(strings.TrimSpace(string(body))) == 0 {
		if !required {
			return nil
		}
		return brief.Errorf(brief.EInvalid, "a JSON request body is required")
	}
	if !utf8.Valid(body) {
		return brief.Errorf(brief.EInvalid, "request body is not valid UTF-8")
	}
	if err := json.Unmarshal(body, v); err != nil {
		var typeErr *json.UnmarshalTypeError
		if errors.As(err, &typeErr) && typeErr.Field != "" {
			return brief.Errorf(brief.EInvalid, "field %q must be %s", typeErr.Field, jsonKind(typeErr.Type.Kind().String()))
		}
		return brief.Errorf(brief.EInvalid, "malformed JSON: %v", err)
	}
	return nil
}

func jsonKind(goKind string) string {
	switch goKind {
	case "string":
		return "a string"
	case "int", "int64", "float64":
		return "a number"
	case "bool":
		return "true or false"
	case "slice":
		return "an array"
	case "struct", "map":
		return "an object"
	}
	return "of another type"
}

func clientIP(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}
