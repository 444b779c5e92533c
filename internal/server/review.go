package server

import (
	"net/http"
	"strconv"

	"briefstudio/internal/brief"
	"briefstudio/internal/review"
)

// pathID reads a numeric id from the path; what is not one names nothing.
func pathID(r *http.Request, what string) (int64, error) {
	n, err := strconv.ParseInt(r.PathValue("cid"), 10, 64)
	if err != nil || n <= 0 {
		return 0, brief.Errorf(brief.ENotFound, "%s %q not found", what, r.PathValue("cid"))
	}
	return n, nil
}

func (s *Server) listComments(w http.ResponseWriter, r *http.Request) error {
	list, err := s.store.Comments(r.Context(), user(r), r.PathValue("id"), r.URL.Query().Get("section"))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, list)
	return nil
}

func (s *Server) addComment(w http.ResponseWriter, r *http.Request) error {
	var in review.NewComment
	if err := decode(r, &in); err != nil {
		return err
	}
	c, err := s.store.AddComment(r.Context(), user(r), r.PathValue("id"), in)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, c)
	return nil
}

func (s *Server) editComment(w http.ResponseWriter, r *http.Request) error {
	cid, err := pathID(r, "comment")
	if err != nil {
		return err
	}
	var in struct {
		Body string `json:"body"`
	}
	if err := decode(r, &in); err != nil {
		return err
	}
	c, err := s.store.EditComment(r.Context(), user(r), "", cid, in.Body)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, c)
	return nil
}

func (s *Server) deleteComment(w http.ResponseWriter, r *http.Request) error {
	cid, err := pathID(r, "comment")
	if err != nil {
		return err
	}
	if _, err := s.store.DeleteComment(r.Context(), user(r), "", cid); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

func (s *Server) resolveComment(resolve bool) apiHandler {
	return func(w http.ResponseWriter, r *http.Request) error {
		cid, err := pathID(r, "comment")
		if err != nil {
			return err
		}
		c, err := s.store.ResolveComment(r.Context(), user(r), "", cid, resolve)
		if err != nil {
			return err
		}
		writeJSON(w, http.StatusOK, c)
		return nil
	}
}

func (s *Server) listSuggestions(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	list, err := s.store.Suggestions(r.Context(), user(r), r.PathValue("id"), q.Get("section"), q.Get("status"))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, list)
	return nil
}

func (s *Server) addSuggestion(w http.ResponseWriter, r *http.Request) error {
	var in review.NewSuggestion
	if err := decode(r, &in); err != nil {
		return err
	}
	g, err := s.store.AddSuggestion(r.Context(), user(r), r.PathValue("id"), in)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, g)
	return nil
}

func (s *Server) decideSuggestion(accept bool) apiHandler {
	return func(w http.ResponseWriter, r *http.Request) error {
		sid, err := pathID(r, "suggestion")
		if err != nil {
			return err
		}
		g, err := s.store.DecideSuggestion(r.Context(), user(r), "", sid, accept)
		if err != nil {
			return err
		}
		writeJSON(w, http.StatusOK, g)
		return nil
	}
}

func (s *Server) acceptAll(w http.ResponseWriter, r *http.Request) error {
	res, err := s.store.AcceptAll(r.Context(), user(r), r.PathValue("id"), r.URL.Query().Get("section"))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, res)
	return nil
}

// decided is a workflow answer: the brief as GET gives it, and the
// decision with the named version it recorded.
type decided struct {
	brief.Brief
	Decision review.Decision `json:"decision"`
}

func (s *Server) submit(w http.ResponseWriter, r *http.Request) error {
	var in struct {
		Note string `json:"note"`
	}
	if err := decodeBody(r, &in, false); err != nil {
		return err
	}
	d, b, err := s.store.Submit(r.Context(), user(r), r.PathValue("id"), in.Note)
	return writeDecided(w, d, b, err)
}

func (s *Server) reviewBrief(w http.ResponseWriter, r *http.Request) error {
	var in struct {
		Decision string `json:"decision"`
		Note     string `json:"note"`
	}
	if err := decode(r, &in); err != nil {
		return err
	}
	d, b, err := s.store.Review(r.Context(), user(r), r.PathValue("id"), in.Decision, in.Note)
	return writeDecided(w, d, b, err)
}

func writeDecided(w http.ResponseWriter, d review.Decision, b brief.Brief, err error) error {
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, decided{Brief: b, Decision: d})
	return nil
}

func (s *Server) listDecisions(w http.ResponseWriter, r *http.Request) error {
	list, err := s.store.Decisions(r.Context(), user(r), r.PathValue("id"))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, list)
	return nil
}
