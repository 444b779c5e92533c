package pdf

import (
	"bytes"
	"compress/zlib"
	"flag"
	"fmt"
	"html"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite golden files in testdata")

// loadSections reads a fixture: a line "§ Title" starts a section.
func loadSections(t testing.TB, name string) []Section {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	var out []Section
	for _, l := range strings.SplitAfter(string(b), "\n") {
		if strings.HasPrefix(l, "§ ") {
			out = append(out, Section{Title: strings.TrimSpace(l[len("§ "):])})
			continue
		}
		if len(out) == 0 {
			out = append(out, Section{Title: "Untitled"})
		}
		out[len(out)-1].Markdown += l
	}
	return out
}

// render renders sections into a temporary PDF file and returns its path.
func render(t testing.TB, sections []Section, opts Options) string {
	t.Helper()
	var buf bytes.Buffer
	if err := Render(&buf, sections, opts); err != nil {
		t.Fatalf("Render: %v", err)
	}
	checkStructure(t, buf.Bytes())
	p := filepath.Join(t.TempDir(), "out.pdf")
	if err := os.WriteFile(p, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

// tool runs a poppler tool, failing the test clearly when it is missing.
func tool(t testing.TB, name string, args ...string) string {
	t.Helper()
	if _, err := exec.LookPath(name); err != nil {
		t.Fatalf("%s not found: install poppler-utils (make deps)", name)
	}
	out, err := exec.Command(name, args...).CombinedOutput()
	if err != nil {
		t.Fatalf("%s %v: %v\n%s", name, args, err, out)
	}
	return string(out)
}

// pagesText returns the text of each page (pdftotext -layout).
func pagesText(t testing.TB, pdf string) []string {
	t.Helper()
	txt := tool(t, "pdftotext", "-layout", pdf, "-")
	pages := strings.Split(txt, "\f")
	if len(pages) > 0 && strings.TrimSpace(pages[len(pages)-1]) == "" {
		pages = pages[:len(pages)-1]
	}
	return pages
}

// checkStructure fails unless every xref entry points at its object, the
// startxref offset at the table, and every stream with a one-line
// dictionary has its exact length and is deflated (bar XMP metadata). Poppler quietly rebuilds a broken table, so its tools
// alone would not notice an offset gone wrong in deflateStreams.
func checkStructure(t testing.TB, pdf []byte) {
	t.Helper()
	m := regexp.MustCompile(`startxref\n(\d+)\n%%EOF\n$`).FindSubmatch(pdf)
	if m == nil {
		t.Fatal("no startxref at the end")
	}
	start, _ := strconv.Atoi(string(m[1]))
	if start >= len(pdf) || !bytes.HasPrefix(pdf[start:], []byte("xref\n0 ")) {
		t.Fatalf("startxref %d does not point at the xref table", start)
	}
	tab := pdf[start:]
	nl := bytes.IndexByte(tab[5:], '\n') + 5
	n, err := strconv.Atoi(string(tab[7:nl]))
	if err != nil {
		t.Fatalf("xref header: %v", err)
	}
	for i := 1; i < n; i++ {
		e := tab[nl+1+20*i : nl+1+20*i+20]
		off, err := strconv.Atoi(string(e[:10]))
		if err != nil {
			t.Fatalf("xref entry %d: %q", i, e)
		}
		if want := fmt.Sprintf("%d 0 obj\n", i); !bytes.HasPrefix(pdf[off:], []byte(want)) {
			t.Errorf("xref entry %d points at %q", i, pdf[off:min(off+12, len(pdf))])
		}
	}
	streams := regexp.MustCompile(`<<([^\n]*?)/Length (\d+)([^\n]*)>>\nstream\n`)
	for _, loc := range streams.FindAllSubmatchIndex(pdf, -1) {
		l, _ := strconv.Atoi(string(pdf[loc[4]:loc[5]]))
		data := pdf[loc[1]:]
		if len(data) < l || !bytes.HasPrefix(data[l:], []byte("\nendstream")) {
			t.Errorf("stream at %d: Length %d does not end at endstream", loc[0], l)
			continue
		}
		dict := string(pdf[loc[2]:loc[3]]) + string(pdf[loc[6]:loc[7]])
		if dict == "" {
			t.Errorf("stream at %d is plain (<</Length %d>>)", loc[0], l)
			continue
		}
		if !strings.Contains(dict, "/FlateDecode") {
			continue // XMP metadata stays plain, as readers expect
		}
		r, err := zlib.NewReader(bytes.NewReader(data[:l]))
		if err == nil {
			_, err = io.Copy(io.Discard, r)
		}
		if err != nil {
			t.Errorf("stream at %d does not inflate: %v", loc[0], err)
		}
	}
}

// wordBox is a word pdftotext found, its box in points.
type wordBox struct {
	page                   int
	xMin, yMin, xMax, yMax float64
	text                   string
}

var wordRe = regexp.MustCompile(`<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">([^<]*)</word>`)

// wordBoxes returns every word of the PDF with its page (from 1) and box.
func wordBoxes(t testing.TB, pdf string) []wordBox {
	t.Helper()
	var out []wordBox
	for pi, pg := range strings.Split(tool(t, "pdftotext", "-bbox", pdf, "-"), "<page ")[1:] {
		for _, m := range wordRe.FindAllStringSubmatch(pg, -1) {
			w := wordBox{page: pi + 1, text: html.UnescapeString(m[5])}
			for i, p := range []*float64{&w.xMin, &w.yMin, &w.xMax, &w.yMax} {
				*p, _ = strconv.ParseFloat(m[i+1], 64)
			}
			out = append(out, w)
		}
	}
	return out
}

const mmPt = 72 / 25.4
