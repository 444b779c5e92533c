package revision

import (
	"math/rand"
	"strings"
	"testing"
)

func TestComposeDeltas(t *testing.T) {
	for _, tt := range []struct {
		texts []string
	}{
		{[]string{"", "a", "ab", ""}},
		{[]string{"Jørgensen 😀 wrote", "Jørgensen 😀😁 wrote", "Jørgen 😀😁 wrote it", "X Jørgen 😀😁 wrote it"}},
		{[]string{"one two three", "one three", "one 中文 three", "one 中文 three four", "zero one 中文"}},
		{[]string{"same", "same", "same"}},
	} {
		var ds []string
		for i := 1; i < len(tt.texts); i++ {
			ds = append(ds, Delta(tt.texts[i-1], tt.texts[i]))
		}
		got, err := ComposeDeltas(ds...)
		if err != nil {
			t.Fatal(err)
		}
		if out, err := ApplyDelta(tt.texts[0], got); err != nil || out != tt.texts[len(tt.texts)-1] {
			t.Errorf("%q: composed %q gives %q, %v", tt.texts, got, out, err)
		}
	}
	if _, err := ComposeDeltas("=3", "=4"); err == nil {
		t.Error("deltas of different lengths composed")
	}
	if _, err := ComposeDeltas("=3", "=2"); err == nil {
		t.Error("deltas of different lengths composed")
	}
}

// TestComposeRandom: random edit chains over words with accents, CJK and
// emoji; the composition of every suffix of the chain applies exactly.
func TestComposeRandom(t *testing.T) {
	words := strings.Fields("a Łódź 中文 😀 policy é 👍🏽 the")
	for seed := int64(0); seed < 300; seed++ {
		rng := rand.New(rand.NewSource(seed))
		texts := []string{strings.Join(words[:rng.Intn(len(words))], " ")}
		for range 1 + rng.Intn(8) {
			r := []rune(texts[len(texts)-1])
			p := rng.Intn(len(r) + 1)
			del := rng.Intn(len(r)-p+1) / 2
			ins := ""
			if rng.Intn(3) > 0 {
				ins = words[rng.Intn(len(words))] + " "
			}
			texts = append(texts, string(r[:p])+ins+string(r[p+del:]))
		}
		var ds []string
		for i := 1; i < len(texts); i++ {
			ds = append(ds, Delta(texts[i-1], texts[i]))
		}
		for from := range ds {
			got, err := ComposeDeltas(ds[from:]...)
			if err != nil {
				t.Fatalf("seed %d: %v", seed, err)
			}
			if out, err := ApplyDelta(texts[from], got); err != nil || out != texts[len(texts)-1] {
				t.Fatalf("seed %d from %d: %q applied to %q gives %q, %v; want %q", seed, from, got, texts[from], out, err, texts[len(texts)-1])
			}
		}
	}
}

// BenchmarkComposeDeltas500: what a live room composes for a client 500
// versions behind in a busy 16 KB section (each delta one word typed).
func BenchmarkComposeDeltas500(b *testing.B) {
	text := strings.Repeat("word ", 3200)
	deltas := make([]string, 500)
	for i := range deltas {
		at := (i * 7919) % len(text)
		at -= at % 5
		next := text[:at] + "new " + text[at:]
		deltas[i] = Delta(text, next)
		text = next
	}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, err := ComposeDeltas(deltas...); err != nil {
			b.Fatal(err)
		}
	}
}
