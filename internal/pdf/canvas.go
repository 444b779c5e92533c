package pdf

import (
	"math"
	"strconv"
	"strings"

	"github.com/jung-kurt/gofpdf"
)

// textBox is text measured into lines at a width, ready to be put on a
// fixed page anywhere.
type textBox struct {
	its   []*item
	lines []line
	h     float64
}

// measure sets text (a "\n" is a line break) in style ts at width w.
func measure(text string, ts textStyle, w float64) (textBox, error) {
	return measureSpans([]span{{text: text}}, ts, w)
}

func measureSpans(spans []span, ts textStyle, w float64) (textBox, error) {
	ws, err := words(spans, ts)
	if err != nil {
		return textBox{}, err
	}
	tb := textBox{lines: breakLines(ws, w)}
	tb.its = lineItems(tb.lines, 0, ts, 0, nil)
	for _, it := range tb.its {
		tb.h += it.h
	}
	return tb, nil
}

// width is the width of the box's widest line.
func (tb textBox) width() float64 {
	w := 0.0
	for _, l := range tb.lines {
		w = math.Max(w, l.w)
	}
	return w
}

type align uint8

const (
	alignLeft align = iota
	alignRight
	alignCenter
)

// canvas collects a fixed page's operations and the faces they use.
type canvas struct {
	page  fixedPage
	faces map[*face]bool
	err   error // the first measuring error
}

func newCanvas() *canvas { return &canvas{faces: map[*face]bool{}} }

// text measures and puts text at (x, y), its top, within width w, and
// returns the y below it.
func (c *canvas) text(s string, ts textStyle, x, y, w float64, a align) float64 {
	tb, err := measure(s, ts, w)
	if err != nil {
		if c.err == nil {
			c.err = err
		}
		return y
	}
	return c.put(tb, x, y, w, a)
}

// put places a measured box with its top at y and returns the y below it.
func (c *canvas) put(tb textBox, x, y, w float64, a align) float64 {
	for i, it := range tb.its {
		dx := 0.0
		switch a {
		case alignRight:
			dx = w - tb.lines[i].w
		case alignCenter:
			dx = (w - tb.lines[i].w) / 2
		}
		for _, o := range it.ops {
			o.x += x + dx
			o.y += y
			c.page = append(c.page, pageOp{op: o})
			if o.run.f != nil {
				c.faces[o.run.f] = true
			}
		}
		y += it.h
	}
	return y
}

func (c *canvas) rect(x, y, w, h float64, col rgb) {
	c.page = append(c.page, pageOp{op: op{kind: opRect, x: x, y: y, w: w, h: h, color: col}})
}

func (c *canvas) line(x, y, w, h, width float64, col rgb) {
	c.page = append(c.page, pageOp{op: op{kind: opLine, x: x, y: y, w: w, h: h, width: width, color: col}})
}

func (c *canvas) draw(fn func(f *gofpdf.Fpdf)) { c.page = append(c.page, pageOp{draw: fn}) }

// parseColor reads "#RRGGBB" (the brand's validated form); anything else
// is def.
func parseColor(s string, def rgb) rgb {
	if len(s) != 7 || s[0] != '#' {
		return def
	}
	v, err := strconv.ParseUint(s[1:], 16, 32)
	if err != nil {
		return def
	}
	return rgb{int(v >> 16 & 0xff), int(v >> 8 & 0xff), int(v & 0xff)}
}

// luminance is the WCAG relative luminance of c.
func luminance(c rgb) float64 {
	ch := func(v int) float64 {
		x := float64(v) / 255
		if x <= 0.03928 {
			return x / 12.92
		}
		return math.Pow((x+0.055)/1.055, 2.4)
	}
	return 0.2126*ch(c.r) + 0.7152*ch(c.g) + 0.0722*ch(c.b)
}

// contrast is the WCAG contrast ratio of two colours (1 to 21).
func contrast(a, b rgb) float64 {
	la, lb := luminance(a), luminance(b)
	if la < lb {
		la, lb = lb, la
	}
	return (la + 0.05) / (lb + 0.05)
}

var (
	white = rgb{255, 255, 255}
	ink   = rgb{28, 28, 32}
)

// onColor is the text colour that reads best on bg: white or ink.
func onColor(bg rgb) rgb {
	if contrast(white, bg) >= contrast(ink, bg) {
		return white
	}
	return ink
}

// mix blends a towards b by t (0 is a).
func mix(a, b rgb, t float64) rgb {
	m := func(x, y int) int { return int(math.Round(float64(x) + (float64(y)-float64(x))*t)) }
	return rgb{m(a.r, b.r), m(a.g, b.g), m(a.b, b.b)}
}

// readable is want when it stands out on bg (contrast at least min), else
// the best of white and ink.
func readable(want, bg rgb, min float64) rgb {
	if contrast(want, bg) >= min {
		return want
	}
	return onColor(bg)
}

// joinNames joins names as prose: "A", "A and B", "A, B and C".
func joinNames(names []string) string {
	switch len(names) {
	case 0:
		return ""
	case 1:
		return names[0]
	}
	return strings.Join(names[:len(names)-1], ", ") + " and " + names[len(names)-1]
}
