package pdf

import (
	"bytes"
	"errors"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

var tocEntry = regexp.MustCompile(`^\s*(\d+(?:\.\d+)*)\s+(.+?)\s+(\d+)\s*$`)

func TestTOCPageNumbers(t *testing.T) {
	pages := pagesText(t, render(t, longDoc(12), Options{}))
	if !strings.Contains(pages[0], "CONTENTS") {
		t.Fatal("no table of contents on page 1")
	}
	entries := 0
	for _, pg := range pages {
		if strings.Contains(pg, "1 CHAPTER 1\n") {
			break // the body starts
		}
		for _, l := range strings.Split(pg, "\n") {
			m := tocEntry.FindStringSubmatch(l)
			if m == nil {
				continue
			}
			entries++
			p, _ := strconv.Atoi(m[3])
			if p < 1 || p > len(pages) {
				t.Errorf("entry %q: page %d out of range", l, p)
				continue
			}
			heading := regexp.MustCompile(`(?m)^\s*` + regexp.QuoteMeta(m[1]) + `\s+` + regexp.QuoteMeta(m[2]) + `\s*$`)
			if !heading.MatchString(pages[p-1]) {
				t.Errorf("entry %s %s: heading not on page %d", m[1], m[2], p)
			}
		}
	}
	if want := 12 * 5; entries != want {
		t.Errorf("table of contents has %d entries, want %d", entries, want)
	}
}

func TestTOCThreshold(t *testing.T) {
	doc := func(headings int) []Section {
		var b strings.Builder
		for i := 1; i < headings; i++ {
			fmt.Fprintf(&b, "## Part %d\n\nText.\n\n", i)
		}
		return []Section{{Title: "Only", Markdown: b.String()}}
	}
	tests := []struct {
		name     string
		headings int
		min      int
		want     bool
	}{
		{"DefaultBelow", 8, 0, false},
		{"DefaultAbove", 9, 0, true},
		{"CustomAbove", 3, 2, true},
		{"CustomAt", 2, 2, false},
		{"Never", 40, -1, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := strings.Contains(tool(t, "pdftotext", render(t, doc(tt.headings), Options{TOCMinHeadings: tt.min}), "-"), "CONTENTS")
			if got != tt.want {
				t.Errorf("%d headings, TOCMinHeadings %d: contents = %v, want %v", tt.headings, tt.min, got, tt.want)
			}
		})
	}
}

func TestLongQuoteContinues(t *testing.T) {
	md := lorem(2, 250) + "\n\n> " + lorem(3, 500) + "\n>\n> " + lorem(4, 300) + "\n\nAfter the quote."
	secs := []Section{{Title: "Quote", Markdown: md}}
	// Read back: on every page, the quote's lines are indented past the
	// body's left edge, so the quote continues as a quote.
	p := render(t, secs, Options{})
	left := a4.left * mmPt
	quotePages := map[int]bool{}
	for _, w := range wordBoxes(t, p) {
		if w.xMin > left+4*mmPt && w.xMin < left+6*mmPt {
			quotePages[w.page] = true
		}
	}
	if len(quotePages) < 2 {
		t.Fatalf("quote on %d pages, want it to continue on another page", len(quotePages))
	}
	// Layout: the first quote line on the next page sits at the page top
	// (its space above dropped) and still has its bar.
	b := newBuilder(a4, defaultTheme)
	b.section(1, secs[0])
	pages := paginate(b.items, a4.textH())
	cont := 0
	for _, pg := range pages[1:] {
		if pl := pg[0]; len(pl.it.bars) > 0 {
			cont++
			if pl.y != 0 || pl.b != 0 {
				t.Errorf("continued quote starts %.1f mm down the page", pl.y)
			}
		}
	}
	if cont == 0 {
		t.Error("no page starts with a continued quote")
	}
}

func TestFontErrorReported(t *testing.T) {
	bad := &face{family: "bad", style: "", ttf: []byte("not a TrueType font at all")}
	err := addFaces(newDocument(a4, Options{}), []*face{bad})
	if err == nil || !strings.Contains(err.Error(), "font bad") {
		t.Fatalf("addFaces with a broken font: err = %v, want a font error", err)
	}
	if err := bad.parse(); err == nil {
		t.Error("parse accepted a broken font")
	}
}

func TestDeflateStreamsRejectsUnknownLayout(t *testing.T) {
	for _, src := range []string{"", "%PDF-1.3\nno table\n", "%PDF-1.3\nxref\n0 x\n"} {
		err := deflateStreams(&bytes.Buffer{}, []byte(src))
		if !errors.Is(err, errLayout) {
			t.Errorf("deflateStreams(%q) = %v, want errLayout", src, err)
		}
	}
}
