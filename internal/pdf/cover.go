package pdf

import (
	"strings"

	"github.com/jung-kurt/gofpdf"
)

// scales are the type scales tried, largest first, until a fixed page's
// content fits (very long titles, author lists, notices).
var scales = []float64{1, 0.92, 0.84, 0.76, 0.68, 0.6, 0.53, 0.47, 0.42}

// stack is a column of measured parts laid out top-down.
type stack struct {
	parts []part
	h     float64
}

// part is a measured box, or a custom drawing of height h.
type part struct {
	box    textBox
	before float64
	dx     float64
	h      float64
	draw   func(c *canvas, x, y, w float64)
}

func (s *stack) add(tb textBox, before float64) {
	if len(s.parts) == 0 {
		before = 0
	}
	s.parts = append(s.parts, part{box: tb, before: before, h: tb.h})
	s.h += before + tb.h
}

func (s *stack) custom(h, before float64, draw func(c *canvas, x, y, w float64)) {
	if len(s.parts) == 0 {
		before = 0
	}
	s.parts = append(s.parts, part{before: before, h: h, draw: draw})
	s.h += before + h
}

func (s *stack) put(c *canvas, x, y, w float64) float64 {
	for _, p := range s.parts {
		y += p.before
		if p.draw != nil {
			p.draw(c, x, y, w)
		} else {
			c.put(p.box, x+p.dx, y, w-p.dx, alignLeft)
		}
		y += p.h
	}
	return y
}

// measurer measures text and keeps the first error.
type measurer struct{ err error }

func (m *measurer) box(s string, ts textStyle, w float64) textBox {
	return m.spans([]span{{text: s}}, ts, w)
}

func (m *measurer) spans(sp []span, ts textStyle, w float64) textBox {
	if m.err != nil {
		return textBox{}
	}
	tb, err := measureSpans(sp, ts, w)
	if err != nil {
		m.err = err
	}
	return tb
}

// frontCover: the brand colour block with the topic tag, series label in
// capitals, date, title, subtitle and authors; below it the project's logo
// (or name) and website. No funding statement: the footer starts on the
// inside cover.
func (d *dressing) frontCover() (*canvas, error) {
	const mx, tagY, seriesY = 22.0, 20.0, 46.0
	g := a4
	w := g.pageW - 2*mx
	meta := d.p.Brief.Metadata
	soft := mix(d.onPrimary, d.primary, 0.22)
	var m measurer
	c := newCanvas()

	blockH := 196.0
	type cover struct {
		title, sub, authors textBox
		titleY              float64
	}
	var cv cover
	for i, k := range scales {
		cv = cover{}
		cv.title = m.box(strings.TrimSpace(d.p.Brief.Title), textStyle{fam: sans, st: stBold, size: 30 * k, leading: 1.13, color: d.onPrimary}, w)
		if s := strings.TrimSpace(meta.Subtitle); s != "" {
			cv.sub = m.box(s, textStyle{fam: sans, size: 14 * k, leading: 1.28, color: soft}, w)
		}
		names := d.authors
		as := textStyle{fam: sans, st: stBold, size: 11.5 * min(1, k+0.1), leading: 1.4, color: d.onPrimary}
		if len(names) > 4 { // a list reads better in regular weight
			as.st, as.leading = 0, 1.45
			cv.authors = m.box(joinNames(names), as, w)
		} else {
			cv.authors = m.box(strings.Join(names, "\n"), as, w)
		}
		cv.titleY = seriesY + 26
		bottom := cv.titleY + cv.title.h
		if cv.sub.h > 0 {
			bottom += 5*k + cv.sub.h
		}
		need := bottom + 12 + cv.authors.h + 16
		if need <= blockH {
			break
		}
		if i == len(scales)-1 {
			blockH = min(need, g.pageH-40)
		}
	}
	if m.err != nil {
		return nil, m.err
	}

	c.rect(0, 0, g.pageW, blockH, d.primary)
	c.rect(0, blockH, g.pageW, 3, d.accent)
	// A quiet motif of rings at the block's lower right, clipped to it.
	ring := mix(d.primary, d.onPrimary, 0.09)
	c.draw(func(f *gofpdf.Fpdf) {
		f.ClipRect(0, 0, g.pageW, blockH, false)
		f.SetDrawColor(ring.r, ring.g, ring.b)
		f.SetLineWidth(0.7)
		for i := 0; i < 6; i++ {
			f.Circle(g.pageW+8, blockH+14, 32+float64(i)*12, "D")
		}
		f.ClipEnd()
	})
	// Topic tag, and the project's name at the top right.
	if t := strings.TrimSpace(meta.Topic); t != "" {
		tb := m.box(strings.ToUpper(t), textStyle{fam: sans, st: stBold, size: 8, leading: 1, color: onColor(d.accent)}, w/2)
		const ph, pad = 6.6, 3.2
		c.rect(mx, tagY, tb.width()+2*pad, ph, d.accent)
		c.put(tb, mx+pad, tagY+(ph-tb.h)/2+0.15, w, alignLeft)
	}
	if n := strings.TrimSpace(d.p.Brand.ProjectName); n != "" {
		tb := m.box(strings.ToUpper(n), textStyle{fam: sans, st: stBold, size: 9, leading: 1, color: soft}, w/2)
		c.put(tb, mx, tagY+(6.6-tb.h)/2+0.15, w, alignRight)
	}
	series := m.box(strings.ToUpper(d.series), textStyle{fam: sans, st: stBold, size: 14, leading: 1.1, color: readable(d.accent, d.primary, 3)}, w)
	y := c.put(series, mx, seriesY, w, alignLeft)
	y = c.put(m.box(d.date, textStyle{fam: sans, size: 11, leading: 1.3, color: soft}, w), mx, y+1, w, alignLeft)
	c.rect(mx, y+5, 26, 1.3, d.accent)
	y = c.put(cv.title, mx, cv.titleY, w, alignLeft)
	if cv.sub.h > 0 {
		c.put(cv.sub, mx, y+4, w, alignLeft)
	}
	c.put(cv.authors, mx, blockH-16-cv.authors.h, w, alignLeft)

	// Below the block: the logo or the project's name, and the website.
	top := blockH + 3
	mid := top + (g.pageH-top)/2
	if d.logo != nil {
		c.draw(func(f *gofpdf.Fpdf) { d.image(f, mx, mid-15, 80, 30, alignLeft) })
	} else if n := strings.TrimSpace(d.p.Brand.ProjectName); n != "" {
		name := m.box(n, textStyle{fam: sans, st: stBold, size: 22, leading: 1.15, color: readable(d.primary, white, 3)}, w*0.6)
		tag := m.box(d.p.Brand.Tagline, textStyle{fam: sans, size: 9, leading: 1.35, color: defaultTheme.muted}, w*0.6)
		h := name.h + 1 + tag.h
		y := c.put(name, mx, mid-h/2, w, alignLeft)
		c.put(tag, mx, y+1, w, alignLeft)
	}
	if site := strings.TrimSpace(d.p.Brand.Website); site != "" {
		tb := m.box(displayURL(site), textStyle{fam: sans, size: 9, leading: 1.2, color: defaultTheme.muted}, w*0.38)
		c.put(tb, mx, mid-tb.h/2, w, alignRight)
	}
	if m.err != nil {
		return nil, m.err
	}
	return c, nil
}

// displayURL drops the scheme and a trailing slash: "example.org".
func displayURL(u string) string {
	u = strings.TrimPrefix(strings.TrimPrefix(u, "https://"), "http://")
	return strings.TrimSuffix(u, "/")
}

// insideCover: the series text, authors and supervisors, website at the
// top; the linguistic version, manuscript date, disclaimer, reproduction
// notice, contact and the funding statement beside the EU emblem at the
// foot.
func (d *dressing) insideCover() (*canvas, error) {
	g := a4
	const x, topY, bottomY = 25.0, 30.0, 266.0
	w := g.textW()
	b, meta := d.p.Brief, d.p.Brief.Metadata
	brand := d.p.Brand
	labelColor := readable(d.primary, white, 3)
	var m measurer
	var top, bottom stack
	for _, k := range scales {
		top, bottom = stack{}, stack{}
		label := textStyle{fam: sans, st: stBold, size: 7.5 * max(k, 0.7), leading: 1.5, color: labelColor}
		// Sans throughout: the faces the body registers anyway.
		body := textStyle{fam: sans, size: 9 * k, leading: 1.45, color: ink}
		small := textStyle{fam: sans, size: 7.6 * max(k, 0.66), leading: 1.42, color: rgb{60, 60, 60}}
		gap := 7 * k

		seriesText := strings.TrimSpace(brand.SeriesText[b.Type])
		if seriesText == "" {
			seriesText = "This " + d.series + " is published by " + firstNonEmpty(joinDash(brand.ProjectName, brand.Tagline), "its authors") + "."
		}
		top.add(m.box(strings.ToUpper(d.series), label, w), 0)
		top.add(m.box(seriesText, body, w), 0)
		if len(meta.Authors) > 0 {
			var sp []span
			for i, a := range meta.Authors {
				if i > 0 {
					sp = append(sp, span{text: "\n"})
				}
				sp = append(sp, span{text: strings.TrimSpace(a.Name), st: stBold})
				if aff := strings.TrimSpace(a.Affiliation); aff != "" {
					sp = append(sp, span{text: ", " + aff})
				}
			}
			top.add(m.box("AUTHORS", label, w), gap)
			top.add(m.spans(sp, body, w), 0)
		}
		if sup := nonEmpty(meta.Supervisors); len(sup) > 0 {
			top.add(m.box("This brief was written under the supervision of "+joinNames(sup)+".", body, w), 2.5*k)
		}
		if site := strings.TrimSpace(brand.Website); site != "" {
			top.add(m.box("WEBSITE", label, w), gap)
			top.add(m.spans([]span{{text: site, link: site}}, body, w), 0)
		}

		bottom.add(m.box("LINGUISTIC VERSION", label, w), 0)
		bottom.add(m.box("Original: "+d.language, small, w), 0)
		bottom.add(m.box("Manuscript completed in "+d.manuscript, small, w), gap*0.6)
		if t := d.texts.Disclaimer; t != "" {
			bottom.add(m.box("DISCLAIMER", label, w), gap*0.8)
			bottom.add(m.box(t, small, w), 0)
		}
		bottom.add(m.box(d.texts.Reproduction, small, w), gap*0.5)
		if e := strings.TrimSpace(brand.ContactEmail); e != "" {
			bottom.add(m.spans([]span{{text: "Contact: "}, {text: e, link: "mailto:" + e}}, small, w), gap*0.5)
		}
		if fund := d.fundingBlock(&m, k, w); fund != nil {
			bottom.custom(fund.h, gap, fund.draw)
		}
		if topY+top.h+12 <= bottomY-bottom.h {
			break
		}
	}
	if m.err != nil {
		return nil, m.err
	}
	c := newCanvas()
	top.put(c, x, topY, w)
	// The legal block sits at the foot; when the top is long it follows it.
	by := max(bottomY-bottom.h, topY+top.h+12)
	c.rect(x, by-5, 18, 0.6, d.accent)
	bottom.put(c, x, by, w)
	return c, nil
}

// fundingBlock is the funding statement beside the EU emblem (or alone),
// for the inside cover; nil when the brand has no funder text.
func (d *dressing) fundingBlock(m *measurer, k, w float64) *part {
	if d.texts.Statement == "" && d.texts.Grant == "" {
		return nil
	}
	eh := 12.0
	tx := 0.0
	if d.texts.Emblem {
		tx = eh*emblemRatio + 4
	}
	st := textStyle{fam: sans, size: 8.2 * max(k, 0.7), leading: 1.38, color: ink}
	var sp []span
	if d.texts.Statement != "" {
		bold := 0
		if d.p.Brand.Funder == "horizon-europe" && d.p.Brand.FundingStatement == "" {
			bold = stBold
		}
		sp = append(sp, span{text: d.texts.Statement, st: bold})
	}
	if d.texts.Grant != "" {
		if len(sp) > 0 {
			sp = append(sp, span{text: "\n"})
		}
		sp = append(sp, span{text: d.texts.Grant})
	}
	tb := m.spans(sp, st, w-tx)
	h := tb.h
	if d.texts.Emblem {
		h = max(h, eh)
	}
	return &part{h: h, draw: func(c *canvas, x, y, w float64) {
		if d.texts.Emblem {
			c.draw(func(f *gofpdf.Fpdf) { drawEmblem(f, x, y+(h-eh)/2, eh) })
		}
		c.put(tb, x+tx, y+(h-tb.h)/2, w-tx, alignLeft)
	}}
}

func nonEmpty(ss []string) []string {
	var out []string
	for _, s := range ss {
		if s = strings.TrimSpace(s); s != "" {
			out = append(out, s)
		}
	}
	return out
}

// backCover: the brand colour with the project's logo (on a white card) or
// name, its "about" text, website, social handle and contact; the footer
// below on white.
func (d *dressing) backCover() (*canvas, error) {
	g := a4
	const x, blockH = 25.0, 264.0
	w := g.textW()
	brand := d.p.Brand
	soft := mix(d.onPrimary, d.primary, 0.18)
	labelColor := readable(d.accent, d.primary, 3)
	var m measurer
	c := newCanvas()
	c.rect(0, 0, g.pageW, blockH, d.primary)
	c.rect(0, blockH, g.pageW, 1.5, d.accent)

	y := 34.0
	if d.logo != nil {
		const cw, ch, pad = 72.0, 30.0, 4.0
		c.rect(x, y, cw, ch, white)
		top := y // y moves on; the drawing runs later
		c.draw(func(f *gofpdf.Fpdf) { d.image(f, x+pad, top+pad, cw-2*pad, ch-2*pad, alignCenter) })
		y += ch
	} else if n := strings.TrimSpace(brand.ProjectName); n != "" {
		y = c.put(m.box(n, textStyle{fam: sans, st: stBold, size: 26, leading: 1.15, color: d.onPrimary}, w), x, y, w, alignLeft)
	}
	if t := strings.TrimSpace(brand.Tagline); t != "" {
		y = c.put(m.box(t, textStyle{fam: sans, size: 11, leading: 1.35, color: soft}, w), x, y+3, w, alignLeft)
	}
	c.rect(x, y+7, 26, 1.3, d.accent)
	y += 16

	// Contact rows at the foot of the block.
	type row struct{ label, value, link string }
	var rows []row
	if s := strings.TrimSpace(brand.Website); s != "" {
		rows = append(rows, row{"WEBSITE", displayURL(s), s})
	}
	if s := strings.TrimSpace(brand.Social); s != "" {
		rows = append(rows, row{"FOLLOW", s, ""})
	}
	if s := strings.TrimSpace(brand.ContactEmail); s != "" {
		rows = append(rows, row{"CONTACT", s, "mailto:" + s})
	}
	const labelW = 28.0
	var rowsH float64
	var labels, values []textBox
	for _, r := range rows {
		lb := m.box(r.label, textStyle{fam: sans, st: stBold, size: 8, leading: 1.9, color: labelColor}, labelW)
		vb := m.spans([]span{{text: r.value, link: r.link, color: &d.onPrimary}}, textStyle{fam: sans, size: 10, leading: 1.52, color: d.onPrimary}, w-labelW)
		labels, values = append(labels, lb), append(values, vb)
		rowsH += max(lb.h, vb.h)
	}
	rowsTop := blockH - 18 - rowsH

	about := strings.TrimSpace(brand.About)
	if about != "" {
		var s stack
		for _, k := range scales {
			s = stack{}
			name := firstNonEmpty(brand.ProjectName, "the project")
			s.add(m.box("ABOUT "+strings.ToUpper(name), textStyle{fam: sans, st: stBold, size: 8.5, leading: 1.6, color: labelColor}, w), 0)
			for i, para := range paragraphs(about) {
				before := 0.0
				if i > 0 {
					before = 2.6 * k
				}
				s.add(m.box(para, textStyle{fam: sans, size: 10.5 * k, leading: 1.5, color: d.onPrimary}, w), before)
			}
			if y+s.h+10 <= rowsTop {
				break
			}
		}
		s.put(c, x, y, w)
		rowsTop = max(rowsTop, y+s.h+10)
	}
	ry := rowsTop
	for i := range rows {
		h := max(labels[i].h, values[i].h)
		c.put(labels[i], x, ry+(h-labels[i].h)/2, labelW, alignLeft)
		c.put(values[i], x+labelW, ry+(h-values[i].h)/2, w-labelW, alignLeft)
		ry += h
	}
	if m.err != nil {
		return nil, m.err
	}
	return c, nil
}

// paragraphs splits text at blank lines, joining the lines of each.
func paragraphs(s string) []string {
	var out []string
	for _, p := range strings.Split(strings.ReplaceAll(s, "\r\n", "\n"), "\n\n") {
		if p = strings.Join(strings.Fields(p), " "); p != "" {
			out = append(out, p)
		}
	}
	return out
}
