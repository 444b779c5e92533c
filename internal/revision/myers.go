package revision

// myers is the character diff under every delta and merge: Myers' O(ND)
// middle-snake bisection, as diff-match-patch computes it, but on runes
// throughout and bounded by a budget of steps instead of a clock. With a
// clock the same two texts diff differently on a busy machine (the search
// stops early and a whole region becomes one replacement), and a merge
// decides from its diffs what conflicts: under load, edits that were apart
// turned into conflicts, and a client's rebase brought deleted words back.
// A budget gives the same diff everywhere; like the clock, when it runs
// out the rest of the work is one deletion and one insertion (still a
// correct diff, only not minimal).
type myers struct {
	budget int // bisection steps left
}

// diffBudget bounds one diff's bisection steps: about half a second of
// work here (the 500 ms go-diff had on a quiet machine). A 60 KB text
// against one with 5 % of its words changed takes 9 M steps; only a rewrite
// of most of a long section meets the bound.
const diffBudget = 1 << 27

// diffExact is the minimal diff of a and b, within diffBudget.
func diffExact(a, b []rune) []rop {
	m := myers{budget: diffBudget}
	return m.main(a, b)
}

func (m *myers) main(a, b []rune) []rop {
	p := commonPrefix(a, b)
	s := commonSuffix(a[p:], b[p:])
	var out []rop
	if p > 0 {
		out = append(out, rop{op: opEqual, text: a[:p:p]})
	}
	out = append(out, m.compute(a[p:len(a)-s], b[p:len(b)-s])...)
	if s > 0 {
		out = append(out, rop{op: opEqual, text: a[len(a)-s:]})
	}
	return out
}

// compute diffs two texts that share no prefix or suffix.
func (m *myers) compute(a, b []rune) []rop {
	switch {
	case len(a) == 0 && len(b) == 0:
		return nil
	case len(a) == 0:
		return []rop{{op: opInsert, text: b}}
	case len(b) == 0:
		return []rop{{op: opDelete, text: a}}
	}
	long, short, op := a, b, opDelete
	if len(b) > len(a) {
		long, short, op = b, a, opInsert
	}
	if i := indexRunes(long, short, 0); i >= 0 {
		// The shorter text is inside the longer one.
		return dropEmpty([]rop{{op: op, text: long[:i]}, {op: opEqual, text: short}, {op: op, text: long[i+len(short):]}})
	}
	if len(short) == 1 {
		return []rop{{op: opDelete, text: a}, {op: opInsert, text: b}}
	}
	if a1, a2, b1, b2, common, ok := halfMatch(a, b); ok {
		// A common run of at least half the longer text: diff either side
		// of it (not always minimal, but fast and still deterministic).
		out := append(m.main(a1, b1), rop{op: opEqual, text: common})
		return append(out, m.main(a2, b2)...)
	}
	return m.bisect(a, b)
}

// halfMatch finds a run common to a and b at least half as long as the
// longer of them: a = a1+common+a2, b = b1+common+b2 (diff-match-patch's
// diff_halfMatch).
func halfMatch(a, b []rune) (a1, a2, b1, b2, common []rune, ok bool) {
	swapped := len(b) > len(a)
	long, short := a, b
	if swapped {
		long, short = b, a
	}
	if len(long) < 4 || len(short)*2 < len(long) {
		return nil, nil, nil, nil, nil, false
	}
	// Seeds: the second and the third quarter of the longer text.
	h1, ok1 := halfMatchAt(long, short, (len(long)+3)/4)
	h2, ok2 := halfMatchAt(long, short, (len(long)+1)/2)
	h := h1
	switch {
	case !ok1 && !ok2:
		return nil, nil, nil, nil, nil, false
	case !ok1 || ok2 && len(h2[4]) > len(h1[4]):
		h = h2
	}
	if !swapped {
		return h[0], h[1], h[2], h[3], h[4], true
	}
	return h[2], h[3], h[0], h[1], h[4], true
}

// halfMatchAt looks for a half match of long and short that holds the
// quarter of long starting at i: long's prefix and suffix, short's, and the
// common run.
func halfMatchAt(long, short []rune, i int) ([5][]rune, bool) {
	var best [5][]rune
	bestLen := 0
	seed := long[i : i+len(long)/4]
	for j := indexRunes(short, seed, 0); j != -1; j = indexRunes(short, seed, j+1) {
		p := commonPrefix(long[i:], short[j:])
		s := commonSuffix(long[:i], short[:j])
		if bestLen < p+s {
			bestLen = p + s
			best = [5][]rune{long[: i-s : i-s], long[i+p:], short[: j-s : j-s], short[j+p:], short[j-s : j+p : j+p]}
		}
	}
	return best, bestLen*2 >= len(long)
}

// bisect finds the middle snake of the shortest edit path and diffs the
// two halves around it (Myers 1986, section 4b).
func (m *myers) bisect(a, b []rune) []rop {
	n1, n2 := len(a), len(b)
	maxD := (n1 + n2 + 1) / 2
	off, size := maxD, 2*maxD
	v1, v2 := make([]int, size), make([]int, size)
	for i := range v1 {
		v1[i], v2[i] = -1, -1
	}
	v1[off+1], v2[off+1] = 0, 0
	delta := n1 - n2
	// With an odd total the forward path meets the reverse one.
	front := delta%2 != 0
	k1start, k1end, k2start, k2end := 0, 0, 0, 0
	for d := 0; d < maxD && m.budget > 0; d++ {
		m.budget -= 2*d + 1
		for k1 := -d + k1start; k1 <= d-k1end; k1 += 2 {
			i := off + k1
			var x1 int
			if k1 == -d || (k1 != d && v1[i-1] < v1[i+1]) {
				x1 = v1[i+1]
			} else {
				x1 = v1[i-1] + 1
			}
			y1 := x1 - k1
			for x1 < n1 && y1 < n2 && a[x1] == b[y1] {
				x1, y1 = x1+1, y1+1
			}
			v1[i] = x1
			switch {
			case x1 > n1:
				k1end += 2 // off the right of the grid
			case y1 > n2:
				k1start += 2 // off the bottom
			case front:
				if j := off + delta - k1; j >= 0 && j < size && v2[j] != -1 && x1 >= n1-v2[j] {
					return m.split(a, b, x1, y1)
				}
			}
		}
		for k2 := -d + k2start; k2 <= d-k2end; k2 += 2 {
			i := off + k2
			var x2 int
			if k2 == -d || (k2 != d && v2[i-1] < v2[i+1]) {
				x2 = v2[i+1]
			} else {
				x2 = v2[i-1] + 1
			}
			y2 := x2 - k2
			for x2 < n1 && y2 < n2 && a[n1-x2-1] == b[n2-y2-1] {
				x2, y2 = x2+1, y2+1
			}
			v2[i] = x2
			switch {
			case x2 > n1:
				k2end += 2 // off the left
			case y2 > n2:
				k2start += 2 // off the top
			case !front:
				if j := off + delta - k2; j >= 0 && j < size && v1[j] != -1 {
					x1 := v1[j]
					if y1 := off + x1 - j; x1 >= n1-x2 {
						return m.split(a, b, x1, y1)
					}
				}
			}
		}
	}
	// Out of budget, or nothing in common.
	return []rop{{op: opDelete, text: a}, {op: opInsert, text: b}}
}

func (m *myers) split(a, b []rune, x, y int) []rop {
	return append(m.main(a[:x:x], b[:y:y]), m.main(a[x:], b[y:])...)
}
