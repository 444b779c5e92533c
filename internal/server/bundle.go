package server

import (
	"errors"
	"io"
	"net/http"

	"briefstudio/internal/brief"
	"briefstudio/internal/store"
)

// exportBundle is GET /api/briefs/{id}/bundle: the brief with its whole
// history as a bundle file (anyone who may read the brief).
func (s *Server) exportBundle(w http.ResponseWriter, r *http.Request) error {
	b, err := s.store.ExportBundle(r.Context(), user(r), r.PathValue("id"))
	if err != nil {
		return err
	}
	w.Header().Set("Content-Disposition", `attachment; filename="`+brief.Slug(b.Brief.Title)+`.briefstudio.json"`)
	writeJSON(w, http.StatusOK, b)
	return nil
}

// importBundle is POST /api/import/bundle with a bundle as the body: a new
// brief (the caller its author) as GET gives it, plus how the bundle's
// people were mapped.
func (s *Server) importBundle(w http.ResponseWriter, r *http.Request) error {
	raw, err := io.ReadAll(r.Body)
	var tooBig *http.MaxBytesError
	if errors.As(err, &tooBig) {
		return brief.Errorf(brief.ETooLarge, "the bundle is larger than %d bytes", MaxBody)
	}
	if err != nil {
		return brief.Errorf(brief.EInvalid, "reading the request body: %v", err)
	}
	u := user(r)
	if err := brief.Authorize(u.Actor(brief.MemberNone), brief.ActCreate); err != nil {
		return err
	}
	bundle, err := store.ParseBundle(raw)
	if err != nil {
		return err
	}
	b, report, err := s.store.ImportBundle(r.Context(), u, bundle)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, struct {
		brief.Brief
		Report store.BundleReport `json:"report"`
	}{b, report})
	return nil
}
