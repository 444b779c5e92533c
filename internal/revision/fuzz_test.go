package revision

import (
	"strings"
	"testing"
	"unicode/utf8"
)

// separation is how far apart (in code points of the base text) two edits
// must be for FuzzMerge to demand that both survive exactly, provided the
// patches' contexts survived (see unambiguous).
const separation = 2 * patchMargin

// maxFuzzBytes keeps fuzz inputs small enough for many executions a second.
const maxFuzzBytes = 1024

func validInputs(t *testing.T, ss ...string) {
	t.Helper()
	for _, s := range ss {
		if !utf8.ValidString(s) {
			t.Skip("invalid UTF-8")
		}
		if len(s) > maxFuzzBytes {
			t.Skip("too long")
		}
	}
}

// FuzzMerge derives two edits of base (a deletion of del code points at
// pos, replaced by ins) and merges them, and also merges the raw strings as
// three versions.
func FuzzMerge(f *testing.F) {
	f.Add("Garcés-Mascareñas and Jørgensen wrote on asylum policy in the EU.", "Dr ", " (2021)", uint16(0), uint16(64), uint8(0), uint8(1))
	f.Add("😀😁 中文字 😀😁", "x", "y", uint16(3), uint16(4), uint8(1), uint8(2))
	f.Add("aé中文字😀😁 \n", "aé中", "😀\n", uint16(2), uint16(9), uint8(3), uint8(0))
	f.Add(strings.Repeat("Çağlar studied cities. ", 8), "towns", "regions", uint16(15), uint16(150), uint8(6), uint8(6))
	f.Fuzz(func(t *testing.T, base, ins1, ins2 string, pos1, pos2 uint16, del1, del2 uint8) {
		validInputs(t, base, ins1, ins2)
		n := utf8.RuneCountInString(base)
		p1, p2 := int(pos1)%(n+1), int(pos2)%(n+1)
		d1, d2 := int(del1%32), int(del2%32)
		mine := spliceRunes(base, p1, d1, ins1)
		current := spliceRunes(base, p2, d2, ins2)

		merged, failed := checkMerge(t, base, mine, current)
		// Where an edit happened is what the texts say, not what the fuzzer
		// chose: an "a" inserted into "aaaa" could have gone anywhere.
		s1, l1, e1, ok1 := changedRegion(base, mine)
		s2, l2, e2, ok2 := changedRegion(base, current)
		// MergeLive, on both sides' deltas: exact deltas back.
		live := MergeLive(base, mine, current, Delta(base, mine), Deltas2(base, current))
		if got, err := ApplyDelta(sanitize(mine), live.Ack); err != nil || got != live.Text {
			t.Fatalf("MergeLive(%q, %q, %q): ack %q gives %q, %v; want %q", base, mine, current, live.Ack, got, err, live.Text)
		}
		if live.Forward != "" {
			if got, err := ApplyDelta(sanitize(current), live.Forward); err != nil || got != live.Text {
				t.Fatalf("MergeLive(%q, %q, %q): forward %q gives %q, %v", base, mine, current, live.Forward, got, err)
			}
			if got, err := ApplyDelta(live.Text, live.Undo); err != nil || got != sanitize(current) {
				t.Fatalf("MergeLive(%q, %q, %q): undo %q gives %q, %v", base, mine, current, live.Undo, got, err)
			}
		}
		if want, ok := bothEdits(base, s1, l1, e1, s2, l2, e2, separation); ok && ok1 && ok2 && unambiguous(base, mine, current, s2, l2) {
			if merged != want || len(failed) > 0 {
				t.Fatalf("well-separated edits: Merge(%q, %q, %q) = %q, %+v; want %q", base, mine, current, merged, failed, want)
			}
			if live.Text != want || len(live.Failed) > 0 {
				t.Fatalf("well-separated edits: MergeLive(%q, %q, %q) = %q, %+v; want %q", base, mine, current, live.Text, live.Failed, want)
			}
		}

		// The whole strings as three versions.
		checkMerge(t, base, ins1, ins2)

		// Patches between unrelated texts, applied to a third.
		got, applied := ApplyPatches(MakePatches(ins1, ins2), base)
		if !utf8.ValidString(got) {
			t.Fatalf("ApplyPatches gave invalid UTF-8 %q", got)
		}
		_ = applied
	})
}

// checkMerge runs Merge and checks what must hold for any input.
func checkMerge(t *testing.T, base, mine, current string) (string, []Hunk) {
	t.Helper()
	merged, failed := Merge(base, mine, current)
	if !utf8.ValidString(merged) {
		t.Fatalf("Merge(%q, %q, %q): invalid UTF-8 %q", base, mine, current, merged)
	}
	// MergeAck merges the same and says exactly what mine lacks of it.
	merged2, failed2, ack := MergeAck(base, mine, current)
	if merged2 != merged || len(failed2) != len(failed) {
		t.Fatalf("MergeAck(%q, %q, %q) = %q, %+v; Merge gave %q, %+v", base, mine, current, merged2, failed2, merged, failed)
	}
	if got, err := ApplyDelta(sanitize(mine), ack); err != nil || got != merged {
		t.Fatalf("MergeAck(%q, %q, %q): ack %q on mine gives %q, %v; want %q", base, mine, current, ack, got, err, merged)
	}
	if base == current && (merged != mine || len(failed) > 0) {
		t.Fatalf("Merge(%q, %q, base): got %q, %+v; want mine", base, mine, merged, failed)
	}
	if mine == base && (merged != current || len(failed) > 0) {
		t.Fatalf("Merge(%q, base, %q): got %q, %+v; want current", base, current, merged, failed)
	}
	n := utf8.RuneCountInString(merged)
	for _, h := range failed {
		if h.Start < 0 || h.Start > h.End || h.End > n {
			t.Fatalf("Merge(%q, %q, %q): hunk %+v out of [0, %d]", base, mine, current, h, n)
		}
		if h.Base == h.Mine {
			t.Fatalf("Merge(%q, %q, %q): hunk %+v changes nothing", base, mine, current, h)
		}
		if !utf8.ValidString(h.Base) || !utf8.ValidString(h.Mine) {
			t.Fatalf("Merge(%q, %q, %q): hunk %+v is not valid UTF-8", base, mine, current, h)
		}
	}
	if base == current || mine == base || mine == current {
		return merged, failed
	}

	// Every insertion of current is in the result (current wins a
	// conflict); every insertion of mine is in the result or in a hunk.
	for _, e := range mergeEdits([]rune(base), []rune(current), 1) {
		if len(e.text) > 0 && !strings.Contains(merged, string(e.text)) {
			t.Fatalf("Merge(%q, %q, %q) = %q lost current's insertion %q", base, mine, current, merged, string(e.text))
		}
	}
	for _, e := range mergeEdits([]rune(base), []rune(mine), 0) {
		if len(e.text) == 0 || strings.Contains(merged, string(e.text)) {
			continue
		}
		kept := false
		for _, h := range failed {
			kept = kept || strings.Contains(h.Mine, string(e.text))
		}
		if !kept {
			t.Fatalf("Merge(%q, %q, %q) = %q, %+v lost mine's insertion %q", base, mine, current, merged, failed, string(e.text))
		}
	}
	// Rebase keeps every insertion of the local side.
	rebased := Rebase(base, mine, current)
	if !utf8.ValidString(rebased) {
		t.Fatalf("Rebase(%q, %q, %q): invalid UTF-8 %q", base, mine, current, rebased)
	}
	for _, e := range mergeEdits([]rune(base), []rune(mine), 0) {
		if len(e.text) > 0 && !strings.Contains(rebased, string(e.text)) {
			t.Fatalf("Rebase(%q, %q, %q) = %q lost the local insertion %q", base, mine, current, rebased, string(e.text))
		}
	}
	return merged, failed
}

// changedRegion returns where b differs from a: the code points of a from
// start (del of them) that b replaces with ins, between their common
// prefix and suffix. ok is false if that place is not determined by the
// texts: an "a" inserted into "aaaa" could have gone anywhere (trimming the
// prefix first or the suffix first gives different places).
func changedRegion(a, b string) (start, del int, ins string, ok bool) {
	ra, rb := []rune(a), []rune(b)
	p := commonPrefix(ra, rb)
	s := commonSuffix(ra[p:], rb[p:])
	s2 := commonSuffix(ra, rb)
	p2 := commonPrefix(ra[:len(ra)-s2], rb[:len(rb)-s2])
	return p, len(ra) - s - p, string(rb[p : len(rb)-s]), p == p2 && s == s2
}

// unambiguous reports whether the patches from base to mine apply onto
// current by exact matches that cannot land elsewhere: no patch's source
// text (with its context) overlaps current's change, which replaced del
// code points of base at start, and every piece that ApplyPatches matches
// occurs exactly once in the padded current text. Otherwise the merge may
// rightly differ from the expected text: a patch may land on another copy,
// or a fuzzy match may line repeated text up differently (which "0" of
// "00000" was deleted?).
func unambiguous(base, mine, current string, start, del int) bool {
	b, c := []rune(base), []rune(current)
	patches := makePatches(b, []rune(mine))
	for _, p := range patches {
		lead, mid1, trail := 0, 0, 0
		i := 0
		for ; i < len(p.diffs) && p.diffs[i].op == opEqual; i++ {
			lead += len(p.diffs[i].text)
		}
		j := len(p.diffs)
		for ; j > i && p.diffs[j-1].op == opEqual; j-- {
			trail += len(p.diffs[j-1].text)
		}
		mid1 = len(text1(p.diffs[i:j]))
		lo, hi := p.baseStart-lead, p.baseStart+mid1+trail
		if del > 0 && start < hi && start+del > lo || del == 0 && lo < start && start < hi {
			return false
		}
	}
	ps := clonePatches(patches)
	pad := choosePadding(c, ps)
	addPadding(ps, pad)
	padded := concat(concat(pad, c), pad)
	for _, piece := range splitMax(ps) {
		t1 := text1(piece.diffs)
		if indexRunes(padded, t1, 0) == -1 || occursTwice(padded, t1) {
			return false
		}
	}
	return true
}

func FuzzDelta(f *testing.F) {
	f.Add("", "")
	f.Add("Garcés-Mascareñas", "Garcés Mascareñas, Jørgensen")
	f.Add("a😀b", "a😁😀b%")
	f.Add("中文字", "tab\there 100% #1 +plus")
	f.Fuzz(func(t *testing.T, old, new string) {
		validInputs(t, old, new)
		d := Delta(old, new)
		got, err := ApplyDelta(old, d)
		if err != nil {
			t.Fatalf("ApplyDelta(%q, Delta(%q, %q) = %q): %v", old, old, new, d, err)
		}
		if got != new {
			t.Fatalf("ApplyDelta(%q, %q): got %q, want %q", old, d, got, new)
		}
	})
}

func FuzzWordDiff(f *testing.F) {
	f.Add("The cat sat.", "The dog sat.")
	f.Add("Garcés-Mascareñas, Jørgensen", "Jørgensen and Çağlar")
	f.Add("😀😁 中文字 🇪🇺👍🏽", "😁😀 中文 🇪🇺 👍🏿")
	f.Add("one\n\ntwo", "one\r\nthree\n\n two")
	f.Fuzz(func(t *testing.T, a, b string) {
		validInputs(t, a, b)
		if err := opsProblem(WordDiff(a, b), a, b); err != nil {
			t.Fatalf("WordDiff(%q, %q): %v", a, b, err)
		}
		if err := opsProblem(Diff(a, b), a, b); err != nil {
			t.Fatalf("Diff(%q, %q): %v", a, b, err)
		}
	})
}

func FuzzMapRange(f *testing.F) {
	f.Add("Çağlar wrote", "😀 Çağlar wrote", 0, 6)
	f.Add("one Jørgensen two", "one two", 4, 14)
	f.Add("ab", "aXb", 1, 1)
	f.Add("abc", "", -3, 99)
	f.Fuzz(func(t *testing.T, a, b string, start, end int) {
		validInputs(t, a, b)
		ops := Diff(a, b)
		na, nb := utf8.RuneCountInString(a), utf8.RuneCountInString(b)
		ns, ne, detached := MapRange(ops, start, end)
		if ns < 0 || ns > ne || ne > nb {
			t.Fatalf("MapRange(%q -> %q, %d, %d) = %d, %d: out of [0, %d]", a, b, start, end, ns, ne, nb)
		}
		if detached && ns != ne {
			t.Fatalf("MapRange(%q -> %q, %d, %d) = %d, %d, detached: want an empty range", a, b, start, end, ns, ne)
		}
		// A range within one equality keeps its text.
		s, e := max(0, start), min(end, na)
		if s < e {
			if text, ok := withinEqual(ops, s, e); ok {
				if got := runeSlice(b, ns, ne); got != text || detached {
					t.Fatalf("MapRange(%q -> %q, %d, %d): text %q became %q", a, b, s, e, text, got)
				}
			}
		}
		// Positions map monotonically, left of right at the same place.
		p, q := min(start, end), max(start, end)
		for _, right := range []bool{false, true} {
			mp, mq := MapPosition(ops, p, right), MapPosition(ops, q, right)
			if mp < 0 || mq > nb || mp > mq {
				t.Fatalf("MapPosition(%q -> %q, %d, %d, %v): %d, %d", a, b, p, q, right, mp, mq)
			}
		}
		if l, r := MapPosition(ops, p, false), MapPosition(ops, p, true); l > r {
			t.Fatalf("MapPosition(%q -> %q, %d): left %d > right %d", a, b, p, l, r)
		}
	})
}

// withinEqual returns the old text [s, e) if it lies inside one equality.
func withinEqual(ops []Op, s, e int) (string, bool) {
	pos := 0
	for _, o := range ops {
		if o.Op == OpInsert {
			continue
		}
		n := utf8.RuneCountInString(o.Text)
		if o.Op == OpEqual && pos <= s && e <= pos+n {
			r := []rune(o.Text)
			return string(r[s-pos : e-pos]), true
		}
		pos += n
	}
	return "", false
}
