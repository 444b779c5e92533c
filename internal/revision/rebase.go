package revision

import (
	"strings"
	"unicode"
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
	br := []rune(base)
	ours, okOurs := changesFrom(mineDelta, br, mine)
	if base == current && okOurs {
		return Live{Text: mine, Ack: Keep(mine), Forward: mineDelta, Undo: undoOf(br, ours)}
	}
	if base != current && mine != current && mine != base && okOurs {
		if theirs, ok := changesFrom(baseToCurrent, br, current); ok {
			if l, ok := sweep(br, ours, theirs); ok {
				return l
			}
		}
	}
	if base != current && mine != current && mine != base && okOurs {
		// Not apart: the word-aligned merge decides, with each side's
		// words compared only where its delta changed them.
		if theirs, ok := changesFrom(baseToCurrent, br, current); ok {
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
			x = append(append(x, base[pos:c.start]...), c.text...)
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

// sideChange is a change of base: base[start:end] replaced by text.
type sideChange struct {
	start, end int
	text       []rune
}

// changesFrom reads the changes of base that delta makes, if it makes
// want from base.
func changesFrom(delta string, base []rune, want string) ([]sideChange, bool) {
	ops, err := parseDelta(delta)
	if err != nil {
		return nil, false
	}
	cs, ok := changesOf(ops, len(base))
	if !ok || applyChanges(base, cs) != want {
		return nil, false
	}
	return cs, true
}

func applyChanges(base []rune, cs []sideChange) string {
	var b strings.Builder
	pos := 0
	for _, c := range cs {
		b.WriteString(string(base[pos:c.start]))
		b.WriteString(string(c.text))
		pos = c.end
	}
	b.WriteString(string(base[pos:]))
	return b.String()
}

// undoOf is the delta that takes base changed by cs back to base.
func undoOf(base []rune, cs []sideChange) string {
	var ops []dop
	pos := 0
	for _, c := range cs {
		ops = append(ops, dop{kind: '=', n: c.start - pos}, dop{kind: '-', n: len(c.text)},
			dop{'+', c.end - c.start, string(base[c.start:c.end])})
		pos = c.end
	}
	ops = append(ops, dop{kind: '=', n: len(base) - pos})
	return formatDelta(ops)
}

// sweep applies ours and theirs, both changes of base, when they are
// apart, and builds the deltas of Live in the same pass.
func sweep(br []rune, ours, theirs []sideChange) (Live, bool) {
	// Apart: no change of one side touches a word that one of the other
	// touches (those are what the word-aligned merge decides about).
	for i, j := 0, 0; i < len(ours) && j < len(theirs); {
		as, ae := wordsAround(br, ours[i])
		bs, be := wordsAround(br, theirs[j])
		if as <= be && bs <= ae {
			return Live{}, false
		}
		if ae < bs {
			i++
		} else {
			j++
		}
	}
	var out []rune
	var ack, fwd, undo []dop
	pos := 0
	for i, j := 0, 0; i < len(ours) || j < len(theirs); {
		if j >= len(theirs) || i < len(ours) && ours[i].start < theirs[j].start {
			s := ours[i]
			gap := s.start - pos
			out = append(append(out, br[pos:s.start]...), s.text...)
			ack = append(ack, dop{kind: '=', n: gap + len(s.text)})
			fwd = append(fwd, dop{kind: '=', n: gap}, dop{kind: '-', n: s.end - s.start}, dop{'+', len(s.text), string(s.text)})
			undo = append(undo, dop{kind: '=', n: gap}, dop{kind: '-', n: len(s.text)}, dop{'+', s.end - s.start, string(br[s.start:s.end])})
			pos = s.end
			i++
			continue
		}
		s := theirs[j]
		gap := s.start - pos
		out = append(append(out, br[pos:s.start]...), s.text...)
		ack = append(ack, dop{kind: '=', n: gap}, dop{kind: '-', n: s.end - s.start}, dop{'+', len(s.text), string(s.text)})
		fwd = append(fwd, dop{kind: '=', n: gap + len(s.text)})
		undo = append(undo, dop{kind: '=', n: gap + len(s.text)})
		pos = s.end
		j++
	}
	out = append(out, br[pos:]...)
	tail := dop{kind: '=', n: len(br) - pos}
	return Live{Text: string(out), Ack: formatDelta(append(ack, tail)), Forward: formatDelta(append(fwd, tail)),
		Undo: formatDelta(append(undo, tail))}, true
}

// changesOf lists a delta's changes of a text of n code points.
func changesOf(ops []dop, n int) ([]sideChange, bool) {
	var out []sideChange
	pos := 0
	var cur *sideChange
	for _, o := range ops {
		switch o.kind {
		case '=':
			if cur != nil {
				out, cur = append(out, *cur), nil
			}
			pos += o.n
		case '-':
			if cur == nil {
				cur = &sideChange{start: pos, end: pos}
			}
			pos += o.n
			cur.end = pos
		case '+':
			if cur == nil {
				cur = &sideChange{start: pos, end: pos}
			}
			cur.text = append(cur.text, []rune(o.text)...)
		}
	}
	if cur != nil {
		out = append(out, *cur)
	}
	return out, pos == n
}

// wordsAround widens a change to the words it touches.
func wordsAround(text []rune, c sideChange) (int, int) {
	s, e := c.start, c.end
	for s > 0 && !unicode.IsSpace(text[s-1]) {
		s--
	}
	for e < len(text) && !unicode.IsSpace(text[e]) {
		e++
	}
	return s, e
}
