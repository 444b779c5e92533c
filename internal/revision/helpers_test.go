package revision

import (
	"fmt"
	"math/rand"
	"strings"
	"testing"
	"unicode/utf8"
)

// rebuild returns the old and new texts of ops.
func rebuild(ops []Op) (oldText, newText string) {
	var o, n strings.Builder
	for _, op := range ops {
		if op.Op != OpInsert {
			o.WriteString(op.Text)
		}
		if op.Op != OpDelete {
			n.WriteString(op.Text)
		}
	}
	return o.String(), n.String()
}

// checkOps fails t unless ops turn a into b with well-formed operations:
// known kinds, no empty text, valid UTF-8, no two neighbours of one kind.
func checkOps(t testing.TB, name string, ops []Op, a, b string) {
	t.Helper()
	if err := opsProblem(ops, a, b); err != nil {
		t.Fatalf("%s(%q, %q) = %q: %v", name, a, b, ops, err)
	}
}

func opsProblem(ops []Op, a, b string) error {
	gotA, gotB := rebuild(ops)
	if gotA != a {
		return fmt.Errorf("old text: got %q, want %q", gotA, a)
	}
	if gotB != b {
		return fmt.Errorf("new text: got %q, want %q", gotB, b)
	}
	for i, op := range ops {
		switch op.Op {
		case OpEqual, OpInsert, OpDelete:
		default:
			return fmt.Errorf("op %d: unknown kind %q", i, op.Op)
		}
		if op.Text == "" {
			return fmt.Errorf("op %d: empty", i)
		}
		if !utf8.ValidString(op.Text) {
			return fmt.Errorf("op %d: invalid UTF-8 %q", i, op.Text)
		}
		if i > 0 && ops[i-1].Op == op.Op {
			return fmt.Errorf("ops %d and %d are both %s", i-1, i, op.Op)
		}
	}
	return nil
}

// render shows ops as text with [-deleted-] and {+inserted+} runs.
func render(ops []Op) string {
	var b strings.Builder
	for _, op := range ops {
		switch op.Op {
		case OpDelete:
			b.WriteString("[-" + op.Text + "-]")
		case OpInsert:
			b.WriteString("{+" + op.Text + "+}")
		default:
			b.WriteString(op.Text)
		}
	}
	return b.String()
}

// runeSlice returns s[start:end] counted in code points.
func runeSlice(s string, start, end int) string {
	r := []rune(s)
	return string(r[start:end])
}

// spliceRunes replaces del code points at pos (both clamped) with ins.
func spliceRunes(s string, pos, del int, ins string) string {
	r := []rune(s)
	pos = max(0, min(pos, len(r)))
	end := min(len(r), pos+max(0, del))
	return string(r[:pos]) + ins + string(r[end:])
}

// vocabulary for generated English-like policy text: accents, CJK, emoji.
var vocabulary = strings.Fields(`the of and to in a is that for on with as by
	migration asylum policy Member States solidarity Commission Pact return border
	procedure reception integration refugees children evidence stakeholders
	Council Parliament relocation responsibility sharing external dimension
	Garcés-Mascareñas Jørgensen Çağlar Salamońska Lévy Müller Ødegaard Włodarczyk
	réfugiés intégration Überprüfung coöperation naïve São Paulo Société façade
	移民 政策 難民 統合 😀 😁 🇪🇺 👍🏽 recommendations scenarios reform dilemmas
	trade-offs consultation national local regional municipalities cities labour
	market skills recognition qualifications housing health education language`)

// genWords returns words of generated text of about n bytes.
func genWords(r *rand.Rand, n int) []string {
	var words []string
	size := 0
	for size < n {
		w := vocabulary[r.Intn(len(vocabulary))]
		words = append(words, w)
		size += len(w) + 1
	}
	return words
}

// joinWords joins words as prose: spaces, a full stop every so often and a
// blank line between paragraphs (deterministic in the word index).
func joinWords(words []string) string {
	var b strings.Builder
	for i, w := range words {
		b.WriteString(w)
		switch {
		case i%97 == 96:
			b.WriteString(".\n\n")
		case i%13 == 12:
			b.WriteString(". ")
		case i%7 == 6:
			b.WriteString(", ")
		default:
			b.WriteByte(' ')
		}
	}
	return b.String()
}

// changeWords returns a copy of words with a share of them replaced by
// other words.
func changeWords(r *rand.Rand, words []string, share float64) []string {
	out := append([]string(nil), words...)
	for i := range out {
		if r.Float64() < share {
			for {
				w := vocabulary[r.Intn(len(vocabulary))]
				if w != out[i] {
					out[i] = w
					break
				}
			}
		}
	}
	return out
}

// texts60KB returns two 60 KB texts with 5 % of the words changed.
func texts60KB() (a, b string) {
	r := rand.New(rand.NewSource(60))
	words := genWords(r, 60_000)
	return joinWords(words), joinWords(changeWords(r, words, 0.05))
}
