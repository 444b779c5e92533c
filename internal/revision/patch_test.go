package revision

import (
	"strings"
	"testing"
	"unicode/utf8"
)

func TestMakeApplyPatches(t *testing.T) {
	tests := []struct {
		name, base, edited string
	}{
		{"Empty", "", ""},
		{"FromEmpty", "", "Garcés-Mascareñas"},
		{"ToEmpty", "Garcés-Mascareñas", ""},
		{"Accents", "Jorgensen and Caglar", "Jørgensen and Çağlar"},
		{"Emoji", "😀😁 start 😀😁 end 😀😁", "😁😀 start 😀x😁 end 😀😁!"},
		{"CJK", "移民政策很重要。难民保护。", "移民法律很重要。难民的保护。"},
		{"AtEdges", "abc", "Xabc😀"},
		{"Long", strings.Repeat("Ødegaard and Włodarczyk argue. ", 20),
			strings.Repeat("Ødegaard and Włodarczyk argue. ", 8) + "A new sentence 😀. " + strings.Repeat("Ødegaard and Włodarczyk argue. ", 11)},
		{"LongDeletion", "keep " + strings.Repeat("delete me 中文 ", 30) + "keep", "keep keep"},
		{"LongInsertion", "a b", "a " + strings.Repeat("ins 😀 ", 40) + "b"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			patches := MakePatches(tt.base, tt.edited)
			for i, p := range patches {
				a, b := rebuild(p.Diffs)
				if n := utf8.RuneCountInString(a); n != p.Length1 {
					t.Fatalf("patch %d: Length1 %d, but its source has %d code points", i, p.Length1, n)
				}
				if n := utf8.RuneCountInString(b); n != p.Length2 {
					t.Fatalf("patch %d: Length2 %d, but its target has %d code points", i, p.Length2, n)
				}
			}
			got, applied := ApplyPatches(patches, tt.base)
			if got != tt.edited {
				t.Fatalf("ApplyPatches(MakePatches(base, edited), base): got %q, want %q", got, tt.edited)
			}
			if len(applied) != len(patches) {
				t.Fatalf("got %d results for %d patches", len(applied), len(patches))
			}
			for i, ok := range applied {
				if !ok {
					t.Fatalf("patch %d did not apply onto its own base", i)
				}
			}
		})
	}
}

// TestApplyPatchesFuzzy applies patches onto texts that changed elsewhere
// or a little around the patch.
func TestApplyPatchesFuzzy(t *testing.T) {
	tests := []struct {
		name, base, edited, text, want string
	}{
		{"ShiftedByAccents",
			"The Pact was presented in 2020 by the Commission.",
			"The Pact was proposed in 2020 by the Commission.",
			"Según Garcés-Mascareñas, the Pact was presented in 2020 by the Commission.",
			"Según Garcés-Mascareñas, the Pact was proposed in 2020 by the Commission."},
		{"ContextChangedSlightly",
			"Jørgensen and Çağlar wrote the first report on reception.",
			"Jørgensen and Çağlar wrote the first report on reception centres.",
			"Jørgensen & Çağlar wrote the first report on reception.",
			"Jørgensen & Çağlar wrote the first report on reception centres."},
		{"EmojiAround",
			"😀😁 one two three four five 😀😁",
			"😀😁 one two 3 four five 😀😁",
			"😀😁😀😁 one two three four five 😀😁",
			"😀😁😀😁 one two 3 four five 😀😁"},
		{"SameWordEdited",
			"the colour of the policy",
			"the color of the policy",
			"the colours of the policy",
			"the colors of the policy"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, applied := ApplyPatches(MakePatches(tt.base, tt.edited), tt.text)
			for i, ok := range applied {
				if !ok {
					t.Errorf("patch %d did not apply", i)
				}
			}
			if got != tt.want {
				t.Fatalf("got %q, want %q", got, tt.want)
			}
		})
	}
}

func TestApplyPatchesReportsFailure(t *testing.T) {
	base := "Salamońska studied return sponsorship in 2019."
	patches := MakePatches(base, "Salamońska studied return sponsorship in 2021.")
	text := "Completely different text about 中文 and 😀 with nothing in common."
	got, applied := ApplyPatches(patches, text)
	if got != text {
		t.Fatalf("a patch that cannot apply changed the text: got %q, want %q", got, text)
	}
	if len(applied) != 1 || applied[0] {
		t.Fatalf("applied: got %v, want [false]", applied)
	}
}

// TestApplyPatchesAtomic checks that a long patch, split into pieces, is
// applied whole or not at all.
func TestApplyPatchesAtomic(t *testing.T) {
	// Small changes close together make one long patch.
	base := "Intro. " + strings.Repeat("Ødegaard, ", 8) + "end."
	edited := "Intro. " + strings.Repeat("Odegaard; ", 8) + "end."
	patches := MakePatches(base, edited)
	if len(patches) != 1 || patches[0].Length1 <= matchMaxBits {
		t.Fatalf("want one patch longer than %d, got %+v", matchMaxBits, patches)
	}
	// Someone rewrote the second half meanwhile: the last pieces cannot
	// apply, so none may.
	text := "Intro. " + strings.Repeat("Ødegaard, ", 3) + strings.Repeat("中文😀", 80)
	// Without the rollback, the first pieces would apply.
	pieces := splitMax(clonePatches([]*rpatch{fromPublic(patches[0], 0)}))
	if len(pieces) < 3 {
		t.Fatalf("want the patch split into several pieces, got %d", len(pieces))
	}
	got, applied := ApplyPatches(patches, text)
	if applied[0] {
		t.Fatalf("the patch applied onto a text without its second half: %q", got)
	}
	if got != text {
		t.Fatalf("a failed patch left pieces behind: got %q, want %q", got, text)
	}
}

// TestApplyPatchesPadding checks texts that hold the code points the
// padding would otherwise use.
func TestApplyPatchesPadding(t *testing.T) {
	pua := string([]rune{0xF0000, 0xF0001, 0xF0002, 0xF0003, 0xF0004, 0xE000, 1, 2, 3, 4})
	tests := []struct{ name, base, edited string }{
		{"PrivateUse", pua + "abc" + pua, pua + "aXbc" + pua},
		{"PrivateUseInserted", "abc", "a" + pua + "bc"},
		{"ControlChars", "\x01\x02\x03\x04abc", "\x01\x02\x03\x04abcd"},
		{"EdgeInsert", pua, "😀" + pua + "😁"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, applied := ApplyPatches(MakePatches(tt.base, tt.edited), tt.base)
			if got != tt.edited {
				t.Fatalf("got %q, want %q (applied %v)", got, tt.edited, applied)
			}
		})
	}
}

func TestChoosePadding(t *testing.T) {
	text := []rune{0xF0000, 0xF0002, 'a'}
	ps := []*rpatch{{diffs: []rop{{op: opInsert, text: []rune{0xF0001, 0xF0003}}}}}
	pad := choosePadding(text, ps)
	want := []rune{0xF0004, 0xF0005, 0xF0006, 0xF0007}
	if string(pad) != string(want) {
		t.Fatalf("got %U, want %U", pad, want)
	}
}

// TestApplyPatchesHostile feeds patches that MakePatches never makes.
func TestApplyPatchesHostile(t *testing.T) {
	tests := []struct {
		name    string
		patches []Patch
		text    string
	}{
		{"NoPatches", nil, "abc"},
		{"EmptyDiffs", []Patch{{Start1: 5, Start2: 5}}, "abc"},
		{"WrongLengths", []Patch{{Start1: -4, Start2: 99, Length1: 1000, Length2: -3,
			Diffs: []Op{{OpEqual, "ab"}, {OpInsert, "😀"}, {OpEqual, "c"}}}}, "abc"},
		{"InvalidUTF8", []Patch{{Diffs: []Op{{OpEqual, "a"}, {OpInsert, "\xff\xfe"}, {OpDelete, "b\xc3"}}}}, "ab\xc3c"},
		{"UnknownOp", []Patch{{Diffs: []Op{{"replace", "a"}, {OpInsert, "x"}}}}, "abc"},
		{"HugeDelete", []Patch{{Diffs: []Op{{OpDelete, strings.Repeat("é", 200)}}}}, strings.Repeat("é", 150)},
		{"EmptyText", []Patch{{Diffs: []Op{{OpDelete, "abc"}, {OpInsert, "中"}}}}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, applied := ApplyPatches(tt.patches, tt.text)
			if !utf8.ValidString(got) {
				t.Fatalf("invalid UTF-8: %q", got)
			}
			if len(applied) != len(tt.patches) {
				t.Fatalf("got %d results for %d patches", len(applied), len(tt.patches))
			}
		})
	}
}

func TestMatchMain(t *testing.T) {
	r := func(s string) []rune { return []rune(s) }
	tests := []struct {
		name          string
		text, pattern string
		loc, want     int
	}{
		{"Equal", "abcdef", "abcdef", 1000, 0},
		{"EmptyText", "", "abcdef", 1, -1},
		{"EmptyPattern", "abcdef", "", 3, 3},
		{"Exact", "abcdef", "de", 3, 3},
		{"Near", "abcdef", "defy", 4, 3},
		{"Fuzzy", "I am the very model of a modern major general.", " that berry ", 5, 4},
		{"Accents", "Garcés-Mascareñas, Jørgensen", "Jorgensen", 10, 19},
		{"Emoji", "😀😁😀😁😀x😁", "😀x", 0, 4},
		{"TooFar", "abc" + strings.Repeat("-", 2000) + "Çağlar", "Çağlar", 0, -1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := matchMain(r(tt.text), r(tt.pattern), tt.loc); got != tt.want {
				t.Fatalf("matchMain(%q, %q, %d): got %d, want %d", tt.text, tt.pattern, tt.loc, got, tt.want)
			}
		})
	}
}

func TestXIndex(t *testing.T) {
	// "a😀" + insert "中" + "b" + delete "cd" + "e"
	diffs := []rop{{opEqual, []rune("a😀")}, {opInsert, []rune("中")}, {opEqual, []rune("b")}, {opDelete, []rune("cd")}, {opEqual, []rune("e")}}
	tests := []struct{ loc, want int }{{0, 0}, {1, 1}, {2, 3}, {3, 4}, {4, 4}, {5, 4}, {6, 5}}
	for _, tt := range tests {
		if got := xIndex(diffs, tt.loc); got != tt.want {
			t.Errorf("xIndex(%d): got %d, want %d", tt.loc, got, tt.want)
		}
	}
}

func TestXIndexLeft(t *testing.T) {
	// "ab" + insert "X" + "c" + delete "d" + "e"
	diffs := []rop{{opEqual, []rune("ab")}, {opInsert, []rune("X")}, {opEqual, []rune("c")}, {opDelete, []rune("d")}, {opEqual, []rune("e")}}
	tests := []struct{ loc, want, wantRight int }{{0, 0, 0}, {2, 2, 3}, {3, 4, 4}, {4, 4, 4}, {5, 5, 5}}
	for _, tt := range tests {
		if got := xIndexLeft(diffs, tt.loc); got != tt.want {
			t.Errorf("xIndexLeft(%d): got %d, want %d", tt.loc, got, tt.want)
		}
		if got := xIndex(diffs, tt.loc); got != tt.wantRight {
			t.Errorf("xIndex(%d): got %d, want %d", tt.loc, got, tt.wantRight)
		}
	}
}

func TestCleanupSemantic(t *testing.T) {
	tests := []struct {
		name string
		in   []rop
		want string // rendered
	}{
		{"Coincidence", []rop{{opDelete, []rune("ab")}, {opEqual, []rune("c")}, {opDelete, []rune("de")}, {opInsert, []rune("fg")}},
			"[-abcde-]{+cfg+}"},
		{"WordBoundary", []rop{{opEqual, []rune("The c")}, {opInsert, []rune("at c")}, {opEqual, []rune("ame.")}},
			"The {+cat +}came."},
		{"AccentedWord", []rop{{opEqual, []rune("The Garcé")}, {opInsert, []rune("s Garcé")}, {opEqual, []rune("s wrote")}},
			"The Garcés {+Garcés +}wrote"},
		{"Overlap", []rop{{opDelete, []rune("abcxxx")}, {opInsert, []rune("xxxdef")}},
			"[-abc-]xxx{+def+}"},
		{"ReverseOverlap", []rop{{opDelete, []rune("xxxabc")}, {opInsert, []rune("defxxx")}},
			"{+def+}xxx[-abc-]"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a, b := text1(tt.in), text2(tt.in)
			got := cleanupSemantic(tt.in, nil)
			if !rebuildsR(got, a, b) {
				t.Fatalf("cleanupSemantic changed the texts: %q", render(toOps(got)))
			}
			if r := renderR(got); r != tt.want {
				t.Fatalf("got %q, want %q", r, tt.want)
			}
		})
	}
}

func TestCleanupEfficiency(t *testing.T) {
	in := []rop{{opDelete, []rune("ab")}, {opInsert, []rune("12")}, {opEqual, []rune("xyz")}, {opDelete, []rune("cd")}, {opInsert, []rune("34")}}
	a, b := text1(in), text2(in)
	got := cleanupEfficiency(in)
	if !rebuildsR(got, a, b) {
		t.Fatalf("cleanupEfficiency changed the texts")
	}
	if r, want := renderR(got), "[-abxyzcd-]{+12xyz34+}"; r != want {
		t.Fatalf("got %q, want %q", r, want)
	}
}

func renderR(diffs []rop) string {
	var b strings.Builder
	for _, d := range diffs {
		switch d.op {
		case opDelete:
			b.WriteString("[-" + string(d.text) + "-]")
		case opInsert:
			b.WriteString("{+" + string(d.text) + "+}")
		default:
			b.WriteString(string(d.text))
		}
	}
	return b.String()
}
