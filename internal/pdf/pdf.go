// Package pdf sets a brief's Markdown sections as A4 pages: numbered
// headings, paragraphs, lists, quotes, tables and footnotes, with embedded
// Liberation and DejaVu fonts. Layout is measure-then-draw: every block is
// measured into items, items are paginated (keep-with-next, widows and
// orphans, repeated table headers), and only then drawn with gofpdf.
package pdf

import (
	"bytes"
	"fmt"
	"html"
	"io"
	"strconv"

	"github.com/jung-kurt/gofpdf"
)

// Section is one part of a brief: its title and its Markdown body, in order.
type Section struct{ Title, Markdown string }

// PageHook draws on a finished page (header, footer, margins); page counts
// from 1 and pages is the total. f's fonts "sans" and "serif" are available.
type PageHook func(f *gofpdf.Fpdf, page, pages int)

// Options are the document's metadata and layout choices.
type Options struct {
	Title, Author, Subject, Keywords, Language string // PDF metadata

	// TOCMinHeadings: a table of contents is set when there are more
	// headings than this. 0 means the default, 8; negative means never.
	TOCMinHeadings int

	// Footer draws each page's footer; nil draws a centred page number.
	Footer PageHook
	// Header draws on each page before its footer; nil draws nothing.
	Header PageHook
}

// Render writes the sections as a PDF to w.
func Render(w io.Writer, sections []Section, opts Options) error {
	// gofpdf parses every font it is given, per document (about 3 ms a
	// face). The faces every document uses are registered while the body
	// is laid out; the faces only the layout asks for follow in draw.
	base := []*face{faces.lib[serif][0], faces.lib[sans][0]}
	if len(sections) > 0 {
		base = append(base, faces.lib[sans][stBold]) // section titles
	}
	ready := make(chan docResult, 1) // buffered: an early return strands no goroutine
	go func() {
		f := newDocument(a4, opts)
		ready <- docResult{f, addFaces(f, base)}
	}()

	b := newBuilder(a4, defaultTheme)
	for i, s := range sections {
		b.section(i+1, s)
		if b.err != nil {
			return b.err
		}
	}
	pages := paginate(b.items, b.g.textH())
	limit := opts.TOCMinHeadings
	if limit == 0 {
		limit = 8
	}
	if limit > 0 && len(b.headings) > limit {
		toc, err := b.toc()
		if err != nil {
			return err
		}
		pages = append(paginate(toc, b.g.textH()), pages...)
	}
	d := <-ready
	if d.err != nil {
		return d.err
	}
	return draw(w, d.f, b, pages, opts)
}

// toc lays out the table of contents: one entry per heading down to depth 3,
// its page number filled in at drawing time.
func (b *builder) toc() ([]*item, error) {
	saved := b.items
	b.items = nil
	defer func() { b.items = saved }()
	ts := textStyle{fam: sans, st: stBold, size: 14, leading: 1.25, color: b.th.heading}
	ws, err := words([]span{{text: "CONTENTS"}}, ts)
	if err != nil {
		return nil, err
	}
	title := lineItems(breakLines(ws, b.g.textW()), 0, ts, 0, nil)
	title[0].h += 4
	title[0].keep = true
	out := title
	numCol := 12.0
	for i, h := range b.headings {
		if h.depth > 3 {
			continue
		}
		ts := b.bodyStyle()
		indent := float64(h.depth-1) * numCol
		before := 1.2
		if h.depth == 1 {
			ts.fam, ts.st = sans, stBold
			ts.size = b.th.bodySize * 0.95
			before = 3
		}
		c := ctx{x: indent + numCol, w: b.g.textW() - indent - numCol - 14, ts: ts}
		nws, err := words([]span{{text: h.num}}, ts)
		if err != nil {
			return nil, err
		}
		tws, err := words([]span{{text: h.title}}, ts)
		if err != nil {
			return nil, err
		}
		lines := breakLines(tws, c.w)
		its := lineItems(lines, c.x, ts, before, nil)
		if len(its) == 0 {
			continue
		}
		y := its[0].ops0y(ts)
		for _, wd := range nws {
			for _, r := range wd.runs {
				its[0].ops = append(its[0].ops, op{kind: opText, x: indent, y: y, run: r, ref: -1})
			}
		}
		last := its[len(its)-1]
		ly := last.ops0y(ts)
		rs, err := words([]span{{text: "0"}}, ts)
		if err != nil {
			return nil, err
		}
		last.ops = append(last.ops,
			op{kind: opLine, x: c.x + lines[len(lines)-1].w + 2, y: ly, w: b.g.textW() - 9 - (c.x + lines[len(lines)-1].w + 2), color: b.th.muted, width: -1, ref: -1},
			op{kind: opPageRef, x: b.g.textW(), y: ly, run: rs[0].runs[0], ref: i})
		for _, it := range its {
			it.link = i
			it.keep = len(its) > 1 && it != last
		}
		out = append(out, its...)
	}
	return out, nil
}

// draw writes paginated items on f, whose base faces are registered.
func draw(w io.Writer, f *gofpdf.Fpdf, b *builder, pages [][]placed, opts Options) error {
	g := b.g
	if err := addFaces(f, usedFaces(pages)); err != nil {
		return err
	}

	links := make([]int, len(b.headings))
	for i := range links {
		links[i] = f.AddLink()
	}
	pageOf := make([]int, len(b.headings))
	for pi, p := range pages {
		for _, pl := range p {
			if pl.it.anchor >= 0 {
				pageOf[pl.it.anchor] = pi + 1
				f.SetLink(links[pl.it.anchor], g.top+pl.y, pi+1)
			}
		}
	}

	var curFace *face
	var curSize float64
	// Text colour is set as the fill colour too: when the two differ gofpdf
	// wraps every Text call in "q <colour> ... Q", a second formatted
	// string per word. curColor is invalid after anything else fills.
	noColor := rgb{-1, -1, -1}
	curColor := noColor
	fill := func(c rgb) {
		f.SetFillColor(c.r, c.g, c.b)
		curColor = noColor
	}
	setFont := func(fc *face, size float64) {
		if fc != curFace || size != curSize {
			f.SetFont(fc.family, fc.style, size)
			curFace, curSize = fc, size
		}
	}
	footer := opts.Footer
	if footer == nil {
		footer = pageNumber
	}
	for pi, p := range pages {
		f.AddPage()
		curFace, curColor = nil, noColor
		for _, pl := range p {
			top := g.top + pl.y
			it := pl.it
			for i, bx := range it.bars {
				fill(b.th.rule)
				from := top - pl.b
				if i >= len(it.bars)-it.opens {
					from = top
				}
				f.Rect(g.left+bx, from, 0.8, top+it.h-from, "F")
			}
			for _, o := range it.ops {
				switch o.kind {
				case opRect:
					fill(o.color)
					f.Rect(g.left+o.x, top+o.y, o.w, o.h, "F")
				case opLine:
					f.SetDrawColor(o.color.r, o.color.g, o.color.b)
					if o.width < 0 { // dotted leader
						f.SetLineWidth(0.3)
						f.SetDashPattern([]float64{0.3, 1.2}, 0)
						f.SetLineCapStyle("round")
					} else {
						f.SetLineWidth(o.width)
					}
					f.Line(g.left+o.x, top+o.y, g.left+o.x+o.w, top+o.y+o.h)
					if o.width < 0 {
						f.SetDashPattern(nil, 0)
						f.SetLineCapStyle("butt")
					}
				case opText, opPageRef:
					r := o.run
					txt, x := r.text, g.left+o.x
					if o.kind == opPageRef {
						txt = strconv.Itoa(pageOf[o.ref])
						setFont(r.f, r.size)
						x -= f.GetStringWidth(txt)
					}
					setFont(r.f, r.size)
					if r.color != curColor {
						f.SetTextColor(r.color.r, r.color.g, r.color.b)
						f.SetFillColor(r.color.r, r.color.g, r.color.b)
						curColor = r.color
					}
					f.Text(x, top+o.y, txt)
					if r.link != "" {
						f.LinkString(x, top+o.y-r.size*0.8*ptMM, r.w, r.size*ptMM, r.link)
					}
				}
			}
			if it.link >= 0 {
				f.Link(g.left, top, g.textW(), it.h, links[it.link])
			}
		}
		if opts.Header != nil {
			opts.Header(f, pi+1, len(pages))
		}
		footer(f, pi+1, len(pages))
	}
	if err := f.Error(); err != nil {
		return fmt.Errorf("pdf: %w", err)
	}
	var plain bytes.Buffer
	if err := f.Output(&plain); err != nil {
		return fmt.Errorf("pdf: %w", err)
	}
	return deflateStreams(w, plain.Bytes())
}

// pageNumber is the default footer: the page number, centred.
func pageNumber(f *gofpdf.Fpdf, page, pages int) {
	f.SetFont("sans", "", 8.5)
	f.SetTextColor(110, 110, 110)
	s := strconv.Itoa(page)
	f.Text((a4.pageW-f.GetStringWidth(s))/2, a4.pageH-13, s)
}

func xmpLanguage(lang string) string {
	return `<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">` +
		`<rdf:Description rdf:about="" xmlns:dc="http://purl.org/dc/elements/1.1/"><dc:language><rdf:Bag><rdf:li>` +
		html.EscapeString(lang) + `</rdf:li></rdf:Bag></dc:language></rdf:Description></rdf:RDF></x:xmpmeta>`
}
