package server

import (
	"context"
	"net/http"
	"strings"

	"briefstudio/internal/brief"
	"briefstudio/internal/workspace"
)

// workspaceRoutes mounts the desktop's shared-server routes (docs/API.md
// "Desktop: workspaces") when the server has a workspace manager; without
// one they answer not_found like any unknown API path. mux serves
// /w/local/..., an alias of the embedded server's own API.
func (s *Server) workspaceRoutes(mux *http.ServeMux, authed func(string, apiHandler)) {
	m := s.opts.Workspaces
	if m == nil {
		mux.Handle("/w/{id}/api/", s.wrap(func(w http.ResponseWriter, r *http.Request) error {
			return brief.Errorf(brief.ENotFound, "no such API route: %s %s", r.Method, r.URL.Path)
		}, false))
		return
	}
	authed("GET /api/workspaces", s.localOnly(s.listWorkspaces))
	authed("POST /api/workspaces", s.localOnly(s.addWorkspace))
	authed("DELETE /api/workspaces/{id}", s.localOnly(s.removeWorkspace))
	authed("GET /api/local/store", s.localOnly(s.listLocal))
	authed("GET /api/local/store/{key}", s.localOnly(s.getLocal))
	authed("PUT /api/local/store/{key}", s.localOnly(s.putLocal))
	authed("DELETE /api/local/store/{key}", s.localOnly(s.deleteLocal))

	local := http.StripPrefix("/w/"+workspace.LocalID, mux)
	proxy := s.wrap(s.localOnly(s.proxyWorkspace), true)
	mux.HandleFunc("/w/{id}/api/", func(w http.ResponseWriter, r *http.Request) {
		if r.PathValue("id") == workspace.LocalID {
			local.ServeHTTP(w, r)
			return
		}
		proxy.ServeHTTP(w, r)
	})
	mux.HandleFunc("GET /w/{id}/api/ws", s.relayWorkspace)
}

// localOnly lets only the desktop's own user through: shared servers'
// sessions are theirs.
func (s *Server) localOnly(h apiHandler) apiHandler {
	return func(w http.ResponseWriter, r *http.Request) error {
		if !user(r).Local {
			return brief.Errorf(brief.EForbidden, "only this computer's own user may use its workspaces")
		}
		return h(w, r)
	}
}

// checkLocal authenticates the token of a relayed hello: this computer's
// own user only.
func (s *Server) checkLocal(ctx context.Context, token string) error {
	u, _, err := s.auth.Authenticate(ctx, token)
	if err != nil {
		return err
	}
	if !u.Local {
		return brief.Errorf(brief.EForbidden, "only this computer's own user may use its workspaces")
	}
	return nil
}

func (s *Server) listWorkspaces(w http.ResponseWriter, r *http.Request) error {
	u := user(r)
	out := []workspace.Status{{ID: workspace.LocalID, Name: "This computer", URL: "", Online: true,
		User: workspace.User{ID: u.ID, Email: u.Email, Name: u.Name, Role: string(u.Role)}}}
	writeJSON(w, http.StatusOK, append(out, s.opts.Workspaces.List(r.Context())...))
	return nil
}

func (s *Server) addWorkspace(w http.ResponseWriter, r *http.Request) error {
	var in struct {
		Link string `json:"link"`
		Name string `json:"name"`
	}
	if err := decode(r, &in); err != nil {
		return err
	}
	st, created, err := s.opts.Workspaces.Add(r.Context(), in.Link, in.Name)
	if err != nil {
		return err
	}
	status := http.StatusOK
	if created {
		status = http.StatusCreated
	}
	writeJSON(w, status, st)
	return nil
}

func (s *Server) removeWorkspace(w http.ResponseWriter, r *http.Request) error {
	if err := s.opts.Workspaces.Remove(r.Context(), r.PathValue("id")); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

// proxyWorkspace sends /w/{id}/api/... to the shared server's /api/....
func (s *Server) proxyWorkspace(w http.ResponseWriter, r *http.Request) error {
	id := r.PathValue("id")
	p := r.URL.EscapedPath()
	rest := strings.TrimPrefix(p, "/w/")
	i := strings.IndexByte(rest, '/')
	if i < 0 {
		return brief.Errorf(brief.ENotFound, "no such API route: %s %s", r.Method, r.URL.Path)
	}
	return s.opts.Workspaces.Proxy(w, r, id, rest[i:])
}

// relayWorkspace upgrades GET /w/{id}/api/ws (under /api/ws's Origin rules)
// and relays it to the shared server.
func (s *Server) relayWorkspace(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("id")
	if id == workspace.LocalID {
		s.ws(w, r)
		return
	}
	if _, err := s.opts.Workspaces.Get(id); err != nil {
		s.writeError(w, r, err)
		return
	}
	if conn := s.upgrade(w, r); conn != nil {
		s.opts.Workspaces.Relay(conn, id, s.checkLocal)
	}
}

func (s *Server) listLocal(w http.ResponseWriter, r *http.Request) error {
	entries, err := s.opts.Workspaces.Local().List(r.URL.Query().Get("prefix"))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, entries)
	return nil
}

func (s *Server) getLocal(w http.ResponseWriter, r *http.Request) error {
	data, err := s.opts.Workspaces.Local().Get(r.PathValue("key"))
	if err != nil {
		return err
	}
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.Write(data)
	return nil
}

func (s *Server) putLocal(w http.ResponseWriter, r *http.Request) error {
	if err := s.opts.Workspaces.Local().Put(r.PathValue("key"), r.Body); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

func (s *Server) deleteLocal(w http.ResponseWriter, r *http.Request) error {
	if err := s.opts.Workspaces.Local().Delete(r.PathValue("key")); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}
