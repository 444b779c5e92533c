package server

import (
	"net/http"
	"strconv"

	"briefstudio/internal/brief"
)

func (s *Server) health(w http.ResponseWriter, r *http.Request) error {
	writeJSON(w, http.StatusOK, map[string]any{"ok": true, "version": s.opts.Version})
	return nil
}

func (s *Server) login(w http.ResponseWriter, r *http.Request) error {
	if !s.logins.allow(clientIP(r)) {
		w.Header().Set("Retry-After", "60")
		return brief.Errorf(brief.ERateLimited, "too many sign-in attempts from this address: wait a minute")
	}
	var in struct {
		Token string `json:"token"`
	}
	if err := decode(r, &in); err != nil {
		return err
	}
	sess, err := s.auth.Login(r.Context(), in.Token)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, sess)
	return nil
}

func (s *Server) logout(w http.ResponseWriter, r *http.Request) error {
	if err := s.auth.Logout(r.Context(), bearer(r)); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

func (s *Server) renew(w http.ResponseWriter, r *http.Request) error {
	sess, err := s.auth.Renew(r.Context(), bearer(r))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, sess)
	return nil
}

func (s *Server) me(w http.ResponseWriter, r *http.Request) error {
	writeJSON(w, http.StatusOK, user(r))
	return nil
}

func (s *Server) listUsers(w http.ResponseWriter, r *http.Request) error {
	u := user(r)
	if err := brief.Authorize(u.Actor(brief.MemberNone), brief.ActAdminister); err != nil {
		return err
	}
	users, err := s.store.Users(r.Context())
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, users)
	return nil
}

func (s *Server) createUser(w http.ResponseWriter, r *http.Request) error {
	u := user(r)
	if err := brief.Authorize(u.Actor(brief.MemberNone), brief.ActAdminister); err != nil {
		return err
	}
	var in struct {
		Email string `json:"email"`
		Name  string `json:"name"`
		Role  string `json:"role"`
	}
	if err := decode(r, &in); err != nil {
		return err
	}
	created, err := s.auth.CreateUser(r.Context(), &u, in.Email, in.Name, in.Role)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, created)
	return nil
}

func pathUserID(r *http.Request) (int64, error) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil {
		return 0, brief.Errorf(brief.ENotFound, "user not found")
	}
	return id, nil
}

func (s *Server) revokeUser(w http.ResponseWriter, r *http.Request) error {
	u := user(r)
	if err := brief.Authorize(u.Actor(brief.MemberNone), brief.ActAdminister); err != nil {
		return err
	}
	id, err := pathUserID(r)
	if err != nil {
		return err
	}
	n, err := s.auth.RevokeUser(r.Context(), &u, id)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, map[string]any{"revoked": n})
	return nil
}

func (s *Server) userLink(w http.ResponseWriter, r *http.Request) error {
	u := user(r)
	if err := brief.Authorize(u.Actor(brief.MemberNone), brief.ActAdminister); err != nil {
		return err
	}
	id, err := pathUserID(r)
	if err != nil {
		return err
	}
	if _, err := s.store.User(r.Context(), id); err != nil {
		return err
	}
	link, err := s.auth.LoginLink(r.Context(), id)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, map[string]string{"login": link})
	return nil
}
