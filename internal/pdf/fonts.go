package pdf

import (
	"encoding/binary"
	"errors"
	"fmt"
	"math"
	"sync"
	"unicode"

	"github.com/go-fonts/dejavu/dejavusans"
	"github.com/go-fonts/dejavu/dejavusansbold"
	"github.com/go-fonts/dejavu/dejavusansboldoblique"
	"github.com/go-fonts/dejavu/dejavusansmono"
	"github.com/go-fonts/dejavu/dejavusansoblique"
	"github.com/go-fonts/dejavu/dejavuserif"
	"github.com/go-fonts/dejavu/dejavuserifbold"
	"github.com/go-fonts/dejavu/dejavuserifbolditalic"
	"github.com/go-fonts/dejavu/dejavuserifitalic"
	"github.com/go-fonts/liberation/liberationmonobold"
	"github.com/go-fonts/liberation/liberationmonoregular"
	"github.com/go-fonts/liberation/liberationsansbold"
	"github.com/go-fonts/liberation/liberationsansbolditalic"
	"github.com/go-fonts/liberation/liberationsansitalic"
	"github.com/go-fonts/liberation/liberationsansregular"
	"github.com/go-fonts/liberation/liberationserifbold"
	"github.com/go-fonts/liberation/liberationserifbolditalic"
	"github.com/go-fonts/liberation/liberationserifitalic"
	"github.com/go-fonts/liberation/liberationserifregular"
)

// family is a typeface role: body serif, heading sans, or code mono.
type family uint8

const (
	serif family = iota
	sans
	mono
)

// face is one TrueType font: its gofpdf family and style, its bytes, and the
// advance widths of the runes it covers (in 1/1000 em, rounded as gofpdf
// rounds them, so measured and drawn widths agree).
type face struct {
	family, style string // gofpdf AddUTF8FontFromBytes arguments
	ttf           []byte

	once   sync.Once
	err    error
	ascii  [128]uint16 // widths of ASCII runes, 0 when missing
	widths map[rune]uint16
}

// width returns the advance of r in 1/1000 em and whether the font has it.
func (f *face) width(r rune) (uint16, bool) {
	if r < 128 {
		w := f.ascii[r]
		return w, w != 0
	}
	w, ok := f.widths[r]
	return w, ok
}

func (f *face) load() error {
	f.once.Do(func() { f.err = f.parse() })
	return f.err
}

// faces holds every font the renderer may embed. Each is parsed at most once
// per process (for measuring); gofpdf parses again only the faces a document
// actually uses.
var faces = struct {
	lib, dv [3][4]*face // [family][style]
	box     *face       // fallback glyph font
}{}

func init() {
	mk := func(fam, st string, ttf []byte) *face { return &face{family: fam, style: st, ttf: ttf} }
	faces.lib = [3][4]*face{
		{mk("serif", "", liberationserifregular.TTF), mk("serif", "B", liberationserifbold.TTF), mk("serif", "I", liberationserifitalic.TTF), mk("serif", "BI", liberationserifbolditalic.TTF)},
		{mk("sans", "", liberationsansregular.TTF), mk("sans", "B", liberationsansbold.TTF), mk("sans", "I", liberationsansitalic.TTF), mk("sans", "BI", liberationsansbolditalic.TTF)},
	}
	// Code has no italic in practice: bold-italic code falls back to bold.
	mr, mb := mk("mono", "", liberationmonoregular.TTF), mk("mono", "B", liberationmonobold.TTF)
	faces.lib[mono] = [4]*face{mr, mb, mr, mb}
	faces.dv = [3][4]*face{
		{mk("dvserif", "", dejavuserif.TTF), mk("dvserif", "B", dejavuserifbold.TTF), mk("dvserif", "I", dejavuserifitalic.TTF), mk("dvserif", "BI", dejavuserifbolditalic.TTF)},
		{mk("dvsans", "", dejavusans.TTF), mk("dvsans", "B", dejavusansbold.TTF), mk("dvsans", "I", dejavusansoblique.TTF), mk("dvsans", "BI", dejavusansboldoblique.TTF)},
	}
	dm := mk("dvmono", "", dejavusansmono.TTF)
	faces.dv[mono] = [4]*face{dm, dm, dm, dm}
	faces.box = faces.dv[sans][0]
}

// fallbackRune is drawn, in fallbackColor, for a rune no font has
// (CJK, emoji) or that needs shaping we do not do (Arabic, Hebrew).
const fallbackRune = '□'

var fallbackColor = rgb{200, 30, 30}

// pick returns the face that draws r in the given family and style, or nil
// when r must be replaced by the fallback glyph. Greek and Cyrillic go to
// DejaVu (by script); everything else to Liberation when it has the glyph,
// then DejaVu by coverage.
func pick(fam family, st int, r rune) (*face, error) {
	if rtl(r) {
		return nil, nil
	}
	lib, dv := faces.lib[fam][st], faces.dv[fam][st]
	if !unicode.In(r, unicode.Greek, unicode.Cyrillic) {
		if err := lib.load(); err != nil {
			return nil, err
		}
		if _, ok := lib.width(r); ok {
			return lib, nil
		}
	}
	if err := dv.load(); err != nil {
		return nil, err
	}
	if _, ok := dv.width(r); ok {
		return dv, nil
	}
	return nil, nil
}

// rtl reports whether r belongs to a right-to-left script. Without bidi
// reordering and Arabic shaping such text would be drawn wrongly, so it is
// replaced visibly rather than misrepresented.
func rtl(r rune) bool {
	return r >= 0x0590 && r <= 0x08FF || r >= 0xFB1D && r <= 0xFDFF || r >= 0xFE70 && r <= 0xFEFF
}

// parse reads the cmap and hmtx tables of the font.
func (f *face) parse() error {
	b := f.ttf
	errBad := fmt.Errorf("pdf: font %s%s: malformed TrueType", f.family, f.style)
	if len(b) < 12 {
		return errBad
	}
	u16 := func(o int) int {
		if o < 0 || o+2 > len(b) {
			return 0
		}
		return int(binary.BigEndian.Uint16(b[o:]))
	}
	u32 := func(o int) int {
		if o < 0 || o+4 > len(b) {
			return 0
		}
		return int(binary.BigEndian.Uint32(b[o:]))
	}
	tables := map[string]int{}
	n := u16(4)
	for i := 0; i < n; i++ {
		rec := 12 + 16*i
		if rec+16 > len(b) {
			return errBad
		}
		tables[string(b[rec:rec+4])] = u32(rec + 8)
	}
	head, hhea, hmtx, cmap := tables["head"], tables["hhea"], tables["hmtx"], tables["cmap"]
	if head == 0 || hhea == 0 || hmtx == 0 || cmap == 0 {
		return errBad
	}
	upem := u16(head + 18)
	nh := u16(hhea + 34)
	if upem == 0 || nh == 0 {
		return errBad
	}
	adv := func(g int) uint16 {
		if g >= nh {
			g = nh - 1
		}
		w := int(math.Round(float64(u16(hmtx+4*g)) * 1000 / float64(upem)))
		if w <= 0 {
			w = 1 // a zero-width glyph (combining mark) is still covered
		}
		return uint16(w)
	}
	// Prefer a full-repertoire (format 12) subtable, then the BMP one (format 4).
	var sub4, sub12 int
	for i := 0; i < u16(cmap+2); i++ {
		rec := cmap + 4 + 8*i
		pid, eid, off := u16(rec), u16(rec+2), u32(rec+4)
		if pid != 3 && pid != 0 {
			continue
		}
		switch u16(cmap + off) {
		case 12:
			if pid == 0 || eid == 10 {
				sub12 = cmap + off
			}
		case 4:
			sub4 = cmap + off
		}
	}
	f.widths = make(map[rune]uint16, 3000)
	set := func(r rune, g int) {
		if g == 0 {
			return
		}
		w := adv(g)
		if r < 128 {
			f.ascii[r] = w
		} else {
			f.widths[r] = w
		}
	}
	switch {
	case sub12 != 0:
		for i := 0; i < u32(sub12+12); i++ {
			g := sub12 + 16 + 12*i
			start, end, gid := u32(g), u32(g+4), u32(g+8)
			if end-start > 0x10000 {
				return errBad
			}
			for c := start; c <= end; c++ {
				set(rune(c), gid+c-start)
			}
		}
	case sub4 != 0:
		segs := u16(sub4+6) / 2
		ends, starts, deltas, offs := sub4+14, sub4+16+2*segs, sub4+16+4*segs, sub4+16+6*segs
		for s := 0; s < segs; s++ {
			end, start, delta, ro := u16(ends+2*s), u16(starts+2*s), u16(deltas+2*s), u16(offs+2*s)
			for c := start; c <= end && c != 0xFFFF; c++ {
				var g int
				if ro == 0 {
					g = (c + delta) & 0xFFFF
				} else {
					g = u16(offs + 2*s + ro + 2*(c-start))
					if g != 0 {
						g = (g + delta) & 0xFFFF
					}
				}
				set(rune(c), g)
			}
		}
	default:
		return errors.New("pdf: font " + f.family + f.style + ": no Unicode cmap")
	}
	return nil
}
