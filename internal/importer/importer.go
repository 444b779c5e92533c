// Package importer turns a Markdown document into a brief: its title, its
// metadata and its sections, arranged in the sections of a template.
//
// It reads briefs written for import (YAML front matter, one heading per
// section) as well as briefs that other tools converted from Word or PDF:
// cover text before the first heading, numbered and bold headings, heading
// levels that jump, the funding statement repeated as a page footer, a back
// cover at the end. Whatever it cannot place goes to a final "Notes from
// import" section, so that every word of the document is in the brief, and
// a Report says what was matched, created and moved.
//
// The package is pure: it reads no file and speaks neither SQL nor HTTP.
package importer

import (
	"fmt"
	"sort"
	"strings"
	"unicode/utf8"

	"briefstudio/internal/brief"
)

// The section that receives what the import could not place.
const (
	NotesKey   = "notes-from-import"
	notesTitle = "Notes from import"
)

// Result is an imported brief: what a new brief of the requested type is
// created from, and the report shown to the person who imported it.
type Result struct {
	Title    string
	Metadata brief.Metadata
	// Sections are in order: the document's parts as they come (template
	// sections it matched and new sections for parts it did not), the
	// template sections nothing matched at their place in the template
	// (empty), and last "Notes from import" if anything was moved there.
	Sections []brief.Section
	Report   Report
}

// Report says what the import did with the document.
type Report struct {
	// Matched lists the headings that became template sections.
	Matched []Match `json:"matched"`
	// Created lists the titles of sections made from top-level parts that
	// match no template section.
	Created []string `json:"created"`
	// Moved lists what went to "Notes from import".
	Moved []Moved `json:"moved"`
	// Empty lists the titles of the template sections nothing matched.
	Empty []string `json:"empty"`
	// Warnings are things the person should check.
	Warnings []string `json:"warnings"`
}

// Match is a heading of the document that became a template section.
type Match struct {
	Heading string `json:"heading"` // as in the source, without the # marks
	Key     string `json:"key"`     // the template section's key
}

// Moved is a passage moved to the notes section.
type Moved struct {
	// What it is: "cover text", "funding statement (cover)", "funding
	// statement (page footer)", "repeated text (page footer)", "back cover",
	// "front matter field", "text before the first section", "full title",
	// "full heading".
	What string `json:"what"`
	Text string `json:"text"` // a short excerpt
	To   string `json:"to"`   // the key of the section it went to
}

// note is one passage for the notes section, under a group heading.
type note struct {
	what, group, text, excerpt string
	at                         int // line of the body it came from (-1: front matter), for order
}

type importer struct {
	tpl       brief.Template
	meta      brief.Metadata
	title     string
	titleFrom string // "front matter", "cover", "heading", "first line"
	notes     []note
	report    Report

	lines  []string // the body (after front matter), one entry a line
	blocks []*block // its top-level blocks
	del    []bool   // lines removed from where they were
	repl   map[int]string

	sections []brief.Section
}

// Import turns a Markdown document into a brief of type typ.
//
// It refuses, with a brief.EInvalid error, an unknown type, a file that is
// empty, not text, not UTF-8, or whose front matter is not valid YAML (the
// message names the line); and, with brief.ETooLarge, a file over
// MaxFileSize or a section over brief.MaxSectionText. CRLF line endings and
// a byte order mark are accepted.
func Import(src []byte, typ string) (Result, error) {
	tpl, err := brief.TemplateFor(typ)
	if err != nil {
		return Result{}, err
	}
	text, err := decodeText(src)
	if err != nil {
		return Result{}, err
	}
	im := &importer{tpl: tpl, repl: map[int]string{}}
	body := text
	if fm, rest, _, ok := splitFrontMatter(text); ok {
		if err := im.frontMatter(fm); err != nil {
			return Result{}, err
		}
		body = rest
	}
	im.parse(body)
	im.arrange()
	return im.finish()
}

func (im *importer) warn(format string, args ...any) {
	im.report.Warnings = append(im.report.Warnings, fmt.Sprintf(format, args...))
}

// moveNote adds a passage to the notes section and to the report.
func (im *importer) moveNote(n note) {
	n.text = strings.Trim(n.text, "\n")
	if strings.TrimSpace(n.text) == "" {
		return
	}
	if n.excerpt == "" {
		n.excerpt = n.text
	}
	im.notes = append(im.notes, n)
}

// excerpt shortens a passage to one line of plain text of at most 80
// characters.
func excerpt(s string) string {
	lines := strings.Split(s, "\n")
	for i, l := range lines {
		lines[i] = strings.TrimLeft(l, "# ")
	}
	s = stripInline(strings.Join(lines, " "))
	if utf8.RuneCountInString(s) <= 80 {
		return s
	}
	r := []rune(s)[:79]
	if i := strings.LastIndexByte(string(r), ' '); i > 40 {
		return string(r)[:i] + "…"
	}
	return string(r) + "…"
}

// finish checks and assembles the result.
func (im *importer) finish() (Result, error) {
	title := strings.Join(strings.Fields(im.title), " ")
	if title == "" {
		title = "Untitled " + strings.ToLower(im.tpl.Name)
		im.warn("the document has no title; it is called %q until you rename it", title)
	}
	if n := utf8.RuneCountInString(title); n > brief.MaxTitle {
		full := title
		title = truncate(title, brief.MaxTitle)
		im.warn("the title is %d characters long; it was shortened to %d and kept whole in %s", n, brief.MaxTitle, notesTitle)
		im.moveNote(note{what: "full title", group: "Full title", text: full, at: len(im.lines)})
	}
	title, err := brief.ValidateTitle(title)
	if err != nil {
		return Result{}, err
	}
	meta, err := im.meta.Normalize()
	if err != nil {
		return Result{}, err
	}
	sections := im.sections
	sort.SliceStable(im.notes, func(i, j int) bool { return im.notes[i].at < im.notes[j].at })
	for _, n := range im.notes {
		im.report.Moved = append(im.report.Moved, Moved{What: n.what, Text: excerpt(n.excerpt), To: NotesKey})
	}
	if len(im.notes) > 0 {
		sections = append(sections, brief.Section{Key: NotesKey, Title: notesTitle, Text: im.notesText()})
	}
	for i, s := range sections {
		if err := brief.ValidateSectionText(s.Text); err != nil {
			if brief.ErrorCode(err) == brief.ETooLarge {
				return Result{}, brief.Errorf(brief.ETooLarge, "section %q would be %d bytes; a section holds at most %d (1 MB): split the document's parts", s.Title, len(s.Text), brief.MaxSectionText)
			}
			return Result{}, err
		}
		if sections[i].Title, err = brief.ValidateSectionTitle(s.Title); err != nil {
			return Result{}, err
		}
	}
	rep := im.report
	for _, l := range []*[]string{&rep.Created, &rep.Empty, &rep.Warnings} {
		if *l == nil {
			*l = []string{}
		}
	}
	if rep.Matched == nil {
		rep.Matched = []Match{}
	}
	if rep.Moved == nil {
		rep.Moved = []Moved{}
	}
	return Result{Title: title, Metadata: meta, Sections: sections, Report: rep}, nil
}

// truncate shortens s to at most n characters at a word boundary, ending it
// with an ellipsis.
func truncate(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	cut := string(r[:n-1])
	if i := strings.LastIndexByte(cut, ' '); i > len(cut)/2 {
		cut = cut[:i]
	}
	return strings.TrimSpace(cut) + "…"
}

// notesText is the Markdown of the notes section.
func (im *importer) notesText() string {
	var b strings.Builder
	b.WriteString("*The import moved these passages here so that nothing is lost: text from the cover, the front matter and page furniture. Move them where they belong or delete them.*\n")
	group := ""
	for _, n := range im.notes {
		if n.group != group {
			b.WriteString("\n### " + n.group + "\n")
			group = n.group
		}
		b.WriteString("\n" + n.text + "\n")
	}
	return strings.TrimRight(b.String(), "\n")
}
