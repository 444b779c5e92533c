package server

import (
	"errors"
	"io"
	"net/http"

	"briefstudio/internal/brief"
	"briefstudio/internal/importer"
)

// importBrief is POST /api/import?type=TYPE with a Markdown body: the new
// brief as GET gives it, plus the importer's report.
func (s *Server) importBrief(w http.ResponseWriter, r *http.Request) error {
	src, err := io.ReadAll(r.Body)
	var tooBig *http.MaxBytesError
	if errors.As(err, &tooBig) {
		return brief.Errorf(brief.ETooLarge, "the file is larger than %d bytes", MaxBody)
	}
	if err != nil {
		return brief.Errorf(brief.EInvalid, "reading the request body: %v", err)
	}
	b, report, err := importer.Create(r.Context(), s.store, user(r), src, r.URL.Query().Get("type"))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, struct {
		brief.Brief
		Report importer.Report `json:"report"`
	}{b, report})
	return nil
}
