package revision

import "slices"

// Hunk is a change of a stale edit that could not be merged: the caller
// keeps it (as an unresolved merge) so that nothing the user wrote is lost.
type Hunk struct {
	// Start and End are code points in the merged text (the current text
	// plus the hunks that did apply; when none did, the current text
	// itself): merged[Start:End] is the best guess of what now stands where
	// the user's Base was, empty when that text is gone.
	Start int `json:"start"`
	End   int `json:"end"`
	// Base is the text of the base version that the user changed (empty
	// for an insertion).
	Base string `json:"base"`
	// Mine is the user's text for it (empty for a deletion).
	Mine string `json:"mine"`
}

// Merge merges a stale edit: mine was made from base, and the text has
// since become current. The patches from base to mine (MakePatches) are
// applied onto current (ApplyPatches); a patch that cannot apply is returned
// in failed, with the user's text, in the order of the text, and is not in
// merged. If base == current, merged is mine exactly; if mine == base, it is
// current. Edits of mine and of current at different places both survive
// (tests: every pair of disjoint edits at least 2*patchMargin apart in
// 20,000 random merges; where repeated text leaves an edit's place open,
// as with an "a" inserted into "aaaa", the result is one of the readings).
// Offsets count code points; invalid UTF-8 is read as one U+FFFD per bad
// byte, and merged is always valid UTF-8.
func Merge(base, mine, current string) (merged string, failed []Hunk) {
	base, mine, current = sanitize(base), sanitize(mine), sanitize(current)
	switch {
	case base == current, mine == current:
		return mine, nil
	case mine == base:
		return current, nil
	}
	b := []rune(base)
	patches := makePatches(b, []rune(mine))
	out, applied := applyPatches(patches, []rune(current))
	merged = string(out)
	if !slices.Contains(applied, false) {
		return merged, nil
	}

	// Where did each failed hunk's base text go? Follow it from base to
	// current (taking in what replaced it: start sticks left, end right),
	// then from current to merged (keeping out what the applied hunks
	// added next to it: start sticks right, end left).
	toCurrent := Diff(base, current)
	toMerged := Diff(current, merged)
	for i, p := range patches {
		if applied[i] {
			continue
		}
		lo, hi := 0, len(p.diffs)
		for lo < hi && p.diffs[lo].op == opEqual {
			lo++
		}
		for hi > lo && p.diffs[hi-1].op == opEqual {
			hi--
		}
		middle := p.diffs[lo:hi]
		baseText := text1(middle)
		start := MapPosition(toCurrent, p.baseStart, false)
		end := max(start, MapPosition(toCurrent, p.baseStart+len(baseText), true))
		start2 := MapPosition(toMerged, start, true)
		end2 := max(start2, MapPosition(toMerged, end, false))
		failed = append(failed, Hunk{Start: start2, End: end2, Base: string(baseText), Mine: string(text2(middle))})
	}
	return merged, failed
}
