package loadtest

import (
	"encoding/json"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"briefstudio/internal/revision"
)

func TestScanUpdate(t *testing.T) {
	tests := []struct {
		name  string
		delta string
		want  []mark
	}{
		{"plain", "=10\t+w3x7 \t=4", []mark{{3, 7}}},
		{"two inserts", "+w1x1 \t=5\t-2\t+w22x9 w22x10 ", []mark{{1, 1}, {22, 9}, {22, 10}}},
		{"rotated right", "=4\t+2x345 w1\t=3", []mark{{12, 345}}},
		{"rotated by a space", "=4\t+ w12x345\t=3", []mark{{12, 345}}},
		{"glued is not a marker", "+aw1x2 w3x4b w5xz", nil},
		{"escapes separate", "+w1x2%C3%A9w3x4 ", []mark{{1, 2}}},
		{"no inserts", "=40\t-3", nil},
		{"delete only counts", "-12", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			raw, _ := json.Marshal(map[string]any{"type": "update", "section": "s", "n": 1, "delta": tt.delta})
			_, got := scanUpdate(raw, nil, nil)
			got = sortMarks(got)
			want := sortMarks(slices.Clone(tt.want))
			if !slices.Equal(got, want) {
				t.Errorf("scanUpdate(%q) = %v, want %v", tt.delta, got, want)
			}
		})
	}
}

func sortMarks(m []mark) []mark {
	slices.SortFunc(m, func(a, b mark) int { return int(a.client-b.client)*1_000_000 + int(a.seq-b.seq) })
	return slices.Compact(m)
}

// TestScanFindsTypedWords: words typed into a text full of other markers
// are found in the delta the server would send, rotated or not.
func TestScanFindsTypedWords(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	var words []string
	for i := range 300 {
		words = append(words, marker(rng.IntN(40), i))
	}
	text := strings.Join(words[:100], " ") + " "
	missed := 0
	for i := 100; i < 300; i++ {
		w := words[i]
		pos := 0
		if j := rng.IntN(len(text)); j > 0 {
			if k := strings.IndexByte(text[j:], ' '); k >= 0 {
				pos = j + k + 1
			} else {
				pos = len(text)
			}
		}
		next := text[:pos] + w + " " + text[pos:]
		_, got := scanUpdate(mustJSON(revision.Delta(text, next)), nil, nil)
		if !containsSeq(got, i) {
			missed++
			t.Logf("missed %s in %q", w, revision.Delta(text, next))
		}
		text = next
	}
	if missed > 0 {
		t.Errorf("%d of 200 typed words not found", missed)
	}
}

func containsSeq(m []mark, seq int) bool {
	for _, x := range m {
		if int(x.seq) == seq {
			return true
		}
	}
	return false
}

func mustJSON(delta string) []byte {
	raw, _ := json.Marshal(map[string]any{"type": "update", "delta": delta})
	return raw
}

func TestFindWord(t *testing.T) {
	tests := []struct {
		text, word string
		want       int
	}{
		{"w1x1 w1x12 ", "w1x12", 5},
		{"w11x1 w1x1 ", "w1x1", 6},
		{"aw1x1 ", "w1x1", -1},
		{"w1x1", "w1x1", -1}, // a word is followed by its space
		{"", "w1x1", -1},
	}
	for _, tt := range tests {
		if got := findWord(tt.text, tt.word); got != tt.want {
			t.Errorf("findWord(%q, %q) = %d, want %d", tt.text, tt.word, got, tt.want)
		}
	}
}
