package importer

import (
	"bytes"
	"os"
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"

	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/extension"
	"github.com/yuin/goldmark/text"

	"briefstudio/internal/brief"
)

// topHeadings returns the levels of the top-level headings of a Markdown text.
func topHeadings(md string) []int {
	src := []byte(md)
	doc := goldmark.New(goldmark.WithExtensions(extension.GFM, extension.Footnote)).Parser().Parse(text.NewReader(src))
	var out []int
	for c := doc.FirstChild(); c != nil; c = c.NextSibling() {
		if h, ok := c.(*ast.Heading); ok {
			out = append(out, h.Level)
		}
	}
	return out
}

// fuzzTypes are the types FuzzImport imports as, chosen by its second value.
var fuzzTypes = []string{"discussion-brief", "policy-options-brief", "ask-the-expert-brief", "national-stakeholder-report", "synthetic-report"}

// FuzzImport: any input either imports with every word kept (and a valid
// brief) or is refused with a coded error that says why; never a panic.
func FuzzImport(f *testing.F) {
	for i, file := range []string{"discussion-brief.md", "messy-conversion.md"} {
		src, err := os.ReadFile("testdata/" + file)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(src, uint8(i))
	}
	f.Fuzz(func(t *testing.T, src []byte, kind uint8) {
		typ := fuzzTypes[int(kind)%len(fuzzTypes)]
		r, err := Import(src, typ)
		if err != nil {
			checkRefusal(t, src, err)
			return
		}
		checkResult(t, src, typ, r)
	})
}

// checkRefusal checks that an error is one of the refusals Import may give,
// and that the input deserved it.
func checkRefusal(t *testing.T, src []byte, err error) {
	t.Helper()
	msg := brief.ErrorMessage(err)
	body := bytes.TrimPrefix(src, []byte("\uFEFF"))
	switch code := brief.ErrorCode(err); {
	case code == brief.ETooLarge:
		if len(src) <= MaxFileSize && !strings.HasPrefix(msg, "section ") {
			t.Errorf("too large: %v", err)
		}
	case code != brief.EInvalid:
		t.Errorf("unexpected error %v", err)
	case strings.HasPrefix(msg, "the file is empty"):
		if len(bytes.TrimFunc(bytes.ReplaceAll(body, []byte("\r"), nil), unicode.IsSpace)) != 0 {
			t.Errorf("%q is not empty: %v", src, err)
		}
	case strings.HasPrefix(msg, "invalid UTF-8"), strings.HasPrefix(msg, "not a text file"):
		if bytes.IndexByte(body, 0) < 0 && isMostlyText(body) {
			t.Errorf("%q refused: %v", src, err)
		}
	case strings.HasPrefix(msg, "front matter"):
		if !bytes.HasPrefix(body, []byte("---")) {
			t.Errorf("%q has no front matter: %v", src, err)
		}
	default:
		t.Errorf("unexpected refusal %v", err)
	}
}

// isMostlyText reports whether b is valid UTF-8 with few control characters.
func isMostlyText(b []byte) bool {
	if !utf8.Valid(b) {
		return false
	}
	control := 0
	for _, r := range string(b) {
		if r < 0x20 && !strings.ContainsRune("\t\n\v\f\r", r) || r == 0x7f {
			control++
		}
	}
	return control*20 <= len(b)
}
