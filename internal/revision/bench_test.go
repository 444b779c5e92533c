package revision

import (
	"fmt"
	"math/rand"
	"strings"
	"testing"
)

func BenchmarkWordDiff60KB(b *testing.B) {
	x, y := texts60KB()
	b.SetBytes(int64(len(x)))
	b.ResetTimer()
	for b.Loop() {
		WordDiff(x, y)
	}
}

// BenchmarkCharDiff60KB is go-diff's character diff with semantic cleanup
// on the same texts, for comparison with BenchmarkWordDiff60KB.
func BenchmarkCharDiff60KB(b *testing.B) {
	x, y := texts60KB()
	dmp := newDMP()
	b.SetBytes(int64(len(x)))
	b.ResetTimer()
	for b.Loop() {
		dmp.DiffCleanupSemantic(dmp.DiffMain(x, y, false))
	}
}

func BenchmarkDiff60KB(b *testing.B) {
	x, y := texts60KB()
	b.SetBytes(int64(len(x)))
	b.ResetTimer()
	for b.Loop() {
		Diff(x, y)
	}
}

// staleEdit60KB returns a 60 KB base text, a user's edit of it (a few
// words in one paragraph and a sentence added elsewhere) and the current
// text, which others changed at a dozen other places meanwhile.
func staleEdit60KB() (base, mine, current string) {
	r := rand.New(rand.NewSource(5))
	words := genWords(r, 60_000)
	base = joinWords(words)
	m := append([]string(nil), words...)
	n := len(words)
	for _, i := range []int{n / 3, n/3 + 4, n/3 + 11} {
		m[i] = "Garcés-Mascareñas"
	}
	m[2*n/3] += " (see Jørgensen and Çağlar, 2021 😀)"
	mine = joinWords(m)
	c := append([]string(nil), words...)
	for k := range 12 {
		c[n/50+k*n/13] = "移民政策"
	}
	current = joinWords(c)
	return base, mine, current
}

func BenchmarkMerge60KB(b *testing.B) {
	base, mine, current := staleEdit60KB()
	if _, failed := Merge(base, mine, current); len(failed) > 0 {
		b.Fatalf("failed hunks: %+v", failed)
	}
	b.ResetTimer()
	for b.Loop() {
		Merge(base, mine, current)
	}
}

func BenchmarkMakePatches60KB(b *testing.B) {
	base, mine, _ := staleEdit60KB()
	b.ResetTimer()
	for b.Loop() {
		MakePatches(base, mine)
	}
}

func BenchmarkApplyPatches60KB(b *testing.B) {
	base, mine, current := staleEdit60KB()
	patches := MakePatches(base, mine)
	b.ResetTimer()
	for b.Loop() {
		ApplyPatches(patches, current)
	}
}

// BenchmarkApplyPatchesMany applies the patches of a 5 % word change (a
// few hundred patches) to a text where others changed 1 % of the words.
func BenchmarkApplyPatchesMany(b *testing.B) {
	r := rand.New(rand.NewSource(7))
	words := genWords(r, 60_000)
	base := joinWords(words)
	patches := MakePatches(base, joinWords(changeWords(r, words, 0.05)))
	current := joinWords(changeWords(r, words, 0.01))
	b.ReportMetric(float64(len(patches)), "patches")
	b.ResetTimer()
	for b.Loop() {
		ApplyPatches(patches, current)
	}
}

// BenchmarkMakePatchesMany makes the patches of a 5 % word change.
func BenchmarkMakePatchesMany(b *testing.B) {
	r := rand.New(rand.NewSource(7))
	words := genWords(r, 60_000)
	base, edited := joinWords(words), joinWords(changeWords(r, words, 0.05))
	b.ReportMetric(float64(len(MakePatches(base, edited))), "patches")
	b.ResetTimer()
	for b.Loop() {
		MakePatches(base, edited)
	}
}

// BenchmarkApplyDelta20KB: a client applying an update to a 20 KB section
// (the throughput scenario's text), one word inserted in its middle.
func BenchmarkApplyDelta20KB(b *testing.B) {
	var sb strings.Builder
	for i := 0; sb.Len() < 20<<10; i++ {
		fmt.Fprintf(&sb, "w%dx%d ", i%200, i/200)
	}
	text := sb.String()
	mid := len(text) / 2
	delta := Delta(text, text[:mid]+"new "+text[mid:])
	b.SetBytes(int64(len(text)))
	for b.Loop() {
		if _, err := ApplyDelta(text, delta); err != nil {
			b.Fatal(err)
		}
	}
}
