package revision

import (
	"math"
	"slices"
)

// diff-match-patch's defaults, which the patch engine keeps.
const (
	// matchMaxBits is the longest pattern bitap can match (bits in its
	// masks); longer patches are split, longer deletions matched by their
	// two ends.
	matchMaxBits = 32
	// matchThreshold is the worst match accepted: 0 demands a perfect
	// match, 1 accepts anything.
	matchThreshold = 0.5
	// matchDistance is how far (in code points) from the expected place a
	// match may be; a match this far away costs as much as a full mismatch.
	matchDistance = 1000
	// patchDeleteThreshold is how different (Levenshtein distance over
	// length) the text of a large deletion may be from what the patch
	// expects before the patch is refused.
	patchDeleteThreshold = 0.5
	// patchMargin is the context kept around each change, grown until the
	// patch's text is unique (up to matchMaxBits).
	patchMargin = 4
)

// Operation kinds of the rune-level diffs the patch engine works on.
const (
	opDelete int8 = -1
	opEqual  int8 = 0
	opInsert int8 = 1
)

// rop is one operation of a rune-level diff.
type rop struct {
	op   int8
	text []rune
}

// text1 returns the source text of diffs (equalities and deletions).
func text1(diffs []rop) []rune {
	var out []rune
	for _, d := range diffs {
		if d.op != opInsert {
			out = append(out, d.text...)
		}
	}
	return out
}

// text2 returns the target text of diffs (equalities and insertions).
func text2(diffs []rop) []rune {
	var out []rune
	for _, d := range diffs {
		if d.op != opDelete {
			out = append(out, d.text...)
		}
	}
	return out
}

// concat returns a new slice holding a then b (never aliasing either).
func concat(a, b []rune) []rune {
	out := make([]rune, 0, len(a)+len(b))
	return append(append(out, a...), b...)
}

// indexRunes returns the first index >= from of pattern in text, or -1.
func indexRunes(text, pattern []rune, from int) int {
	if from < 0 {
		from = 0
	}
	if len(pattern) == 0 {
		if from > len(text) {
			return -1
		}
		return from
	}
	first := pattern[0]
	for i := from; i+len(pattern) <= len(text); i++ {
		if text[i] == first && slices.Equal(text[i:i+len(pattern)], pattern) {
			return i
		}
	}
	return -1
}

// lastIndexRunes returns the last index <= from of pattern in text, or -1,
// like JavaScript's lastIndexOf.
func lastIndexRunes(text, pattern []rune, from int) int {
	if from > len(text)-len(pattern) {
		from = len(text) - len(pattern)
	}
	if len(pattern) == 0 {
		return max(from, 0)
	}
	first := pattern[0]
	for i := from; i >= 0; i-- {
		if text[i] == first && slices.Equal(text[i:i+len(pattern)], pattern) {
			return i
		}
	}
	return -1
}

// matchMain finds the best place for pattern in text near loc (all in code
// points), or -1: diff-match-patch's match_main.
func matchMain(text, pattern []rune, loc int) int {
	loc = max(0, min(loc, len(text)))
	switch {
	case slices.Equal(text, pattern):
		return 0
	case len(text) == 0:
		return -1
	case loc+len(pattern) <= len(text) && slices.Equal(text[loc:loc+len(pattern)], pattern):
		return loc // perfect match at the expected place
	}
	return matchBitap(text, pattern, loc)
}

// matchBitap is diff-match-patch's match_bitap (Wu and Manber's fuzzy
// matching) on runes. A pattern longer than matchMaxBits is matched by its
// first matchMaxBits runes.
func matchBitap(text, pattern []rune, loc int) int {
	if len(pattern) == 0 {
		return loc
	}
	if len(pattern) > matchMaxBits {
		pattern = pattern[:matchMaxBits]
	}
	// The alphabet: for each rune, the positions where it occurs.
	alphabet := make(map[rune]uint64, len(pattern))
	for i, r := range pattern {
		alphabet[r] |= 1 << uint(len(pattern)-i-1)
	}
	score := func(errors, x int) float64 {
		accuracy := float64(errors) / float64(len(pattern))
		proximity := loc - x
		if proximity < 0 {
			proximity = -proximity
		}
		return accuracy + float64(proximity)/matchDistance
	}

	// A threshold no worse than the nearest exact matches, if any. A match
	// further than matchThreshold*matchDistance scores worse than the
	// threshold, so only that window is searched.
	const reach = int(matchThreshold * matchDistance)
	threshold := float64(matchThreshold)
	// (diff-match-patch looks backwards only if it found a match forwards,
	// anywhere; these are only a first bound, which the exact pass of the
	// search below reaches anyway.)
	if best := indexRunes(text[:min(len(text), loc+reach+len(pattern))], pattern, loc); best != -1 {
		threshold = math.Min(score(0, best), threshold)
	}
	lo := max(0, loc-reach)
	if best := lastIndexRunes(text[lo:], pattern, loc+len(pattern)-lo); best != -1 {
		threshold = math.Min(score(0, best+lo), threshold)
	}

	matchmask := uint64(1) << uint(len(pattern)-1)
	bestLoc := -1
	binMax := len(pattern) + len(text)
	// The bit arrays are indexed j-base, covering only the window searched
	// (diff-match-patch's JavaScript arrays are sparse and start at 0).
	var lastRd []uint64
	lastBase := 0
	at := func(rd []uint64, base, j int) uint64 {
		if j -= base; j < 0 || j >= len(rd) {
			return 0
		}
		return rd[j]
	}
	for d := 0; d < len(pattern); d++ {
		// How far from loc can a match with d errors be and still beat
		// the threshold? Binary search.
		binMin, binMid := 0, binMax
		for binMin < binMid {
			if score(d, loc+binMid) <= threshold {
				binMin = binMid
			} else {
				binMax = binMid
			}
			binMid = (binMax-binMin)/2 + binMin
		}
		binMax = binMid // the next round stays within this window
		start := max(1, loc-binMid+1)
		finish := min(loc+binMid, len(text)) + len(pattern)

		// start may move down to 2*loc-bestLoc >= loc-binMid-len(pattern).
		base := max(0, loc-binMid-len(pattern)-1)
		rd := make([]uint64, finish+2-base)
		rd[finish+1-base] = (uint64(1) << uint(d)) - 1
		for j := finish; j >= start; j-- {
			var charMatch uint64
			if j-1 < len(text) {
				charMatch = alphabet[text[j-1]]
			}
			// The first pass matches exactly, later ones with d errors.
			v := ((at(rd, base, j+1) << 1) | 1) & charMatch
			if d > 0 {
				v |= (((at(lastRd, lastBase, j+1) | at(lastRd, lastBase, j)) << 1) | 1) |
					at(lastRd, lastBase, j+1)
			}
			rd[j-base] = v
			if v&matchmask != 0 {
				s := score(d, j-1)
				if s <= threshold {
					threshold = s
					bestLoc = j - 1
					if bestLoc > loc {
						// When passing loc, don't exceed the current
						// distance from loc.
						start = max(1, 2*loc-bestLoc)
					} else {
						break // already past loc: it only gets worse
					}
				}
			}
		}
		if score(d+1, loc) > threshold {
			break // no hope for a better match with more errors
		}
		lastRd, lastBase = rd, base
	}
	return bestLoc
}

// xIndex maps loc, an offset in the source text of diffs, to the target
// text: diff-match-patch's diff_xIndex on code points. A location inside a
// deletion maps to the deletion point.
func xIndex(diffs []rop, loc int) int {
	chars1, chars2, last1, last2 := 0, 0, 0, 0
	for _, d := range diffs {
		if d.op != opInsert {
			chars1 += len(d.text)
		}
		if d.op != opDelete {
			chars2 += len(d.text)
		}
		if chars1 > loc {
			if d.op == opDelete {
				return last2
			}
			break
		}
		last1, last2 = chars1, chars2
	}
	return last2 + (loc - last1)
}

// xIndexLeft is xIndex, except that at a place where the target text has
// an insertion it maps before the insertion rather than after it.
func xIndexLeft(diffs []rop, loc int) int {
	chars1, chars2 := 0, 0
	for _, d := range diffs {
		n := len(d.text)
		switch d.op {
		case opInsert:
			if chars1 == loc {
				return chars2
			}
			chars2 += n
		case opDelete:
			if loc < chars1+n {
				return chars2
			}
			chars1 += n
		default:
			if loc < chars1+n {
				return chars2 + loc - chars1
			}
			chars1 += n
			chars2 += n
		}
	}
	return chars2 + loc - chars1
}

// levenshtein returns the number of inserted, deleted or substituted code
// points of diffs.
func levenshtein(diffs []rop) int {
	total, ins, del := 0, 0, 0
	for _, d := range diffs {
		switch d.op {
		case opInsert:
			ins += len(d.text)
		case opDelete:
			del += len(d.text)
		default:
			total += max(ins, del)
			ins, del = 0, 0
		}
	}
	return total + max(ins, del)
}
