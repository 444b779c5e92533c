package revision

import (
	"math/rand"
	"strings"
	"testing"
)

func TestDeltaRoundTrip(t *testing.T) {
	tests := []struct{ name, old, new string }{
		{"Empty", "", ""},
		{"FromEmpty", "", "Hello world"},
		{"ToEmpty", "Hello world", ""},
		{"Same", "unchanged", "unchanged"},
		{"Word", "The cat sat.", "The dog sat."},
		{"Accents", "Garcés-Mascareñas", "Garcés Mascareñas, Jørgensen"},
		{"CJK", "中文字", "中文字典"},
		{"Emoji", "a😀b", "a😁😀b%"},
		{"Escapes", "a", "tab\there 100% #1 +plus"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := Delta(tt.old, tt.new)
			got, err := ApplyDelta(tt.old, d)
			if err != nil {
				t.Fatalf("ApplyDelta(%q, %q): %v", tt.old, d, err)
			}
			if got != tt.new {
				t.Fatalf("got %q, want %q (delta %q)", got, tt.new, d)
			}
		})
	}
}

func TestDeltaCountsCodePoints(t *testing.T) {
	if got, want := Delta("😀é", "😀éx"), "=2\t+x"; got != want {
		t.Fatalf("got %q, want %q", got, want)
	}
}

func TestApplyDeltaRejectsBadInput(t *testing.T) {
	tests := []struct{ name, old, delta string }{
		{"TooLong", "abc", "=4"},
		{"TooShort", "abc", "=2"},
		{"BadOp", "abc", "*3"},
		{"BadLength", "abc", "=x"},
		{"Negative", "abc", "=-1"},
		{"BadEscape", "", "+%zz"},
		{"InvalidUTF8", "", "+%FF"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := ApplyDelta(tt.old, tt.delta); err == nil {
				t.Fatalf("ApplyDelta(%q, %q) succeeded, want an error", tt.old, tt.delta)
			}
		})
	}
}

// TestSkipRunes: the word-at-a-time skip agrees with walking the runes one
// by one, on strings and byte slices with non-ASCII runs anywhere.
func TestSkipRunes(t *testing.T) {
	rng := rand.New(rand.NewSource(5))
	pieces := []string{"a", "word ", "ø", "日本", "🙂", strings.Repeat("x", 40), " "}
	for range 3000 {
		var sb strings.Builder
		for range rng.Intn(30) {
			sb.WriteString(pieces[rng.Intn(len(pieces))])
		}
		s := sb.String()
		runes := []rune(s)
		startRune := rng.Intn(len(runes) + 1)
		at := len(string(runes[:startRune]))
		n := rng.Intn(len(runes) - startRune + 3) // past the end too
		wantOK := startRune+n <= len(runes)
		want := len(s)
		if wantOK {
			want = len(string(runes[:startRune+n]))
		}
		for _, got := range [][2]any{pair(skipRunes(s, at, n)), pair(skipRunes([]byte(s), at, n))} {
			if ok := got[1].(bool); ok != wantOK || (ok && got[0].(int) != want) {
				t.Fatalf("skipRunes(%q, %d, %d) = %v, want %d, %v", s, at, n, got, want, wantOK)
			}
		}
	}
}

func pair(at int, ok bool) [2]any { return [2]any{at, ok} }
