package revision

import (
	"math/rand"
	"strings"
	"testing"
)

// TestMergeWordEdits: two people insert words at word boundaries and
// delete their own words, concurrently, from one base; the merge keeps
// every word that was inserted and not deleted, exactly once, drops every
// deleted one, and never glues two words together.
func TestMergeWordEdits(t *testing.T) {
	// Each side spells its words from its own letters, so no two words of
	// different sides share a part (which would make a replacement a
	// modification, and a conflict, by design).
	letters := map[string][]string{"o": {"k", "l", "é", "中"}, "x": {"p", "q", "ø", "😀"}, "y": {"t", "u", "ß", "文"}}
	word := func(rng *rand.Rand, side string, n int) string {
		var b strings.Builder
		b.WriteString(side)
		for ; n > 0; n /= 4 {
			b.WriteString(letters[side][n%4])
		}
		b.WriteString(letters[side][rng.Intn(4)])
		return b.String()
	}
	iterations := 20000
	if raceEnabled {
		iterations = 2000
	}
	for seed := int64(0); seed < int64(iterations); seed++ {
		rng := rand.New(rand.NewSource(seed))
		var base []string
		for i := rng.Intn(6); i > 0; i-- {
			base = append(base, word(rng, "o", i))
		}
		edit := func(side string) (words []string, kept map[string]bool) {
			words = append([]string(nil), base...)
			kept = map[string]bool{}
			for _, w := range base {
				kept[w] = true
			}
			for k := rng.Intn(5); k >= 0; k-- {
				if rng.Intn(3) == 0 && len(words) > 0 {
					i := rng.Intn(len(words))
					kept[words[i]] = false
					words = append(words[:i], words[i+1:]...)
					continue
				}
				w := word(rng, side, k+1)
				i := rng.Intn(len(words) + 1)
				words = append(words[:i], append([]string{w}, words[i:]...)...)
				kept[w] = true
			}
			return words, kept
		}
		join := func(ws []string) string {
			if len(ws) == 0 {
				return ""
			}
			return strings.Join(ws, " ") + " "
		}
		a, keptA := edit("x")
		b, keptB := edit("y")
		merged, failed := Merge(join(base), join(a), join(b))
		got := map[string]int{}
		for _, w := range strings.Fields(merged) {
			got[w]++
		}
		for w := range got {
			if got[w] > 1 {
				t.Fatalf("seed %d: %q twice in %q (base %q, a %q, b %q)", seed, w, merged, join(base), join(a), join(b))
			}
		}
		want := map[string]bool{}
		for w, k := range keptA {
			want[w] = k
		}
		for w, k := range keptB {
			if strings.HasPrefix(w, "o") {
				want[w] = want[w] && k // a base word stays unless someone deleted it
			} else {
				want[w] = k
			}
		}
		if len(failed) > 0 {
			t.Fatalf("seed %d: word edits conflicted: %+v (base %q, a %q, b %q)", seed, failed, join(base), join(a), join(b))
		}
		for w, k := range want {
			if k != (got[w] == 1) {
				t.Fatalf("seed %d: %q: want present=%v in %q (base %q, a %q, b %q)", seed, w, k, merged, join(base), join(a), join(b))
			}
		}
		for w := range got {
			if _, ok := want[w]; !ok {
				t.Fatalf("seed %d: %q is not a word anyone wrote: %q (base %q, a %q, b %q)", seed, w, merged, join(base), join(a), join(b))
			}
		}
	}
}
