package revision

import (
	"slices"
	"sort"
	"unicode"
	"unicode/utf8"
)

// Hunk is a change of a stale edit that could not be merged: the caller
// keeps it (as an unresolved merge) so that nothing the user wrote is lost.
type Hunk struct {
	// Start and End are code points in the merged text: merged[Start:End]
	// is what now stands where the user's Base was (the other side's
	// version of that region).
	Start int `json:"start"`
	End   int `json:"end"`
	// Base is the text of the base version that both sides changed.
	Base string `json:"base"`
	// Mine is the user's version of it.
	Mine string `json:"mine"`
}

// Merge merges a stale edit: mine was made from base, and the text has
// since become current. It is an exact three-way merge: both changes are
// diffed against base and combined by their base positions, so nothing is
// matched fuzzily and no text can be corrupted. Changes to different places
// both survive; two insertions at the same place both survive (current's
// first). Where both sides changed the same base text differently, the
// current version stays in merged and the user's version is returned in
// failed, in text order. If base == current, merged is mine; if mine ==
// base, merged is current. Offsets count code points; invalid UTF-8 is read
// as one U+FFFD per bad byte.
func Merge(base, mine, current string) (merged string, failed []Hunk) {
	base, mine, current = sanitize(base), sanitize(mine), sanitize(current)
	switch {
	case base == current, mine == current:
		return mine, nil
	case mine == base:
		return current, nil
	}
	out, failed, _ := merge3([]rune(base), []rune(mine), []rune(current), false, false)
	return string(out), failed
}

// MergeAck is Merge that also returns the delta from mine to merged: what
// the user lacks of the merged text, from the merge itself rather than a
// diff (whose cost grows with every scattered change of the others).
func MergeAck(base, mine, current string) (merged string, failed []Hunk, ack string) {
	base, mine, current = sanitize(base), sanitize(mine), sanitize(current)
	switch {
	case base == current, mine == current:
		return mine, nil, Keep(mine)
	case mine == base:
		return current, nil, Delta(mine, current)
	}
	out, failed, ops := merge3([]rune(base), []rune(mine), []rune(current), false, true)
	return string(out), failed, encodeOps(ops)
}

// Rebase carries local changes (made from base) onto remote (base as
// changed by others), for a client whose shadow moved under unsent typing.
// Like Merge, but where both changed the same text, the local version wins:
// it is what the user sees and is about to send.
func Rebase(base, local, remote string) string {
	base, local, remote = sanitize(base), sanitize(local), sanitize(remote)
	switch {
	case base == remote, local == remote:
		return local
	case local == base:
		return remote
	}
	out, _, _ := merge3([]rune(base), []rune(local), []rune(remote), true, false)
	return string(out)
}

// edit replaces base[start:end] with text; side 0 is mine, 1 the other.
type medit struct {
	start, end int
	text       []rune
	side       int
	fine       bool // inside one word (a typo fixed), not whole words
}

// edits lists the changes of diffs (from base) by base position.
func edits(diffs []rop, side int) []medit {
	var out []medit
	pos := 0
	var cur *medit
	for _, d := range diffs {
		switch d.op {
		case opEqual:
			if cur != nil {
				out = append(out, *cur)
				cur = nil
			}
			pos += len(d.text)
		case opDelete:
			if cur == nil {
				cur = &medit{start: pos, end: pos, side: side}
			}
			pos += len(d.text)
			cur.end = pos
		case opInsert:
			if cur == nil {
				cur = &medit{start: pos, end: pos, side: side}
			}
			cur.text = append(cur.text, d.text...)
		}
	}
	if cur != nil {
		out = append(out, *cur)
	}
	return out
}

// merge3 combines the changes base->a and base->b. Edits are grouped into
// clusters of overlapping base ranges. A cluster changed by one side takes
// that side's version; word-aligned edits of both combine (anchored:
// deletions unite, every inserted text survives); where one side changed
// letters inside a word that the other also changed, deleted or rewrote,
// b's version stays (a's with preferA) and a's comes back as a failed hunk.
// With withOps it also returns the ops that turn a into the result.
func merge3(base, a, b []rune, preferA, withOps bool) ([]rune, []Hunk, []Op) {
	bw := newWords(base)
	return mergeEditLists(base, bw.edits(a, 0), bw.edits(b, 1), max(len(b), len(a)), preferA, withOps)
}

// mergeEditLists is merge3 on the two sides' edits of base (side 0 and 1).
func mergeEditLists(base []rune, ea, eb []medit, size int, preferA, withOps bool) ([]rune, []Hunk, []Op) {
	all := append(ea, eb...)
	sortEdits(all)
	out := make([]rune, 0, size)
	var failed []Hunk
	ops := &opsBuilder{on: withOps}
	pos := 0
	for i := 0; i < len(all); {
		// A cluster: edits whose base ranges overlap (an insertion overlaps
		// a range only strictly inside it), or insertions at one point.
		cs, ce := all[i].start, all[i].end
		j := i + 1
		for ; j < len(all); j++ {
			e := all[j]
			insertion := e.start == e.end
			switch {
			case cs == ce && insertion && e.start == cs: // insertions at one point
			case cs < ce && !insertion && e.start < ce:
			case cs < ce && insertion && cs < e.start && e.start < ce:
			default:
				goto done
			}
			ce = max(ce, e.end)
		}
	done:
		cluster := all[i:j]
		i = j
		out = append(out, base[pos:cs]...)
		ops.keep(base[pos:cs])
		pos = ce
		var sides [2][]medit
		for _, e := range cluster {
			sides[e.side] = append(sides[e.side], e)
		}
		region := base[cs:ce]
		start := len(out)
		mineR := region // a's version of the region
		switch {
		case len(sides[0]) == 0:
			out = append(out, apply(region, cs, sides[1])...)
		case len(sides[1]) == 0:
			mineR = apply(region, cs, sides[0])
			out = append(out, mineR...)
		case slices.Equal(apply(region, cs, sides[0]), apply(region, cs, sides[1])):
			mineR = apply(region, cs, sides[0])
			out = append(out, mineR...) // the same change twice
		case !clash(sides[0], sides[1]):
			mineR = apply(region, cs, sides[0])
			out = append(out, anchored(region, cs, cluster)...)
		default:
			// One changed letters of words the other also changed,
			// deleted or rewrote: a conflict.
			theirsR := apply(region, cs, sides[1])
			mineR = apply(region, cs, sides[0])
			keep, lose := theirsR, mineR
			if preferA {
				keep, lose = mineR, theirsR
			}
			out = append(out, keep...)
			if !preferA {
				failed = append(failed, Hunk{Start: start, End: len(out), Base: string(region), Mine: string(lose)})
			}
		}
		ops.change(mineR, out[start:])
	}
	out = append(out, base[pos:]...)
	ops.keep(base[pos:])
	return out, failed, ops.list
}

// opsBuilder collects the ops from one side of a merge to its result, when
// on.
type opsBuilder struct {
	on   bool
	list []Op
}

func (b *opsBuilder) keep(r []rune) {
	if b.on && len(r) > 0 {
		b.list = append(b.list, Op{Op: OpEqual, Text: string(r)})
	}
}

// change records that from became to (a small diff: regions are small).
func (b *opsBuilder) change(from, to []rune) {
	if !b.on {
		return
	}
	if slices.Equal(from, to) {
		b.keep(from)
		return
	}
	b.list = append(b.list, toOps(diffRunes(from, to))...)
}

// mergeEdits lists the changes from base to x for merging, aligned by
// words: both texts are cut into words, each with the white space after
// it, and the words alone are diffed (white space would match white space
// anywhere and pull the alignment apart). So every edit starts and ends
// between words: a character diff would let an insertion before "c4k10"
// start inside it (after the common prefix "c4k1"), where the other side's
// edit of that word would cut it apart. A kept word whose following white
// space changed gives a small edit of that white space. Words replaced by
// words that keep a common part (a run of three letters) are modified: a
// fine edit, refined by a character diff when it is one word for one, so
// two people changing different letters of one long word do not collide.
// Other replacements are words deleted and others written in their place.
// No cleanup: a merge wants the smallest edits.
func mergeEdits(base, x []rune, side int) []medit { return newWords(base).edits(x, side) }

// baseWords is a base text cut into words once, for diffing it against
// both sides of a merge.
type baseWords struct {
	text   []rune
	tokens []wordToken
	starts []int // code point where each token starts; one more at the end
}

func newWords(base []rune) *baseWords {
	b := &baseWords{text: base, tokens: splitWords(string(base))}
	b.starts = make([]int, len(b.tokens)+1)
	for i, t := range b.tokens {
		b.starts[i+1] = b.starts[i] + t.wordLen + t.spaceLen
	}
	return b
}

// edits lists the changes from the base to x (see mergeEdits).
func (b *baseWords) edits(x []rune, side int) []medit {
	// Only the changed middle is compared word by word: the common prefix
	// and suffix, trimmed back to where a word starts in both texts,
	// cannot hold an edit.
	q, kb, kx := wordTrim(b.text, x)
	i, _ := slices.BinarySearch(b.starts, q)
	j, _ := slices.BinarySearch(b.starts, kb)
	es := mergeEditsAt(b.text[q:kb], b.tokens[i:j], x[q:kx], side)
	for k := range es {
		es[k].start += q
		es[k].end += q
	}
	return es
}

// wordTrim returns where the common prefix of a and b ends and where
// their common suffix starts (in a, in b), moved to positions where a word
// starts in both texts, so the texts between are cut into the same words
// as the whole texts are.
func wordTrim(a, b []rune) (prefix, suffixA, suffixB int) {
	wordStart := func(t []rune, i int) bool {
		return i == 0 || i < len(t) && unicode.IsSpace(t[i-1]) && !unicode.IsSpace(t[i])
	}
	p := commonPrefix(a, b)
	for p > 0 && !(wordStart(a, p) && wordStart(b, p)) {
		p--
	}
	s := commonSuffix(a[p:], b[p:])
	ka, kb := len(a)-s, len(b)-s
	for ka < len(a) && !(wordStart(a, ka) && wordStart(b, kb)) {
		ka, kb = ka+1, kb+1
	}
	return p, ka, kb
}

func mergeEditsAt(base []rune, bt []wordToken, x []rune, side int) []medit {
	xt := splitWords(string(x))
	codes := make(map[string]rune, len(bt))
	encode := func(ts []wordToken) ([]rune, bool) {
		out := make([]rune, len(ts))
		for i, t := range ts {
			c, ok := codes[t.word]
			if !ok {
				if len(codes) >= tokenLimit {
					return nil, false
				}
				c = tokenCode(len(codes))
				codes[t.word] = c
			}
			out[i] = c
		}
		return out, true
	}
	cb, ok1 := encode(bt)
	cx, ok2 := encode(xt)
	if !ok1 || !ok2 {
		es := edits(diffRunes(base, x), side)
		for i := range es {
			es[i].fine = true
		}
		return es
	}
	var out []medit
	add := func(e medit) {
		// Contiguous word-level edits are one edit.
		if n := len(out); n > 0 && out[n-1].end == e.start {
			out[n-1].end = e.end
			out[n-1].text = append(out[n-1].text, e.text...)
			return
		}
		out = append(out, e)
	}
	pos, bi, xi := 0, 0, 0 // pos counts code points of base
	for _, d := range diffRunes(cb, cx) {
		switch d.op {
		case opEqual:
			for range d.text {
				b, t := bt[bi], xt[xi]
				pos += b.wordLen
				if b.space != t.space {
					add(medit{start: pos, end: pos + b.spaceLen, text: []rune(t.space), side: side})
				}
				pos += b.spaceLen
				bi, xi = bi+1, xi+1
			}
		case opDelete:
			n := 0
			for range d.text {
				n += bt[bi].wordLen + bt[bi].spaceLen
				bi++
			}
			add(medit{start: pos, end: pos + n, side: side})
			pos += n
		case opInsert:
			var ins []rune
			for range d.text {
				ins = append(append(ins, []rune(xt[xi].word)...), []rune(xt[xi].space)...)
				xi++
			}
			add(medit{start: pos, end: pos, text: ins, side: side})
		}
	}
	return refine(trimSpace(out, base), base, side)
}

// trimSpace turns a change of the white space after a word that keeps
// that space and adds text ("word " to "word  more text") into an
// insertion after the space, so it does not overlap a change of the word
// itself made by the other side. (Word edits keep the space they end
// with: trimming it would let the other side's deletion of that space
// glue two words.)
func trimSpace(es []medit, base []rune) []medit {
	for k := range es {
		e := &es[k]
		for e.start < e.end && len(e.text) > 0 && unicode.IsSpace(base[e.start]) && base[e.start] == e.text[0] {
			e.start++
			e.text = e.text[1:]
		}
	}
	return es
}

// refine turns word-level replacements that modify words (they keep a
// common run of three letters) into fine edits: letter by letter when one
// word replaces one word, else one edit marked fine.
func refine(es []medit, base []rune, side int) []medit {
	var out []medit
	for _, e := range es {
		del := base[e.start:e.end]
		fine := diffRunes(del, e.text)
		if e.start == e.end || len(e.text) == 0 || !sharesWord(fine) {
			out = append(out, e)
			continue
		}
		if countWords(del) == 1 && countWords(e.text) == 1 {
			for _, f := range edits(fine, side) {
				f.start, f.end, f.fine = f.start+e.start, f.end+e.start, true
				out = append(out, f)
			}
			continue
		}
		e.fine = true
		out = append(out, e)
	}
	return out
}

func countWords(s []rune) int {
	n, in := 0, false
	for _, r := range s {
		w := !unicode.IsSpace(r)
		if w && !in {
			n++
		}
		in = w
	}
	return n
}

// wordToken is a word and the white space after it, with their lengths
// in code points; a text that starts with white space starts with a token
// whose word is empty.
type wordToken struct {
	word, space       string
	wordLen, spaceLen int
}

func splitWords(s string) []wordToken {
	out := make([]wordToken, 0, len(s)/6+1)
	for i := 0; i < len(s); {
		var t wordToken
		j := i
		for j < len(s) {
			r, n := utf8.DecodeRuneInString(s[j:])
			if unicode.IsSpace(r) {
				break
			}
			j += n
			t.wordLen++
		}
		k := j
		for k < len(s) {
			r, n := utf8.DecodeRuneInString(s[k:])
			if !unicode.IsSpace(r) {
				break
			}
			k += n
			t.spaceLen++
		}
		t.word, t.space = s[i:j], s[j:k]
		out = append(out, t)
		i = k
	}
	return out
}

// clash: the two sides' overlapping edits cannot both be kept word by
// word: one side changed letters inside words (fine edits) of which the
// other deleted or rewrote some.
func clash(a, b []medit) bool {
	return hasFine(a) && hasRange(b) || hasFine(b) && hasRange(a)
}

// sharesWord: a diff keeps a run of at least three letters or digits (an
// ideograph counts as two), so its change modifies words rather than
// replacing them.
func sharesWord(diffs []rop) bool {
	for _, d := range diffs {
		if d.op != opEqual {
			continue
		}
		run := 0
		for _, r := range d.text {
			if isIdeograph(r) {
				run++ // an ideograph weighs as two letters
			}
			if unicode.IsLetter(r) || unicode.IsDigit(r) {
				if run++; run >= 3 {
					return true
				}
			} else {
				run = 0
			}
		}
	}
	return false
}

func hasFine(es []medit) bool {
	for _, e := range es {
		if e.fine {
			return true
		}
	}
	return false
}

// hasRange: some edit deletes or rewrites text.
func hasRange(es []medit) bool {
	for _, e := range es {
		if e.start != e.end {
			return true
		}
	}
	return false
}

// anchored merges a cluster of word-aligned edits: every code point
// either side deleted goes, and every inserted text stays, anchored where
// its edit starts: insertions before rewrites at one point, current's
// before mine. So an insertion survives a deletion or rewrite around it
// (as in Google Docs), two deletions delete their union, and two rewrites
// of the same words keep both new texts.
func anchored(region []rune, offset int, cluster []medit) []rune {
	gone := make([]bool, len(region)+1)
	var texts []medit
	for _, e := range cluster {
		for i := e.start; i < e.end; i++ {
			gone[i-offset] = true
		}
		if len(e.text) == 0 {
			continue
		}
		if e.start == e.end && unicode.IsSpace(e.text[len(e.text)-1]) {
			// Words (with their space) inserted inside text the other side
			// deleted or rewrote go before its new text, not glued after it.
			for _, r := range cluster {
				if r.side != e.side && r.start < e.start && e.start < r.end {
					e.start, e.end = r.start, r.start
					break
				}
			}
		}
		texts = append(texts, e)
	}
	sortEdits(texts)
	out := make([]rune, 0, len(region))
	k := 0
	for p := 0; p <= len(region); p++ {
		for ; k < len(texts) && texts[k].start-offset == p; k++ {
			out = append(out, texts[k].text...)
		}
		if p < len(region) && !gone[p] {
			out = append(out, region[p])
		}
	}
	return out
}

// sortEdits orders edits by start; at one start, insertions (which go
// before a range that starts there) first, the other side's before mine.
func sortEdits(es []medit) {
	sort.SliceStable(es, func(i, j int) bool {
		x, y := es[i], es[j]
		if x.start != y.start {
			return x.start < y.start
		}
		xi, yi := x.start == x.end, y.start == y.end
		if xi != yi {
			return xi
		}
		return x.side > y.side
	})
}

// apply applies one side's edits (in base order, positions from offset) to
// region.
func apply(region []rune, offset int, es []medit) []rune {
	out := make([]rune, 0, len(region))
	at := 0
	for _, e := range es {
		out = append(out, region[at:e.start-offset]...)
		out = append(out, e.text...)
		at = e.end - offset
	}
	return append(out, region[at:]...)
}
