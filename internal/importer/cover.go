package importer

import (
	"regexp"
	"strings"
	"unicode"
	"unicode/utf8"

	"briefstudio/internal/brief"
)

// preamble handles the text before the first part: the cover of a converted
// brief, the title heading and a byline. What it recognises becomes
// metadata; the rest goes to the notes, except that the text between the
// title and the first heading of a brief written for import becomes the
// first template section when no heading names it (returned as a part).
func (im *importer) preamble(end int, titleHead *block, firstUsed bool) *part {
	blocks := im.blocksIn(0, end)
	for i, b := range blocks {
		if im.del[b.first] {
			continue
		}
		switch {
		case b == titleHead:
			switch {
			case im.title == "":
				im.title, im.titleFrom = b.h.clean, "heading"
				im.deleteLines(b.first, b.last)
			case sameText(im.title, b.h.clean):
				im.deleteLines(b.first, b.last)
			}
		case b.kind == bParagraph:
			var next *block
			if i+1 < len(blocks) {
				next = blocks[i+1]
			}
			im.recognise(b, next)
		}
	}
	// No title yet: a short first paragraph of the cover that is not a
	// sentence is one.
	if im.title == "" {
		for _, b := range blocks {
			if b == titleHead {
				break
			}
			if im.del[b.first] || b.kind != bParagraph {
				continue
			}
			if t := stripInline(b.raw); len(wordList(t)) <= 30 && !strings.HasSuffix(t, ".") && utf8.RuneCountInString(t) <= brief.MaxTitle && im.accept(b.raw, nil, t) {
				im.title, im.titleFrom = t, "cover"
				im.deleteLines(b.first, b.last)
			}
			break
		}
	}
	// Text after the title heading (or after the front matter of a brief
	// written for import) may be the introduction.
	preface := -1
	switch {
	case titleHead != nil:
		preface = titleHead.last + 1
	case im.titleFrom == "front matter":
		preface = 0
	}
	var p *part
	if preface >= 0 && !firstUsed {
		n := 0
		for i := preface; i < end; i++ {
			if !im.del[i] {
				n += len(wordList(im.lines[i]))
			}
		}
		if n >= 30 {
			p = &part{slot: 0, first: preface, end: end, styles: map[string]bool{}, fromPreface: true}
			im.warn("the text before the first heading was put in %q", im.tpl.Sections[0].Title)
		}
	}
	// What is left goes to the notes, in runs of lines.
	for i := 0; i < end; {
		if im.del[i] || p != nil && i >= p.first {
			i++
			continue
		}
		j := i
		for j < end && !im.del[j] && !(p != nil && j >= p.first) && !(titleHead != nil && j == titleHead.last+1 && j > i) {
			j++
		}
		text := im.emit(i, j, "####")
		if strings.TrimSpace(text) != "" {
			n := note{what: "cover text", group: "Cover text", text: text, at: i}
			if preface >= 0 && i >= preface {
				n.what, n.group = "text before the first section", "Text before the first section"
			}
			im.moveNote(n)
		}
		i = j
	}
	return p
}

// recognise reads a cover paragraph as a metadata field, a funding
// statement or a byline, and removes the lines it used.
func (im *importer) recognise(b, next *block) {
	raw := b.raw
	if isFunding(raw) {
		im.moveNote(note{what: "funding statement (cover)", group: "Funding statement (cover)", text: raw, at: b.first})
		im.deleteLines(b.first, b.last)
		return
	}
	// "LINGUISTIC VERSION" and "Original: EN" as two paragraphs.
	if sameWords(stripInline(raw), "linguistic version") && next != nil && next.kind == bParagraph && im.meta.Language == "" {
		both := raw + "\n" + next.raw
		if code, ok := languageLine(stripInline(both)); ok && im.accept(both, []string{"linguistic version original"}, code) {
			im.meta.Language = code
			im.deleteLines(b.first, b.last)
			im.deleteLines(next.first, next.last)
			return
		}
	}
	if im.field(raw) {
		im.deleteLines(b.first, b.last)
		return
	}
	if b.last > b.first {
		for i := b.first; i <= b.last; i++ {
			if im.field(im.lines[i]) {
				im.del[i] = true
			}
		}
	}
}

var (
	manuscriptRE   = regexp.MustCompile(`(?i)^manuscript completed in (.+?)\.?$`)
	languageLineRE = regexp.MustCompile(`(?i)^(?:linguistic version\s*[:/–-]?\s*)?original\s*:\s*([a-z]{2})\.?$`)
	bylineRE       = regexp.MustCompile(`^(?:By|BY|by)\s+(\S.*)$`)
	linkRE         = regexp.MustCompile(`\[([^\[\]]*)\]\(([^()]*)\)`)
)

func languageLine(s string) (string, bool) {
	if m := languageLineRE.FindStringSubmatch(s); m != nil {
		return strings.ToUpper(m[1]), true
	}
	return "", false
}

// accept reports whether every word of raw, less the label words, is in
// the values it was read into: the check that recognising a field loses
// no word.
func (im *importer) accept(raw string, labels []string, values ...string) bool {
	return wordsOf(raw).without(labels...).within(wordsOf(values...))
}

// field reads one cover line or paragraph as a metadata field. It returns
// true when the text was used (it is then in the metadata or the title).
func (im *importer) field(raw string) bool {
	s := stripInline(raw)
	if len(wordList(s)) == 0 || !okValue(s) {
		return false
	}
	if boldWrapped(raw) {
		switch {
		case im.title == "" && utf8.RuneCountInString(s) <= brief.MaxTitle && im.accept(raw, nil, s):
			im.title, im.titleFrom = s, "cover"
			return true
		case im.title != "" && sameText(im.title, s):
			return true // the title again
		}
	}
	for _, t := range brief.Templates() {
		if sameWords(s, t.Series) || sameWords(s, t.Name) {
			if im.meta.Series != "" || !im.accept(raw, nil, t.Name) {
				return false
			}
			if t.Type != im.tpl.Type {
				im.warn("the cover says %q; the brief is imported as a %s", s, im.tpl.Name)
			}
			im.meta.Series = t.Name
			return true
		}
	}
	if d, err := brief.NormalizeMonthYear("date", s); err == nil {
		if im.meta.Date != "" || !im.accept(raw, nil, d) {
			return false
		}
		im.meta.Date = d
		return true
	}
	if m := manuscriptRE.FindStringSubmatch(s); m != nil {
		d, err := brief.NormalizeMonthYear("date", m[1])
		if err != nil || im.meta.ManuscriptCompleted != "" || !im.accept(raw, []string{"manuscript completed in"}, d) {
			return false
		}
		im.meta.ManuscriptCompleted = d
		return true
	}
	if code, ok := languageLine(s); ok {
		if im.meta.Language != "" || !im.accept(raw, []string{"linguistic version original"}, code) {
			return false
		}
		im.meta.Language = code
		return true
	}
	if m := bylineRE.FindStringSubmatch(strings.Join(strings.Fields(raw), " ")); m != nil {
		authors, ok := parseByline(m[1])
		return ok && im.mergeAuthors(raw, authors, "by")
	}
	if topic, ok := topicWord(s); ok {
		if im.meta.Topic != "" || !im.accept(raw, nil, topic) {
			return false
		}
		im.meta.Topic = topic
		return true
	}
	if names, ok := parseNames(s); ok {
		return im.mergeAuthors(raw, names, "")
	}
	return false
}

// mergeAuthors adds the authors of an author line or byline to those known:
// a known name gains the affiliation the line gives it. It returns false,
// changing nothing, when the line contradicts what is known or would lose
// a word (a link's address, say).
func (im *importer) mergeAuthors(raw string, found []brief.Author, label string) bool {
	merged := append([]brief.Author(nil), im.meta.Authors...)
	for _, f := range found {
		at := -1
		for i, a := range merged {
			if sameText(a.Name, f.Name) {
				at = i
				break
			}
		}
		switch {
		case at < 0:
			merged = append(merged, f)
		case f.Affiliation == "":
		case merged[at].Affiliation == "":
			merged[at].Affiliation = f.Affiliation
		case !sameText(merged[at].Affiliation, f.Affiliation):
			return false
		}
	}
	var values []string
	for _, a := range merged {
		if utf8.RuneCountInString(a.Name+a.Affiliation) > 1000 {
			return false
		}
		values = append(values, a.Name, a.Affiliation)
	}
	labels := []string{label}
	for range found {
		labels = append(labels, "and")
	}
	if !im.accept(raw, labels, values...) {
		return false
	}
	im.meta.Authors = merged
	return true
}

// parseByline reads "Mirela Kovačević, [Institute for Labour Studies](#)"
// or "A (Institute X) and B": names, each with an optional affiliation.
func parseByline(s string) ([]brief.Author, bool) {
	s = stripInline(linkRE.ReplaceAllString(s, "$1"))
	var out []brief.Author
	for _, chunk := range nameSplitRE.Split(s, -1) {
		chunk = strings.TrimSpace(chunk)
		name, aff := chunk, ""
		if i := strings.Index(chunk, ","); i >= 0 {
			name, aff = strings.TrimSpace(chunk[:i]), strings.TrimSpace(chunk[i+1:])
		} else if i := strings.Index(chunk, "("); i > 0 && strings.HasSuffix(chunk, ")") {
			name, aff = strings.TrimSpace(chunk[:i]), strings.TrimSpace(chunk[i+1:len(chunk)-1])
		}
		if !personLike(name) || aff != "" && personLike(aff) && !institutional(aff) {
			return nil, false
		}
		out = append(out, brief.Author{Name: name, Affiliation: aff})
	}
	return out, len(out) > 0
}

var authorListRE = regexp.MustCompile(`\s*(?:;|,|\s&\s|\sand\s)\s*`)

// parseNames reads an author line: "Mirela Kovačević and Søren Østergaard",
// "A, B and C".
func parseNames(s string) ([]brief.Author, bool) {
	var out []brief.Author
	for _, name := range authorListRE.Split(s, -1) {
		name = strings.TrimSpace(name)
		if name == "" {
			continue
		}
		if !personLike(name) {
			return nil, false
		}
		out = append(out, brief.Author{Name: name})
	}
	return out, len(out) > 0
}

var particles = map[string]bool{
	"van": true, "von": true, "de": true, "der": true, "den": true, "da": true, "di": true,
	"del": true, "della": true, "la": true, "le": true, "du": true, "dos": true, "das": true,
	"ten": true, "ter": true, "y": true, "bin": true, "al": true, "el": true, "zu": true, "af": true,
}

// notNames are words that do not occur in people's names but do on covers.
var notNames = map[string]bool{
	"the": true, "of": true, "for": true, "in": true, "on": true, "to": true, "with": true,
	"from": true, "at": true, "by": true, "a": true, "an": true, "is": true, "are": true,
	"brief": true, "briefs": true, "policy": true, "report": true, "options": true, "discussion": true,
	"version": true, "original": true, "series": true, "project": true, "programme": true,
	"program": true, "european": true, "union": true, "horizon": true, "contents": true,
	"introduction": true, "summary": true, "references": true, "linguistic": true,
	"manuscript": true, "completed": true, "funding": true, "grant": true, "agreement": true,
	"national": true, "stakeholder": true, "synthetic": true, "expert": true, "research": true,
	"migration": true, "asylum": true, "integration": true, "platform": true, "social": true,
}

// personLike reports whether s reads as a person's name: two to five
// capitalised words (particles such as "van" allowed), letters only.
func personLike(s string) bool {
	ws := strings.Fields(s)
	if len(ws) < 2 || len(ws) > 5 {
		return false
	}
	named := 0
	for _, w := range ws {
		lw := strings.ToLower(w)
		if particles[lw] {
			continue
		}
		if notNames[strings.Trim(lw, ".")] {
			return false
		}
		r, _ := utf8.DecodeRuneInString(w)
		if !unicode.IsUpper(r) {
			return false
		}
		letters := 0
		for _, c := range w {
			switch {
			case unicode.IsLetter(c) || unicode.IsMark(c):
				letters++
			case strings.ContainsRune("-'’.", c):
			default:
				return false
			}
		}
		if isAllCaps(w) && letters > 2 {
			return false
		}
		named++
	}
	return named >= 2
}

var institutionWords = regexp.MustCompile(`(?i)\b(institut|universit|college|school|centre|center|foundation|agency|department|ministry|council|commission|observatory|association|network|platform|office|academy|society|laborator|programme|trust|group|unit|faculty|forum)`)

func institutional(s string) bool { return institutionWords.MatchString(s) }

// topics are the topic tags the contract names.
var topics = []string{"Migration", "Asylum", "Integration"}

var notTopics = map[string]bool{
	"BRIEF": true, "SERIES": true, "DRAFT": true, "CONTENTS": true, "REPORT": true,
	"SUMMARY": true, "ABSTRACT": true, "INTRODUCTION": true, "REFERENCES": true, "ANNEX": true,
	"APPENDIX": true, "FINAL": true, "VERSION": true, "ORIGINAL": true, "NOTE": true, "NOTES": true,
	"TABLE": true, "FIGURE": true, "PREFACE": true, "FOREWORD": true, "CONTACT": true,
	"DISCLAIMER": true, "ACKNOWLEDGEMENTS": true, "ACKNOWLEDGMENTS": true,
}

// topicWord reads a topic tag: a lone capitalised word ("EMPLOYMENT") or
// one of the contract's topics, returned as "Employment".
func topicWord(s string) (string, bool) {
	for _, t := range topics {
		if strings.EqualFold(s, t) {
			return t, true
		}
	}
	if strings.ContainsAny(s, " \t") || utf8.RuneCountInString(s) < 3 || notTopics[s] || !isAllCaps(s) {
		return "", false
	}
	for _, r := range s {
		if !unicode.IsLetter(r) && r != '-' {
			return "", false
		}
	}
	r, size := utf8.DecodeRuneInString(s)
	t := string(r) + strings.ToLower(s[size:])
	if strings.ToUpper(t) != s {
		return "", false
	}
	return t, true
}

// boldWrapped reports whether a paragraph is one bold run, as a cover title.
func boldWrapped(raw string) bool {
	t := strings.Join(strings.Fields(raw), " ")
	for _, mk := range []string{"**", "__"} {
		if len(t) > 2*len(mk) && strings.HasPrefix(t, mk) && strings.HasSuffix(t, mk) && !strings.Contains(t[len(mk):len(t)-len(mk)], mk) {
			return true
		}
	}
	return false
}
