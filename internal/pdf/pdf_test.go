package pdf

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

// lorem returns n words of varied length, deterministic for seed.
func lorem(seed, n int) string {
	ws := strings.Fields("the policy brief argues that integration of newcomers depends on early access to language courses housing work and recognition of skills while municipalities coordinate services with civil society and employers across regions")
	var b strings.Builder
	for i := 0; i < n; i++ {
		if i > 0 {
			b.WriteByte(' ')
		}
		b.WriteString(ws[(seed*7+i*13+i*i)%len(ws)])
	}
	b.WriteByte('.')
	return b.String()
}

// longDoc is a document of many sections with headings, paragraphs of
// varied length, lists and a table, for pagination properties.
func longDoc(sections int) []Section {
	var out []Section
	for s := 1; s <= sections; s++ {
		var b strings.Builder
		for k := 1; k <= 4; k++ {
			fmt.Fprintf(&b, "### Topic %d %d\n\n", s, k)
			for p := 0; p < 1+(s+k)%3; p++ {
				b.WriteString(lorem(s*10+k+p, 25+(s*31+k*17+p*7)%140) + "\n\n")
			}
			if (s+k)%4 == 0 {
				b.WriteString("- " + lorem(k, 12) + "\n- " + lorem(k+1, 30) + "\n\n")
			}
		}
		out = append(out, Section{Title: fmt.Sprintf("Chapter %d", s), Markdown: b.String()})
	}
	return out
}

func TestGolden(t *testing.T) {
	for _, name := range []string{"elements", "wide"} {
		t.Run(name, func(t *testing.T) {
			p := render(t, loadSections(t, name+".md"), Options{Title: "Elements", TOCMinHeadings: 3})
			got := tool(t, "pdftotext", "-layout", p, "-")
			golden := filepath.Join("testdata", name+".golden")
			if *update {
				if err := os.WriteFile(golden, []byte(got), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatalf("%v (run with -update)", err)
			}
			if got != string(want) {
				t.Errorf("text differs from %s:\ngot:\n%s\nwant:\n%s", golden, got, want)
			}
		})
	}
}

func TestTextComesBackExactly(t *testing.T) {
	p := render(t, loadSections(t, "elements.md"), Options{})
	got := tool(t, "pdftotext", p, "-")
	for _, want := range []string{"Garcés-Mascareñas", "Çağlar", "Salamońska", "Jørgensen", "Ελληνικά", "Кириллица",
		"bold italic", "inline code", "<b>HTML</b>", "[EU emblem]", "<div>block html</div>", "35.2%"} {
		if !strings.Contains(got, want) {
			t.Errorf("text lacks %q", want)
		}
	}
	if strings.Contains(got, "passwd") {
		t.Errorf("an image URL leaked into the text")
	}
}

func TestLinksAreClickable(t *testing.T) {
	var buf bytes.Buffer
	if err := Render(&buf, loadSections(t, "elements.md"), Options{TOCMinHeadings: 2}); err != nil {
		t.Fatal(err)
	}
	pdf := buf.String()
	if !strings.Contains(pdf, "(https://example.org/resoma)") {
		t.Errorf("no URI annotation for the Markdown link")
	}
	if strings.Contains(pdf, "file:///etc/passwd") {
		t.Errorf("image source written into the PDF")
	}
	if !strings.Contains(pdf, "/Dest [") {
		t.Errorf("no internal links from the table of contents")
	}
}

func TestFontsEmbedded(t *testing.T) {
	secs := append(loadSections(t, "elements.md"), Section{Title: "Scripts", Markdown: "漢字 and עברית and 😀."})
	out := tool(t, "pdffonts", render(t, secs, Options{}))
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if len(lines) < 4 {
		t.Fatalf("pdffonts lists too few fonts:\n%s", out)
	}
	for _, l := range lines[2:] {
		f := strings.Fields(l)
		if len(f) < 7 || f[len(f)-5] != "yes" {
			t.Errorf("font not embedded: %s", l)
		}
	}
	for _, want := range []string{"utf8serif ", "utf8sansB ", "utf8dvserif "} {
		if !strings.Contains(out, want) {
			t.Errorf("pdffonts lacks %q:\n%s", want, out)
		}
	}
}

var headingLine = regexp.MustCompile(`^\s*\d+(\.\d+)*\s+(CHAPTER|Topic)\b`)

func TestNoHeadingAtPageFoot(t *testing.T) {
	pages := pagesText(t, render(t, longDoc(40), Options{TOCMinHeadings: -1}))
	if len(pages) < 10 {
		t.Fatalf("got %d pages, want a long document", len(pages))
	}
	for i, pg := range pages {
		var lines []string
		for _, l := range strings.Split(pg, "\n") {
			if strings.TrimSpace(l) != "" {
				lines = append(lines, l)
			}
		}
		if len(lines) < 2 {
			continue
		}
		last := lines[len(lines)-2] // the last is the page number
		if headingLine.MatchString(last) {
			t.Errorf("page %d ends with a heading: %q", i+1, last)
		}
	}
}

func TestWidowsAndOrphans(t *testing.T) {
	b := newBuilder(a4, defaultTheme)
	for i, s := range longDoc(40) {
		b.section(i+1, s)
	}
	if b.err != nil {
		t.Fatal(b.err)
	}
	// Mark each item with its paragraph: lineItems sets keep on the first
	// and the second-last line, so a paragraph is a run of items sharing
	// before == 0 after its first line.
	pages := paginate(b.items, a4.textH())
	pageOf := map[*item]int{}
	for pi, p := range pages {
		for _, pl := range p {
			pageOf[pl.it] = pi
		}
	}
	broken := 0
	for i := 0; i < len(b.items); {
		j := i + 1
		for j < len(b.items) && b.items[j].before == 0 && len(b.items[j].ops) > 0 && b.items[j].anchor < 0 && b.items[i].anchor < 0 {
			j++
		}
		para := b.items[i:j]
		for k := 1; k < len(para); k++ {
			if pageOf[para[k]] != pageOf[para[k-1]] {
				broken++
				if k < 2 || len(para)-k < 2 {
					t.Errorf("paragraph of %d lines broken after line %d", len(para), k)
				}
			}
		}
		i = j
	}
	if broken < 5 {
		t.Errorf("only %d paragraphs broken across pages: the test proves little", broken)
	}
}

func TestTableHeaderRepeats(t *testing.T) {
	var b strings.Builder
	b.WriteString("| Municipality | Newcomers | Share |\n|---|---|---|\n")
	for i := 0; i < 150; i++ {
		fmt.Fprintf(&b, "| Town %d | %d | %d.%d%% |\n", i, 1000+i*37, i%40, i%10)
	}
	pages := pagesText(t, render(t, []Section{{Title: "Table", Markdown: lorem(1, 200) + "\n\n" + b.String()}}, Options{}))
	split := 0
	for i, pg := range pages {
		if !strings.Contains(pg, "Town ") {
			continue
		}
		split++
		if !strings.Contains(pg, "Municipality") {
			t.Errorf("page %d has table rows but no header", i+1)
		}
	}
	if split < 2 {
		t.Fatalf("table on %d pages, want it split", split)
	}
	// Rows are never split: each row's three cells share a line.
	row := regexp.MustCompile(`(?m)^\s*Town (\d+)\s+(\d+)\s+(\d+)\.\d%\s*$`)
	seen := map[string]bool{}
	for _, pg := range pages {
		for _, m := range row.FindAllStringSubmatch(pg, -1) {
			if n, _ := strconv.Atoi(m[1]); strconv.Itoa(1000+n*37) != m[2] {
				t.Errorf("row %s has the cells of another row: %q", m[1], m[0])
			}
			seen[m[1]] = true
		}
	}
	if len(seen) != 150 {
		t.Errorf("%d whole rows read back, want 150", len(seen))
	}
	// Right-aligned numeric column: the numbers end in the same column.
	ends := map[int]bool{}
	for _, l := range strings.Split(pages[1], "\n") {
		if m := regexp.MustCompile(`Town \d+\s+(\d+)`).FindStringSubmatchIndex(l); m != nil {
			ends[m[3]] = true
		}
	}
	if len(ends) != 1 {
		t.Errorf("numeric column ends at %d different columns, want 1 (right-aligned)", len(ends))
	}
}

func pdfPages(t *testing.T, p string) int {
	t.Helper()
	m := regexp.MustCompile(`Pages:\s+(\d+)`).FindStringSubmatch(tool(t, "pdfinfo", p))
	if m == nil {
		t.Fatal("pdfinfo: no page count")
	}
	n, _ := strconv.Atoi(m[1])
	return n
}

func TestEdgeCases(t *testing.T) {
	long := strings.Repeat("x", 4999) + "y"
	var wide strings.Builder
	for r := 0; r < 4; r++ {
		for c := 0; c < 30; c++ {
			if r == 1 {
				wide.WriteString("|---")
			} else {
				fmt.Fprintf(&wide, "| C%dr%d ", c+1, r)
			}
		}
		wide.WriteString("|\n")
	}
	var nested strings.Builder
	for d := 0; d < 8; d++ {
		fmt.Fprintf(&nested, "%s- level %d %s\n", strings.Repeat("  ", d), d+1, lorem(d, 20))
	}
	tests := []struct {
		name     string
		secs     []Section
		want     []string
		minPages int
	}{
		{name: "Empty", secs: nil, minPages: 1},
		{name: "EmptySection", secs: []Section{{}}, minPages: 1},
		{name: "LongWord", secs: []Section{{Title: "W", Markdown: "before " + long + " after"}}, want: []string{"before", "after"}},
		{name: "ThirtyColumns", secs: []Section{{Title: "T", Markdown: wide.String()}}, want: []string{"C1r0", "C30r0", "C30r3"}},
		{name: "NestedLists", secs: []Section{{Title: "L", Markdown: nested.String()}}, want: []string{"level 1", "level 8"}},
		{name: "CJKAndRTL", secs: []Section{{Title: "S", Markdown: "漢字テスト, שלום, مرحبا, emoji 😀 end"}}, want: []string{"□□", "end"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := render(t, tt.secs, Options{})
			got := tool(t, "pdftotext", p, "-")
			for _, w := range tt.want {
				if !strings.Contains(got, w) {
					t.Errorf("text lacks %q", w)
				}
			}
			if n := pdfPages(t, p); n < max(tt.minPages, 1) {
				t.Errorf("pages = %d, want >= %d", n, tt.minPages)
			}
			// Nothing runs off the text area sideways, and no text is set
			// smaller than the table's smallest size (a box is about 1.1
			// times the font size high).
			for _, w := range wordBoxes(t, p) {
				if w.xMin < a4.left*mmPt-0.5 || w.xMax > (a4.pageW-a4.right)*mmPt+0.5 {
					t.Errorf("page %d: %q at x %.1f–%.1f pt is outside the text area", w.page, w.text, w.xMin, w.xMax)
				}
				if h := w.yMax - w.yMin; h < tableSizes[len(tableSizes)-1] {
					t.Errorf("page %d: %q is %.1f pt high, too small to read", w.page, w.text, h)
				}
			}
			if tt.name == "LongWord" {
				// Drop the page numbers that pdftotext puts between pages.
				got = regexp.MustCompile(`(?m)^\s*\d+\s*$`).ReplaceAllString(got, "")
				flat := strings.Join(strings.Fields(got), "")
				if !strings.Contains(flat, long) {
					t.Errorf("the 5,000-character word did not come back whole")
				}
			}
		})
	}
}

func TestTwoHundredPages(t *testing.T) {
	if testing.Short() {
		t.Skip("long")
	}
	p := render(t, longDoc(260), Options{})
	if n := pdfPages(t, p); n < 200 {
		t.Errorf("pages = %d, want >= 200", n)
	}
}

func BenchmarkRender20Pages(b *testing.B) {
	secs := longDoc(11)
	var buf bytes.Buffer
	if err := Render(&buf, secs, Options{}); err != nil {
		b.Fatal(err)
	}
	if n := bytes.Count(buf.Bytes(), []byte("/Type /Page\n")); n < 19 || n > 22 {
		b.Logf("pages: %d", n)
	}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		buf.Reset()
		if err := Render(&buf, secs, Options{}); err != nil {
			b.Fatal(err)
		}
	}
}
