package server

import (
	"encoding/json"
	"net/http"

	"briefstudio/internal/brief"
	"briefstudio/internal/store"
)

func (s *Server) templates(w http.ResponseWriter, r *http.Request) error {
	writeJSON(w, http.StatusOK, brief.Templates())
	return nil
}

func (s *Server) listBriefs(w http.ResponseWriter, r *http.Request) error {
	list, err := s.store.ListBriefs(r.Context(), user(r), r.URL.Query().Get("archived") == "1")
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, list)
	return nil
}

func (s *Server) createBrief(w http.ResponseWriter, r *http.Request) error {
	var in struct {
		Type     string         `json:"type"`
		Title    string         `json:"title"`
		Metadata brief.Metadata `json:"metadata"`
	}
	if err := decode(r, &in); err != nil {
		return err
	}
	b, err := s.store.CreateBrief(r.Context(), user(r), store.NewBrief{Type: in.Type, Title: in.Title, Metadata: in.Metadata})
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, b)
	return nil
}

func (s *Server) getBrief(w http.ResponseWriter, r *http.Request) error {
	b, err := s.store.Brief(r.Context(), user(r), r.PathValue("id"))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, b)
	return nil
}

func (s *Server) patchBrief(w http.ResponseWriter, r *http.Request) error {
	var in struct {
		Title    *string             `json:"title"`
		Metadata json.RawMessage     `json:"metadata"`
		Sections []brief.SectionSlot `json:"sections"`
	}
	if err := decode(r, &in); err != nil {
		return err
	}
	b, err := s.store.PatchBrief(r.Context(), user(r), r.PathValue("id"),
		store.Patch{Title: in.Title, Metadata: in.Metadata, Sections: in.Sections})
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, b)
	return nil
}

func (s *Server) archiveBrief(w http.ResponseWriter, r *http.Request) error {
	if err := s.store.ArchiveBrief(r.Context(), user(r), r.PathValue("id")); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

func (s *Server) unarchiveBrief(w http.ResponseWriter, r *http.Request) error {
	b, err := s.store.UnarchiveBrief(r.Context(), user(r), r.PathValue("id"))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, b)
	return nil
}

func (s *Server) duplicateBrief(w http.ResponseWriter, r *http.Request) error {
	b, err := s.store.DuplicateBrief(r.Context(), user(r), r.PathValue("id"))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, b)
	return nil
}

func (s *Server) addSection(w http.ResponseWriter, r *http.Request) error {
	var in struct {
		Title string `json:"title"`
		After string `json:"after"`
	}
	if err := decode(r, &in); err != nil {
		return err
	}
	sec, err := s.store.AddSection(r.Context(), user(r), r.PathValue("id"), in.Title, in.After)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, sec)
	return nil
}

func (s *Server) removeSection(w http.ResponseWriter, r *http.Request) error {
	if err := s.store.RemoveSection(r.Context(), user(r), r.PathValue("id"), r.PathValue("key")); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

func (s *Server) putSection(w http.ResponseWriter, r *http.Request) error {
	var in struct {
		Text        *string `json:"text"`
		BaseVersion *int64  `json:"baseVersion"`
	}
	if err := decode(r, &in); err != nil {
		return err
	}
	if in.Text == nil || in.BaseVersion == nil {
		return brief.Errorf(brief.EInvalid, "text and baseVersion are required")
	}
	res, err := s.store.PutSection(r.Context(), user(r), r.PathValue("id"), r.PathValue("key"), *in.Text, *in.BaseVersion)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, res)
	return nil
}

func (s *Server) listMembers(w http.ResponseWriter, r *http.Request) error {
	list, err := s.store.Members(r.Context(), user(r), r.PathValue("id"))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, list)
	return nil
}

type memberInput struct {
	Email string `json:"email"`
	Role  string `json:"role"`
}

func (s *Server) addMember(w http.ResponseWriter, r *http.Request) error {
	var in memberInput
	if err := decode(r, &in); err != nil {
		return err
	}
	m, err := s.store.AddMember(r.Context(), user(r), r.PathValue("id"), in.Email, in.Role)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, m)
	return nil
}

// removeMember takes the e-mail from the JSON body or, for clients that
// send no body with DELETE, from ?email=.
func (s *Server) removeMember(w http.ResponseWriter, r *http.Request) error {
	in := memberInput{Email: r.URL.Query().Get("email")}
	if in.Email == "" {
		if err := decode(r, &in); err != nil {
			return err
		}
	}
	if in.Email == "" {
		return brief.Errorf(brief.EInvalid, "email is required")
	}
	if err := s.store.RemoveMember(r.Context(), user(r), r.PathValue("id"), in.Email); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

func (s *Server) getBrand(w http.ResponseWriter, r *http.Request) error {
	b, err := s.store.Brand(r.Context())
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, b)
	return nil
}

func (s *Server) putBrand(w http.ResponseWriter, r *http.Request) error {
	in := brief.DefaultBrand()
	if err := decode(r, &in); err != nil {
		return err
	}
	b, err := s.store.PutBrand(r.Context(), user(r), in)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, b)
	return nil
}
