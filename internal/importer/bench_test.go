package importer

import (
	"os"
	"strings"
	"testing"
)

// BenchmarkImport imports the two samples.
func BenchmarkImport(b *testing.B) {
	for _, tc := range []struct{ file, typ string }{
		{"discussion-brief.md", "discussion-brief"},
		{"messy-conversion.md", "policy-options-brief"},
	} {
		src, err := os.ReadFile("testdata/" + tc.file)
		if err != nil {
			b.Fatal(err)
		}
		b.Run(tc.file, func(b *testing.B) {
			b.SetBytes(int64(len(src)))
			for b.Loop() {
				if _, err := Import(src, tc.typ); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkImportLarge imports 1 MB documents of the shapes that cost the
// most: one heading a line, deep nesting, a heading with sub-items per part.
func BenchmarkImportLarge(b *testing.B) {
	for name, unit := range map[string]string{
		"headings": "## a\n",
		"nesting":  "> - 1. ",
		"parts":    "## 1 Introduction\n### a) x\n### b) y\n#### c) z\n",
		"setext":   "0\n-\n",
	} {
		src := []byte(strings.Repeat(unit, (1<<20)/len(unit)))
		b.Run(name, func(b *testing.B) {
			b.SetBytes(int64(len(src)))
			for b.Loop() {
				_, _ = Import(src, "discussion-brief")
			}
		})
	}
}
