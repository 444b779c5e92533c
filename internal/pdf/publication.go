package pdf

import (
	"bytes"
	"image"
	_ "image/jpeg" // logo formats
	_ "image/png"
	"io"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/jung-kurt/gofpdf"

	"briefstudio/internal/brief"
)

// Publication is a brief dressed for publication: the brief (its metadata
// and its sections' titles and Markdown at the exported version), the
// workspace's brand profile and logo, and whether it is a draft.
type Publication struct {
	Brief brief.Brief
	Brand brief.Brand
	// Logo is the brand's PNG or JPEG logo; nil prints the project name.
	Logo []byte
	// Draft marks every page DRAFT (anything but an approved version).
	Draft bool
	// Date stands in for the brief's date and manuscript date when its
	// metadata has none (the day of the export).
	Date time.Time
}

// Publish writes the publication as a PDF: front cover, inside cover, the
// body (with a table of contents when it has many headings), back cover.
// Every page but the front cover carries the footer (EU emblem, funding
// statement with the grant agreement number, page number); body pages a
// running header with the series and short title.
func Publish(w io.Writer, p Publication) error {
	d, err := newDressing(p)
	if err != nil {
		return err
	}
	var secs []Section
	for _, s := range p.Brief.Sections {
		if strings.TrimSpace(s.Text) == "" {
			continue // an empty template slot is not published
		}
		secs = append(secs, Section{Title: s.Title, Markdown: s.Text})
	}
	opts := Options{
		Title:    p.Brief.Title,
		Author:   strings.Join(d.authors, ", "),
		Subject:  d.series,
		Keywords: strings.Join(p.Brief.Metadata.Keywords, ", "),
		Language: strings.ToLower(d.language),
		Header:   d.header,
		Footer:   d.footer,
		theme:    &d.theme,
	}
	front, err := d.frontCover()
	if err != nil {
		return err
	}
	inside, err := d.insideCover()
	if err != nil {
		return err
	}
	back, err := d.backCover()
	if err != nil {
		return err
	}
	opts.front = []fixedPage{front.page, inside.page}
	opts.back = []fixedPage{back.page}
	used := map[*face]bool{}
	for _, c := range []*canvas{front, inside, back, d.chrome} {
		for fc := range c.faces {
			used[fc] = true
		}
	}
	for fc := range used {
		opts.faces = append(opts.faces, fc)
	}
	slices.SortFunc(opts.faces, func(a, b *face) int { return strings.Compare(a.family+a.style, b.family+b.style) })
	return Render(w, secs, opts)
}

// dressing is what the fixed pages and page hooks are made of, measured
// once per document.
type dressing struct {
	p                            Publication
	texts                        brief.FunderTexts
	primary, accent, onPrimary   rgb
	theme                        theme
	series, date, manuscript     string
	language                     string
	authors                      []string
	logo                         *logoImage
	chrome                       *canvas // faces of the header and footer
	headerOps, footerOps         []op
	pageNumberColor, footerColor rgb
	footerTextX                  float64
}

// logoImage is the brand's logo as gofpdf registers it.
type logoImage struct {
	data []byte
	typ  string // "png" or "jpg"
	w, h int    // pixels
}

// Footer and header geometry (mm), inside the body's margins.
const (
	footRule   = 273.0
	footEmblem = 8.0 // emblem height
	footMid    = 281.5
	headBase   = 15.0
	headRule   = 17.5
)

func newDressing(p Publication) (*dressing, error) {
	b, m := p.Brief, p.Brief.Metadata
	d := &dressing{p: p, texts: p.Brand.Texts(), chrome: newCanvas()}
	d.primary = parseColor(p.Brand.PrimaryColor, rgb{0x1F, 0x3A, 0x93})
	d.accent = parseColor(p.Brand.AccentColor, rgb{0xF2, 0xA9, 0x00})
	d.onPrimary = onColor(d.primary)
	d.theme = defaultTheme
	// Headings in the brand colour when it reads well on white.
	if contrast(d.primary, white) >= 4.5 {
		d.theme.heading = d.primary
	}
	d.series = strings.TrimSpace(m.Series)
	if d.series == "" {
		if t, err := brief.TemplateFor(b.Type); err == nil {
			d.series = t.Name
		} else {
			d.series = "Policy Brief"
		}
	}
	date := p.Date
	if date.IsZero() {
		date = time.Now()
	}
	d.date = firstNonEmpty(m.Date, date.Format("January 2006"))
	d.manuscript = firstNonEmpty(m.ManuscriptCompleted, d.date)
	d.language = strings.ToUpper(firstNonEmpty(m.Language, "EN"))
	for _, a := range m.Authors {
		if n := strings.TrimSpace(a.Name); n != "" {
			d.authors = append(d.authors, n)
		}
	}
	if len(p.Logo) > 0 {
		// Decoded whole, whatever the store checked: gofpdf panics on a
		// truncated PNG.
		data, mime, err := brief.NormalizeLogo(p.Logo)
		if err != nil {
			return nil, err
		}
		cfg, _, err := image.DecodeConfig(bytes.NewReader(data))
		if err != nil {
			return nil, brief.Internal(err)
		}
		typ := "png"
		if mime == "image/jpeg" {
			typ = "jpg"
		}
		d.logo = &logoImage{data: data, typ: typ, w: cfg.Width, h: cfg.Height}
	}
	if err := d.measureChrome(); err != nil {
		return nil, err
	}
	return d, nil
}

func firstNonEmpty(s ...string) string {
	for _, v := range s {
		if v = strings.TrimSpace(v); v != "" {
			return v
		}
	}
	return ""
}

// measureChrome lays out the parts of the header and footer that are the
// same on every page.
func (d *dressing) measureChrome() error {
	g := a4
	c := d.chrome
	// Header: series in capitals on the left, the short title on the right.
	hs := textStyle{fam: sans, size: 7.5, leading: 1.2, color: readable(d.primary, white, 3), st: stBold}
	left, err := measure(strings.ToUpper(d.series), hs, g.textW())
	if err != nil {
		return err
	}
	ts := textStyle{fam: sans, size: 7.5, leading: 1.2, color: defaultTheme.muted}
	room := g.textW() - left.width() - 10
	title, err := fitLine(shortTitle(d.p.Brief.Title), ts, room)
	if err != nil {
		return err
	}
	top := headBase - 7.5*0.78*ptMM - (left.its[0].h-7.5*ptMM)/2
	c.put(left, g.left, top, g.textW(), alignLeft)
	c.put(title, g.left, top, g.textW(), alignRight)
	d.headerOps = opsOf(c.page)

	// Footer: the funding statement and grant line beside the emblem (or
	// the project's name for a brand without a funder).
	c.page = nil
	d.footerColor = rgb{70, 70, 70}
	d.pageNumberColor = readable(d.primary, white, 3)
	x := g.left
	if d.texts.Emblem {
		x += footEmblem*emblemRatio + 3.5
	}
	d.footerTextX = x
	w := g.pageW - g.right - 14 - x
	var spans []span
	if d.texts.Statement != "" {
		st := 0
		if d.p.Brand.Funder == "horizon-europe" && d.p.Brand.FundingStatement == "" {
			st = stBold // "Funded by the European Union" stands as a label
		}
		spans = append(spans, span{text: d.texts.Statement, st: st})
	}
	if d.texts.Grant != "" {
		if len(spans) > 0 {
			spans = append(spans, span{text: "\n"})
		}
		spans = append(spans, span{text: d.texts.Grant})
	}
	if len(spans) == 0 {
		spans = []span{{text: joinDash(d.p.Brand.ProjectName, d.p.Brand.Tagline)}}
	}
	var box textBox
	for _, size := range []float64{6.5, 6, 5.5, 5, 4.5} {
		box, err = measureSpans(spans, textStyle{fam: sans, size: size, leading: 1.3, color: d.footerColor}, w)
		if err != nil {
			return err
		}
		if box.h <= 11 {
			break
		}
	}
	c.put(box, x, footMid-box.h/2, w, alignLeft)
	d.footerOps = opsOf(c.page)
	c.page = nil
	return nil
}

func opsOf(fp fixedPage) []op {
	out := make([]op, len(fp))
	for i := range fp {
		out[i] = fp[i].op
	}
	return out
}

// joinDash joins the non-empty parts with an en dash.
func joinDash(parts ...string) string {
	var out []string
	for _, p := range parts {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return strings.Join(out, " – ")
}

// shortTitle is the title up to a colon that ends a long enough main
// title ("Housing first: what cities can do" gives "Housing first").
func shortTitle(t string) string {
	t = strings.Join(strings.Fields(t), " ")
	if i := strings.IndexAny(t, ":–—"); i >= 12 {
		return strings.TrimSpace(t[:i])
	}
	return t
}

// fitLine measures s on one line of at most w, cutting it with an
// ellipsis at a word (or a character) when it is longer.
func fitLine(s string, ts textStyle, w float64) (textBox, error) {
	box, err := measure(s, ts, 1e6)
	if err != nil || box.width() <= w {
		return box, err
	}
	rs := []rune(s)
	lo, hi := 0, len(rs)
	for lo < hi { // the longest prefix that fits with its ellipsis
		mid := (lo + hi + 1) / 2
		b, err := measure(strings.TrimSpace(string(rs[:mid]))+"…", ts, 1e6)
		if err != nil {
			return b, err
		}
		if b.width() <= w {
			lo = mid
		} else {
			hi = mid - 1
		}
	}
	cut := string(rs[:lo])
	if i := strings.LastIndexByte(cut, ' '); i > len(cut)/2 {
		cut = cut[:i]
	}
	return measure(strings.TrimRight(cut, " ,;:.-")+"…", ts, 1e6)
}

// header draws the running header of a body page.
func (d *dressing) header(f *gofpdf.Fpdf, page, pages int) {
	pt := &painter{f: f}
	pt.reset()
	for i := range d.headerOps {
		pt.op(&d.headerOps[i], 0, 0)
	}
	f.SetDrawColor(200, 200, 200)
	f.SetLineWidth(0.25)
	f.Line(a4.left, headRule, a4.pageW-a4.right, headRule)
}

// footer draws the footer of every page but the front cover, and the
// DRAFT mark on every page of a draft.
func (d *dressing) footer(f *gofpdf.Fpdf, page, pages int) {
	if page > 1 {
		g := a4
		f.SetDrawColor(200, 200, 200)
		f.SetLineWidth(0.25)
		f.Line(g.left, footRule, g.pageW-g.right, footRule)
		if d.texts.Emblem {
			drawEmblem(f, g.left, footMid-footEmblem/2, footEmblem)
		}
		pt := &painter{f: f}
		pt.reset()
		for i := range d.footerOps {
			pt.op(&d.footerOps[i], 0, 0)
		}
		n := strconv.Itoa(page)
		f.SetFont("sans", "B", 9)
		c := d.pageNumberColor
		f.SetTextColor(c.r, c.g, c.b)
		f.Text(g.pageW-g.right-f.GetStringWidth(n), footMid+9*0.36*ptMM, n)
	}
	if d.p.Draft {
		drawDraft(f)
	}
}

// drawDraft stamps DRAFT in the outer margin, turned 90°, white on red so
// it reads on the covers' colour too. At 90° pdftotext finds the word and
// keeps it out of the body's lines (a 45° mark scatters letters into them).
func drawDraft(f *gofpdf.Fpdf) {
	const cx, cy, w, h = 196.5, 238.0, 46.0, 9.0
	f.TransformBegin()
	f.TransformRotate(90, cx, cy)
	f.SetFillColor(196, 30, 40)
	f.Rect(cx-w/2, cy-h/2, w, h, "F")
	f.SetFont("sans", "B", 15)
	f.SetTextColor(255, 255, 255)
	const word = "DRAFT"
	f.Text(cx-f.GetStringWidth(word)/2, cy+15*0.36*ptMM, word)
	f.TransformEnd()
}

// image registers the logo with f (once per document) and draws it fitted
// into the box (x, y, w, h), aligned left or right, vertically centred.
func (d *dressing) image(f *gofpdf.Fpdf, x, y, w, h float64, a align) {
	l := d.logo
	name := "logo"
	if info := f.GetImageInfo(name); info == nil {
		f.RegisterImageOptionsReader(name, gofpdf.ImageOptions{ImageType: l.typ}, bytes.NewReader(l.data))
	}
	iw, ih := fitBox(float64(l.w), float64(l.h), w, h)
	ix := x
	switch a {
	case alignRight:
		ix = x + w - iw
	case alignCenter:
		ix = x + (w-iw)/2
	}
	f.ImageOptions(name, ix, y+(h-ih)/2, iw, ih, false, gofpdf.ImageOptions{ImageType: l.typ}, 0, "")
}

// fitBox scales w×h to fit within bw×bh, keeping its proportions.
func fitBox(w, h, bw, bh float64) (float64, float64) {
	s := min(bw/w, bh/h)
	return w * s, h * s
}
