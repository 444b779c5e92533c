package revision

import (
	"math/rand"
	"slices"
	"testing"
)

// editCost counts the code points a diff inserts and deletes.
func editCost(diffs []rop) int {
	n := 0
	for _, d := range diffs {
		if d.op != opEqual {
			n += len(d.text)
		}
	}
	return n
}

// lcsCost is the least insert and delete cost from a to b (dynamic
// programming): what a minimal diff must reach.
func lcsCost(a, b []rune) int {
	prev, cur := make([]int, len(b)+1), make([]int, len(b)+1)
	for i := range a {
		for j := range b {
			if a[i] == b[j] {
				cur[j+1] = prev[j] + 1
			} else {
				cur[j+1] = max(prev[j+1], cur[j])
			}
		}
		prev, cur = cur, prev
	}
	return len(a) + len(b) - 2*prev[len(b)]
}

// TestDiffExactMinimal: on small random texts (where no half match cuts
// the search short) the diff rebuilds both texts and is minimal.
func TestDiffExactMinimal(t *testing.T) {
	r := rand.New(rand.NewSource(3))
	alphabet := []rune("abcé😀 ")
	gen := func() []rune {
		s := make([]rune, r.Intn(14))
		for i := range s {
			s[i] = alphabet[r.Intn(len(alphabet))]
		}
		return s
	}
	for i := range 3000 {
		a, b := gen(), gen()
		d := diffExact(a, b)
		if !slices.Equal(text1(d), a) || !slices.Equal(text2(d), b) {
			t.Fatalf("case %d: diff of %q and %q does not rebuild them: %v", i, string(a), string(b), d)
		}
		if got, want := editCost(d), lcsCost(a, b); got != want && !halfMatched(a, b) {
			t.Fatalf("case %d: diff of %q and %q costs %d, the least is %d", i, string(a), string(b), got, want)
		}
	}
}

func halfMatched(a, b []rune) bool {
	p := commonPrefix(a, b)
	s := commonSuffix(a[p:], b[p:])
	_, _, _, _, _, ok := halfMatch(a[p:len(a)-s], b[p:len(b)-s])
	return ok
}

// TestDiffExactBudget: out of budget, the diff is coarse but still
// rebuilds both texts, and it is the same every time (a clock would make
// it depend on how busy the machine is, and merges decide from it).
func TestDiffExactBudget(t *testing.T) {
	r := rand.New(rand.NewSource(5))
	words := genWords(r, 20_000)
	a := []rune(joinWords(changeWords(r, words, 0.3)))
	b := []rune(joinWords(changeWords(r, words, 0.3)))
	var first []rop
	for range 3 {
		m := myers{budget: 50_000}
		d := m.main(a, b)
		if !slices.Equal(text1(d), a) || !slices.Equal(text2(d), b) {
			t.Fatal("an out-of-budget diff does not rebuild its texts")
		}
		if m.budget > 0 {
			t.Fatalf("the budget was not spent (%d left): the test texts are too easy", m.budget)
		}
		if first == nil {
			first = d
			continue
		}
		if len(d) != len(first) || editCost(d) != editCost(first) {
			t.Fatal("the same texts diffed differently")
		}
	}
	if full := diffExact(a, b); editCost(full) >= editCost(first) {
		t.Fatalf("the full budget finds no better diff (%d) than a small one (%d)", editCost(full), editCost(first))
	}
}
