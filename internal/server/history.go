package server

import (
	"net/http"
	"strconv"

	"briefstudio/internal/brief"
)

func (s *Server) listRevisions(w http.ResponseWriter, r *http.Request) error {
	list, err := s.store.Revisions(r.Context(), user(r), r.PathValue("id"))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, list)
	return nil
}

func (s *Server) listVersions(w http.ResponseWriter, r *http.Request) error {
	list, err := s.store.Versions(r.Context(), user(r), r.PathValue("id"))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, list)
	return nil
}

func (s *Server) createVersion(w http.ResponseWriter, r *http.Request) error {
	var in struct {
		Label string `json:"label"`
	}
	if err := decode(r, &in); err != nil {
		return err
	}
	v, err := s.store.CreateVersion(r.Context(), user(r), r.PathValue("id"), in.Label)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, v)
	return nil
}

func (s *Server) diff(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	from, to := q.Get("from"), q.Get("to")
	if from == "" {
		return brief.Errorf(brief.EInvalid, "from is required (a version id like v12, a revision number, or current)")
	}
	if to == "" {
		to = "current"
	}
	secs, err := s.store.Diff(r.Context(), user(r), r.PathValue("id"), from, to)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, map[string]any{"from": from, "to": to, "sections": secs})
	return nil
}

func (s *Server) restore(w http.ResponseWriter, r *http.Request) error {
	var in struct {
		Version  string `json:"version"`
		Revision *int64 `json:"revision"`
	}
	if err := decode(r, &in); err != nil {
		return err
	}
	ref := in.Version
	if in.Revision != nil {
		if ref != "" {
			return brief.Errorf(brief.EInvalid, "give either version or revision, not both")
		}
		ref = strconv.FormatInt(*in.Revision, 10)
	}
	if ref == "" || ref == "current" {
		return brief.Errorf(brief.EInvalid, "version (like v12) or revision (a number) is required")
	}
	id := r.PathValue("id")
	edits, err := s.store.Restore(r.Context(), user(r), id, ref)
	if err != nil {
		return err
	}
	b, err := s.store.Brief(r.Context(), user(r), id)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, map[string]any{"edits": edits, "brief": b})
	return nil
}

func (s *Server) search(w http.ResponseWriter, r *http.Request) error {
	limit, _ := strconv.Atoi(r.URL.Query().Get("limit"))
	hits, err := s.store.Search(r.Context(), user(r), r.URL.Query().Get("q"), limit)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, hits)
	return nil
}

func (s *Server) resolveConflict(apply bool) apiHandler {
	return func(w http.ResponseWriter, r *http.Request) error {
		cid, err := strconv.ParseInt(r.PathValue("cid"), 10, 64)
		if err != nil {
			return brief.Errorf(brief.ENotFound, "unresolved merge not found")
		}
		res, err := s.store.ResolveConflict(r.Context(), user(r), r.PathValue("id"), cid, apply)
		if err != nil {
			return err
		}
		if !apply {
			w.WriteHeader(http.StatusNoContent)
			return nil
		}
		writeJSON(w, http.StatusOK, res)
		return nil
	}
}
