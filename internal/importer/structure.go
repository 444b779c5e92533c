package importer

import (
	"regexp"
	"sort"
	"strconv"
	"strings"

	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/extension"
	"github.com/yuin/goldmark/parser"
	"github.com/yuin/goldmark/text"
	"github.com/yuin/goldmark/util"

	"briefstudio/internal/brief"
)

var (
	atxRE    = regexp.MustCompile(`^ {0,3}#{1,6}(?:[ \t]|$)`)
	setextRE = regexp.MustCompile(`^ {0,3}(?:=+|-+)[ \t]*$`)
)

type blockKind int

const (
	bOther blockKind = iota
	bHeading
	bParagraph
)

// block is a top-level block of the document, found by a CommonMark + GFM
// parser, so that a "#" inside a code block, a list or a quote is never
// taken for a heading.
type block struct {
	kind        blockKind
	first, last int // lines, inclusive; last is exact for headings and paragraphs
	level       int
	raw         string // a heading's text, a paragraph's lines joined
	h           headingText
	slot        int // the template section a heading names, or -1
}

func (b *block) words() int { return len(wordList(b.h.clean)) }

// parse splits the body into lines and finds its top-level blocks.
func (im *importer) parse(body string) {
	im.lines = strings.Split(body, "\n")
	im.del = make([]bool, len(im.lines))
	starts := make([]int, len(im.lines))
	off := 0
	for i, l := range im.lines {
		starts[i] = off
		off += len(l) + 1
	}
	lineOf := func(pos int) int {
		return sort.Search(len(starts), func(i int) bool { return starts[i] > pos }) - 1
	}
	src := flattenNesting(body)
	doc := blockParser().Parse(text.NewReader(src))
	for c := doc.FirstChild(); c != nil; c = c.NextSibling() {
		switch n := c.(type) {
		case *ast.Heading:
			b := &block{kind: bHeading, level: n.Level, slot: -1}
			segs := n.Lines()
			if segs.Len() == 0 {
				if n.Pos() < 0 {
					continue
				}
				b.first = lineOf(n.Pos())
				b.last = b.first
			} else {
				b.first = lineOf(segs.At(0).Start)
				b.last = lineOf(segs.At(segs.Len() - 1).Start)
				if !atxRE.MatchString(im.lines[b.first]) {
					// A setext heading: its text runs to the underline.
					u := b.last + 1
					for u < len(im.lines) && !setextRE.MatchString(im.lines[u]) {
						u++
					}
					if u < len(im.lines) {
						b.last = u
					} else {
						u = b.last + 1
					}
					var parts []string
					for _, l := range im.lines[b.first:u] {
						parts = append(parts, strings.TrimSpace(l))
					}
					b.raw = strings.Join(parts, " ")
				} else {
					var parts []string
					for i := 0; i < segs.Len(); i++ {
						seg := segs.At(i)
						parts = append(parts, strings.TrimSpace(string(seg.Value(src))))
					}
					b.raw = strings.Join(parts, " ")
				}
			}
			b.h = parseHeading(b.raw)
			if b.words() > 0 {
				b.slot = matchSlot(b.h.clean, im.tpl)
			}
			im.blocks = append(im.blocks, b)
		case *ast.Paragraph:
			segs := n.Lines()
			if segs.Len() == 0 {
				continue
			}
			b := &block{kind: bParagraph, slot: -1}
			b.first = lineOf(segs.At(0).Start)
			b.last = lineOf(segs.At(segs.Len() - 1).Start)
			b.raw = strings.Join(im.lines[b.first:b.last+1], "\n")
			im.blocks = append(im.blocks, b)
		default:
			if c.Pos() < 0 {
				continue
			}
			l := lineOf(c.Pos())
			im.blocks = append(im.blocks, &block{kind: bOther, first: l, last: l, slot: -1})
		}
	}
	sort.SliceStable(im.blocks, func(i, j int) bool { return im.blocks[i].first < im.blocks[j].first })
}

// maxNesting is the deepest nesting of block quotes and list items at the
// start of a line that the parser is shown: goldmark takes quadratic time
// on a line of thousands of "> " or "1. ".
const maxNesting = 32

// flattenNesting returns body for parsing, with the container marker past
// maxNesting at the start of a line turned into text ("x"). Offsets do not
// change, and what lies that deep is never a top-level block anyway.
func flattenNesting(body string) []byte {
	src := []byte(body)
	blank := func(j int) bool { return j >= len(src) || src[j] == ' ' || src[j] == '\t' || src[j] == '\n' }
	for i := 0; i < len(src); {
		depth, j := 0, i
	line:
		for j < len(src) && src[j] != '\n' {
			for j < len(src) && (src[j] == ' ' || src[j] == '\t') {
				j++
			}
			k := j
			switch {
			case j >= len(src):
				break line
			case src[j] == '>':
				j++
			case (src[j] == '-' || src[j] == '*' || src[j] == '+') && blank(j+1):
				j++
			case src[j] >= '0' && src[j] <= '9':
				for j < len(src) && j-k < 9 && src[j] >= '0' && src[j] <= '9' {
					j++
				}
				if j >= len(src) || src[j] != '.' && src[j] != ')' || !blank(j+1) {
					break line
				}
				j++
			default:
				break line
			}
			if depth++; depth > maxNesting {
				src[k] = 'x'
				break
			}
		}
		for j < len(src) && src[j] != '\n' {
			j++
		}
		i = j + 1
	}
	return src
}

// blockParser is a CommonMark parser with the block syntax of GFM tables and
// footnote definitions, and no inline parsing: the importer needs the
// document's blocks, and keeps every line's text as it is.
func blockParser() parser.Parser {
	return parser.NewParser(
		parser.WithBlockParsers(append(parser.DefaultBlockParsers(),
			util.Prioritized(extension.NewFootnoteBlockParser(), 999))...),
		// Link reference definitions stay paragraphs: the importer does
		// not resolve links, and goldmark reads a run of them in
		// quadratic time.
		parser.WithParagraphTransformers(util.Prioritized(extension.NewTableParagraphTransformer(), 200)),
		parser.WithASTTransformers(util.Prioritized(extension.NewTableASTTransformer(), 0)),
	)
}

// part is a top-level part of the document that becomes a section.
type part struct {
	head        *block
	slot        int // template section, or -1 for a new section
	first, end  int // lines of its body: [first, end)
	styles      map[string]bool
	fromPreface bool // text between the title and the first heading
}

// arrange decides the title heading, the section level and the parts, and
// builds the sections.
func (im *importer) arrange() {
	var heads []*block
	for _, b := range im.blocks {
		if b.kind == bHeading {
			heads = append(heads, b)
		}
	}
	titleHead := im.findTitleHeading(heads)
	level := sectionLevel(heads, titleHead)

	used := map[int]bool{}
	var parts []*part
	for _, h := range heads {
		if h == titleHead || h.words() == 0 {
			continue
		}
		var cur *part
		if len(parts) > 0 {
			cur = parts[len(parts)-1]
		}
		start, slot := false, -1
		if h.slot >= 0 && !used[h.slot] && !h.h.num.subItem() && !(cur != nil && cur.styles[styleKey(h.h.num)]) {
			deeper := h.h.num.single() || cur == nil ||
				h.h.num.kind == numNone && exactSlot(h.h.clean, im.tpl.Sections[h.slot])
			if h.level <= level || deeper {
				start, slot = true, h.slot
			}
		}
		if !start && h.level <= level && !(cur != nil && (h.h.num.subItem() || cur.styles[styleKey(h.h.num)])) {
			start = true
		}
		if start {
			parts = append(parts, &part{head: h, slot: slot, styles: map[string]bool{}})
			if slot >= 0 {
				used[slot] = true
			}
		} else if cur != nil && h.h.num.kind == numLetter {
			cur.styles[styleKey(h.h.num)] = true
		}
	}
	for i, p := range parts {
		p.first = p.head.last + 1
		if i+1 < len(parts) {
			p.end = parts[i+1].head.first
		} else {
			p.end = len(im.lines)
		}
	}
	if len(parts) == 0 {
		im.single(titleHead)
		return
	}
	if pre := im.preamble(parts[0].head.first, titleHead, used[0]); pre != nil {
		parts = append([]*part{pre}, parts...)
	}
	if im.title == "" && parts[0].head != nil {
		im.title, im.titleFrom = parts[0].head.h.clean, "heading"
	}
	parts = im.backCover(parts, level)
	im.footers(parts)
	im.build(parts)
}

// findTitleHeading finds the heading that is the document's title rather
// than a part: a first "#" heading above deeper ones, or one that repeats
// the title already known.
func (im *importer) findTitleHeading(heads []*block) *block {
	if len(heads) == 0 {
		return nil
	}
	h := heads[0]
	if h.words() == 0 {
		return nil
	}
	if im.title != "" && sameText(im.title, h.h.clean) {
		return h
	}
	for _, b := range im.blocks {
		if b.first >= h.first {
			break
		}
		if b.kind == bParagraph && boldWrapped(b.raw) && sameText(b.raw, h.h.clean) {
			return h
		}
	}
	if h.slot >= 0 || h.level != 1 {
		return nil
	}
	if len(heads) == 1 || heads[1].level > 1 {
		return h
	}
	// "# Title" directly above "# Introduction": a title all the same.
	if next := heads[1]; next.slot >= 0 && next.first > h.last && len(wordList(strings.Join(im.lines[h.last+1:next.first], " "))) <= 20 {
		return h
	}
	return nil
}

// sectionLevel is the heading level of the document's parts: the most
// common level of the headings that name template sections, else the
// highest level used.
func sectionLevel(heads []*block, title *block) int {
	count := map[int]int{}
	best, min := 0, 0
	for _, h := range heads {
		if h == title || h.words() == 0 {
			continue
		}
		if min == 0 || h.level < min {
			min = h.level
		}
		if h.slot >= 0 && !h.h.num.subItem() {
			count[h.level]++
			if best == 0 || count[h.level] > count[best] || count[h.level] == count[best] && h.level < best {
				best = h.level
			}
		}
	}
	if best == 0 {
		return min
	}
	return best
}

func styleKey(n number) string {
	switch n.kind {
	case numLetter:
		return n.style
	case numDigits:
		if len(n.comps) == 1 {
			return "1" + n.style
		}
		return "1.1"
	}
	return ""
}

// single builds a brief from a document without parts: everything goes to
// the first template section.
func (im *importer) single(titleHead *block) {
	if titleHead != nil {
		switch {
		case im.title == "":
			im.title, im.titleFrom = titleHead.h.clean, "heading"
			im.deleteLines(titleHead.first, titleHead.last)
		case sameText(im.title, titleHead.h.clean):
			im.deleteLines(titleHead.first, titleHead.last)
		}
	}
	if im.title == "" {
		im.title, im.titleFrom = firstLine(im.lines), "first line"
	}
	p := &part{slot: 0, first: 0, end: len(im.lines), styles: map[string]bool{}}
	im.footers([]*part{p})
	im.build([]*part{p})
	if len(im.report.Matched) == 0 {
		im.warn("the document has no headings that start sections: all its text is in %q", im.tpl.Sections[0].Title)
	}
}

var listMarkRE = regexp.MustCompile(`^\s{0,3}(?:#{1,6}\s+|>\s*|[-*+]\s+|\d{1,9}[.)]\s+)+`)

// firstLine is the first line with words, as a title.
func firstLine(lines []string) string {
	for _, l := range lines {
		if len(wordList(l)) == 0 {
			continue
		}
		t := stripInline(listMarkRE.ReplaceAllString(l, ""))
		if len(wordList(t)) == 0 {
			t = strings.TrimSpace(l)
		}
		return t
	}
	return ""
}

func (im *importer) deleteLines(first, last int) {
	for i := first; i <= last && i < len(im.del); i++ {
		im.del[i] = true
	}
}

// blocksIn returns the top-level blocks that start in lines [from, to).
func (im *importer) blocksIn(from, to int) []*block {
	i := sort.Search(len(im.blocks), func(i int) bool { return im.blocks[i].first >= from })
	j := i
	for j < len(im.blocks) && im.blocks[j].first < to {
		j++
	}
	return im.blocks[i:j]
}

var (
	fundingRE   = regexp.MustCompile(`(?i)(has received funding from the european union|funded by the european union|grant agreement (?:no\b|n°|nr\b|number))`)
	backCoverRE = regexp.MustCompile(`(?i)(\bcontact\b|[a-z0-9._%+-]+@[a-z0-9-]+\.[a-z]|\bis a project\b|©|\bcopyright\b|all rights reserved|follow us)`)
)

// isFunding reports whether a paragraph is a funding statement of the kind
// printed in page footers.
func isFunding(s string) bool {
	return fundingRE.MatchString(stripInline(s)) && len(wordList(s)) <= 100
}

// footers moves page furniture out of the parts' bodies: funding statements
// and paragraphs repeated elsewhere in the document (page footers).
func (im *importer) footers(parts []*part) {
	count := map[string]int{}
	key := func(b *block) string { return strings.Join(wordList(b.raw), " ") }
	for _, b := range im.blocks {
		if b.kind == bParagraph {
			count[key(b)]++
		}
	}
	for _, p := range parts {
		for _, b := range im.blocksIn(p.first, p.end) {
			if b.kind != bParagraph || im.del[b.first] {
				continue
			}
			n := len(wordList(b.raw))
			where := "page footer"
			if p.head != nil {
				where = "page footer, in " + sectionTitle(p.head.h.clean, nil)
			}
			switch {
			case isFunding(b.raw):
				im.moveNote(note{what: "funding statement (page footer)", group: "Funding statement (" + where + ")", text: b.raw, at: b.first})
			case count[key(b)] >= 2 && n >= 6 && n <= 80:
				im.moveNote(note{what: "repeated text (page footer)", group: "Repeated text (" + where + ")", text: b.raw, at: b.first})
			default:
				continue
			}
			im.deleteLines(b.first, b.last)
		}
	}
}

// backCover moves a back cover at the end of the document to the notes: the
// short parts after the last template section, when one of them is a
// heading above the section level or they read like a back cover (contact,
// e-mail, "is a project", copyright).
func (im *importer) backCover(parts []*part, level int) []*part {
	last := -1
	for i, p := range parts {
		if p.slot >= 0 && !p.fromPreface {
			last = i
		}
	}
	if last < 0 || last == len(parts)-1 {
		return parts
	}
	tail := parts[last+1:]
	from := tail[0].head.first
	body := strings.Join(im.lines[from:], "\n")
	above := false
	for _, p := range tail {
		if p.head.level < level {
			above = true
		}
	}
	if len(wordList(body)) > 300 || !above && !backCoverRE.MatchString(body) {
		return parts
	}
	im.moveNote(note{what: "back cover", group: "Back cover", text: im.emit(from, len(im.lines), "####"), at: from})
	im.deleteLines(from, len(im.lines)-1)
	return parts[:last+1]
}

// build turns the parts into sections, placing the template sections that
// nothing matched after the template section before them.
func (im *importer) build(parts []*part) {
	tplKeys, next := map[string]bool{NotesKey: true}, map[string]int{}
	for _, s := range im.tpl.Sections {
		tplKeys[s.Key] = true
	}
	var out []brief.Section
	present := map[int]int{} // slot -> index in out
	for _, p := range parts {
		var sec brief.Section
		if p.slot >= 0 {
			slot := im.tpl.Sections[p.slot]
			sec.Key, sec.Title = slot.Key, slot.Title
			if p.head != nil {
				sec.Title = sectionTitle(p.head.h.clean, &slot)
				im.report.Matched = append(im.report.Matched, Match{Heading: p.head.raw, Key: slot.Key})
			}
			present[p.slot] = len(out)
		} else {
			sec.Title = sectionTitle(p.head.h.clean, nil)
			sec.Key = uniqueKey(brief.Slug(sec.Title), tplKeys, next)
			im.report.Created = append(im.report.Created, sec.Title)
		}
		if len([]rune(sec.Title)) > 200 {
			im.moveNote(note{what: "full heading", group: "Full headings", text: sec.Title, at: p.head.first})
			im.warn("the heading %q is longer than a section title may be; it was shortened and kept whole in %s", excerpt(sec.Title), notesTitle)
			sec.Title = truncate(sec.Title, 200)
		}
		sec.Text = im.emit(p.first, p.end, "")
		out = append(out, sec)
	}
	// Template sections nothing matched, each after the nearest template
	// section before it that is present (or before the first one after it).
	for i, slot := range im.tpl.Sections {
		if _, ok := present[i]; ok {
			continue
		}
		im.report.Empty = append(im.report.Empty, slot.Title)
		at := -1
		for j := i - 1; j >= 0 && at < 0; j-- {
			if k, ok := present[j]; ok {
				at = k + 1
			}
		}
		for j := i + 1; j < len(im.tpl.Sections) && at < 0; j++ {
			if k, ok := present[j]; ok {
				at = k
			}
		}
		if at < 0 {
			at = len(out)
		}
		out = append(out[:at], append([]brief.Section{{Key: slot.Key, Title: slot.Title}}, out[at:]...)...)
		for s, k := range present {
			if k >= at {
				present[s] = k + 1
			}
		}
		present[i] = at
	}
	im.sections = out
}

// uniqueKey returns key, or key-2, key-3... if it is taken, and takes it.
// next remembers the last number tried for each key.
func uniqueKey(key string, used map[string]bool, next map[string]int) string {
	k := key
	for used[k] {
		next[key]++
		k = key + "-" + strconv.Itoa(next[key]+1)
	}
	used[k] = true
	return k
}

// emit returns lines [from, to) as a section body: sub-headings without
// numbers, re-levelled below the section title ("###", "####"; every
// heading is fixed when it is set), lines moved elsewhere left out with the
// blocks around them kept apart, and no blank lines at either end.
func (im *importer) emit(from, to int, fixed string) string {
	var subs []*block
	for _, b := range im.blocksIn(from, to) {
		if b.kind == bHeading && !im.del[b.first] {
			subs = append(subs, b)
		}
	}
	marks := relevel(subs, fixed)
	var out []string
	gap := false // lines were left out since the last line written
	for i := from; i < to; i++ {
		if im.del[i] {
			gap = true
			continue
		}
		line := im.lines[i]
		if m, ok := marks[i]; ok {
			if m == "" {
				continue
			}
			line = m
		}
		if gap {
			gap = false
			blank := strings.TrimSpace(line) == ""
			lastBlank := len(out) == 0 || strings.TrimSpace(out[len(out)-1]) == ""
			if blank && lastBlank {
				continue // one blank line where the text was
			}
			if !blank && !lastBlank {
				out = append(out, "") // keep the blocks on either side apart
			}
		}
		out = append(out, line)
	}
	for len(out) > 0 && strings.TrimSpace(out[len(out)-1]) == "" {
		out = out[:len(out)-1]
	}
	for len(out) > 0 && strings.TrimSpace(out[0]) == "" {
		out = out[1:]
	}
	return strings.Join(out, "\n")
}

// relevel computes the new line of each sub-heading ("" for the extra lines
// of a setext heading). The depth of a sub-heading comes from its number
// when it has one ("2.1" is one below the part, "a)" one below the heading
// before it and level with the "b)" before it), else from its level
// relative to the sub-headings before it.
func relevel(subs []*block, fixed string) map[int]string {
	marks := map[int]string{}
	type open struct{ level, depth int }
	var stack []open // headings above the current one, levels increasing
	styleDepth := map[string]int{}
	last := 0 // depth of the previous sub-heading
	for _, h := range subs {
		d := 0
		switch num := h.h.num; {
		case num.kind == numDigits && len(num.comps) > 1:
			d = len(num.comps) - 1
		case num.kind != numNone:
			if d = styleDepth[styleKey(num)]; d == 0 {
				d = last + 1
			}
		default:
			d = 1
			for len(stack) > 0 && stack[len(stack)-1].level > h.level {
				stack = stack[:len(stack)-1]
			}
			if n := len(stack); n > 0 {
				d = stack[n-1].depth
				if stack[n-1].level < h.level {
					d++
				}
			}
		}
		d = max(d, 1)
		if h.h.num.kind != numNone {
			styleDepth[styleKey(h.h.num)] = d
		}
		for len(stack) > 0 && stack[len(stack)-1].level >= h.level {
			stack = stack[:len(stack)-1]
		}
		stack = append(stack, open{h.level, d})
		last = d
		mark := fixed
		if mark == "" {
			mark = "###"
			if d > 1 {
				mark = "####"
			}
		}
		text := h.h.clean
		if h.words() == 0 {
			text = h.raw
		}
		marks[h.first] = strings.TrimRight(mark+" "+text, " ")
		for i := h.first + 1; i <= h.last; i++ {
			marks[i] = ""
		}
	}
	return marks
}
