package revision

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// Live is a merge of a live edit, with the deltas a room and the edit log
// need, so that none has to be found by a diff.
type Live struct {
	Text   string
	Failed []Hunk
	// Ack takes mine to Text. Forward takes current to Text and Undo
	// back; both "" when unknown (the caller diffs).
	Ack, Forward, Undo string
}

// MergeLive merges mine (base changed by mineDelta) onto current (base
// changed by baseToCurrent, the edit log's deltas since base, composed).
// Both sides' changes are read from their deltas instead of found by a
// diff, whose cost grows with every scattered change. When the changes are
// apart (no change touches a word another touches), one sweep applies
// both; otherwise it is MergeAck. Deltas that do not lead from base to
// mine and current are not trusted: the texts decide.
func MergeLive(base, mine, current, mineDelta, baseToCurrent string) Live {
	return MergeLiveRun(base, mine, current, mineDelta, RunOf(baseToCurrent))
}

// MergeLiveRun is MergeLive with the others' changes held parsed (a
// DeltaLog's Run): a room's edit is hundreds of changes behind, which
// were formatted and parsed again for every edit.
func MergeLiveRun(base, mine, current, mineDelta string, baseToCurrent Run) Live {
	base, mine, current = sanitize(base), sanitize(mine), sanitize(current)
	if l, ok := mergeChanges(base, mine, current, mineDelta, baseToCurrent, false); ok {
		return l
	}
	merged, failed, ack := MergeAck(base, mine, current)
	return Live{Text: merged, Failed: failed, Ack: ack}
}

// RebaseLive is Rebase (local changes carried onto remote, local winning
// where both changed the same words) given both sides' deltas from base:
// the changes are read from them, as MergeLive reads them, instead of
// found by diffing whole texts. A client rebases its typing this way on
// every acknowledgement that arrives while it types.
func RebaseLive(base, local, remote, localDelta, remoteDelta string) string {
	base, local, remote = sanitize(base), sanitize(local), sanitize(remote)
	if l, ok := mergeChanges(base, local, remote, localDelta, RunOf(remoteDelta), true); ok {
		return l.Text
	}
	return Rebase(base, local, remote)
}

// mergeChanges merges mine onto current, both base changed by their
// deltas; false when a delta does not lead from base to its text (the
// texts decide then). When the changes are apart (no change touches a
// word another touches), one sweep applies both; otherwise the
// word-aligned merge decides, with each side's words compared only where
// its delta changed them. With preferMine, mine wins clashes and none is
// reported (a rebase); Ack is then not built.
func mergeChanges(base, mine, current, mineDelta string, theirsDelta Run, preferMine bool) (Live, bool) {
	ours, ok := changesFrom(RunOf(mineDelta), base, mine)
	if !ok {
		return Live{}, false
	}
	switch {
	case base == current:
		return Live{Text: mine, Ack: Keep(mine), Forward: mineDelta, Undo: undoOf(base, ours)}, true
	case mine == current:
		return Live{}, false // nothing to merge: the texts decide at once
	}
	theirs, ok := changesFrom(theirsDelta, base, current)
	if !ok {
		return Live{}, false
	}
	if mine == base {
		// Nothing of mine: the others' changes are what the user lacks.
		return Live{Text: current, Ack: theirsDelta.String()}, true
	}
	return sweep(base, ours, theirs, preferMine), true
}

// localEdits finds the word-aligned edits (as mergeEdits finds them) of
// base changed by cs, comparing words only around each change: each change
// is widened to the tokens (a word and the space after it) it touches,
// changes whose widened windows meet are taken together, and each window
// is diffed by words alone.
func localEdits(base []rune, cs []sideChange, side int) []medit {
	boundary := func(p int) bool {
		return p == 0 || p == len(base) || unicode.IsSpace(base[p-1]) && !unicode.IsSpace(base[p])
	}
	var out []medit
	window := func(from, to int, members []sideChange) {
		var x []rune
		pos := from
		for _, c := range members {
			x = append(append(x, base[pos:c.start]...), []rune(c.text)...)
			pos = c.end
		}
		x = append(x, base[pos:to]...)
		win := base[from:to]
		for _, e := range mergeEditsAt(win, splitWords(string(win)), x, side) {
			e.start, e.end = e.start+from, e.end+from
			out = append(out, e)
		}
	}
	var members []sideChange
	from, to := 0, 0
	for _, c := range cs {
		s, t := c.start, c.end
		for !boundary(s) {
			s--
		}
		for !boundary(t) {
			t++
		}
		if len(members) > 0 && s <= to {
			members, to = append(members, c), max(to, t)
			continue
		}
		if len(members) > 0 {
			window(from, to, members)
		}
		members, from, to = []sideChange{c}, s, t
	}
	if len(members) > 0 {
		window(from, to, members)
	}
	return out
}

// MergeAlong is MergeLive without the user's delta (a REST write).
func MergeAlong(base, mine, current, baseToCurrent string) (merged string, failed []Hunk, ack string) {
	l := MergeLive(base, mine, current, Delta(base, mine), baseToCurrent)
	return l.Text, l.Failed, l.Ack
}

// sideChange is a change of base: base[start:end] (code points; bs:be in
// bytes) replaced by text, of n code points.
type sideChange struct {
	start, end int
	bs, be     int
	text       string
	n          int
}

// changesFrom reads the changes of base that delta makes, if it makes
// want from base. It walks the three strings once, comparing as it goes:
// no text is built or converted (this runs for every live edit).
func changesFrom(delta Run, base, want string) ([]sideChange, bool) {
	if delta.bad {
		return nil, false
	}
	ops := delta.ops
	out := make([]sideChange, 0, len(ops)/2+1)
	var cur *sideChange
	cp, at, w := 0, 0, 0 // code points and bytes of base, bytes of want
	for _, o := range ops {
		switch o.kind {
		case '=':
			if cur != nil {
				out, cur = append(out, *cur), nil
			}
			next, ok := skipRunes(base, at, o.n)
			if !ok || !strings.HasPrefix(want[w:], base[at:next]) {
				return nil, false
			}
			w, at, cp = w+next-at, next, cp+o.n
		case '-':
			if cur == nil {
				cur = &sideChange{start: cp, end: cp, bs: at, be: at}
			}
			next, ok := skipRunes(base, at, o.n)
			if !ok {
				return nil, false
			}
			at, cp = next, cp+o.n
			cur.end, cur.be = cp, at
		case '+':
			if cur == nil {
				cur = &sideChange{start: cp, end: cp, bs: at, be: at}
			}
			if !strings.HasPrefix(want[w:], o.text) {
				return nil, false
			}
			w += len(o.text)
			cur.text += o.text
			cur.n += o.n
		}
	}
	if cur != nil {
		out = append(out, *cur)
	}
	return out, at == len(base) && w == len(want)
}

// undoOf is the delta that takes base changed by cs back to base.
func undoOf(base string, cs []sideChange) string {
	var ops []dop
	pos := 0
	for _, c := range cs {
		ops = append(ops, dop{kind: '=', n: c.start - pos}, dop{kind: '-', n: c.n},
			dop{'+', c.end - c.start, base[c.bs:c.be]})
		pos = c.end
	}
	ops = append(ops, dop{kind: '=', n: utf8.RuneCountInString(base[lastEnd(cs):])})
	return formatDelta(ops)
}

// lastEnd is the byte where the last change ends (0 for none).
func lastEnd(cs []sideChange) int {
	if len(cs) == 0 {
		return 0
	}
	return cs[len(cs)-1].be
}

// sweep merges ours and theirs, both changes of base, in one pass that
// also builds the deltas of Live. Changes are grouped where the tokens
// (a word and the white space after it) they touch meet, as localEdits
// groups one side's; a group where no change of one side touches a word
// that one of the other touches is applied as it is, and only the others
// go to the word-aligned merge, on the words of that group alone. So the
// cost is the length of the text once plus the groups where people typed
// into each other's words, however many changes lie apart.
func sweep(base string, ours, theirs []sideChange, preferMine bool) Live {
	all := make([]sided, 0, len(ours)+len(theirs))
	for i, j := 0, 0; i < len(ours) || j < len(theirs); {
		// By start; at one start, theirs first (as the merge orders
		// insertions at one point).
		if j >= len(theirs) || i < len(ours) && ours[i].start < theirs[j].start {
			all = append(all, sided{ours[i], 0})
			i++
		} else {
			all = append(all, sided{theirs[j], 1})
			j++
		}
	}
	var out strings.Builder
	grow := len(base)
	for _, c := range all {
		grow += len(c.text)
	}
	out.Grow(grow)
	ack, fwd, undo := make([]dop, 0, 3*len(all)+1), make([]dop, 0, 3*len(all)+1), make([]dop, 0, 3*len(all)+1)
	var failed []Hunk
	pos, bpos, outN := 0, 0, 0 // code points and bytes of base read, code points written
	for k := 0; k < len(all); {
		// A group: changes whose tokens (a word and the white space after
		// it) meet, one after another, as localEdits groups one side's.
		s0, e0 := tokenStart(base, all[k].bs), tokenEnd(base, all[k].be)
		n := k + 1
		for ; n < len(all) && tokenStart(base, all[n].bs) <= e0; n++ {
			e0 = max(e0, tokenEnd(base, all[n].be))
		}
		group := all[k:n]
		k = n
		if !meet(base, group) {
			for _, c := range group {
				gap := c.start - pos
				out.WriteString(base[bpos:c.bs])
				out.WriteString(c.text)
				outN += gap + c.n
				if c.side == 0 {
					ack = append(ack, dop{kind: '=', n: gap + c.n})
					fwd = append(fwd, dop{kind: '=', n: gap}, dop{kind: '-', n: c.end - c.start}, dop{'+', c.n, c.text})
					undo = append(undo, dop{kind: '=', n: gap}, dop{kind: '-', n: c.n}, dop{'+', c.end - c.start, base[c.bs:c.be]})
				} else {
					ack = append(ack, dop{kind: '=', n: gap}, dop{kind: '-', n: c.end - c.start}, dop{'+', c.n, c.text})
					fwd = append(fwd, dop{kind: '=', n: gap + c.n})
					undo = append(undo, dop{kind: '=', n: gap + c.n})
				}
				pos, bpos = c.end, c.be
			}
			continue
		}
		// Both sides: merge the group's words, from token boundaries so
		// that they are cut into words as the whole text is.
		rs, re := s0, e0
		gap := utf8.RuneCountInString(base[bpos:rs])
		region := []rune(base[rs:re])
		regionAt := pos + gap // code point of base where region starts
		var sides [2][]sideChange
		for _, c := range group {
			c.start, c.end = c.start-regionAt, c.end-regionAt
			sides[c.side] = append(sides[c.side], c.sideChange)
		}
		merged, hunks, ops := mergeEditLists(region, localEdits(region, sides[0], 0), localEdits(region, sides[1], 1), len(region), preferMine, true)
		theirsR := applySide(region, sides[1])
		out.WriteString(base[bpos:rs])
		out.WriteString(string(merged))
		for _, h := range hunks {
			h.Start, h.End = h.Start+outN+gap, h.End+outN+gap
			failed = append(failed, h)
		}
		ack = append(append(ack, dop{kind: '=', n: gap}), opsToDops(ops)...)
		fwd = append(append(fwd, dop{kind: '=', n: gap}), opsToDops(toOps(diffRunes(theirsR, merged)))...)
		undo = append(append(undo, dop{kind: '=', n: gap}), opsToDops(toOps(diffRunes(merged, theirsR)))...)
		outN += gap + len(merged)
		pos, bpos = regionAt+len(region), re
	}
	out.WriteString(base[bpos:])
	tail := dop{kind: '=', n: utf8.RuneCountInString(base[bpos:])}
	return Live{Text: out.String(), Failed: failed, Ack: formatDelta(append(ack, tail)), Forward: formatDelta(append(fwd, tail)),
		Undo: formatDelta(append(undo, tail))}
}

// meet says whether a change of one side in group touches a word that a
// change of the other side touches (else both apply as they are).
func meet(base string, group []sided) bool {
	var sides [2][]sided
	for _, c := range group {
		sides[c.side] = append(sides[c.side], c)
	}
	ours, theirs := sides[0], sides[1]
	for i, j := 0, 0; i < len(ours) && j < len(theirs); {
		as, ae := wordsAround(base, ours[i].sideChange)
		bs, be := wordsAround(base, theirs[j].sideChange)
		if as <= be && bs <= ae {
			return true
		}
		if ae < bs {
			i++
		} else {
			j++
		}
	}
	return false
}

// sided is a change and the side that made it (0 mine, 1 theirs).
type sided struct {
	sideChange
	side int
}

// applySide is region (runes) changed by cs (code points of region).
func applySide(region []rune, cs []sideChange) []rune {
	out := make([]rune, 0, len(region))
	pos := 0
	for _, c := range cs {
		out = append(append(out, region[pos:c.start]...), []rune(c.text)...)
		pos = c.end
	}
	return append(out, region[pos:]...)
}

// opsToDops turns diff operations into delta operations.
func opsToDops(ops []Op) []dop {
	out := make([]dop, 0, len(ops))
	for _, o := range ops {
		n := utf8.RuneCountInString(o.Text)
		switch o.Op {
		case OpEqual:
			out = append(out, dop{kind: '=', n: n})
		case OpDelete:
			out = append(out, dop{kind: '-', n: n})
		case OpInsert:
			out = append(out, dop{'+', n, o.Text})
		}
	}
	return out
}

// tokenStart moves a byte offset of text back to where a token (a word
// and the white space after it) starts; tokenEnd moves it on to where the
// next one starts.
func tokenStart(text string, i int) int {
	for i > 0 && !tokenBoundary(text, i) {
		_, size := utf8.DecodeLastRuneInString(text[:i])
		i -= size
	}
	return i
}

func tokenEnd(text string, i int) int {
	for i < len(text) && !tokenBoundary(text, i) {
		_, size := utf8.DecodeRuneInString(text[i:])
		i += size
	}
	return i
}

func tokenBoundary(text string, i int) bool {
	if i == 0 || i == len(text) {
		return true
	}
	before, _ := utf8.DecodeLastRuneInString(text[:i])
	after, _ := utf8.DecodeRuneInString(text[i:])
	return unicode.IsSpace(before) && !unicode.IsSpace(after)
}

// wordsAround widens a change to the words it touches, in bytes.
func wordsAround(text string, c sideChange) (int, int) {
	s, e := c.bs, c.be
	for s > 0 {
		r, size := utf8.DecodeLastRuneInString(text[:s])
		if unicode.IsSpace(r) {
			break
		}
		s -= size
	}
	for e < len(text) {
		r, size := utf8.DecodeRuneInString(text[e:])
		if unicode.IsSpace(r) {
			break
		}
		e += size
	}
	return s, e
}
