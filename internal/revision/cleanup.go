package revision

import (
	"slices"
	"unicode"
)

// The cleanups of diff-match-patch, ported onto rune diffs. go-diff has
// them too, but on strings: they convert whole equalities to []rune for
// every edit they look at (which made a 60 KB merge spend most of its time
// converting), mix byte and code-point lengths in places, and score word
// boundaries with an ASCII-only class, for which the "é" in "Garcés" is a
// word boundary. These use code points throughout and Unicode's letter,
// number and mark classes. They never append in place to an operation's
// text, which may share memory with the caller's texts.

// diffEditCost is the cost of an empty edit in code points (diff-match-
// patch's Diff_EditCost): cleanupEfficiency folds equalities shorter than
// this into the edits around them.
const diffEditCost = 4

// dropEmpty removes operations without text.
func dropEmpty(diffs []rop) []rop {
	return slices.DeleteFunc(diffs, func(d rop) bool { return len(d.text) == 0 })
}

func commonPrefix(a, b []rune) int {
	n := min(len(a), len(b))
	for i := 0; i < n; i++ {
		if a[i] != b[i] {
			return i
		}
	}
	return n
}

func commonSuffix(a, b []rune) int {
	n := min(len(a), len(b))
	for i := 1; i <= n; i++ {
		if a[len(a)-i] != b[len(b)-i] {
			return i - 1
		}
	}
	return n
}

// commonOverlap returns the length of the longest suffix of a that is a
// prefix of b.
func commonOverlap(a, b []rune) int {
	if len(a) == 0 || len(b) == 0 {
		return 0
	}
	if len(a) > len(b) {
		a = a[len(a)-len(b):]
	} else if len(a) < len(b) {
		b = b[:len(a)]
	}
	n := len(a)
	if slices.Equal(a, b) {
		return n
	}
	// Look for a one-rune match and grow it while it keeps matching:
	// https://neil.fraser.name/news/2010/11/04/
	best, length := 0, 1
	for length <= n {
		found := indexRunes(b, a[n-length:], 0)
		if found == -1 {
			return best
		}
		length += found
		if found == 0 || slices.Equal(a[n-length:], b[:length]) {
			best = length
			length++
		}
	}
	return best
}

// cleanupMerge merges neighbouring operations of one kind, factors common
// prefixes and suffixes out of replacements, and shifts single edits
// sideways to remove equalities: diff_cleanupMerge.
func cleanupMerge(diffs []rop) []rop {
	diffs = append(dropEmpty(diffs), rop{op: opEqual}) // a dummy at the end
	pointer := 0
	countDelete, countInsert := 0, 0
	var textDelete, textInsert []rune
	for pointer < len(diffs) {
		switch diffs[pointer].op {
		case opInsert:
			countInsert++
			textInsert = concat(textInsert, diffs[pointer].text)
			pointer++
		case opDelete:
			countDelete++
			textDelete = concat(textDelete, diffs[pointer].text)
			pointer++
		default:
			// An equality: look back for redundancies.
			if countDelete+countInsert > 1 {
				if countDelete != 0 && countInsert != 0 {
					// Factor out a common prefix.
					if n := commonPrefix(textInsert, textDelete); n != 0 {
						if x := pointer - countDelete - countInsert; x > 0 && diffs[x-1].op == opEqual {
							diffs[x-1].text = concat(diffs[x-1].text, textInsert[:n])
						} else {
							diffs = slices.Insert(diffs, 0, rop{op: opEqual, text: slices.Clone(textInsert[:n])})
							pointer++
						}
						textInsert = textInsert[n:]
						textDelete = textDelete[n:]
					}
					// Factor out a common suffix.
					if n := commonSuffix(textInsert, textDelete); n != 0 {
						diffs[pointer].text = concat(textInsert[len(textInsert)-n:], diffs[pointer].text)
						textInsert = textInsert[:len(textInsert)-n]
						textDelete = textDelete[:len(textDelete)-n]
					}
				}
				// Replace the run with one deletion and one insertion.
				pointer -= countDelete + countInsert
				diffs = slices.Delete(diffs, pointer, pointer+countDelete+countInsert)
				if len(textDelete) > 0 {
					diffs = slices.Insert(diffs, pointer, rop{op: opDelete, text: textDelete})
					pointer++
				}
				if len(textInsert) > 0 {
					diffs = slices.Insert(diffs, pointer, rop{op: opInsert, text: textInsert})
					pointer++
				}
				pointer++
			} else if pointer != 0 && diffs[pointer-1].op == opEqual {
				// Merge this equality with the previous one.
				diffs[pointer-1].text = concat(diffs[pointer-1].text, diffs[pointer].text)
				diffs = slices.Delete(diffs, pointer, pointer+1)
			} else {
				pointer++
			}
			countDelete, countInsert = 0, 0
			textDelete, textInsert = nil, nil
		}
	}
	if n := len(diffs); n > 0 && len(diffs[n-1].text) == 0 {
		diffs = diffs[:n-1] // the dummy
	}

	// Second pass: single edits between two equalities that can slide
	// over one of them, e.g. A<ins>BA</ins>C -> <ins>AB</ins>AC.
	changes := false
	for pointer = 1; pointer < len(diffs)-1; pointer++ {
		prev, cur, next := diffs[pointer-1], diffs[pointer], diffs[pointer+1]
		if prev.op != opEqual || next.op != opEqual {
			continue
		}
		if hasSuffix(cur.text, prev.text) {
			// Shift the edit over the previous equality.
			diffs[pointer].text = concat(prev.text, cur.text[:len(cur.text)-len(prev.text)])
			diffs[pointer+1].text = concat(prev.text, next.text)
			diffs = slices.Delete(diffs, pointer-1, pointer)
			changes = true
		} else if hasPrefix(cur.text, next.text) {
			// Shift the edit over the next equality.
			diffs[pointer-1].text = concat(prev.text, next.text)
			diffs[pointer].text = concat(cur.text[len(next.text):], next.text)
			diffs = slices.Delete(diffs, pointer+1, pointer+2)
			changes = true
		}
	}
	if changes {
		return cleanupMerge(diffs) // reorder, and look for more shifts
	}
	return diffs
}

func hasPrefix(s, prefix []rune) bool {
	return len(s) >= len(prefix) && slices.Equal(s[:len(prefix)], prefix)
}

func hasSuffix(s, suffix []rune) bool {
	return len(s) >= len(suffix) && slices.Equal(s[len(s)-len(suffix):], suffix)
}

// scoreFunc rates a cut before index i of a text of length n read through
// at: boundaryScore for text, tokenScore for token codes.
type scoreFunc func(at func(int) rune, n, i int) int

// cleanupSemantic removes equalities that are no longer than the edits on
// both sides of them (coincidences such as a shared "e" inside two
// different words), aligns edits to word boundaries and extracts overlaps
// between a deletion and the insertion after it: diff_cleanupSemantic.
// score rates boundaries (nil: boundaryScore).
func cleanupSemantic(diffs []rop, score scoreFunc) []rop {
	diffs = dropEmpty(diffs)
	changes := false
	var equalities []int // stack of indices of equalities
	var lastEquality []rune
	pointer := 0
	var ins1, del1, ins2, del2 int // edit lengths before and after lastEquality
	for pointer < len(diffs) {
		d := diffs[pointer]
		if d.op == opEqual {
			equalities = append(equalities, pointer)
			ins1, del1 = ins2, del2
			ins2, del2 = 0, 0
			lastEquality = d.text
		} else {
			if d.op == opInsert {
				ins2 += len(d.text)
			} else {
				del2 += len(d.text)
			}
			// Drop an equality no longer than the edits on both sides.
			if len(lastEquality) > 0 && len(lastEquality) <= max(ins1, del1) && len(lastEquality) <= max(ins2, del2) {
				at := equalities[len(equalities)-1]
				diffs = slices.Insert(diffs, at, rop{op: opDelete, text: lastEquality})
				diffs[at+1].op = opInsert
				// Throw away this equality and the previous one (which
				// needs to be looked at again).
				equalities = equalities[:len(equalities)-1]
				if len(equalities) > 0 {
					equalities = equalities[:len(equalities)-1]
				}
				pointer = -1
				if len(equalities) > 0 {
					pointer = equalities[len(equalities)-1]
				}
				ins1, del1, ins2, del2 = 0, 0, 0, 0
				lastEquality = nil
				changes = true
			}
		}
		pointer++
	}
	if changes {
		diffs = cleanupMerge(diffs)
	}
	diffs = cleanupLosslessR(diffs, score)

	// Extract overlaps between a deletion and the insertion after it, if
	// the overlap is at least half of either:
	//   <del>abcxxx</del><ins>xxxdef</ins> -> <del>abc</del>xxx<ins>def</ins>
	//   <del>xxxabc</del><ins>defxxx</ins> -> <ins>def</ins>xxx<del>abc</del>
	for pointer = 1; pointer < len(diffs); pointer++ {
		if diffs[pointer-1].op != opDelete || diffs[pointer].op != opInsert {
			continue
		}
		deletion, insertion := diffs[pointer-1].text, diffs[pointer].text
		o1 := commonOverlap(deletion, insertion)
		o2 := commonOverlap(insertion, deletion)
		if o1 >= o2 {
			if 2*o1 >= len(deletion) || 2*o1 >= len(insertion) {
				diffs = slices.Insert(diffs, pointer, rop{op: opEqual, text: insertion[:o1:o1]})
				diffs[pointer-1].text = deletion[: len(deletion)-o1 : len(deletion)-o1]
				diffs[pointer+1].text = insertion[o1:]
				pointer++
			}
		} else if 2*o2 >= len(deletion) || 2*o2 >= len(insertion) {
			diffs = slices.Insert(diffs, pointer, rop{op: opEqual, text: deletion[:o2:o2]})
			diffs[pointer-1] = rop{op: opInsert, text: insertion[: len(insertion)-o2 : len(insertion)-o2]}
			diffs[pointer+1] = rop{op: opDelete, text: deletion[o2:]}
			pointer++
		}
		pointer++
	}
	return dropEmpty(diffs)
}

// cleanupLosslessR slides each single edit between two equalities to the
// best word boundary, without changing what it does:
// diff_cleanupSemanticLossless. E.g. The c<ins>at c</ins>ame. -> The
// <ins>cat </ins>came. score rates boundaries (nil: boundaryScore).
func cleanupLosslessR(diffs []rop, score scoreFunc) []rop {
	if score == nil {
		score = boundaryScore
	}
	for pointer := 1; pointer < len(diffs)-1; pointer++ {
		if diffs[pointer-1].op != opEqual || diffs[pointer+1].op != opEqual {
			continue
		}
		eq1, edit, eq2 := diffs[pointer-1].text, diffs[pointer].text, diffs[pointer+1].text
		// The three pieces are one text; the edit is a window of it that
		// may slide wherever the text under it repeats. at(i) reads it.
		n1, ne := len(eq1), len(edit)
		total := n1 + ne + len(eq2)
		at := func(i int) rune {
			switch {
			case i < n1:
				return eq1[i]
			case i < n1+ne:
				return edit[i-n1]
			}
			return eq2[i-n1-ne]
		}
		// First shift the edit as far left as possible...
		start := n1 - commonSuffix(eq1, edit)
		// ...then step right, looking for the best fit; >= prefers
		// trailing to leading white space on edits.
		best, bestScore := start, score(at, total, start)+score(at, total, start+ne)
		for i := start; i+ne < total && at(i) == at(i+ne); {
			i++
			if s := score(at, total, i) + score(at, total, i+ne); s >= bestScore {
				best, bestScore = i, s
			}
		}
		if best == n1 {
			continue
		}
		whole := make([]rune, 0, total)
		whole = append(append(append(whole, eq1...), edit...), eq2...)
		diffs[pointer].text = whole[best : best+ne : best+ne]
		if best > 0 {
			diffs[pointer-1].text = whole[:best:best]
		} else {
			diffs = slices.Delete(diffs, pointer-1, pointer)
			pointer--
		}
		if best+ne < total {
			diffs[pointer+1].text = whole[best+ne:]
		} else {
			diffs = slices.Delete(diffs, pointer+1, pointer+2)
			pointer--
		}
	}
	return diffs
}

// boundaryScore rates a cut of a text before index i (read through at, of
// length n) from 6 (an edge) down to 0 (inside a word):
// diff_cleanupSemanticScore with Unicode classes.
func boundaryScore(at func(int) rune, n, i int) int {
	if i <= 0 || i >= n {
		return 6 // edges are the best
	}
	c1, c2 := at(i-1), at(i)
	alnum1, alnum2 := isWordRune(c1) && !isIdeograph(c1), isWordRune(c2) && !isIdeograph(c2)
	space1, space2 := !alnum1 && unicode.IsSpace(c1), !alnum2 && unicode.IsSpace(c2)
	break1, break2 := space1 && isLineBreak(c1), space2 && isLineBreak(c2)
	switch {
	case break1 && blankLineEnd(at, i), break2 && blankLineStart(at, n, i):
		return 5 // a blank line
	case break1 || break2:
		return 4
	case !alnum1 && !space1 && space2:
		return 3 // the end of a sentence
	case space1 || space2:
		return 2
	case !alnum1 || !alnum2:
		return 1
	}
	return 0
}

func isLineBreak(r rune) bool { return r == '\n' || r == '\r' }

// blankLineEnd reports whether the text before i ends with \n\r?\n.
func blankLineEnd(at func(int) rune, i int) bool {
	if i < 2 || at(i-1) != '\n' {
		return false
	}
	if at(i-2) == '\n' {
		return true
	}
	return i >= 3 && at(i-2) == '\r' && at(i-3) == '\n'
}

// blankLineStart reports whether the text from i starts with \r?\n\r?\n.
func blankLineStart(at func(int) rune, n, i int) bool {
	next := func() bool {
		if i < n && at(i) == '\r' {
			i++
		}
		if i < n && at(i) == '\n' {
			i++
			return true
		}
		return false
	}
	return next() && next()
}

// cleanupEfficiency removes equalities that cost more to keep than to fold
// into the edits around them (diffEditCost), for patches that apply well:
// diff_cleanupEfficiency.
func cleanupEfficiency(diffs []rop) []rop {
	diffs = dropEmpty(diffs)
	changes := false
	var equalities []int
	var lastEquality []rune
	// Whether there is an insertion or deletion before and after the last
	// equality.
	var preIns, preDel, postIns, postDel bool
	for pointer := 0; pointer < len(diffs); pointer++ {
		d := diffs[pointer]
		if d.op == opEqual {
			if len(d.text) < diffEditCost && (postIns || postDel) {
				// A candidate.
				equalities = append(equalities, pointer)
				preIns, preDel = postIns, postDel
				lastEquality = d.text
			} else {
				// Not a candidate, and can never become one.
				equalities = equalities[:0]
				lastEquality = nil
			}
			postIns, postDel = false, false
			continue
		}
		if d.op == opDelete {
			postDel = true
		} else {
			postIns = true
		}
		// Five kinds to split:
		// <ins>A</ins><del>B</del>XY<ins>C</ins><del>D</del>
		// <ins>A</ins>X<ins>C</ins><del>D</del>
		// <ins>A</ins><del>B</del>X<ins>C</ins>
		// <ins>A</del>X<ins>C</ins><del>D</del>
		// <ins>A</ins><del>B</del>X<del>C</del>
		sides := 0
		for _, b := range []bool{preIns, preDel, postIns, postDel} {
			if b {
				sides++
			}
		}
		if len(lastEquality) > 0 && ((preIns && preDel && postIns && postDel) ||
			(2*len(lastEquality) < diffEditCost && sides == 3)) {
			at := equalities[len(equalities)-1]
			diffs = slices.Insert(diffs, at, rop{op: opDelete, text: lastEquality})
			diffs[at+1].op = opInsert
			equalities = equalities[:len(equalities)-1]
			lastEquality = nil
			if preIns && preDel {
				// Nothing changed that could affect the previous entry.
				postIns, postDel = true, true
				equalities = equalities[:0]
			} else {
				if len(equalities) > 0 {
					equalities = equalities[:len(equalities)-1]
				}
				pointer = -1
				if len(equalities) > 0 {
					pointer = equalities[len(equalities)-1]
				}
				postIns, postDel = false, false
			}
			changes = true
		}
	}
	if changes {
		diffs = cleanupMerge(diffs)
	}
	return diffs
}

// rebuildsR reports whether diffs turn a into b.
func rebuildsR(diffs []rop, a, b []rune) bool {
	var ia, ib int
	for _, d := range diffs {
		if d.op != opInsert {
			if !hasPrefix(a[ia:], d.text) {
				return false
			}
			ia += len(d.text)
		}
		if d.op != opDelete {
			if !hasPrefix(b[ib:], d.text) {
				return false
			}
			ib += len(d.text)
		}
	}
	return ia == len(a) && ib == len(b)
}
