package server

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"

	"briefstudio/internal/brief"
	"briefstudio/internal/pdf"
)

// exportPDF answers GET /api/briefs/{id}/export.pdf[?version=v12]: the
// branded PDF of the current text, a named version or a revision (anyone
// who may read the brief). Only an approved version is printed without the
// DRAFT mark.
func (s *Server) exportPDF(w http.ResponseWriter, r *http.Request) error {
	e, err := s.store.Export(r.Context(), user(r), r.PathValue("id"), r.URL.Query().Get("version"))
	if err != nil {
		return err
	}
	var buf bytes.Buffer
	if err := pdf.Publish(&buf, pdf.Publication{Brief: e.Brief, Brand: e.Brand, Logo: e.Logo, Draft: !e.Approved, Date: s.store.Now()}); err != nil {
		if brief.ErrorCode(err) == brief.EInternal {
			return brief.Internal(fmt.Errorf("export %s: %w", e.Brief.ID, err))
		}
		return err
	}
	name := brief.Slug(e.Brief.Title)
	if len(name) > 60 {
		name = name[:60]
	}
	if name == "" {
		name = e.Brief.ID
	}
	if e.Version != nil {
		name += "-" + e.Version.ID
	}
	w.Header().Set("Content-Type", "application/pdf")
	w.Header().Set("Content-Disposition", fmt.Sprintf(`attachment; filename="%s.pdf"`, name))
	w.Header().Set("Content-Length", strconv.Itoa(buf.Len()))
	w.Header().Set("Cache-Control", "no-store")
	_, err = w.Write(buf.Bytes())
	if err != nil {
		s.log.Debug("write export", "err", err)
	}
	return nil
}

// putLogo answers PUT /api/brand/logo: the image is the raw body, PNG or
// JPEG, at most 2 MB (admins).
func (s *Server) putLogo(w http.ResponseWriter, r *http.Request) error {
	data, err := io.ReadAll(io.LimitReader(r.Body, brief.MaxLogoBytes+1))
	var tooBig *http.MaxBytesError
	if errors.As(err, &tooBig) || len(data) > brief.MaxLogoBytes {
		return brief.Errorf(brief.ETooLarge, "the logo is larger than 2 MB (%d bytes)", brief.MaxLogoBytes)
	}
	if err != nil {
		return brief.Errorf(brief.EInvalid, "reading the request body: %v", err)
	}
	b, err := s.store.SetLogo(r.Context(), user(r), data)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, b)
	return nil
}

// getLogo answers GET /api/brand/logo: the stored image (any signed-in
// user), or not_found.
func (s *Server) getLogo(w http.ResponseWriter, r *http.Request) error {
	data, mime, err := s.store.Logo(r.Context())
	if err != nil {
		return err
	}
	w.Header().Set("Content-Type", mime)
	w.Header().Set("Content-Length", strconv.Itoa(len(data)))
	w.Header().Set("Cache-Control", "no-store")
	_, _ = w.Write(data)
	return nil
}

// deleteLogo answers DELETE /api/brand/logo (admins).
func (s *Server) deleteLogo(w http.ResponseWriter, r *http.Request) error {
	if err := s.store.DeleteLogo(r.Context(), user(r)); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}
