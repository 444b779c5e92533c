package importer

import (
	"bytes"
	"fmt"
	"regexp"
	"sort"
	"strings"
	"unicode"

	"golang.org/x/text/cases"

	"briefstudio/internal/brief"
)

// This file is the test's own account of "every word of the input is in the
// brief", written apart from the importer's bookkeeping so that the two can
// disagree.
//
// A word is a run of letters, digits and combining marks, compared after
// Unicode case folding, counted as a multiset. The input's words are those
// of the file less what an import consumes by design:
//   - Markdown syntax (no letters or digits, so never a word);
//   - the numbers of headings ("2.1", "a)", "IV."): on heading lines, the
//     leading words of one or two digits, single letters and roman numerals;
//   - the names of the front matter fields Import reads (title, authors,
//     name, ...) and a "type:" line naming the type imported.
// The brief's words are those of the title, of the metadata as a cover
// prints it ("By A, Affiliation and B", "LINGUISTIC VERSION Original: EN",
// "Manuscript completed in June 2022", ...), and of every section's title
// and text, the notes included.

var fold = cases.Fold()

func testWords(s string) []string {
	var out []string
	for _, w := range strings.FieldsFunc(s, func(r rune) bool {
		return !unicode.IsLetter(r) && !unicode.IsDigit(r) && !unicode.IsMark(r)
	}) {
		out = append(out, fold.String(w))
	}
	return out
}

type counts map[string]int

func (c counts) add(s string) {
	for _, w := range testWords(s) {
		c[w]++
	}
}

var (
	atxLine      = regexp.MustCompile(`^ {0,3}#{1,6}(?:[ \t]|$)`)
	setextLine   = regexp.MustCompile(`^ {0,3}(?:=+|-+)[ \t]*$`)
	numberWord   = regexp.MustCompile(`^(?:[0-9]{1,2}|\pL|[ivxlcIVXLC]{1,6})$`)
	typeLine     = regexp.MustCompile(`^(?i:type)\s*:\s*(.*?)\s*$`)
	fmFieldNames = map[string]bool{}
)

func init() {
	for _, k := range []string{"title", "subtitle", "series", "topic", "date", "manuscript", "completed",
		"manuscriptcompleted", "language", "lang", "authors", "author", "supervisors", "supervisor",
		"keywords", "type", "name", "affiliation", "institution", "organisation", "organization"} {
		fmFieldNames[k] = true
	}
}

// inputWords counts the words an import of src as typ must keep.
func inputWords(src []byte, typ string) counts {
	s := string(bytes.TrimPrefix(src, []byte("\uFEFF")))
	s = strings.ReplaceAll(strings.ReplaceAll(s, "\r\n", "\n"), "\r", "\n")
	lines := strings.Split(s, "\n")
	fmEnd := -1
	if strings.TrimRight(lines[0], " \t") == "---" {
		for i := 1; i < len(lines); i++ {
			if t := strings.TrimRight(lines[i], " \t"); t == "---" || t == "..." {
				fmEnd = i
				break
			}
		}
	}
	// Heading lines: ATX lines, and the first line of a paragraph that a
	// setext underline closes.
	heading := make([]bool, len(lines))
	for i, l := range lines {
		if i <= fmEnd {
			continue
		}
		if atxLine.MatchString(l) {
			heading[i] = true
		}
		// Blank as CommonMark says: spaces and tabs only.
		if setextLine.MatchString(l) && i > 0 && strings.Trim(lines[i-1], " \t") != "" {
			j := i - 1
			for j > fmEnd+1 && strings.Trim(lines[j-1], " \t") != "" {
				j--
			}
			for k := j; k < i; k++ {
				heading[k] = true
			}
		}
	}
	c := counts{}
	for i, l := range lines {
		switch {
		case i <= fmEnd:
			if i == 0 || i == fmEnd {
				continue
			}
			if m := typeLine.FindStringSubmatch(l); m != nil && strings.Trim(m[1], `"' `) == typ {
				continue
			}
			for _, w := range testWords(l) {
				if !fmFieldNames[w] {
					c[w]++
				}
			}
		case heading[i]:
			ws := testWords(l)
			for len(ws) > 0 && numberWord.MatchString(ws[0]) {
				ws = ws[1:]
			}
			for _, w := range ws {
				c[w]++
			}
		default:
			c.add(l)
		}
	}
	return c
}

// coverText is the metadata as a cover and inside cover print it.
func coverText(m brief.Metadata) string {
	var b strings.Builder
	fmt.Fprintln(&b, m.Series, "\n", m.Date, "\n", m.Subtitle, "\n", m.Topic)
	var authors []string
	for _, a := range m.Authors {
		authors = append(authors, a.Name+", "+a.Affiliation)
	}
	fmt.Fprintln(&b, "By", strings.Join(authors, " and "))
	fmt.Fprintln(&b, "written under the supervision of", strings.Join(m.Supervisors, ", "))
	fmt.Fprintln(&b, "LINGUISTIC VERSION Original:", m.Language)
	fmt.Fprintln(&b, "Manuscript completed in", m.ManuscriptCompleted)
	fmt.Fprintln(&b, strings.Join(m.Keywords, ", "))
	return b.String()
}

// briefWords counts the words of an imported brief.
func briefWords(r Result) counts {
	c := counts{}
	c.add(r.Title)
	c.add(coverText(r.Metadata))
	for _, s := range r.Sections {
		c.add(s.Title)
		c.add(s.Text)
	}
	return c
}

// lostWords compares the input's words with the brief's. dup lists text
// the input holds twice by design and the brief once (a title repeated as a
// heading): its words are forgiven once per entry. presence lists text whose
// words need only be present, not as often (the fuzz test's stand-in for
// dup). It returns the words missing, as "word (in 3, brief 2)".
func lostWords(src []byte, typ string, r Result, dup []string, presence []string) []string {
	want := inputWords(src, typ)
	for _, d := range dup {
		for _, w := range testWords(d) {
			if want[w] > 0 {
				want[w]--
			}
		}
	}
	lax := map[string]bool{}
	for _, p := range presence {
		for _, w := range testWords(p) {
			lax[w] = true
		}
	}
	got := briefWords(r)
	var lost []string
	for w, n := range want {
		if got[w] >= n || lax[w] && got[w] > 0 {
			continue
		}
		lost = append(lost, fmt.Sprintf("%q (input %d, brief %d)", w, n, got[w]))
	}
	sort.Strings(lost)
	return lost
}
