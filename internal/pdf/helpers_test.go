package pdf

import (
	"bytes"
	"flag"
	"os"
	"os/exec"
	"path/filepath"
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
