package revision

import (
	"fmt"
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

// TestDeltaLog: any run of the deltas it holds composes as ComposeDeltas
// composes them; runs it does not hold (before it, after it, across a gap
// where a version was not appended) are refused.
func TestDeltaLog(t *testing.T) {
	texts := []string{"Jørgensen wrote"}
	var deltas []string
	for i := range 40 {
		prev := texts[len(texts)-1]
		next := strings.Replace(prev, " ", fmt.Sprintf(" ł%d ", i), 1)
		if i%3 == 2 {
			next = next[:len(next)/2] + next[len(next)/2+1:]
		}
		next = string([]rune(next)) // cutting a byte may leave a bad rune: keep it valid
		texts = append(texts, next)
		deltas = append(deltas, Deltas2(prev, next))
	}
	var l DeltaLog
	for v := 1; v <= 30; v++ {
		l.Append(int64(v), deltas[v-1])
	}
	for base := 0; base <= 30; base++ {
		for to := base; to <= 30; to++ {
			got, ok := l.Since(int64(base), int64(to))
			if !ok {
				t.Fatalf("Since(%d, %d) refused", base, to)
			}
			if to == base {
				continue
			}
			if text := mustApply(t, texts[base], got); text != texts[to] {
				t.Fatalf("Since(%d, %d) takes %q to %q, want %q", base, to, texts[base], text, texts[to])
			}
		}
	}
	if _, ok := l.Since(0, 31); ok {
		t.Fatal("a version after the log was composed")
	}
	l.Append(33, deltas[32]) // 31 and 32 were written elsewhere
	if _, ok := l.Since(30, 33); ok {
		t.Fatal("a run across a gap was composed")
	}
	if d, ok := l.Since(32, 33); !ok || mustApply(t, texts[32], d) != texts[33] {
		t.Fatal("the log did not start again after the gap")
	}
}

// TestDeltaLogBlocks: over a long log (past the point where its older half
// goes, and across a restart), runs of every length compose to what the
// deltas make one after another, whichever blocks were built before.
func TestDeltaLogBlocks(t *testing.T) {
	rng := rand.New(rand.NewSource(39))
	texts := map[int64]string{0: "alpha beta gamma "}
	var l DeltaLog
	check := func(v int64) {
		lo := max(l.from, v-700)
		for range 20 {
			base := lo + rng.Int63n(v-lo+1)
			to := base + rng.Int63n(v-base+1)
			d, ok := l.Since(base, to)
			if !ok {
				t.Fatalf("at %d: Since(%d, %d) refused (log from %d)", v, base, to, l.from)
			}
			if base < to && mustApply(t, texts[base], d) != texts[to] {
				t.Fatalf("at %d: Since(%d, %d) does not take the text at %d to the text at %d", v, base, to, base, to)
			}
			mine := "mine " + texts[base][len(texts[base])/2:]
			a, ok := l.After(Delta(mine, texts[base]), base, to)
			if !ok || mustApply(t, mine, a) != texts[to] {
				t.Fatalf("at %d: After(…, %d, %d) does not take a text to the text at %d", v, base, to, to)
			}
		}
	}
	for v := int64(1); v <= 2600; v++ {
		if v == 1800 { // written elsewhere: the log starts again
			texts[v] = texts[v-1] + "elsewhere "
			v++
		}
		prev := []rune(texts[v-1])
		p := rng.Intn(len(prev) + 1)
		next := string(prev[:p]) + fmt.Sprintf("w%dé ", v) + string(prev[p:])
		if len(prev) > 400 {
			q := rng.Intn(len(prev) - 20)
			next = string(prev[:q]) + string(prev[q+7:])
			r := []rune(next)
			p = min(p, len(r))
			next = string(r[:p]) + fmt.Sprintf("w%dé ", v) + string(r[p:])
		}
		texts[v] = next
		l.Append(v, Delta(texts[v-1], next))
		if v%37 == 0 {
			check(v)
		}
	}
	if _, ok := l.Since(1790, 1810); ok {
		t.Fatal("a run across the restart was composed")
	}
}
