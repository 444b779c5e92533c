package revision

import (
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

func TestDiff(t *testing.T) {
	tests := []struct {
		name string
		a, b string
		want []Op
	}{
		{"Empty", "", "", nil},
		{"Same", "Jørgensen", "Jørgensen", []Op{{OpEqual, "Jørgensen"}}},
		{"FromEmpty", "", "Çağlar", []Op{{OpInsert, "Çağlar"}}},
		{"ToEmpty", "Çağlar", "", []Op{{OpDelete, "Çağlar"}}},
		{"Accent", "Garces", "Garcés", []Op{{OpEqual, "Garc"}, {OpDelete, "e"}, {OpInsert, "é"}, {OpEqual, "s"}}},
		{"Emoji", "a😀b", "a😁b", []Op{{OpEqual, "a"}, {OpDelete, "😀"}, {OpInsert, "😁"}, {OpEqual, "b"}}},
		{"EmojiInserted", "😀😁", "😀x😁", []Op{{OpEqual, "😀"}, {OpInsert, "x"}, {OpEqual, "😁"}}},
		{"CJK", "中文字", "中字", []Op{{OpEqual, "中"}, {OpDelete, "文"}, {OpEqual, "字"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := Diff(tt.a, tt.b)
			checkOps(t, "Diff", got, tt.a, tt.b)
			if !equalOpLists(got, tt.want) {
				t.Fatalf("Diff(%q, %q): got %q, want %q", tt.a, tt.b, got, tt.want)
			}
		})
	}
}

func TestDiffInvalidUTF8(t *testing.T) {
	a, b := "a\xffb", "a\xffc"
	got := Diff(a, b)
	checkOps(t, "Diff", got, sanitize(a), sanitize(b))
}

func TestWordDiff(t *testing.T) {
	tests := []struct {
		name string
		a, b string
		want string // rendered
	}{
		{"Empty", "", "", ""},
		{"Same", "Salamońska", "Salamońska", "Salamońska"},
		{"WholeWord", "The cat sat.", "The dog sat.", "The [-cat-]{+dog+} sat."},
		{"AccentedWord", "Garcés-Mascareñas wrote it", "Garcés-Mascareñas edited it",
			"Garcés-Mascareñas [-wrote-]{+edited+} it"},
		{"AccentChange", "Jorgensen and Caglar", "Jørgensen and Çağlar",
			"[-Jorgensen-]{+Jørgensen+} and [-Caglar-]{+Çağlar+}"},
		{"InsertWords", "asylum policy", "asylum and migration policy", "asylum {+and migration +}policy"},
		{"DeleteWords", "the very important reform", "the reform", "the [-very important -]reform"},
		{"CJKByCharacter", "移民政策很重要", "移民法很重要", "移民[-政策-]{+法+}很重要"},
		{"EmojiPair", "ok 😀😁 done", "ok 😁😀 done", "ok [-😀-]😁{+😀+} done"},
		{"FlagIsOneToken", "EU 🇪🇺 flag", "EU 🇫🇷 flag", "EU [-🇪🇺-]{+🇫🇷+} flag"},
		{"SkinToneIsOneToken", "ok 👍🏽", "ok 👍🏿", "ok [-👍🏽-]{+👍🏿+}"},
		{"Punctuation", "Member States, however,", "Member States; however", "Member States[-,-]{+;+} however[-,-]"},
		{"Newlines", "one\n\ntwo", "one\nthree\n\ntwo", "one{+\nthree+}\n\ntwo"},
		{"NeighbourWords", "The cat sat here.", "The dog ran here.", "The [-cat sat-]{+dog ran+} here."},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ops := WordDiff(tt.a, tt.b)
			checkOps(t, "WordDiff", ops, tt.a, tt.b)
			if got := render(ops); got != tt.want {
				t.Fatalf("WordDiff(%q, %q): got %q, want %q", tt.a, tt.b, got, tt.want)
			}
		})
	}
}

// TestWordDiffNoPartialWords checks that over a generated text with many
// changes no changed run starts or ends inside a word.
func TestWordDiffNoPartialWords(t *testing.T) {
	a, b := texts60KB()
	ops := WordDiff(a, b)
	checkOps(t, "WordDiff", ops, a, b)
	for i, op := range ops {
		if op.Op == OpEqual || i == 0 || i == len(ops)-1 {
			continue
		}
		prev, next := ops[i-1], ops[i+1]
		if prev.Op == OpEqual && next.Op == OpEqual && splitsWord(prev.Text, op.Text) {
			t.Errorf("op %d %q starts inside a word after %q", i, op.Text, tail(prev.Text))
		}
	}
}

func splitsWord(before, text string) bool {
	b, t := []rune(before), []rune(text)
	if len(b) == 0 || len(t) == 0 {
		return false
	}
	x, y := b[len(b)-1], t[0]
	return isWordRune(x) && !isIdeograph(x) && isWordRune(y) && !isIdeograph(y)
}

func tail(s string) string {
	r := []rune(s)
	return string(r[max(0, len(r)-10):])
}

func TestWordDiffInvalidUTF8(t *testing.T) {
	a, b := "caf\xe9 au lait", "café au lait\xff"
	ops := WordDiff(a, b)
	checkOps(t, "WordDiff", ops, sanitize(a), sanitize(b))
}

// TestWordDiffTokenCodes checks that token codes are valid code points,
// never surrogates, and map back.
func TestWordDiffTokenCodes(t *testing.T) {
	for _, i := range []int{0, 1, surrogateMin - 1, surrogateMin, surrogateMin + 1, maxTokens - 1} {
		r := tokenCode(i)
		if r >= surrogateMin && r <= surrogateMax || r > 0x10FFFF {
			t.Fatalf("tokenCode(%d) = %U: not a valid code point", i, r)
		}
		if got := tokenIndex(r); got != i {
			t.Fatalf("tokenIndex(tokenCode(%d)): got %d, want %d", i, got, i)
		}
	}
}

// TestWordDiffTooManyTokens runs the fallback to a character diff, which
// happens when there are more distinct tokens than code points.
func TestWordDiffTooManyTokens(t *testing.T) {
	defer func(n int) { tokenLimit = n }(tokenLimit)
	tokenLimit = 3
	a, b := "Garcés-Mascareñas wrote 😀", "Garcés Mascareñas writes 😁"
	ops := WordDiff(a, b)
	checkOps(t, "WordDiff", ops, a, b)
}

func TestTokenize(t *testing.T) {
	tests := []struct {
		name, text string
		want       []string
	}{
		{"Words", "Garcés-Mascareñas  wrote", []string{"Garcés", "-", "Mascareñas", "  ", "wrote"}},
		{"Combining", "Garce\u0301s!", []string{"Garce\u0301s", "!"}},
		{"CJK", "移民政策 EU", []string{"移", "民", "政", "策", " ", "EU"}},
		{"Emoji", "😀😁👍🏽🇪🇺👩‍💻", []string{"😀", "😁", "👍🏽", "🇪🇺", "👩‍💻"}},
		{"Numbers", "2021, 23 ½", []string{"2021", ",", " ", "23", " ", "½"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got []string
			for s := tt.text; s != ""; {
				n := tokenLen(s)
				got = append(got, s[:n])
				s = s[n:]
			}
			if strings.Join(got, "|") != strings.Join(tt.want, "|") {
				t.Fatalf("tokens of %q: got %q, want %q", tt.text, got, tt.want)
			}
		})
	}
}

// TestWordDiffGolden compares the word diff of two versions of a policy
// paragraph with testdata/worddiff.golden (go test -update rewrites it).
func TestWordDiffGolden(t *testing.T) {
	read := func(name string) string {
		b, err := os.ReadFile(filepath.Join("testdata", name))
		if err != nil {
			t.Fatal(err)
		}
		return string(b)
	}
	a, b := read("policy_v1.txt"), read("policy_v2.txt")
	ops := WordDiff(a, b)
	checkOps(t, "WordDiff", ops, a, b)
	got := render(ops)
	golden := filepath.Join("testdata", "worddiff.golden")
	if *update {
		if err := os.WriteFile(golden, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if want := read("worddiff.golden"); got != want {
		t.Fatalf("word diff differs from %s (run go test -update to accept):\ngot:\n%s\nwant:\n%s", golden, got, want)
	}
}

func equalOpLists(a, b []Op) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}
