package importer

import (
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"briefstudio/internal/brief"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/")

// render is the golden form of an import: title, metadata, report and the
// sections, each under a line naming its key and title.
func render(r Result) string {
	var b strings.Builder
	meta, _ := json.MarshalIndent(r.Metadata, "", "  ")
	rep, _ := json.MarshalIndent(r.Report, "", "  ")
	fmt.Fprintf(&b, "title: %s\nmetadata: %s\nreport: %s\n", r.Title, meta, rep)
	for _, s := range r.Sections {
		fmt.Fprintf(&b, "\n======== %s: %s ========\n%s\n", s.Key, s.Title, s.Text)
	}
	return b.String()
}

func golden(t *testing.T, name, got string) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update to write it)", err)
	}
	if string(want) != got {
		t.Errorf("%s differs from the import (go test -update rewrites it); got:\n%s", path, got)
	}
}

func sectionKeys(r Result) []string {
	var keys []string
	for _, s := range r.Sections {
		keys = append(keys, s.Key)
	}
	return keys
}

func section(r Result, key string) brief.Section {
	for _, s := range r.Sections {
		if s.Key == key {
			return s
		}
	}
	return brief.Section{}
}

// numberedHeading is a heading that still carries a number.
var numberedHeading = regexp.MustCompile(`(?m)^ {0,3}#{1,6}\s+[*_]*(?:\d{1,2}(?:\.\d{1,2})*\.?|[a-zA-Z]\)|[IVXivx]+\.)\s`)

func TestSamples(t *testing.T) {
	tests := []struct {
		file, typ string
		// dup: text the sample holds twice by design and the brief once.
		dup    []string
		filled []string // sections with text, in order
		empty  []string // template sections left empty
		moved  []string // what went to the notes
		meta   brief.Metadata
		title  string
		table  string // the section holding the table
	}{
		{
			file: "discussion-brief.md", typ: "discussion-brief",
			filled: []string{"introduction", "scoping-the-debate", "key-issues-and-controversies", "stakeholder-priorities", "references"},
			title:  "Housing first for newly recognised refugees in mid-sized cities",
			meta: brief.Metadata{
				Subtitle: "What local authorities can do before national reform arrives",
				Authors: []brief.Author{
					{Name: "Ilse Vandermeersch", Affiliation: "Centre for Urban Inclusion, Ghent"},
					{Name: "Tomasz Wiśniewski", Affiliation: "Institute of Public Affairs, Kraków"},
				},
				Supervisors: []string{"Zoë Papadopoulou", "Håkon Lindqvist"},
				Topic:       "Integration", Series: "Discussion Brief", Date: "March 2021",
				ManuscriptCompleted: "March 2021", Language: "EN",
				Keywords: []string{"housing", "local authorities", "refugees", "EU funds"},
			},
			table: "key-issues-and-controversies",
		},
		{
			file: "messy-conversion.md", typ: "policy-options-brief",
			// The cover's bold title comes back as "# Title", and the byline
			// names an author of the cover's author line again.
			dup:    []string{"Labour market access for asylum seekers: options for early employment", "Mirela Kovačević"},
			filled: []string{"introduction", "policy-options", "evidence-base", "support-for-the-options", "references", NotesKey},
			empty:  []string{"Recommendations"},
			moved:  []string{"cover text", "funding statement (cover)", "funding statement (page footer)", "back cover"},
			title:  "Labour market access for asylum seekers: options for early employment",
			meta: brief.Metadata{
				Authors: []brief.Author{
					{Name: "Mirela Kovačević", Affiliation: "Institute for Labour Studies"},
					{Name: "Søren Østergaard"},
				},
				Supervisors: []string{}, Keywords: []string{},
				Topic: "Employment", Series: "Policy Options Brief", Date: "June 2022",
				ManuscriptCompleted: "June 2022", Language: "EN",
			},
			table: "evidence-base",
		},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			src, err := os.ReadFile(filepath.Join("testdata", tt.file))
			if err != nil {
				t.Fatal(err)
			}
			r, err := Import(src, tt.typ)
			if err != nil {
				t.Fatal(err)
			}
			if lost := lostWords(src, tt.typ, r, tt.dup, nil); len(lost) > 0 {
				t.Errorf("words of the input missing from the brief: %s", strings.Join(lost, ", "))
			}
			if r.Title != tt.title {
				t.Errorf("title %q, want %q", r.Title, tt.title)
			}
			gotMeta, _ := json.Marshal(r.Metadata)
			wantMeta, _ := json.Marshal(tt.meta)
			if !bytes.Equal(gotMeta, wantMeta) {
				t.Errorf("metadata\n got %s\nwant %s", gotMeta, wantMeta)
			}
			tpl, _ := brief.TemplateFor(tt.typ)
			var filled, want []string
			for _, s := range r.Sections {
				if strings.TrimSpace(s.Text) != "" {
					filled = append(filled, s.Key)
				}
			}
			if !slices.Equal(filled, tt.filled) {
				t.Errorf("sections with text %v, want %v", filled, tt.filled)
			}
			// Every template section is there, in the template's order.
			for _, s := range tpl.Sections {
				want = append(want, s.Key)
			}
			var got []string
			for _, k := range sectionKeys(r) {
				if k != NotesKey {
					got = append(got, k)
				}
			}
			if !slices.Equal(got, want) {
				t.Errorf("section keys %v, want the template's %v", got, want)
			}
			if !slices.Equal(r.Report.Empty, append([]string{}, tt.empty...)) && !(len(tt.empty) == 0 && len(r.Report.Empty) == 0) {
				t.Errorf("report.empty %v, want %v", r.Report.Empty, tt.empty)
			}
			var moved []string
			for _, m := range r.Report.Moved {
				moved = append(moved, m.What)
				if m.To != NotesKey {
					t.Errorf("moved to %q", m.To)
				}
			}
			if !slices.Equal(moved, tt.moved) {
				t.Errorf("report.moved %v, want %v", moved, tt.moved)
			}
			for _, s := range r.Sections {
				if numberedHeading.MatchString(s.Text) || numberWord.MatchString(firstWord(s.Title)) {
					t.Errorf("section %q keeps a heading number:\n%s", s.Title, s.Text)
				}
				if regexp.MustCompile(`(?m)^#{1,2}\s`).MatchString(s.Text) {
					t.Errorf("section %q has a heading above ###:\n%s", s.Title, s.Text)
				}
			}
			if !strings.Contains(section(r, tt.table).Text, "\n|---|---:|---:|\n") {
				t.Errorf("the table lost its delimiter row:\n%s", section(r, tt.table).Text)
			}
			golden(t, strings.TrimSuffix(tt.file, ".md")+".golden", render(r))
		})
	}
}

// TestMessyArrangement checks the parts of the messy sample a person would
// arrange by hand.
func TestMessyArrangement(t *testing.T) {
	src, _ := os.ReadFile("testdata/messy-conversion.md")
	r, err := Import(src, "policy-options-brief")
	if err != nil {
		t.Fatal(err)
	}
	opts := section(r, "policy-options").Text
	for _, want := range []string{
		"### Shorten the waiting period\n",
		"\n#### Advantages\n",
		"\n#### Disadvantages\n", // "## b)" continues "#### a)"
		"\n### Skills assessment during reception\n",
	} {
		if !strings.Contains(opts, want) {
			t.Errorf("policy options lack %q:\n%s", want, opts)
		}
	}
	if got := section(r, "support-for-the-options").Title; got != "Support for the options: results of the stakeholder survey" {
		t.Errorf("support title %q", got)
	}
	refs := section(r, "references").Text
	if strings.Contains(refs, "received funding") || strings.Contains(refs, "SERIES") {
		t.Errorf("references keep page furniture:\n%s", refs)
	}
	notes := section(r, NotesKey)
	if r.Sections[len(r.Sections)-1].Key != NotesKey {
		t.Errorf("notes are not last: %v", sectionKeys(r))
	}
	if n := strings.Count(notes.Text, "has received funding from the European Union"); n != 2 {
		t.Errorf("the funding statement is in the notes %d times, want 2 (cover and footer)", n)
	}
	for _, want := range []string{"The **Policy Options Briefs** of this series", "#### SERIES", "Contact: team@example.org"} {
		if !strings.Contains(notes.Text, want) {
			t.Errorf("notes lack %q", want)
		}
	}
	for _, s := range r.Sections {
		if strings.Contains(s.Text, "Labour market access for asylum seekers") || strings.HasPrefix(s.Text, "By ") {
			t.Errorf("section %q keeps the title or the byline", s.Key)
		}
	}
}

// TestWordCheckCanFail makes sure the word count notices a lost word, a lost
// repeat and a lost notes section.
func TestWordCheckCanFail(t *testing.T) {
	src, _ := os.ReadFile("testdata/messy-conversion.md")
	dup := []string{"Labour market access for asylum seekers: options for early employment", "Mirela Kovačević"}
	r, err := Import(src, "policy-options-brief")
	if err != nil {
		t.Fatal(err)
	}
	copyOf := func() Result {
		c := r
		c.Sections = slices.Clone(r.Sections)
		return c
	}
	cases := map[string]func(Result) Result{
		"a word": func(c Result) Result {
			c.Sections[0].Text = strings.Replace(c.Sections[0].Text, "deters", "", 1)
			return c
		},
		"a repeated paragraph": func(c Result) Result {
			i := len(c.Sections) - 1
			c.Sections[i].Text = strings.Replace(c.Sections[i].Text, "This project has received", "", 1)
			return c
		},
		"the notes": func(c Result) Result {
			return Result{Title: c.Title, Metadata: c.Metadata, Sections: c.Sections[:len(c.Sections)-1]}
		},
		"an author": func(c Result) Result {
			c.Metadata.Authors = c.Metadata.Authors[:1]
			return c
		},
		"a heading": func(c Result) Result {
			c.Sections[1].Title = "Options"
			return c
		},
	}
	for name, break_ := range cases {
		if lost := lostWords(src, "policy-options-brief", break_(copyOf()), dup, nil); len(lost) == 0 {
			t.Errorf("losing %s goes unnoticed", name)
		}
	}
	if lost := lostWords(src, "policy-options-brief", r, nil, nil); len(lost) == 0 {
		t.Errorf("without forgiving the repeated title the check should count it missing")
	}
}

func TestCRLFAndBOM(t *testing.T) {
	for _, file := range []string{"discussion-brief.md", "messy-conversion.md"} {
		src, _ := os.ReadFile(filepath.Join("testdata", file))
		typ := "discussion-brief"
		if strings.HasPrefix(file, "messy") {
			typ = "policy-options-brief"
		}
		want, err := Import(src, typ)
		if err != nil {
			t.Fatal(err)
		}
		crlf := append([]byte("\uFEFF"), bytes.ReplaceAll(src, []byte("\n"), []byte("\r\n"))...)
		got, err := Import(crlf, typ)
		if err != nil {
			t.Fatalf("%s with CRLF and a BOM: %v", file, err)
		}
		if render(got) != render(want) {
			t.Errorf("%s with CRLF and a BOM imports differently:\n%s", file, render(got))
		}
	}
}

func TestBadInput(t *testing.T) {
	big := bytes.Repeat([]byte("word "), MaxFileSize/5+1)
	tests := []struct {
		name string
		src  []byte
		typ  string
		code brief.Code
		msg  string // part of the message
	}{
		{"unknown type", []byte("# T\n\n## Introduction\n\ntext"), "white-paper", brief.EInvalid, `unknown brief type "white-paper"`},
		{"empty", []byte(""), "discussion-brief", brief.EInvalid, "the file is empty"},
		{"whitespace", []byte(" \n\t\r\n  \n"), "discussion-brief", brief.EInvalid, "the file is empty"},
		{"BOM only", []byte("\uFEFF\n"), "discussion-brief", brief.EInvalid, "the file is empty"},
		{"NUL bytes", []byte("PK\x03\x04\x14\x00\x06\x00word/document.xml"), "discussion-brief", brief.EInvalid, "not a text file"},
		{"PNG", []byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"), "discussion-brief", brief.EInvalid, "not a text file"},
		{"control characters", bytes.Repeat([]byte("\x01\x02\x03ab\x1b\x7f\x05"), 50), "discussion-brief", brief.EInvalid, "not a text file"},
		{"mostly not UTF-8", bytes.Repeat([]byte("\xff\xfe\xc0a"), 100), "discussion-brief", brief.EInvalid, "not a text file"},
		{"invalid UTF-8", []byte("# Title\n\nCaf\xe9 au lait\n"), "discussion-brief", brief.EInvalid, "invalid UTF-8 at byte offset 12 (line 3, byte 4 of the line)"},
		{"invalid UTF-8 after a BOM", []byte("\uFEFFab\n\xc3("), "discussion-brief", brief.EInvalid, "invalid UTF-8 at byte offset 6 (line 2, byte 1 of the line)"},
		{"over 10 MB", big, "discussion-brief", brief.ETooLarge, "at most 10 MB"},
		{"section over 1 MB", append([]byte("## Introduction\n\n"), bytes.Repeat([]byte("a line of text\n"), brief.MaxSectionText/15+10)...), "discussion-brief", brief.ETooLarge, `section "Introduction"`},
		{"invalid YAML", []byte("---\ntitle: A brief\nauthors:\n  - name: A\n    affiliation: [B\nsubtitle: x\n---\n## Introduction\n"), "discussion-brief", brief.EInvalid, "front matter line"},
		{"YAML bad indentation", []byte("---\ntitle: A\n date: x\n---\ntext"), "discussion-brief", brief.EInvalid, "front matter line 3: "},
		{"YAML list", []byte("---\n- a\n- b\n---\ntext"), "discussion-brief", brief.EInvalid, "front matter line 2: expected fields"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Import(tt.src, tt.typ)
			if err == nil {
				t.Fatal("imported")
			}
			if brief.ErrorCode(err) != tt.code || !strings.Contains(brief.ErrorMessage(err), tt.msg) {
				t.Errorf("error %v, want %s containing %q", err, tt.code, tt.msg)
			}
		})
	}
}

func TestYAMLErrorNamesTheLine(t *testing.T) {
	// Line 5 of the file is the bad one.
	src := "---\ntitle: A\nsubtitle: B\ntopic: C\ndate: \"June 2022\n---\n# x\n"
	_, err := Import([]byte(src), "discussion-brief")
	if err == nil {
		t.Fatal("imported")
	}
	msg := brief.ErrorMessage(err)
	t.Log(msg)
	if !regexp.MustCompile(`^front matter line [56]: `).MatchString(msg) {
		t.Errorf("message %q should name line 5 or 6 of the file", msg)
	}
}

func TestImportCases(t *testing.T) {
	tests := []struct {
		name  string
		src   string
		typ   string
		check func(t *testing.T, r Result)
	}{
		{
			name: "no headings", typ: "discussion-brief",
			src: "A brief without headings\n\nFirst paragraph of text.\n\nSecond paragraph.\n\nThis project has received funding from the European Union's Horizon 2020 research and innovation programme under grant agreement No 1.\n",
			check: func(t *testing.T, r Result) {
				if r.Title != "A brief without headings" {
					t.Errorf("title %q", r.Title)
				}
				intro := section(r, "introduction").Text
				if !strings.HasPrefix(intro, "A brief without headings\n\nFirst paragraph") || strings.Contains(intro, "funding") {
					t.Errorf("introduction:\n%s", intro)
				}
				if !strings.Contains(section(r, NotesKey).Text, "grant agreement No 1") {
					t.Errorf("the funding statement is not in the notes")
				}
				if len(r.Report.Empty) != 4 || len(r.Report.Warnings) == 0 {
					t.Errorf("report %+v", r.Report)
				}
			},
		},
		{
			name: "front matter fields", typ: "policy-options-brief",
			src: "---\ntype: discussion-brief\ntitle: \"Short\"\nmanuscriptCompleted: 2021-03\nlanguage: fr\nauthors: [Ana Lima, {name: Bo Ek, affiliation: Uni X}]\nsupervisors: [{name: Cy Dee}]\nkeywords: a, b\nfunder: h2020  # the funder\nreviewers:\n  - Zed\n---\n## Introduction\n\nText.\n",
			check: func(t *testing.T, r Result) {
				m := r.Metadata
				if r.Title != "Short" || m.ManuscriptCompleted != "March 2021" || m.Language != "FR" ||
					len(m.Authors) != 2 || m.Authors[1] != (brief.Author{Name: "Bo Ek", Affiliation: "Uni X"}) ||
					!slices.Equal(m.Supervisors, []string{"Cy Dee"}) || !slices.Equal(m.Keywords, []string{"a", "b"}) {
					t.Errorf("metadata %+v title %q", m, r.Title)
				}
				notes := section(r, NotesKey).Text
				for _, want := range []string{"funder: h2020  # the funder", "reviewers:\n  - Zed", "type: discussion-brief", "manuscriptCompleted: 2021-03"} {
					if !strings.Contains(notes, want) {
						t.Errorf("notes lack %q:\n%s", want, notes)
					}
				}
				if !strings.Contains(strings.Join(r.Report.Warnings, "\n"), `type "discussion-brief"`) {
					t.Errorf("no warning about the type: %v", r.Report.Warnings)
				}
			},
		},
		{
			name: "heading styles", typ: "policy-options-brief",
			src: "# My brief\n\n## I. INTRODUCTION\n\nx\n\n## **2) Policy Option**\n\n### a) One\n\n### b) Two\n\n## 3 – Evidence Bases\n\ny\n\n## IV. Support for the options – what people said\n\nz\n\n## Conclusions\n\nc\n\n## 6. Recommendations\n\nr\n\n## Bibliography\n\n- a\n",
			check: func(t *testing.T, r Result) {
				want := []string{"introduction", "policy-options", "evidence-base", "support-for-the-options", "conclusions", "recommendations", "references"}
				if !slices.Equal(sectionKeys(r), want) {
					t.Errorf("keys %v, want %v", sectionKeys(r), want)
				}
				if r.Title != "My brief" || section(r, "references").Title != "Bibliography" ||
					section(r, "support-for-the-options").Title != "Support for the options – what people said" ||
					section(r, "introduction").Title != "Introduction" {
					t.Errorf("titles: %q %v", r.Title, r.Sections)
				}
				if got := section(r, "policy-options").Text; got != "### One\n\n### Two" {
					t.Errorf("policy options %q", got)
				}
				if !slices.Equal(r.Report.Created, []string{"Conclusions"}) {
					t.Errorf("created %v", r.Report.Created)
				}
			},
		},
		{
			name: "unmatched parts and empty sections in place", typ: "discussion-brief",
			src: "## Background\n\nb\n\n## Scoping the debate\n\ns\n\n## Annex: the survey\n\nq\n\n## References\n\nr\n",
			check: func(t *testing.T, r Result) {
				want := []string{"background", "introduction", "scoping-the-debate", "key-issues-and-controversies", "stakeholder-priorities", "annex-the-survey", "references"}
				if !slices.Equal(sectionKeys(r), want) {
					t.Errorf("keys %v, want %v", sectionKeys(r), want)
				}
			},
		},
		{
			name: "headings in code and quotes are not sections", typ: "discussion-brief",
			src: "## Introduction\n\n```\n## References\n```\n\n> ## Scoping the debate\n\n- item\n  ## Key issues\n",
			check: func(t *testing.T, r Result) {
				if len(r.Report.Matched) != 1 || !strings.Contains(section(r, "introduction").Text, "```\n## References\n```") {
					t.Errorf("matched %v; introduction:\n%s", r.Report.Matched, section(r, "introduction").Text)
				}
			},
		},
		{
			name: "setext headings", typ: "discussion-brief",
			src: "Housing first\n=============\n\n1 Introduction\n--------------\n\nText.\n\nDetails\n-------\n",
			check: func(t *testing.T, r Result) {
				if r.Title != "Housing first" || section(r, "introduction").Text != "Text." || len(r.Report.Created) != 1 {
					t.Errorf("%s", render(r))
				}
			},
		},
		{
			name: "text under the title is the introduction", typ: "discussion-brief",
			src: "# A title\n\nBy Ana Lima (University of Porto) and Bo Ek\n\n" + strings.Repeat("Some words of an introduction that has no heading. ", 5) + "\n\n## Scoping the debate\n\nx\n",
			check: func(t *testing.T, r Result) {
				if !strings.HasPrefix(section(r, "introduction").Text, "Some words") || section(r, NotesKey).Text != "" {
					t.Errorf("%s", render(r))
				}
				if want := []brief.Author{{Name: "Ana Lima", Affiliation: "University of Porto"}, {Name: "Bo Ek"}}; !slices.Equal(r.Metadata.Authors, want) {
					t.Errorf("authors %v", r.Metadata.Authors)
				}
			},
		},
		{
			name: "byline with a real link goes to the notes", typ: "discussion-brief",
			src: "# A title\n\nBy Ana Lima, [University of Porto](https://up.pt)\n\n## Introduction\n\nx\n",
			check: func(t *testing.T, r Result) {
				if len(r.Metadata.Authors) != 0 || !strings.Contains(section(r, NotesKey).Text, "https://up.pt") {
					t.Errorf("%s", render(r))
				}
			},
		},
		{
			name: "long title", typ: "discussion-brief",
			src: "# " + strings.Repeat("long title words ", 30) + "\n\n## Introduction\n\nx\n",
			check: func(t *testing.T, r Result) {
				if n := len([]rune(r.Title)); n > brief.MaxTitle || !strings.HasSuffix(r.Title, "…") {
					t.Errorf("title of %d characters: %q", n, r.Title)
				}
				if len(r.Report.Warnings) == 0 || !strings.Contains(section(r, NotesKey).Text, strings.TrimSpace(strings.Repeat("long title words ", 30))) {
					t.Errorf("%s", render(r))
				}
			},
		},
		{
			name: "repeated footer in the body", typ: "discussion-brief",
			src: "## Introduction\n\nOne.\n\nReSOMA policy brief series page footer text here\n\nTwo.\n\n## References\n\n- r\n\nReSOMA policy brief series page footer text here\n",
			check: func(t *testing.T, r Result) {
				if section(r, "introduction").Text != "One.\n\nTwo." || section(r, "references").Text != "- r" {
					t.Errorf("%s", render(r))
				}
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r, err := Import([]byte(tt.src), tt.typ)
			if err != nil {
				t.Fatal(err)
			}
			checkResult(t, []byte(tt.src), tt.typ, r)
			tt.check(t, r)
		})
	}
}

func TestParseHeading(t *testing.T) {
	tpl, _ := brief.TemplateFor("policy-options-brief")
	tests := []struct {
		raw, clean string
		key        string
		sub        bool
	}{
		{"1 INTRODUCTION", "INTRODUCTION", "introduction", false},
		{"3. EVIDENCE BASE", "EVIDENCE BASE", "evidence-base", false},
		{"**2 POLICY OPTIONS**", "POLICY OPTIONS", "policy-options", false},
		{"**2.1 Shorten the waiting period**", "Shorten the waiting period", "", true},
		{"**2.1** Shorten", "Shorten", "", true},
		{"a) Advantages", "Advantages", "", true},
		{"(b) Disadvantages", "Disadvantages", "", true},
		{"IV. Recommendations", "Recommendations", "recommendations", false},
		{"4) Recommendation", "Recommendation", "recommendations", false},
		{"4. Support for the options: results of the survey", "Support for the options: results of the survey", "support-for-the-options", false},
		{"*Policy options – an overview*", "Policy options – an overview", "policy-options", false},
		{"2020 in review", "2020 in review", "", false},
		{"Sources", "Sources", "references", false},
		{"BIBLIOGRAPHY", "BIBLIOGRAPHY", "references", false},
		{"1.", "1.", "", false},
		{"Policy", "Policy", "", false},
	}
	for _, tt := range tests {
		h := parseHeading(tt.raw)
		key := ""
		if i := matchSlot(h.clean, tpl); i >= 0 {
			key = tpl.Sections[i].Key
		}
		if h.clean != tt.clean || key != tt.key || h.num.subItem() != tt.sub {
			t.Errorf("%q: clean %q key %q sub %v; want %q %q %v", tt.raw, h.clean, key, h.num.subItem(), tt.clean, tt.key, tt.sub)
		}
	}
	dtpl, _ := brief.TemplateFor("discussion-brief")
	for _, s := range []string{"Key Issues & Controversies", "key issue and controversy", "3 KEY ISSUES AND CONTROVERSIES"} {
		if i := matchSlot(parseHeading(s).clean, dtpl); i < 0 || dtpl.Sections[i].Key != "key-issues-and-controversies" {
			t.Errorf("%q does not match Key issues and controversies", s)
		}
	}
}

// checkResult checks what every import must hold: valid title, metadata,
// sections and keys, template sections present, notes last, sub-headings
// below the section title, and every word kept.
func checkResult(t *testing.T, src []byte, typ string, r Result) {
	t.Helper()
	if _, err := brief.ValidateTitle(r.Title); err != nil {
		t.Errorf("title %q: %v", r.Title, err)
	}
	if m, err := r.Metadata.Normalize(); err != nil {
		t.Errorf("metadata: %v", err)
	} else if a, b := fmt.Sprint(m), fmt.Sprint(r.Metadata); a != b {
		t.Errorf("metadata not normalised: %s vs %s", b, a)
	}
	tpl, _ := brief.TemplateFor(typ)
	keys := map[string]bool{}
	for i, s := range r.Sections {
		if s.Key == "" || keys[s.Key] {
			t.Errorf("section %d key %q empty or repeated", i, s.Key)
		}
		keys[s.Key] = true
		if _, err := brief.ValidateSectionTitle(s.Title); err != nil {
			t.Errorf("section %q title: %v", s.Key, err)
		}
		if err := brief.ValidateSectionText(s.Text); err != nil {
			t.Errorf("section %q text: %v", s.Key, err)
		}
		if s.Key == NotesKey && i != len(r.Sections)-1 {
			t.Errorf("notes are not the last section")
		}
		for _, h := range topHeadings(s.Text) {
			if h < 3 {
				t.Errorf("section %q has a level-%d heading:\n%s", s.Key, h, s.Text)
				break
			}
		}
	}
	for _, s := range tpl.Sections {
		if !keys[s.Key] {
			t.Errorf("template section %q missing", s.Key)
		}
	}
	var presence []string
	presence = append(presence, r.Title, "by and")
	for _, a := range r.Metadata.Authors {
		presence = append(presence, a.Name, a.Affiliation)
	}
	if lost := lostWords(src, typ, r, nil, presence); len(lost) > 0 {
		t.Errorf("words of the input missing from the brief: %s", strings.Join(lost, ", "))
	}
}
