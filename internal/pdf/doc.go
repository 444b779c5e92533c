package pdf

import (
	"fmt"
	"slices"

	"github.com/jung-kurt/gofpdf"
)

// docResult is a new gofpdf document with its base faces, or why not.
type docResult struct {
	f   *gofpdf.Fpdf
	err error
}

// newDocument starts an A4 document with the metadata of opts.
func newDocument(g geometry, opts Options) *gofpdf.Fpdf {
	f := gofpdf.New("P", "mm", "A4", "")
	f.SetMargins(g.left, g.top, g.right)
	f.SetAutoPageBreak(false, 0)
	f.SetCompression(false) // deflated by deflateStreams, with pooled writers
	// Sorted fonts and objects keep the output the same from run to run.
	f.SetCatalogSort(true)
	f.SetCreator("Brief Studio", true)
	f.SetTitle(opts.Title, true)
	f.SetAuthor(opts.Author, true)
	f.SetSubject(opts.Subject, true)
	f.SetKeywords(opts.Keywords, true)
	if opts.Language != "" {
		f.SetXmpMetadata([]byte(xmpLanguage(opts.Language)))
	}
	return f
}

// usedFaces returns the faces the placed items draw with, in a fixed order.
func usedFaces(pages [][]placed) []*face {
	used := map[*face]bool{}
	for _, p := range pages {
		for _, pl := range p {
			for _, o := range pl.it.ops {
				if o.run.f != nil {
					used[o.run.f] = true
				}
			}
		}
	}
	order := make([]*face, 0, len(used))
	for fc := range used {
		order = append(order, fc)
	}
	slices.SortFunc(order, func(a, b *face) int {
		if a.family+a.style < b.family+b.style {
			return -1
		}
		return 1
	})
	return order
}

// addFaces registers faces with f (gofpdf skips a face it has). gofpdf
// prints a font parse error and carries on; selecting the font turns it
// into f.Error().
func addFaces(f *gofpdf.Fpdf, fcs []*face) error {
	for _, fc := range fcs {
		f.AddUTF8FontFromBytes(fc.family, fc.style, fc.ttf)
		f.SetFont(fc.family, fc.style, 10)
		if err := f.Error(); err != nil {
			return fmt.Errorf("pdf: font %s%s: %w", fc.family, fc.style, err)
		}
	}
	return nil
}
