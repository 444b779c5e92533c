package pdf

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"

	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/extension"
	east "github.com/yuin/goldmark/extension/ast"
	"github.com/yuin/goldmark/text"
)

// theme holds the colours and sizes of the body. The branded layer may
// replace it; the layout only reads it.
type theme struct {
	body, quote, muted, heading, rule rgb
	bodySize                          float64
}

var defaultTheme = theme{
	body: rgb{25, 25, 25}, quote: rgb{60, 60, 60}, muted: rgb{110, 110, 110},
	heading: rgb{20, 45, 90}, rule: rgb{170, 170, 170}, bodySize: 10.5,
}

// heading is a numbered heading of the document, in order.
type heading struct {
	num, title string
	depth      int // 1 for section titles
}

// ctx is where a block is set: its left offset and width within the text
// area, the quote bars around it and its text style.
type ctx struct {
	x, w  float64
	bars  []float64
	ts    textStyle
	tight bool
}

// builder turns sections into measured items.
type builder struct {
	g        geometry
	th       theme
	md       goldmark.Markdown
	items    []*item
	headings []heading
	counters [7]int
	fnBase   int
	err      error
}

func newBuilder(g geometry, th theme) *builder {
	return &builder{g: g, th: th, md: goldmark.New(goldmark.WithExtensions(extension.Table, extension.Footnote))}
}

func (b *builder) bodyStyle() textStyle {
	return textStyle{fam: serif, size: b.th.bodySize, leading: 1.42, color: b.th.body}
}

func (b *builder) add(its ...*item) { b.items = append(b.items, its...) }

// section lays out one section: its numbered title, then its Markdown.
func (b *builder) section(n int, s Section) {
	b.counters = [7]int{n}
	title := strings.ToUpper(strings.TrimSpace(s.Title))
	b.heading(1, strconv.Itoa(n), []span{{text: title}})
	src := []byte(s.Markdown)
	doc := b.md.Parser().Parse(text.NewReader(src))
	c := ctx{x: 0, w: b.g.textW(), ts: b.bodyStyle()}
	maxFn := 0
	for ch := doc.FirstChild(); ch != nil && b.err == nil; ch = ch.NextSibling() {
		if fl, ok := ch.(*east.FootnoteList); ok {
			maxFn = max(maxFn, b.footnotes(fl, src, c))
			continue
		}
		b.block(ch, src, c)
	}
	b.fnBase += maxFn
}

// heading adds a numbered heading kept with what follows it.
func (b *builder) heading(depth int, num string, spans []span) {
	idx := len(b.headings)
	b.headings = append(b.headings, heading{num: num, title: plain(spans), depth: depth})
	ts := textStyle{fam: sans, st: stBold, color: b.th.heading, leading: 1.25}
	before, after := 4.5, 1.6
	switch depth {
	case 1:
		ts.size, before, after = 14, 9, 3
	case 2:
		ts.size, before, after = 12, 6.5, 2
	case 3:
		ts.size, ts.st = 11, stBold|stItalic
	default:
		ts.size = b.th.bodySize
	}
	numW, _ := words([]span{{text: num}}, ts)
	ws, err := words(spans, ts)
	if err != nil {
		b.err = err
		return
	}
	indent := 0.0
	if len(numW) > 0 {
		indent = numW[0].w + ts.size*0.7*ptMM
	}
	lines := breakLines(ws, b.g.textW()-indent)
	if len(lines) == 0 {
		lines = []line{{size: ts.size, last: true}}
	}
	its := lineItems(lines, indent, ts, before, nil)
	if len(numW) > 0 {
		for _, r := range numW[0].runs {
			its[0].ops = append(its[0].ops, op{kind: opText, x: 0, y: its[0].ops0y(ts), run: r, ref: -1})
		}
	}
	for _, it := range its {
		it.keep = true
	}
	its[0].anchor = idx
	its[len(its)-1].h += after
	b.add(its...)
}

// ops0y is the baseline of an item's first text, or of text in style ts.
func (it *item) ops0y(ts textStyle) float64 {
	for _, o := range it.ops {
		if o.kind == opText {
			return o.y + o.run.rise
		}
	}
	h := ts.size * ts.leading * ptMM
	return (h-ts.size*ptMM)/2 + ts.size*0.78*ptMM
}

// subNumber numbers a heading inside the current section.
func (b *builder) subNumber(level int) (int, string) {
	depth := min(max(level-1, 2), len(b.counters))
	b.counters[depth-1]++
	for i := depth; i < len(b.counters); i++ {
		b.counters[i] = 0
	}
	parts := make([]string, depth)
	for i := range parts {
		parts[i] = strconv.Itoa(b.counters[i])
	}
	return depth, strings.Join(parts, ".")
}

func (b *builder) paragraph(spans []span, c ctx, before float64, justify bool) []*item {
	ws, err := words(spans, c.ts)
	if err != nil {
		b.err = err
		return nil
	}
	lines := breakLines(ws, c.w)
	if justify {
		for i := range lines {
			lines[i].justify(c.w)
		}
	}
	its := lineItems(lines, c.x, c.ts, before, c.bars)
	b.add(its...)
	return its
}

func (b *builder) gap(c ctx) float64 {
	if c.tight {
		return 1
	}
	return c.ts.size * 0.6 * ptMM
}

// block lays out one block node.
func (b *builder) block(n ast.Node, src []byte, c ctx) {
	switch n := n.(type) {
	case *ast.Heading:
		depth, num := b.subNumber(n.Level)
		b.heading(depth, num, b.inlines(n, src, 0, ""))
	case *ast.Paragraph, *ast.TextBlock:
		b.paragraph(b.inlines(n, src, 0, ""), c, b.gap(c), true)
	case *ast.ThematicBreak:
		it := newItem(4)
		it.before = b.gap(c)
		it.ops = []op{{kind: opLine, x: c.x + c.w*0.25, y: 2, w: c.w * 0.5, color: b.th.rule, width: 0.3, ref: -1}}
		it.bars = c.bars
		b.add(it)
	case *ast.Blockquote:
		q := c
		q.bars = append(append([]float64(nil), c.bars...), c.x+0.8)
		q.x, q.w = c.x+5, c.w-5
		q.ts.color = b.th.quote
		start := len(b.items)
		for ch := n.FirstChild(); ch != nil; ch = ch.NextSibling() {
			b.block(ch, src, q)
		}
		if len(b.items) > start {
			b.items[start].before = b.gap(c) * 1.6
			b.items[start].opens++ // the bar does not reach into the gap above
		}
	case *ast.List:
		b.list(n, src, c)
	case *ast.FencedCodeBlock, *ast.CodeBlock, *ast.HTMLBlock:
		b.literal(n, src, c, n.Kind() != ast.KindHTMLBlock)
	case *east.Table:
		b.table(n, src, c)
	default:
		for ch := n.FirstChild(); ch != nil; ch = ch.NextSibling() {
			b.block(ch, src, c)
		}
	}
}

// literal sets code and raw HTML blocks line by line in the mono face.
func (b *builder) literal(n ast.Node, src []byte, c ctx, shade bool) {
	ts := c.ts
	ts.size = c.ts.size * 0.86
	ts.leading = 1.3
	var all []*item
	lines := n.Lines()
	for i := 0; i < lines.Len(); i++ {
		seg := lines.At(i)
		s := strings.TrimRight(string(seg.Value(src)), "\r\n")
		s = strings.ReplaceAll(strings.ReplaceAll(s, "\t", "    "), " ", "\u00a0")
		if s == "" {
			s = "\u00a0"
		}
		ws, err := words([]span{{text: s, code: true}}, ts)
		if err != nil {
			b.err = err
			return
		}
		ls := breakLines(ws, c.w-4)
		all = append(all, lineItems(ls, c.x+2, ts, 0, c.bars)...)
	}
	if len(all) == 0 {
		return
	}
	for i, it := range all {
		it.keep = len(all) > 1 && (i == 0 || i == len(all)-2)
		if shade {
			it.ops = append([]op{{kind: opRect, x: c.x, y: 0, w: c.w, h: it.h, color: rgb{242, 242, 240}, ref: -1}}, it.ops...)
		}
	}
	all[0].before = b.gap(c)
	b.add(all...)
}

var bullets = []string{"•", "–", "◦", "▪"}

// list lays out a bullet or numbered list with hanging markers.
func (b *builder) list(n *ast.List, src []byte, c ctx) {
	indent := 6.0
	if c.w-indent < b.g.textW()*0.45 {
		indent = 2 // deeply nested: stop eating the line
	}
	num := n.Start
	if num == 0 {
		num = 1
	}
	depth := 0
	for p := n.Parent(); p != nil; p = p.Parent() {
		if _, ok := p.(*ast.List); ok {
			depth++
		}
	}
	ic := c
	ic.x, ic.w, ic.tight = c.x+indent, c.w-indent, n.IsTight
	first := true
	for li := n.FirstChild(); li != nil; li = li.NextSibling() {
		marker := bullets[depth%len(bullets)]
		if n.IsOrdered() {
			marker = fmt.Sprintf("%d%c", num, n.Marker)
			num++
		}
		start := len(b.items)
		for ch := li.FirstChild(); ch != nil; ch = ch.NextSibling() {
			b.block(ch, src, ic)
		}
		if len(b.items) == start {
			b.add(lineItems([]line{{size: c.ts.size, last: true}}, ic.x, c.ts, 0, c.bars)...)
		}
		it := b.items[start]
		if first {
			it.before = b.gap(c)
		} else if n.IsTight {
			it.before = 1
		}
		first = false
		ws, err := words([]span{{text: marker}}, c.ts)
		if err != nil {
			b.err = err
			return
		}
		if len(ws) > 0 {
			y := it.ops0y(c.ts)
			x := ic.x - 1.8 - ws[0].w
			for _, r := range ws[0].runs {
				it.ops = append(it.ops, op{kind: opText, x: x, y: y, run: r, ref: -1})
				x += r.w
			}
		}
	}
}

// footnotes sets a section's footnotes at its end and returns their count.
func (b *builder) footnotes(fl *east.FootnoteList, src []byte, c ctx) int {
	rule := newItem(3)
	rule.before = 4
	rule.ops = []op{{kind: opLine, x: 0, y: 1.5, w: 40, color: b.th.rule, width: 0.25, ref: -1}}
	rule.keep = true
	b.add(rule)
	fc := c
	fc.ts.size = b.th.bodySize * 0.82
	fc.ts.leading = 1.3
	fc.x, fc.w, fc.tight = 5, c.w-5, true
	count := 0
	for fn := fl.FirstChild(); fn != nil; fn = fn.NextSibling() {
		f, ok := fn.(*east.Footnote)
		if !ok {
			continue
		}
		count = max(count, f.Index)
		start := len(b.items)
		for ch := f.FirstChild(); ch != nil; ch = ch.NextSibling() {
			b.block(ch, src, fc)
		}
		if len(b.items) == start {
			continue
		}
		it := b.items[start]
		ws, _ := words([]span{{text: strconv.Itoa(b.fnBase + f.Index)}}, fc.ts)
		if len(ws) > 0 {
			y := it.ops0y(fc.ts)
			for _, r := range ws[0].runs {
				it.ops = append(it.ops, op{kind: opText, x: 0, y: y, run: r, ref: -1})
			}
		}
	}
	return count
}

var safeLink = regexp.MustCompile(`(?i)^(https?://|mailto:)`)

// inlines flattens a node's inline children into spans. Raw HTML is kept as
// literal text; images are never loaded, their alt text is shown.
func (b *builder) inlines(n ast.Node, src []byte, st int, link string) []span {
	var out []span
	for ch := n.FirstChild(); ch != nil; ch = ch.NextSibling() {
		switch ch := ch.(type) {
		case *ast.Text:
			out = append(out, span{text: string(ch.Value(src)), st: st, link: link})
			if ch.HardLineBreak() {
				out = append(out, span{text: "\n", st: st})
			} else if ch.SoftLineBreak() {
				out = append(out, span{text: " ", st: st})
			}
		case *ast.String:
			out = append(out, span{text: string(ch.Value), st: st, link: link})
		case *ast.CodeSpan:
			var sb strings.Builder
			for t := ch.FirstChild(); t != nil; t = t.NextSibling() {
				if tx, ok := t.(*ast.Text); ok {
					sb.Write(tx.Value(src))
				} else if s, ok := t.(*ast.String); ok {
					sb.Write(s.Value)
				}
			}
			out = append(out, span{text: sb.String(), st: st, code: true, link: link})
		case *ast.Emphasis:
			s := st | stItalic
			if ch.Level >= 2 {
				s = st | stBold
			}
			out = append(out, b.inlines(ch, src, s, link)...)
		case *ast.Link:
			dest := string(ch.Destination)
			if !safeLink.MatchString(dest) {
				dest = link
			}
			out = append(out, b.inlines(ch, src, st, dest)...)
		case *ast.AutoLink:
			dest := string(ch.URL(src))
			if !safeLink.MatchString(dest) {
				dest = ""
			}
			out = append(out, span{text: string(ch.Label(src)), st: st, link: dest})
		case *ast.Image:
			alt := plain(b.inlines(ch, src, st, ""))
			if alt == "" {
				alt = "image"
			}
			out = append(out, span{text: "[" + alt + "]", st: st | stItalic, color: &b.th.muted})
		case *ast.RawHTML:
			var sb strings.Builder
			for i := 0; i < ch.Segments.Len(); i++ {
				seg := ch.Segments.At(i)
				sb.Write(seg.Value(src))
			}
			out = append(out, span{text: sb.String(), st: st, link: link})
		case *east.FootnoteLink:
			out = append(out, span{text: strconv.Itoa(b.fnBase + ch.Index), st: st &^ stItalic, sup: true})
		case *east.FootnoteBacklink:
		default:
			out = append(out, b.inlines(ch, src, st, link)...)
		}
	}
	return out
}

var numericCell = regexp.MustCompile(`^[-+−±(]?[€$£]?\s?\d[\d.,\s\x{00a0}\x{202f}]*\s?(%|‰|€|\$|£|k|m|bn|x)?\)?$`)

// table lays out a GFM table: a bold header row repeated on each page,
// numeric columns right-aligned, columns sized to their content; a table
// too wide for the page even at a small size is split into column groups
// that each repeat the first column.
func (b *builder) table(t *east.Table, src []byte, c ctx) {
	var rows [][][]span
	for r := t.FirstChild(); r != nil; r = r.NextSibling() {
		var cells [][]span
		for cell := r.FirstChild(); cell != nil; cell = cell.NextSibling() {
			cells = append(cells, b.inlines(cell, src, 0, ""))
		}
		rows = append(rows, cells)
	}
	if len(rows) == 0 {
		return
	}
	ncol := 0
	for _, r := range rows {
		ncol = max(ncol, len(r))
	}
	right := make([]bool, ncol)
	for col := 0; col < ncol; col++ {
		if col < len(t.Alignments) && t.Alignments[col] != east.AlignNone {
			right[col] = t.Alignments[col] == east.AlignRight
			continue
		}
		seen, all := false, true
		for _, r := range rows[1:] {
			if col < len(r) {
				s := strings.TrimSpace(plain(r[col]))
				if s == "" || s == "-" || s == "–" {
					continue
				}
				seen = true
				if !numericCell.MatchString(s) {
					all = false
				}
			}
		}
		right[col] = seen && all
	}
	tb := &tableSet{b: b, rows: rows, right: right, c: c}
	cols := make([]int, ncol)
	for i := range cols {
		cols[i] = i
	}
	groups := tb.split(cols)
	// One size for all column groups, so they read as one table.
	size := tableSizes[0]
	for _, g := range groups {
		size = min(size, tb.fit(g))
	}
	for gi, g := range groups {
		if len(groups) > 1 {
			note := fmt.Sprintf("Table, columns %d–%d of %d", g[0]+1, g[len(g)-1]+1, ncol)
			if g[0] == 0 && len(g) > 1 && gi > 0 {
				note = fmt.Sprintf("Table continued, columns %d–%d of %d", g[1]+1, g[len(g)-1]+1, ncol)
			}
			nc := c
			nc.ts.size, nc.ts.color = b.th.bodySize*0.8, b.th.muted
			its := b.paragraph([]span{{text: note, st: stItalic}}, nc, b.gap(c), false)
			for _, it := range its {
				it.keep = true
			}
		}
		tb.set(g, size)
		if b.err != nil {
			return
		}
	}
}

// tableSet measures and sets one table.
type tableSet struct {
	b     *builder
	rows  [][][]span
	right []bool
	c     ctx
}

func (t *tableSet) style(row int, size float64) textStyle {
	ts := textStyle{fam: sans, size: size, leading: 1.25, color: t.b.th.body}
	if row == 0 {
		ts.st = stBold
	}
	return ts
}

func (t *tableSet) pad(n int) float64 {
	if n > 10 {
		return 0.9
	}
	return 1.6
}

var tableSizes = []float64{9, 8, 7}

// measure returns each column's minimum (longest word) and natural widths.
func (t *tableSet) measure(cols []int, size float64) (minW, maxW []float64) {
	minW, maxW = make([]float64, len(cols)), make([]float64, len(cols))
	for ri, r := range t.rows {
		for ci, col := range cols {
			if col >= len(r) {
				continue
			}
			ws, err := words(r[col], t.style(ri, size))
			if err != nil {
				t.b.err = err
				return
			}
			nat := 0.0
			for i, w := range ws {
				minW[ci] = max(minW[ci], w.w)
				nat += w.w
				if i < len(ws)-1 {
					nat += w.space
				}
			}
			maxW[ci] = max(maxW[ci], nat)
		}
	}
	return
}

func sum(xs []float64) float64 {
	s := 0.0
	for _, x := range xs {
		s += x
	}
	return s
}

// split groups columns so each group fits the width at the smallest size,
// repeating the first column in every group.
func (t *tableSet) split(cols []int) [][]int {
	size := tableSizes[len(tableSizes)-1]
	minW, _ := t.measure(cols, size)
	pad := 2 * t.pad(len(cols))
	if sum(minW)+pad*float64(len(cols)) <= t.c.w || len(cols) < 3 {
		return [][]int{cols}
	}
	limit := 35.0 // a word wider than this breaks at characters
	w := func(i int) float64 { return min(minW[i], limit) + pad }
	var groups [][]int
	cur := []int{cols[0]}
	used := w(0)
	for i := 1; i < len(cols); i++ {
		if used+w(i) > t.c.w && len(cur) > 1 {
			groups = append(groups, cur)
			cur, used = []int{cols[0]}, w(0)
		}
		cur = append(cur, cols[i])
		used += w(i)
	}
	return append(groups, cur)
}

// avail is the width left for the text of cols.
func (t *tableSet) avail(cols []int) float64 {
	return t.c.w - 2*t.pad(len(cols))*float64(len(cols))
}

// fit returns the largest table size at which no word of cols breaks, or
// the smallest size.
func (t *tableSet) fit(cols []int) float64 {
	for _, size := range tableSizes {
		minW, _ := t.measure(cols, size)
		if sum(minW) <= t.avail(cols) {
			return size
		}
	}
	return tableSizes[len(tableSizes)-1]
}

// set lays out the columns cols of the table as items at size (pt).
func (t *tableSet) set(cols []int, size float64) {
	pad := t.pad(len(cols))
	avail := t.avail(cols)
	minW, maxW := t.measure(cols, size)
	widths := make([]float64, len(cols))
	switch {
	case sum(maxW) <= avail:
		copy(widths, maxW)
	case sum(minW) <= avail:
		extra, slack := avail-sum(minW), sum(maxW)-sum(minW)
		for i := range widths {
			widths[i] = minW[i] + extra*(maxW[i]-minW[i])/slack
		}
	default:
		for i := range widths {
			widths[i] = avail / float64(len(cols))
		}
	}
	lineW := 0.0
	for _, w := range widths {
		lineW += w + 2*pad
	}
	var head *item
	maxH := t.b.g.textH() * 0.8
	for ri, r := range t.rows {
		ts := t.style(ri, size)
		lh := ts.size * ts.leading * ptMM
		cells := make([][]line, len(cols))
		n := 0
		for ci, col := range cols {
			if col >= len(r) {
				continue
			}
			ws, err := words(r[col], ts)
			if err != nil {
				t.b.err = err
				return
			}
			cells[ci] = breakLines(ws, widths[ci])
			n = max(n, len(cells[ci]))
		}
		n = max(n, 1)
		// A row taller than a page (a huge cell) is the one case a row is
		// split: into chunks of lines.
		per := max(1, int((maxH-2*pad)/lh))
		for from := 0; from < n; from += per {
			to := min(n, from+per)
			it := newItem(float64(to-from)*lh + 2*pad)
			it.bars = t.c.bars
			if ri == 0 {
				it.ops = append(it.ops, op{kind: opRect, x: t.c.x, y: 0, w: lineW, h: it.h, color: rgb{232, 236, 242}, ref: -1})
			}
			x := t.c.x
			for ci := range cols {
				var sub []line
				if from < len(cells[ci]) {
					sub = cells[ci][from:min(to, len(cells[ci]))]
				}
				items := lineItems(sub, 0, ts, 0, nil)
				for li, l := range sub {
					off := x + pad
					if t.right[cols[ci]] {
						off += widths[ci] - l.w
					}
					for _, o := range items[li].ops {
						o.x += off
						o.y += pad + float64(li)*lh
						it.ops = append(it.ops, o)
					}
				}
				x += widths[ci] + 2*pad
			}
			lw := 0.2
			if ri == 0 {
				lw = 0.5
			}
			it.ops = append(it.ops, op{kind: opLine, x: t.c.x, y: it.h, w: lineW, color: t.b.th.rule, width: lw, ref: -1})
			if ri == 0 {
				it.before = t.b.gap(t.c) + 1
				it.ops = append(it.ops, op{kind: opLine, x: t.c.x, y: 0, w: lineW, color: t.b.th.rule, width: 0.5, ref: -1})
				it.keep = true
				head = it
			} else if head != nil {
				it.head = []*item{head}
			}
			if to < n {
				it.keep = true
			}
			t.b.add(it)
		}
	}
	if len(t.b.items) > 0 {
		t.b.items[len(t.b.items)-1].keep = false
	}
}
