package revision

import "testing"

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
