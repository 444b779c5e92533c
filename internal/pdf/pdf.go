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
	// Header draws on each body page before its footer; nil draws nothing.
	Header PageHook

	// Set by Publish: fixed pages before and after the body (covers),
	// counted in the page numbers; the body's theme; faces the fixed pages
	// and hooks draw with.
	front, back []fixedPage
	theme       *theme
	faces       []*face
}

// fixedPage is a page laid out outside the body flow (a cover): its
// operations in page coordinates, drawn in order.
type fixedPage []pageOp

// pageOp is a measured op, or a drawing that needs no font (a vector
// emblem, an image) when draw is set.
type pageOp struct {
	op
	draw func(f *gofpdf.Fpdf)
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

	th := defaultTheme
	if opts.theme != nil {
		th = *opts.theme
	}
	b := newBuilder(a4, th)
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

// draw writes the fixed front pages, the paginated items and the fixed back
// pages on f, whose base faces are registered.
func draw(w io.Writer, f *gofpdf.Fpdf, b *builder, pages [][]placed, opts Options) error {
	g := b.g
	if err := addFaces(f, append(usedFaces(pages), opts.faces...)); err != nil {
		return err
	}
	first := len(opts.front) // pages before the body
	total := first + len(pages) + len(opts.back)

	links := make([]int, len(b.headings))
	for i := range links {
		links[i] = f.AddLink()
	}
	pageOf := make([]int, len(b.headings))
	for pi, p := range pages {
		for _, pl := range p {
			if pl.it.anchor >= 0 {
				pageOf[pl.it.anchor] = first + pi + 1
				f.SetLink(links[pl.it.anchor], g.top+pl.y, first+pi+1)
			}
		}
	}
	pt := &painter{f: f, pageOf: pageOf}
	footer := opts.Footer
	if footer == nil {
		footer = pageNumber
	}
	fixed := func(fp fixedPage, page int) {
		f.AddPage()
		pt.reset()
		for i := range fp {
			if fp[i].draw != nil {
				fp[i].draw(f)
				pt.reset()
				continue
			}
			pt.op(&fp[i].op, 0, 0)
		}
		footer(f, page, total)
	}
	for i, fp := range opts.front {
		fixed(fp, i+1)
	}
	for pi, p := range pages {
		f.AddPage()
		pt.reset()
		for _, pl := range p {
			top := g.top + pl.y
			it := pl.it
			for i, bx := range it.bars {
				pt.fill(b.th.rule)
				from := top - pl.b
				if i >= len(it.bars)-it.opens {
					from = top
				}
				f.Rect(g.left+bx, from, 0.8, top+it.h-from, "F")
			}
			for i := range it.ops {
				pt.op(&it.ops[i], g.left, top)
			}
			if it.link >= 0 {
				f.Link(g.left, top, g.textW(), it.h, links[it.link])
			}
		}
		if opts.Header != nil {
			opts.Header(f, first+pi+1, total)
		}
		footer(f, first+pi+1, total)
	}
	for i, fp := range opts.back {
		fixed(fp, first+len(pages)+i+1)
	}
	if err := f.Error(); err != nil {
		return fmt.Errorf("pdf: %w", err)
	}
	var plain bytes.Buffer
	if err := f.Output(&plain); err != nil {
		return fmt.Errorf("pdf: %w", err)
	}
	return rewrite(w, plain.Bytes(), opts.Language)
}

// painter draws ops, setting the font and colour only when they change.
type painter struct {
	f      *gofpdf.Fpdf
	pageOf []int // page of each heading, for opPageRef
	face   *face
	size   float64
	// Text colour is set as the fill colour too: when the two differ gofpdf
	// wraps every Text call in "q <colour> ... Q", a second formatted
	// string per word. color is invalid after anything else fills.
	color rgb
}

var noColor = rgb{-1, -1, -1}

// reset forgets the font and colour (a new page, or foreign drawing).
func (p *painter) reset() { p.face, p.color = nil, noColor }

func (p *painter) fill(c rgb) {
	p.f.SetFillColor(c.r, c.g, c.b)
	p.color = noColor
}

func (p *painter) setFont(fc *face, size float64) {
	if fc != p.face || size != p.size {
		p.f.SetFont(fc.family, fc.style, size)
		p.face, p.size = fc, size
	}
}

// op draws o with its origin at (ox, oy).
func (p *painter) op(o *op, ox, oy float64) {
	f := p.f
	switch o.kind {
	case opRect:
		p.fill(o.color)
		f.Rect(ox+o.x, oy+o.y, o.w, o.h, "F")
	case opLine:
		f.SetDrawColor(o.color.r, o.color.g, o.color.b)
		if o.width < 0 { // dotted leader
			f.SetLineWidth(0.3)
			f.SetDashPattern([]float64{0.3, 1.2}, 0)
			f.SetLineCapStyle("round")
		} else {
			f.SetLineWidth(o.width)
		}
		f.Line(ox+o.x, oy+o.y, ox+o.x+o.w, oy+o.y+o.h)
		if o.width < 0 {
			f.SetDashPattern(nil, 0)
			f.SetLineCapStyle("butt")
		}
	case opText, opPageRef:
		r := o.run
		txt, x := r.text, ox+o.x
		if o.kind == opPageRef {
			txt = strconv.Itoa(p.pageOf[o.ref])
			p.setFont(r.f, r.size)
			x -= f.GetStringWidth(txt)
		}
		p.setFont(r.f, r.size)
		if r.color != p.color {
			f.SetTextColor(r.color.r, r.color.g, r.color.b)
			f.SetFillColor(r.color.r, r.color.g, r.color.b)
			p.color = r.color
		}
		f.Text(x, oy+o.y, txt)
		if r.link != "" {
			f.LinkString(x, oy+o.y-r.size*0.8*ptMM, r.w, r.size*ptMM, r.link)
		}
	}
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
