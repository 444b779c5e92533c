package pdf

import "math"

// Page geometry in mm (A4). The footer band below the text area is where
// the default page number, and later the branded footer, are drawn.
type geometry struct {
	pageW, pageH             float64
	left, right, top, bottom float64
}

func (g geometry) textW() float64 { return g.pageW - g.left - g.right }
func (g geometry) textH() float64 { return g.pageH - g.top - g.bottom }

var a4 = geometry{pageW: 210, pageH: 297, left: 25, right: 25, top: 24, bottom: 27}

type opKind uint8

const (
	opText    opKind = iota
	opRect           // filled rectangle
	opLine           // stroked line from (x,y) to (x+w,y+h)
	opPageRef        // page number of heading ref, right-aligned at x
)

// op is one drawing operation, its y relative to the top of its item.
type op struct {
	kind  opKind
	x, y  float64 // text: baseline
	w, h  float64
	run   run
	color rgb
	ref   int // heading index for opPageRef and internal links; -1 none
	width float64
}

// item is a measured, unbreakable box of the body: a line of text, a table
// row, a rule. Pagination places items; drawing never measures.
type item struct {
	h      float64
	before float64 // space above, dropped at the top of a page
	keep   bool    // keep on the same page as the next item
	ops    []op
	bars   []float64 // x of block-quote bars, drawn over before+h
	opens  int       // how many of the last bars start here: drawn over h only
	head   []*item   // table header rows repeated when a page starts here
	anchor int       // heading index placed by this item, -1 none
	link   int       // internal link to heading (TOC line), -1 none
}

func newItem(h float64) *item { return &item{h: h, anchor: -1, link: -1} }

// placed is an item at a y offset (from the page's text top).
type placed struct {
	it *item
	y  float64
	b  float64 // space above actually applied
}

// paginate places items on pages of height avail: keep-with-next chains go
// to the next page together when they fit on one, table headers repeat.
func paginate(items []*item, avail float64) [][]placed {
	pages := [][]placed{nil}
	y := 0.0
	newPage := func() {
		pages = append(pages, nil)
		y = 0
	}
	var place func(it *item, fromHead bool)
	place = func(it *item, fromHead bool) {
		b := it.before
		if y == 0 {
			b = 0
		}
		if y > 0 && y+b+it.h > avail {
			newPage()
			b = 0
		}
		if y == 0 && !fromHead && len(it.head) > 0 {
			for _, h := range it.head {
				place(h, true)
			}
		}
		pages[len(pages)-1] = append(pages[len(pages)-1], placed{it, y + b, b})
		y += b + it.h
	}
	for i := 0; i < len(items); {
		j := i
		for j < len(items)-1 && items[j].keep {
			j++
		}
		if y > 0 && j > i {
			need, fresh := 0.0, 0.0
			for k := i; k <= j; k++ {
				need += items[k].before + items[k].h
				fresh += items[k].h
				if k > i {
					fresh += items[k].before
				}
			}
			if y+need > avail && fresh <= avail {
				newPage()
			}
		}
		for k := i; k <= j; k++ {
			place(items[k], false)
		}
		i = j + 1
	}
	if len(pages) > 1 && len(pages[len(pages)-1]) == 0 {
		pages = pages[:len(pages)-1]
	}
	return pages
}

// lineItems turns laid-out lines into items at x offset x0, with orphan and
// widow control (at least two lines of a paragraph on each side of a break).
func lineItems(lines []line, x0 float64, ts textStyle, before float64, bars []float64) []*item {
	items := make([]*item, 0, len(lines))
	n := len(lines)
	for i, l := range lines {
		size := l.size
		if size < ts.size {
			size = ts.size
		}
		h := size * ts.leading * ptMM
		it := newItem(h)
		runs := 0
		for _, wd := range l.words {
			runs += len(wd.runs)
		}
		it.ops = make([]op, 0, runs) // an op is large: grow it once
		base := (h-size*ptMM)/2 + size*0.78*ptMM
		for k, wd := range l.words {
			x := x0 + l.xs[k]
			for ri, r := range wd.runs {
				if ri == 0 && k > 0 && it.joinWord(r, x, l.words[k-1].space) {
					x += r.w
					continue
				}
				it.ops = append(it.ops, op{kind: opText, x: x, y: base - r.rise, run: r, ref: -1})
				x += r.w
			}
		}
		if i == 0 {
			it.before = before
		}
		it.keep = n > 1 && (i == 0 || i == n-2)
		it.bars = bars
		items = append(items, it)
	}
	return items
}

// joinWord appends r, a word's first run starting at x, to the item's last
// text op when both are set alike and the gap between them is exactly that
// font's space (space is the natural gap, so the space is in that font too).
// One Text call per run of a line instead of one per word keeps drawing and
// the content stream small. Justified lines keep a call per word: gofpdf
// can only justify UTF-8 text in CellFormat, whose TJ output costs more per
// word than Text (measured), and Tw does not apply to two-byte codes.
func (it *item) joinWord(r run, x, space float64) bool {
	n := len(it.ops)
	if n == 0 || it.ops[n-1].kind != opText {
		return false
	}
	o := &it.ops[n-1]
	p := &o.run
	if p.f != r.f || p.size != r.size || p.color != r.color || p.rise != r.rise || p.link != "" || r.link != "" {
		return false
	}
	sw, _ := r.f.width(' ')
	sp := float64(sw) * r.size / 1000 * ptMM
	const eps = 0.005 // mm
	if math.Abs(space-sp) > eps || math.Abs(x-(o.x+p.w)-sp) > eps {
		return false
	}
	p.text += " " + r.text
	p.w = x + r.w - o.x
	return true
}
