package server

import (
	"encoding/json"
	"log/slog"
	"net/http"

	"briefstudio/internal/brief"
	"briefstudio/internal/workspace"
)

// statusOf maps the domain's error codes to HTTP statuses: the one place
// that does.
func statusOf(c brief.Code) int {
	switch c {
	case brief.EInvalid:
		return http.StatusBadRequest
	case brief.EUnauthorized:
		return http.StatusUnauthorized
	case brief.EForbidden:
		return http.StatusForbidden
	case brief.ENotFound:
		return http.StatusNotFound
	case brief.EConflict:
		return http.StatusConflict
	case brief.ETooLarge:
		return http.StatusRequestEntityTooLarge
	case brief.ERateLimited:
		return http.StatusTooManyRequests
	case workspace.EUnreachable:
		return http.StatusBadGateway
	}
	return http.StatusInternalServerError
}

type errorBody struct {
	Error struct {
		Code    brief.Code `json:"code"`
		Message string     `json:"message"`
	} `json:"error"`
}

// writeError answers err as {"error":{"code","message"}}; only internal
// errors are logged, with their cause, which the client never sees.
func (s *Server) writeError(w http.ResponseWriter, r *http.Request, err error) {
	code := brief.ErrorCode(err)
	if code == brief.EInternal {
		s.log.Error("internal error", "method", r.Method, "path", r.URL.Path, "err", err)
	}
	var body errorBody
	body.Error.Code, body.Error.Message = code, brief.ErrorMessage(err)
	writeJSON(w, statusOf(code), body)
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(true)
	if err := enc.Encode(v); err != nil {
		slog.Debug("write response", "err", err)
	}
}
