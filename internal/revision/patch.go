package revision

import (
	"slices"

	"github.com/sergi/go-diff/diffmatchpatch"
)

// Patch is one hunk of a diff-match-patch patch, in code points: the
// changes of Diffs (Ops of kind OpEqual, OpInsert, OpDelete) with equal
// context around them, patchMargin (4) at least, grown while the patch's
// source text is not unique and shorter than matchMaxBits (32). As in
// diff-match-patch, patch lists have a rolling context: Start1 and Start2
// count in the text with the previous patches of the list already applied
// (so for MakePatches they are equal), and Length1 and Length2 are the
// lengths of the patch's source and target texts.
type Patch struct {
	Start1  int  `json:"start1"`
	Start2  int  `json:"start2"`
	Length1 int  `json:"length1"`
	Length2 int  `json:"length2"`
	Diffs   []Op `json:"diffs"`
}

// rpatch is a Patch on runes, as the engine works on it.
type rpatch struct {
	start1, start2, length1, length2 int
	diffs                            []rop
	origin                           int // index of the patch it came from
	baseStart                        int // where its changes start in the original source text (MakePatches only)
}

// MakePatches returns the patches that turn base into edited:
// diff-match-patch's patch_make on code points (a character diff cleaned
// up semantically and for efficiency, changes closer than 2*patchMargin
// grouped, context added). Invalid UTF-8 is read as one U+FFFD per bad byte.
func MakePatches(base, edited string) []Patch {
	rs := makePatches([]rune(base), []rune(edited))
	out := make([]Patch, len(rs))
	for i, p := range rs {
		out[i] = p.public()
	}
	return out
}

// ApplyPatches applies patches to text and reports, per patch, whether it
// applied: diff-match-patch's patch_apply on code points. Each patch is
// looked for near its expected place (bitap, matchThreshold 0.5,
// matchDistance 1000) and applied there even if the text around it changed
// a little. A patch is applied whole or not at all: when one of the pieces
// a long patch is split into (patch_splitMax) cannot apply, the pieces
// already applied are undone and applied[i] is false. Nothing is dropped
// silently: the caller must look at applied.
//
// Where the text around a patch changed, the patch's changes are carried
// across the differences. Two rules keep a fuzzy match from doing harm
// (diff-match-patch has neither): a deletion may remove only the patch's
// own deleted text, not words someone inserted into it meanwhile nor text
// a misplaced match lined up with it (see carryChanges); and no patch may
// delete or insert inside text an earlier patch of the list inserted
// (patches from one diff never overlap). A patch that would break either
// rule does not apply.
//
// The text is padded at both ends so edits at the edges have context. The
// padding is patchMargin private-use code points that occur neither in the
// text nor in any patch (planes 15 and 16 first, then the BMP's private use
// area, then any other code point), and is removed by identity, not by
// position, afterwards: it cannot collide with the text, and a patch that
// lands on or across the padding can lose no real text when it is stripped.
//
// ApplyPatches never panics, whatever the patches hold (their lengths are
// recomputed from their diffs), and always returns valid UTF-8.
func ApplyPatches(patches []Patch, text string) (result string, applied []bool) {
	rs := make([]*rpatch, len(patches))
	for i, p := range patches {
		rs[i] = fromPublic(p, i)
	}
	out, ok := applyPatches(rs, []rune(text))
	return string(out), ok
}

func (p *rpatch) public() Patch {
	ops := make([]Op, len(p.diffs))
	for i, d := range p.diffs {
		ops[i] = Op{Op: opName(d.op), Text: string(d.text)}
	}
	return Patch{Start1: p.start1, Start2: p.start2, Length1: p.length1, Length2: p.length2, Diffs: ops}
}

func fromPublic(p Patch, origin int) *rpatch {
	r := &rpatch{start1: p.Start1, start2: p.Start2, origin: origin}
	for _, o := range p.Diffs {
		if o.Text == "" {
			continue
		}
		d := rop{op: opCode(o.Op), text: []rune(o.Text)}
		if d.op != opInsert {
			r.length1 += len(d.text)
		}
		if d.op != opDelete {
			r.length2 += len(d.text)
		}
		r.diffs = append(r.diffs, d)
	}
	return r
}

func opName(op int8) string {
	switch op {
	case opInsert:
		return OpInsert
	case opDelete:
		return OpDelete
	}
	return OpEqual
}

func opCode(op string) int8 {
	switch op {
	case OpInsert:
		return opInsert
	case OpDelete:
		return opDelete
	}
	return opEqual
}

func toRops(diffs []diffmatchpatch.Diff) []rop {
	out := make([]rop, 0, len(diffs))
	for _, d := range diffs {
		if d.Text == "" {
			continue
		}
		op := opEqual
		switch d.Type {
		case diffmatchpatch.DiffInsert:
			op = opInsert
		case diffmatchpatch.DiffDelete:
			op = opDelete
		}
		out = append(out, rop{op: op, text: []rune(d.Text)})
	}
	return out
}

// makePatches is patch_make(text1, text2): diff, clean up, group.
func makePatches(a, b []rune) []*rpatch {
	if slices.Equal(a, b) {
		return nil
	}
	diffs := diffRunes(a, b)
	if len(diffs) > 2 {
		cleaned := cleanupEfficiency(cleanupSemantic(slices.Clone(diffs), nil))
		if rebuildsR(cleaned, a, b) {
			diffs = cleaned
		}
	}
	return makePatchesFromDiffs(a, b, diffs)
}

// makePatchesFromDiffs is patch_make(text1, diffs). b is the target text of
// diffs, used to build the rolling "prepatch" text without re-splicing.
func makePatchesFromDiffs(a, b []rune, diffs []rop) []*rpatch {
	var patches []*rpatch
	p := &rpatch{}
	count1, count2 := 0, 0 // position in the prepatch and target texts
	real1 := 0             // position in a
	// The prepatch text is a with the finished patches applied.
	prepatch := a
	for i, d := range diffs {
		n := len(d.text)
		if len(p.diffs) == 0 && d.op != opEqual {
			// A new patch starts here.
			p.start1, p.start2, p.baseStart = count1, count2, real1
		}
		switch d.op {
		case opInsert:
			p.diffs = append(p.diffs, d)
			p.length2 += n
		case opDelete:
			p.diffs = append(p.diffs, d)
			p.length1 += n
		default:
			if n <= 2*patchMargin && len(p.diffs) > 0 && i != len(diffs)-1 {
				// A small equality inside a patch.
				p.diffs = append(p.diffs, d)
				p.length1 += n
				p.length2 += n
			} else if n >= 2*patchMargin && len(p.diffs) > 0 {
				// Time for a new patch.
				addContext(p, prepatch)
				patches = append(patches, p)
				p = &rpatch{}
				// Rolling context: the next patches count in the text
				// with this one applied.
				prepatch = concat(b[:count2], a[real1:])
				count1 = count2
			}
		}
		if d.op != opInsert {
			count1 += n
			real1 += n
		}
		if d.op != opDelete {
			count2 += n
		}
	}
	if len(p.diffs) > 0 {
		addContext(p, prepatch)
		patches = append(patches, p)
	}
	for i, p := range patches {
		p.origin = i
	}
	return patches
}

// addContext grows the context of p until its source text is unique in
// text (or matchMaxBits is reached), then adds patchMargin more for luck:
// patch_addContext.
func addContext(p *rpatch, text []rune) {
	if len(text) == 0 {
		return
	}
	clamp := func(i int) int { return max(0, min(i, len(text))) }
	s2, l1 := clamp(p.start2), p.length1
	pattern := text[s2:clamp(s2+l1)]
	padding := 0
	// Look for the first and last matches of pattern in text. If two
	// different matches are found, increase the pattern length.
	for occursTwice(text, pattern) && len(pattern) < matchMaxBits-2*patchMargin {
		padding += patchMargin
		pattern = text[clamp(s2-padding):clamp(s2+l1+padding)]
	}
	padding += patchMargin // one chunk for good luck
	prefix := text[clamp(s2-padding):s2]
	suffix := text[clamp(s2+l1):clamp(s2+l1+padding)]
	if len(prefix) > 0 {
		p.diffs = append([]rop{{op: opEqual, text: slices.Clone(prefix)}}, p.diffs...)
	}
	if len(suffix) > 0 {
		p.diffs = append(p.diffs, rop{op: opEqual, text: slices.Clone(suffix)})
	}
	p.start1 -= len(prefix)
	p.start2 -= len(prefix)
	p.length1 += len(prefix) + len(suffix)
	p.length2 += len(prefix) + len(suffix)
}

// occursTwice reports whether pattern occurs in text more than once
// (diff-match-patch's indexOf != lastIndexOf, in one pass).
func occursTwice(text, pattern []rune) bool {
	if len(pattern) == 0 {
		return len(text) > 0
	}
	first := indexRunes(text, pattern, 0)
	return first != -1 && indexRunes(text, pattern, first+1) != -1
}

// clonePatches deep-copies patches so that applying them changes nothing the
// caller holds.
func clonePatches(ps []*rpatch) []*rpatch {
	out := make([]*rpatch, 0, len(ps))
	for _, p := range ps {
		c := *p
		c.diffs = make([]rop, len(p.diffs))
		for i, d := range p.diffs {
			c.diffs[i] = rop{op: d.op, text: slices.Clone(d.text)}
		}
		out = append(out, &c)
	}
	return out
}

// splitMax breaks patches whose source is longer than matchMaxBits into
// pieces bitap can match, each with patchMargin of context: patch_splitMax.
// Pieces keep the origin of their patch; pieces without changes are dropped.
func splitMax(ps []*rpatch) []*rpatch {
	const size = matchMaxBits
	out := make([]*rpatch, 0, len(ps))
	for _, big := range ps {
		if big.length1 <= size {
			out = append(out, big)
			continue
		}
		start1, start2 := big.start1, big.start2
		var precontext []rune
		diffs := big.diffs
		for len(diffs) > 0 {
			p := &rpatch{origin: big.origin, baseStart: big.baseStart}
			empty := true
			p.start1 = start1 - len(precontext)
			p.start2 = start2 - len(precontext)
			if len(precontext) > 0 {
				p.length1, p.length2 = len(precontext), len(precontext)
				p.diffs = append(p.diffs, rop{op: opEqual, text: precontext})
			}
			for len(diffs) > 0 && p.length1 < size-patchMargin {
				d := diffs[0]
				switch {
				case d.op == opInsert:
					// Insertions are harmless.
					p.length2 += len(d.text)
					start2 += len(d.text)
					p.diffs = append(p.diffs, d)
					diffs = diffs[1:]
					empty = false
				case d.op == opDelete && len(p.diffs) == 1 && p.diffs[0].op == opEqual && len(d.text) > 2*size:
					// A large deletion: let it pass in one chunk.
					p.length1 += len(d.text)
					start1 += len(d.text)
					p.diffs = append(p.diffs, d)
					diffs = diffs[1:]
					empty = false
				default:
					// Deletion or equality: only take as much as fits.
					n := min(len(d.text), size-p.length1-patchMargin)
					p.length1 += n
					start1 += n
					if d.op == opEqual {
						p.length2 += n
						start2 += n
					} else {
						empty = false
					}
					p.diffs = append(p.diffs, rop{op: d.op, text: d.text[:n:n]})
					if n == len(d.text) {
						diffs = diffs[1:]
					} else {
						// Copy the head so the remainder does not alias
						// what this piece holds.
						diffs = append([]rop{{op: d.op, text: d.text[n:]}}, diffs[1:]...)
					}
				}
			}
			// The head context of the next piece.
			precontext = text2(p.diffs)
			precontext = slices.Clone(precontext[max(0, len(precontext)-patchMargin):])
			// The tail context of this piece.
			var postcontext []rune
			for _, d := range diffs {
				if len(postcontext) >= patchMargin {
					break
				}
				if d.op != opInsert {
					postcontext = append(postcontext, d.text[:min(len(d.text), patchMargin-len(postcontext))]...)
				}
			}
			if len(postcontext) > 0 {
				p.length1 += len(postcontext)
				p.length2 += len(postcontext)
				if last := len(p.diffs) - 1; last >= 0 && p.diffs[last].op == opEqual {
					p.diffs[last].text = concat(p.diffs[last].text, postcontext)
				} else {
					p.diffs = append(p.diffs, rop{op: opEqual, text: postcontext})
				}
			}
			if !empty {
				out = append(out, p)
			}
		}
	}
	return out
}

// choosePadding returns patchMargin code points that occur neither in text
// nor in any patch: private-use code points (planes 15 and 16, then the
// BMP's area), and only if a text holds all of those, any other code point.
func choosePadding(text []rune, ps []*rpatch) []rune {
	isPUA := func(r rune) bool {
		return (0xE000 <= r && r <= 0xF8FF) || r >= 0xF0000
	}
	var used map[rune]bool // private-use code points present (rare)
	note := func(rs []rune) {
		for _, r := range rs {
			if isPUA(r) {
				if used == nil {
					used = make(map[rune]bool)
				}
				used[r] = true
			}
		}
	}
	note(text)
	for _, p := range ps {
		for _, d := range p.diffs {
			note(d.text)
		}
	}
	pad := make([]rune, 0, patchMargin)
	ranges := [][2]rune{{0xF0000, 0xFFFFD}, {0x100000, 0x10FFFD}, {0xE000, 0xF8FF}}
	for _, rg := range ranges {
		for r := rg[0]; r <= rg[1] && len(pad) < patchMargin; r++ {
			if !used[r] {
				pad = append(pad, r)
			}
		}
	}
	if len(pad) == patchMargin {
		return pad
	}
	// Every private-use code point is taken: look at all of them.
	all := make(map[rune]bool)
	for _, r := range text {
		all[r] = true
	}
	for _, p := range ps {
		for _, d := range p.diffs {
			for _, r := range d.text {
				all[r] = true
			}
		}
	}
	for r := rune(1); len(pad) < patchMargin; r++ {
		if (r < surrogateMin || r > surrogateMax) && !all[r] && !isPUA(r) && !slices.Contains(pad, r) {
			pad = append(pad, r)
		}
	}
	return pad
}

// addPadding adds pad as context at the start of the first patch and the end
// of the last, and shifts every patch by its length: patch_addPadding.
func addPadding(ps []*rpatch, pad []rune) {
	n := len(pad)
	for _, p := range ps {
		p.start1 += n
		p.start2 += n
	}
	first := ps[0]
	if len(first.diffs) == 0 || first.diffs[0].op != opEqual {
		first.diffs = append([]rop{{op: opEqual, text: slices.Clone(pad)}}, first.diffs...)
		first.start1 -= n
		first.start2 -= n
		first.length1 += n
		first.length2 += n
	} else if k := len(first.diffs[0].text); n > k {
		extra := n - k
		first.diffs[0].text = concat(pad[k:], first.diffs[0].text)
		first.start1 -= extra
		first.start2 -= extra
		first.length1 += extra
		first.length2 += extra
	}
	last := ps[len(ps)-1]
	if m := len(last.diffs); m == 0 || last.diffs[m-1].op != opEqual {
		last.diffs = append(last.diffs, rop{op: opEqual, text: slices.Clone(pad)})
		last.length1 += n
		last.length2 += n
	} else if k := len(last.diffs[m-1].text); n > k {
		extra := n - k
		last.diffs[m-1].text = concat(last.diffs[m-1].text, pad[:extra])
		last.length1 += extra
		last.length2 += extra
	}
}

// edit is one splice of the working text, kept to undo a patch.
type edit struct {
	at      int
	removed []rune
	added   int
}

// span is a range [start, end) of the working text.
type span struct{ start, end int }

// applier holds the working text of applyPatches.
type applier struct {
	text  []rune
	delta int    // how far the last match was from where it was expected
	undo  []edit // splices of the patch being applied
	// inserted holds the text the applied patches inserted. Patches made
	// from one diff never overlap, so no later patch may delete or insert
	// inside it: if a fuzzy match says otherwise, it is the wrong place.
	inserted []span
}

// splice replaces text[i:j] with ins, clamping i and j into the text, and
// keeps the inserted spans in place.
func (a *applier) splice(i, j int, ins []rune) {
	i = max(0, min(i, len(a.text)))
	j = max(i, min(j, len(a.text)))
	a.undo = append(a.undo, edit{at: i, removed: slices.Clone(a.text[i:j]), added: len(ins)})
	a.text = slices.Replace(a.text, i, j, ins...)
	shift := len(ins) - (j - i)
	for k := range a.inserted {
		if s := &a.inserted[k]; s.start >= j && (s.start > i || i == j) {
			s.start += shift
			s.end += shift
		}
	}
	if len(ins) > 0 {
		a.inserted = append(a.inserted, span{i, i + len(ins)})
	}
}

// intrudes reports whether deleting text[i:j], or inserting at i if i == j,
// would change text an applied patch inserted.
func (a *applier) intrudes(i, j int) bool {
	for _, s := range a.inserted {
		if i == j && s.start < i && i < s.end || i < j && i < s.end && s.start < j {
			return true
		}
	}
	return false
}

func (a *applier) rollback() {
	for k := len(a.undo) - 1; k >= 0; k-- {
		e := a.undo[k]
		a.text = slices.Replace(a.text, e.at, e.at+e.added, e.removed...)
	}
	a.undo = a.undo[:0]
}

// applyPatches is patch_apply on runes, one patch (all its pieces) at a
// time. The patches are copied first.
func applyPatches(patches []*rpatch, text []rune) ([]rune, []bool) {
	applied := make([]bool, len(patches))
	for i := range applied {
		applied[i] = true
	}
	if len(patches) == 0 {
		return text, applied
	}
	ps := clonePatches(patches)
	for i, p := range ps {
		p.origin = i
	}
	pad := choosePadding(text, ps)
	addPadding(ps, pad)
	a := &applier{text: make([]rune, 0, len(text)+2*len(pad)+64)}
	a.text = append(append(append(a.text, pad...), text...), pad...)
	pieces := splitMax(ps)

	for i := 0; i < len(pieces); {
		origin := pieces[i].origin
		j := i
		for j < len(pieces) && pieces[j].origin == origin {
			j++
		}
		saved, savedInserted := a.delta, slices.Clone(a.inserted)
		a.undo = a.undo[:0]
		ok := true
		for _, p := range pieces[i:j] {
			if !a.applyOne(p) {
				ok = false
				break
			}
		}
		if !ok {
			a.rollback()
			a.inserted = savedInserted
			p := ps[origin]
			a.delta = saved - (p.length2 - p.length1)
			applied[origin] = false
		}
		i = j
	}

	// Strip the padding by identity: wherever patches put it, only the
	// padding code points go.
	out := a.text[:0]
	for _, r := range a.text {
		if !slices.Contains(pad, r) {
			out = append(out, r)
		}
	}
	return out, applied
}

// applyOne applies one piece (at most matchMaxBits of source, or a large
// deletion) to the working text.
func (a *applier) applyOne(p *rpatch) bool {
	expected := p.start2 + a.delta
	t1 := text1(p.diffs)
	startLoc, endLoc := -1, -1
	if len(t1) > matchMaxBits {
		// Only a monster deletion is this long: match its two ends.
		startLoc = matchMain(a.text, t1[:matchMaxBits], expected)
		if startLoc != -1 {
			endLoc = matchMain(a.text, t1[len(t1)-matchMaxBits:], expected+len(t1)-matchMaxBits)
			if endLoc == -1 || startLoc >= endLoc {
				startLoc = -1 // the two ends do not make a sensible match
			}
		}
	} else {
		startLoc = matchMain(a.text, t1, expected)
	}
	if startLoc == -1 {
		return false
	}
	a.delta = startLoc - expected
	end := startLoc + len(t1)
	if endLoc != -1 {
		end = endLoc + matchMaxBits
	}
	end = min(end, len(a.text))
	found := a.text[startLoc:end]
	var diffs []rop
	if slices.Equal(t1, found) {
		diffs = []rop{{op: opEqual, text: t1}} // a perfect match
	} else {
		// An imperfect match: diff what the patch expected with what is
		// there and carry each change across.
		diffs = diffRunes(t1, slices.Clone(found))
		if len(t1) > matchMaxBits && float64(levenshtein(diffs))/float64(len(t1)) > patchDeleteThreshold {
			return false // the end points match but the content is unacceptably bad
		}
		diffs = cleanupLossless(diffs)
	}
	changes, ok := carryChanges(p.diffs, diffs, len(found))
	if !ok {
		return false
	}
	for _, c := range changes {
		if a.intrudes(startLoc+c.at, startLoc+c.end) {
			return false
		}
	}
	// Right to left, so that each change leaves the places of those before
	// it alone.
	for k := len(changes) - 1; k >= 0; k-- {
		c := changes[k]
		a.splice(startLoc+c.at, startLoc+c.end, c.ins)
	}
	return true
}

// change replaces found[at:end] with ins.
type change struct {
	at, end int
	ins     []rune
}

// carryChanges maps the changes of a patch (mods, on its source text) onto
// the text found where it matched, through diffs (source -> found). Unlike
// diff-match-patch, which walks the mods with a running index that counts
// earlier insertions as if they were source text, the places are computed
// in the found text's own coordinates, before anything changes.
//
// It also refuses (ok false) a deletion that would remove anything but the
// patch's own deleted text: text inserted there meanwhile, or text the
// fuzzy match lined up wrongly. diff-match-patch deletes whatever lies
// between the mapped ends, which can eat other people's words or, when a
// piece matched at the wrong place, letters of an unrelated word; here the
// patch fails and the caller keeps the user's text instead. Text that was
// already deleted is fine: there is nothing left to delete.
func carryChanges(mods, diffs []rop, foundLen int) (changes []change, ok bool) {
	// align[k] is the source index that found[k] is equal to, or -1.
	align := make([]int, foundLen)
	i1, i2 := 0, 0
	for _, d := range diffs {
		n := len(d.text)
		switch d.op {
		case opEqual:
			for k := 0; k < n && i2+k < foundLen; k++ {
				align[i2+k] = i1 + k
			}
			i1 += n
			i2 += n
		case opDelete:
			i1 += n
		case opInsert:
			for k := 0; k < n && i2+k < foundLen; k++ {
				align[i2+k] = -1
			}
			i2 += n
		}
	}
	p1 := 0 // position in the patch's source text
	for _, mod := range mods {
		n := len(mod.text)
		switch mod.op {
		case opEqual:
			p1 += n
		case opDelete:
			// Text inserted meanwhile right at either end of the deletion
			// stays: the start maps after it, the end before it.
			xs := min(xIndex(diffs, p1), foundLen)
			xe := max(xs, min(xIndexLeft(diffs, p1+n), foundLen))
			for k := xs; k < xe; k++ {
				if align[k] < p1 || align[k] >= p1+n {
					return nil, false
				}
			}
			changes = append(changes, change{at: xs, end: xe})
			p1 += n
		case opInsert:
			x := min(xIndex(diffs, p1), foundLen)
			changes = append(changes, change{at: x, end: x, ins: mod.text})
		}
	}
	return changes, true
}

// cleanupLossless aligns the edits of diffs to word boundaries, keeping
// the result only if it is still exact.
func cleanupLossless(diffs []rop) []rop {
	if len(diffs) < 3 {
		return diffs
	}
	cleaned := cleanupLosslessR(dropEmpty(slices.Clone(diffs)), nil)
	if !rebuildsR(cleaned, text1(diffs), text2(diffs)) {
		return diffs
	}
	return cleaned
}
