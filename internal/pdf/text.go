package pdf

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// rgb is a colour.
type rgb struct{ r, g, b int }

// Inline style bits; the low two bits index a face's style (regular, bold,
// italic, bold-italic).
const (
	stBold   = 1
	stItalic = 2
)

// span is a piece of inline text with one style.
type span struct {
	text  string
	st    int
	code  bool
	sup   bool
	link  string // external URL, only http, https and mailto
	color *rgb   // nil: the text colour of the block
}

// textStyle is the block-level setting a paragraph's spans are set in.
type textStyle struct {
	fam     family
	size    float64 // pt
	leading float64 // line height as a multiple of size
	color   rgb
	st      int // style bits added to every span (e.g. bold table headers)
}

// run is text drawn in one call: one face, size, colour and link.
type run struct {
	f     *face // nil: fallback glyphs
	size  float64
	text  string
	w     float64 // mm
	color rgb
	link  string
	rise  float64 // mm above the baseline (superscripts)
}

// word is an unbreakable sequence of runs; space is the width of the space
// that follows it (0 when none), br a hard line break after it.
type word struct {
	runs  []run
	w     float64
	space float64
	br    bool
}

const ptMM = 25.4 / 72

// dejavuScale brings DejaVu's larger x-height down to Liberation's, so Greek
// and Cyrillic words do not shout inside Latin text.
const dejavuScale = 0.9

var linkColor = rgb{20, 70, 160}

// words turns spans into measured words.
func words(spans []span, ts textStyle) ([]word, error) {
	var out []word
	var cur word
	flush := func(space float64, br bool) {
		if len(cur.runs) > 0 {
			cur.space, cur.br = space, br
			out = append(out, cur)
		} else if br && len(out) > 0 {
			out[len(out)-1].br = true
		} else if space > 0 && len(out) > 0 && out[len(out)-1].space == 0 {
			out[len(out)-1].space = space
		}
		cur = word{}
	}
	for _, sp := range spans {
		fam, size, rise := ts.fam, ts.size, 0.0
		st := (sp.st | ts.st) & 3
		if sp.code {
			fam, size = mono, size*0.88
		}
		if sp.sup {
			size, rise = size*0.65, size*0.38*ptMM
		}
		color := ts.color
		if sp.color != nil {
			color = *sp.color
		} else if sp.link != "" {
			color = linkColor
		}
		// Printable ASCII is always in the Liberation face: skip pick.
		lib := faces.lib[fam][st]
		if err := lib.load(); err != nil {
			return nil, err
		}
		from := -1 // byte offset in sp.text where the last run started, -1 if not a slice of it
		for i, r := range sp.text {
			if r > ' ' && r < 0x7f && lib.ascii[r] != 0 {
				if n := len(cur.runs); n > 0 && from >= 0 {
					last := &cur.runs[n-1]
					if last.f == lib && last.size == size && last.color == color && last.link == sp.link && last.rise == rise {
						w := float64(lib.ascii[r]) * size / 1000 * ptMM
						last.text = sp.text[from : i+1]
						last.w += w
						cur.w += w
						continue
					}
				}
			}
			if r == '\n' {
				flush(0, true)
				from = -1
				continue
			}
			if unicode.IsSpace(r) && !(sp.code && r == '\u00a0') {
				f, err := pick(fam, st, ' ')
				if err != nil {
					return nil, err
				}
				w, _ := f.width(' ')
				flush(float64(w)*size/1000*ptMM, false)
				from = -1
				continue
			}
			if unicode.Is(unicode.Cc, r) || r == '\u00ad' || r == '\u200b' || r == '\ufeff' {
				from = -1
				continue
			}
			f, err := pick(fam, st, r)
			if err != nil {
				return nil, err
			}
			var w float64
			rc, rs, slice := color, size, true
			if f == nil {
				slice = false
				f = faces.box
				if err := f.load(); err != nil {
					return nil, err
				}
				rc = fallbackColor
				wu, _ := f.width(fallbackRune)
				w = float64(wu) * size / 1000 * ptMM
				r = fallbackRune
			} else {
				if f.family[0] == 'd' {
					rs = size * dejavuScale
				}
				wu, _ := f.width(r)
				w = float64(wu) * rs / 1000 * ptMM
			}
			if n := len(cur.runs); n > 0 {
				last := &cur.runs[n-1]
				if last.f == f && last.size == rs && last.color == rc && last.link == sp.link && last.rise == rise {
					if slice && from >= 0 {
						last.text = sp.text[from : i+utf8.RuneLen(r)]
					} else {
						last.text += string(r)
						from = -1
					}
					last.w += w
					cur.w += w
					continue
				}
			}
			txt := string(r)
			from = -1
			if slice {
				from, txt = i, sp.text[i:i+utf8.RuneLen(r)]
			}
			cur.runs = append(cur.runs, run{f: f, size: rs, text: txt, w: w, color: rc, link: sp.link, rise: rise})
			cur.w += w
		}
	}
	flush(0, false)
	return out, nil
}

// line is a laid-out line: its words with x offsets from the line start.
type line struct {
	words []word
	xs    []float64
	w     float64 // natural width
	size  float64 // largest font size, pt
	last  bool    // last line of its paragraph (or ended by a hard break)
}

// splitLong breaks a word wider than width at characters.
func splitLong(wd word, width float64) []word {
	var out []word
	cur := word{}
	for _, r := range wd.runs {
		for _, ch := range r.text {
			cw := r.w * float64(utf8.RuneLen(ch)) / float64(len(r.text))
			if cur.w+cw > width && len(cur.runs) > 0 {
				out = append(out, cur)
				cur = word{}
			}
			n := len(cur.runs)
			if n > 0 && cur.runs[n-1].f == r.f && cur.runs[n-1].size == r.size && cur.runs[n-1].color == r.color && cur.runs[n-1].link == r.link && cur.runs[n-1].rise == r.rise {
				cur.runs[n-1].text += string(ch)
				cur.runs[n-1].w += cw
			} else {
				nr := r
				nr.text, nr.w = string(ch), cw
				cur.runs = append(cur.runs, nr)
			}
			cur.w += cw
		}
	}
	cur.space, cur.br = wd.space, wd.br
	return append(out, cur)
}

// breakLines sets words into lines of at most width, breaking at spaces.
func breakLines(ws []word, width float64) []line {
	var lines []line
	var cur line
	var x float64
	end := func(last bool) {
		cur.last = last
		lines = append(lines, cur)
		cur, x = line{}, 0
	}
	for i := 0; i < len(ws); i++ {
		wd := ws[i]
		if wd.w > width {
			parts := splitLong(wd, width)
			ws = append(ws[:i], append(parts, ws[i+1:]...)...)
			wd = ws[i]
		}
		if len(cur.words) > 0 {
			prev := cur.words[len(cur.words)-1]
			gap := prev.space
			if x+gap+wd.w > width+1e-6 {
				end(false)
			} else {
				x += gap
			}
		}
		cur.words = append(cur.words, wd)
		cur.xs = append(cur.xs, x)
		x += wd.w
		cur.w = x
		for _, r := range wd.runs {
			cur.size = max(cur.size, r.size-0) // superscripts are smaller
		}
		if wd.br {
			end(true)
		}
	}
	if len(cur.words) > 0 {
		end(true)
	}
	return lines
}

// justify spreads a non-final line to width by widening its word gaps,
// unless that would open gaps wider than looks right.
func (l *line) justify(width float64) {
	if l.last || len(l.words) < 2 {
		return
	}
	extra := width - l.w
	gaps := 0
	for _, wd := range l.words[:len(l.words)-1] {
		if wd.space > 0 {
			gaps++
		}
	}
	if gaps == 0 || extra <= 0 || extra/float64(gaps) > 4*l.size*ptMM*0.25 {
		return
	}
	add, shift := extra/float64(gaps), 0.0
	for i := 1; i < len(l.words); i++ {
		if l.words[i-1].space > 0 {
			shift += add
		}
		l.xs[i] += shift
	}
	l.w = width
}

// plain returns the text of spans, for headings in the table of contents.
func plain(spans []span) string {
	var b strings.Builder
	for _, s := range spans {
		b.WriteString(s.text)
	}
	return b.String()
}
