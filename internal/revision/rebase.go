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
	base, mine, current = sanitize(base), sanitize(mine), sanitize(current)
	ours, okOurs := changesFrom(mineDelta, base, mine)
	if base == current && okOurs {
		return Live{Text: mine, Ack: Keep(mine), Forward: mineDelta, Undo: undoOf(base, ours)}
	}
	if base != current && mine != current && mine != base && okOurs {
		if theirs, ok := changesFrom(baseToCurrent, base, current); ok {
			if l, ok := sweep(base, ours, theirs); ok {
				return l
			}
			// Not apart: the word-aligned merge decides, with each side's
			// words compared only where its delta changed them.
			br := []rune(base)
			out, failed, ops := mergeEditLists(br, localEdits(br, ours, 0), localEdits(br, theirs, 1), len(br), false, true)
			return Live{Text: string(out), Failed: failed, Ack: encodeOps(ops)}
		}
	}
	merged, failed, ack := MergeAck(base, mine, current)
	return Live{Text: merged, Failed: failed, Ack: ack}
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
func changesFrom(delta, base, want string) ([]sideChange, bool) {
	ops, err := parseDelta(delta)
	if err != nil {
		return nil, false
	}
	var out []sideChange
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

// sweep applies ours and theirs, both changes of base, when they are
// apart, and builds the deltas of Live in the same pass.
func sweep(base string, ours, theirs []sideChange) (Live, bool) {
	// Apart: no change of one side touches a word that one of the other
	// touches (those are what the word-aligned merge decides about).
	for i, j := 0, 0; i < len(ours) && j < len(theirs); {
		as, ae := wordsAround(base, ours[i])
		bs, be := wordsAround(base, theirs[j])
		if as <= be && bs <= ae {
			return Live{}, false
		}
		if ae < bs {
			i++
		} else {
			j++
		}
	}
	var out strings.Builder
	grow := len(base)
	for _, c := range ours {
		grow += len(c.text)
	}
	for _, c := range theirs {
		grow += len(c.text)
	}
	out.Grow(grow)
	var ack, fwd, undo []dop
	pos, bpos := 0, 0
	for i, j := 0, 0; i < len(ours) || j < len(theirs); {
		if j >= len(theirs) || i < len(ours) && ours[i].start < theirs[j].start {
			s := ours[i]
			gap := s.start - pos
			out.WriteString(base[bpos:s.bs])
			out.WriteString(s.text)
			ack = append(ack, dop{kind: '=', n: gap + s.n})
			fwd = append(fwd, dop{kind: '=', n: gap}, dop{kind: '-', n: s.end - s.start}, dop{'+', s.n, s.text})
			undo = append(undo, dop{kind: '=', n: gap}, dop{kind: '-', n: s.n}, dop{'+', s.end - s.start, base[s.bs:s.be]})
			pos, bpos = s.end, s.be
			i++
			continue
		}
		s := theirs[j]
		gap := s.start - pos
		out.WriteString(base[bpos:s.bs])
		out.WriteString(s.text)
		ack = append(ack, dop{kind: '=', n: gap}, dop{kind: '-', n: s.end - s.start}, dop{'+', s.n, s.text})
		fwd = append(fwd, dop{kind: '=', n: gap + s.n})
		undo = append(undo, dop{kind: '=', n: gap + s.n})
		pos, bpos = s.end, s.be
		j++
	}
	out.WriteString(base[bpos:])
	tail := dop{kind: '=', n: utf8.RuneCountInString(base[bpos:])}
	return Live{Text: out.String(), Ack: formatDelta(append(ack, tail)), Forward: formatDelta(append(fwd, tail)),
		Undo: formatDelta(append(undo, tail))}, true
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
