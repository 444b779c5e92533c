package revision

import (
	"math/rand"
	"strings"
	"testing"
	"unicode/utf8"
)

func TestMerge(t *testing.T) {
	const base = "The Pact was presented in 2020. Garcés-Mascareñas studied reception. Jørgensen studied return. Çağlar studied cities 😀."
	tests := []struct {
		name, base, mine, current, want string
	}{
		{"OK", base,
			strings.Replace(base, "presented", "proposed", 1),
			strings.Replace(base, "cities 😀", "cities and towns 😁", 1),
			"The Pact was proposed in 2020. Garcés-Mascareñas studied reception. Jørgensen studied return. Çağlar studied cities and towns 😁."},
		{"BaseIsCurrent", base, "anything 中文", base, "anything 中文"},
		{"MineIsBase", base, base, "completely new 😀", "completely new 😀"},
		{"SameEditTwice", base, base + " Fin.", base + " Fin.", base + " Fin."},
		{"InsertsAtDifferentPlaces", "Jørgensen 😀😁 Çağlar",
			"Dr Jørgensen 😀😁 Çağlar", "Jørgensen 😀😁 Çağlar (2021)", "Dr Jørgensen 😀😁 Çağlar (2021)"},
		{"InsertsAtSamePlace", "a 中文 b", "a 中文字 b", "a 中文学 b", "a 中文学字 b"},
		{"DeletesBoth", "one two three four five six seven eight nine ten",
			"one three four five six seven eight nine ten", "one two three four five six seven eight ten",
			"one three four five six seven eight ten"},
		{"SameDeletion", "keep Ødegaard keep", "keep keep", "keep keep", "keep keep"},
		{"InsertNextToDeletion", "Keep this. Delete me, Jørgensen. Keep that.", "Keep this. Keep that.",
			"Keep this. Delete me, Jørgensen. (New 😀) Keep that.", "Keep this. (New 😀) Keep that."},
		{"InsertBeforeDeletion", "Keep this. Delete me, Jørgensen. Keep that.", "Keep this. Keep that.",
			"Keep this. (New 😀) Delete me, Jørgensen. Keep that.", "Keep this. (New 😀) Keep that."},
		{"FromEmpty", "", "mine 😀", "current", "currentmine 😀"}, // both inserted at one point: current first
		{"InsertSurvivesDeletion", "Keep this. Delete these three words please. Keep that.", "Keep this. Keep that.",
			"Keep this. Delete these three (Jørgensen!) words please. Keep that.", "Keep this. (Jørgensen!) Keep that."},
		// One wrote inside a glued word, the other typed after the space
		// that follows it: two places, no conflict.
		{"WordChangedTextAddedAfterItsSpace", " JørgensenÇağlar ", " Jørgensenthat wrote Çağlar ",
			" JørgensenÇağlar  replied with", " Jørgensenthat wrote Çağlar  replied with"},
		{"AdjacentDeletions", "a c0k1 c1k2 b", "a c1k2 b", "a c0k1 b", "a b"},
		{"CJK", "移民政策很重要。难民保护也很重要。", "移民法律很重要。难民保护也很重要。", "移民政策很重要。难民的保护也很重要。",
			"移民法律很重要。难民的保护也很重要。"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, failed := Merge(tt.base, tt.mine, tt.current)
			if len(failed) > 0 {
				t.Fatalf("failed hunks: %+v", failed)
			}
			if got != tt.want {
				t.Fatalf("got %q, want %q", got, tt.want)
			}
		})
	}
}

// TestMergeConflicts checks edits that cannot apply: they come back as
// hunks with the base text both sides changed and the user's version of it,
// placed where the other side's version now stands.
func TestMergeConflicts(t *testing.T) {
	tests := []struct {
		name, base, mine, current string
		want                      string // merged
		wantHunks                 []Hunk
	}{
		{"ErrRewritten",
			"Intro. Salamońska argues that return sponsorship failed. Outro stays.",
			"Intro. Salamońska argues that return sponsorship failed badly. Outro stays.",
			"Intro. 中文 😀😁 ничего общего здесь нет",
			"Intro. 中文 😀😁 ничего общего здесь нет",
			[]Hunk{{Start: 7, End: 36, Base: "Salamońska argues that return sponsorship failed. Outro stays.",
				Mine: "Salamońska argues that return sponsorship failed badly. Outro stays."}}},

		{"ErrOneOfTwo",
			"First part about asylum policy in Europe. " + strings.Repeat("filler text 😀 ", 10) + "Second part on return policy.",
			"First part about asylum policy in the EU. " + strings.Repeat("filler text 😀 ", 10) + "Second part on return policy (2021).",
			"First part about asylum policy in Europe. " + strings.Repeat("filler text 😀 ", 10) + "第二部分：遣返政策。",
			"First part about asylum policy in the EU. " + strings.Repeat("filler text 😀 ", 10) + "第二部分：遣返政策。",
			[]Hunk{{Start: 182, End: 192, Base: "Second part on return policy.", Mine: "Second part on return policy (2021)."}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, failed := Merge(tt.base, tt.mine, tt.current)
			if got != tt.want {
				t.Fatalf("merged: got %q, want %q", got, tt.want)
			}
			if len(failed) != len(tt.wantHunks) {
				t.Fatalf("hunks: got %+v, want %+v", failed, tt.wantHunks)
			}
			for i, h := range failed {
				if h.Base != tt.wantHunks[i].Base || h.Mine != tt.wantHunks[i].Mine {
					t.Fatalf("hunk %d: got %#v, want %#v", i, h, tt.wantHunks[i])
				}
				n := utf8.RuneCountInString(got)
				if h.Start < 0 || h.Start > h.End || h.End > n {
					t.Fatalf("hunk %d: [%d, %d) is not within the merged text (%d code points)", i, h.Start, h.End, n)
				}
				if h.Start != tt.wantHunks[i].Start || h.End != tt.wantHunks[i].End {
					t.Errorf("hunk %d at [%d, %d) = %q, want [%d, %d)", i, h.Start, h.End,
						runeSlice(got, h.Start, h.End), tt.wantHunks[i].Start, tt.wantHunks[i].End)
				}
			}
		})
	}
}

// TestMergeRandom runs seeded random three-way merges on a small alphabet
// of accents, CJK, emoji, spaces and newlines: every result must be valid
// UTF-8, and every pair of edits with an untouched word between them must
// both survive, exactly. Closer pairs are counted.
func TestMergeRandom(t *testing.T) {
	n := 20_000
	if raceEnabled || testing.Short() {
		n = 2_000
	}
	alphabet := []rune("aé中文字😀😁 \n")
	r := rand.New(rand.NewSource(2026))
	randText := func(maxLen int) string {
		s := make([]rune, r.Intn(maxLen+1))
		for i := range s {
			s[i] = alphabet[r.Intn(len(alphabet))]
		}
		return string(s)
	}
	var disjoint, survived, close, closeSurvived, conflicts int
	for i := range n {
		base := randText(200)
		size := utf8.RuneCountInString(base)
		p1, p2 := r.Intn(size+1), r.Intn(size+1)
		d1, d2 := r.Intn(6), r.Intn(6)
		i1, i2 := randText(6), randText(6)
		mine := spliceRunes(base, p1, d1, i1)
		current := spliceRunes(base, p2, d2, i2)

		merged, failed := Merge(base, mine, current)
		if !utf8.ValidString(merged) {
			t.Fatalf("case %d: invalid UTF-8 %q from Merge(%q, %q, %q)", i, merged, base, mine, current)
		}
		if _, _, ack := MergeAck(base, mine, current); mustApply(t, mine, ack) != merged {
			t.Fatalf("case %d: MergeAck's ack %q does not take %q to %q", i, ack, mine, merged)
		}
		for _, h := range failed {
			if h.Start < 0 || h.Start > h.End || h.End > utf8.RuneCountInString(merged) {
				t.Fatalf("case %d: hunk %+v out of bounds", i, h)
			}
		}
		conflicts += len(failed)
		if want, ok := bothEdits(base, p1, d1, i1, p2, d2, i2, 2*patchMargin); ok {
			disjoint++
			if merged == want && len(failed) == 0 {
				survived++
			} else {
				t.Errorf("case %d: Merge(%q, %q, %q) = %q, %+v; want %q", i, base, mine, current, merged, failed, want)
			}
		} else if want, ok := bothEdits(base, p1, d1, i1, p2, d2, i2, 1); ok {
			close++
			if merged == want && len(failed) == 0 {
				closeSurvived++
			}
		}
	}
	t.Logf("%d merges: %d pairs of disjoint edits at least %d apart, %d kept both exactly; %d closer pairs, %d kept both exactly; %d conflict hunks",
		n, disjoint, 2*patchMargin, survived, close, closeSurvived, conflicts)
	if survived != disjoint {
		t.Fatalf("only %d of %d disjoint edit pairs survived", survived, disjoint)
	}
}

// wordAt returns the index of the word (with the white space after it) of
// s that holds code point pos.
func wordAt(s string, pos int) int {
	at := 0
	for i, w := range splitWords(s) {
		at += w.wordLen + w.spaceLen
		if pos < at {
			return i
		}
	}
	return len(splitWords(s))
}

// bothEdits returns base with both edits applied, if they touch regions
// at least sep code points apart (and the edit before the other changes
// the length by little, so that the patch after it is found by an exact
// match, which then scores better than any fuzzy one).
func bothEdits(base string, p1, d1 int, i1 string, p2, d2 int, i2 string, sep int) (string, bool) {
	n := utf8.RuneCountInString(base)
	p1, p2 = min(p1, n), min(p2, n)
	e1, e2 := min(n, p1+d1), min(n, p2+d2)
	if e1 == p1 && i1 == "" || e2 == p2 && i2 == "" {
		return "", false // an edit that changes nothing
	}
	if p1 > p2 {
		// Order them; the edit later in the text is applied first.
		p1, d1, i1, e1, p2, d2, i2, e2 = p2, d2, i2, e2, p1, d1, i1, e1
	}
	if p2-e1 < sep {
		return "", false
	}
	// The merge works word by word: edits of one word (with the white space
	// after it), or of neighbouring words, may rightly conflict. Demand a
	// whole untouched word between them.
	if wordAt(base, p2)-wordAt(base, e1) < 2 {
		return "", false
	}
	shift := utf8.RuneCountInString(i1) - (e1 - p1)
	if shift < -30 || shift > 30 {
		return "", false
	}
	return spliceRunes(spliceRunes(base, p2, d2, i2), p1, d1, i1), true
}

func mustApply(t *testing.T, text, delta string) string {
	t.Helper()
	out, err := ApplyDelta(text, delta)
	if err != nil {
		t.Fatalf("delta %q on %q: %v", delta, text, err)
	}
	return out
}
