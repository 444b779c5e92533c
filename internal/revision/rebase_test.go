package revision

import (
	"fmt"
	"math/rand"
	"strings"
	"testing"
)

// TestMergeLive: with both sides' deltas, merging gives what MergeAck gives
// when the changes are apart, and stays exact (the ack takes mine to the
// result) in every case, including a delta that lies.
func TestMergeLive(t *testing.T) {
	words := strings.Fields("w1x1 Łódź 中文 😀 policy é 👍🏽 the asylum")
	merged, differ := 0, 0
	for seed := int64(0); seed < 2000; seed++ {
		rng := rand.New(rand.NewSource(seed))
		var b strings.Builder
		for range 5 + rng.Intn(30) {
			b.WriteString(words[rng.Intn(len(words))] + " ")
		}
		base := b.String()
		edit := func(s string, k int) string {
			for range k {
				r := []rune(s)
				p := rng.Intn(len(r) + 1)
				del := min(rng.Intn(6), len(r)-p)
				ins := ""
				if rng.Intn(3) > 0 {
					ins = words[rng.Intn(len(words))] + " "
				}
				s = string(r[:p]) + ins + string(r[p+del:])
			}
			return s
		}
		mine := edit(base, 1+rng.Intn(2))
		texts := []string{base}
		for range 1 + rng.Intn(4) {
			texts = append(texts, edit(texts[len(texts)-1], 1))
		}
		current := texts[len(texts)-1]
		var ds []string
		for i := 1; i < len(texts); i++ {
			ds = append(ds, Deltas2(texts[i-1], texts[i]))
		}
		log, err := ComposeDeltas(ds...)
		if err != nil {
			t.Fatal(err)
		}
		l := MergeLive(base, mine, current, Delta(base, mine), log)
		if got := mustApply(t, mine, l.Ack); got != l.Text {
			t.Fatalf("seed %d: ack %q takes mine %q to %q, not %q", seed, l.Ack, mine, got, l.Text)
		}
		if l.Forward != "" {
			if got := mustApply(t, current, l.Forward); got != l.Text {
				t.Fatalf("seed %d: forward %q takes current %q to %q, not %q", seed, l.Forward, current, got, l.Text)
			}
			if got := mustApply(t, l.Text, l.Undo); got != current {
				t.Fatalf("seed %d: undo %q takes %q to %q, not current %q", seed, l.Undo, l.Text, got, current)
			}
		}
		want, wfailed := Merge(base, mine, current)
		if base != current && mine != current && mine != base {
			merged++
			// Where words repeat, the word diff of Merge (over the whole
			// text) may align the changes differently from MergeLive's
			// (over the words around them).
			if want != l.Text || len(wfailed) != len(l.Failed) {
				differ++
			}
		}
		// Deltas that lie are never trusted.
		for _, lie := range []string{Delta(base, base+"x"), "=1", "+x"} {
			if l2 := MergeLive(base, mine, current, lie, lie); mustApply(t, mine, l2.Ack) != l2.Text || l2.Text != want {
				t.Fatalf("seed %d: lying deltas changed the merge", seed)
			}
		}
	}
	t.Logf("%d of %d merges differ from Merge's alignment of repeated words", differ, merged)
	if merged < 1000 || differ*10 > merged {
		t.Fatalf("merges: %d, differing from Merge: %d", merged, differ)
	}
}

// Deltas2 is the edit log's forward delta.
func Deltas2(a, b string) string { f, _ := Deltas(a, b); return f }

// TestRebaseLive: carrying local typing onto a remote text with both
// deltas matches Rebase (on texts without repeated words, where the two
// cannot align differently), and deltas that lie change nothing.
func TestRebaseLive(t *testing.T) {
	same := 0
	for seed := int64(0); seed < 1000; seed++ {
		rng := rand.New(rand.NewSource(seed))
		word := 0
		next := func() string { word++; return fmt.Sprintf("w%dé%d ", seed, word) }
		var b strings.Builder
		for range 5 + rng.Intn(30) {
			b.WriteString(next())
		}
		base := b.String()
		edit := func(s string) string {
			ws := strings.SplitAfter(s, " ")
			p := rng.Intn(len(ws))
			switch rng.Intn(3) {
			case 0:
				ws = append(ws[:p], append([]string{next()}, ws[p:]...)...)
			case 1:
				ws = append(ws[:p], ws[p+1:]...)
			default:
				ws[p] = next()
			}
			return strings.Join(ws, "")
		}
		local, remote := base, base
		for range 1 + rng.Intn(3) {
			local = edit(local)
		}
		for range 1 + rng.Intn(6) {
			remote = edit(remote)
		}
		got := RebaseLive(base, local, remote, Delta(base, local), Delta(base, remote))
		want := Rebase(base, local, remote)
		if got == want {
			same++
		}
		for _, lie := range []string{Delta(base, base+"x"), "=1", "+x"} {
			if l := RebaseLive(base, local, remote, lie, lie); l != want {
				t.Fatalf("seed %d: lying deltas changed the rebase: %q, want %q", seed, l, want)
			}
		}
	}
	if same < 950 {
		t.Fatalf("only %d of 1000 rebases match Rebase", same)
	}
}
