package importer

import (
	"regexp"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	yaml "go.yaml.in/yaml/v3"

	"briefstudio/internal/brief"
)

// splitFrontMatter finds YAML front matter: a first line "---", then the
// fields, then a line "---" or "...". It returns the YAML, the body after it
// and the number of lines the front matter took; ok is false when the text
// does not start with front matter.
func splitFrontMatter(text string) (yamlText, body string, lines int, ok bool) {
	first, rest, found := strings.Cut(text, "\n")
	if !found || strings.TrimRight(first, " \t") != "---" {
		return "", text, 0, false
	}
	var fm []string
	for n := 1; ; n++ {
		line, more, found := strings.Cut(rest, "\n")
		if t := strings.TrimRight(line, " \t"); t == "---" || t == "..." {
			return strings.Join(fm, "\n"), more, n + 1, true
		}
		if !found {
			return "", text, 0, false
		}
		fm = append(fm, line)
		rest = more
	}
}

// fmField is one top-level entry of the front matter and the lines it took.
type fmField struct {
	key, value *yaml.Node
	first      int // index of its first line in the front matter
}

// knownKeys are the front matter fields Import reads, by their normalised
// name; their names are consumed, their values kept as metadata.
var knownKeys = map[string]string{
	"title": "title", "subtitle": "subtitle", "series": "series", "topic": "topic",
	"date": "date", "manuscriptcompleted": "manuscriptCompleted", "manuscript_completed": "manuscriptCompleted",
	"completed": "manuscriptCompleted",
	"language":  "language", "lang": "language", "authors": "authors", "author": "authors",
	"supervisors": "supervisors", "supervisor": "supervisors", "keywords": "keywords",
	"type": "type",
}

// subKeys are the field names inside an author or supervisor entry.
var subKeys = map[string]string{
	"name": "name", "affiliation": "affiliation", "institution": "affiliation",
	"organisation": "affiliation", "organization": "affiliation",
}

// normKey spells a field name the way knownKeys and subKeys do: lower
// case, "-" and " " as "_" ("Manuscript-Completed" is
// "manuscript_completed", "manuscriptCompleted" is "manuscriptcompleted").
func normKey(k string) string {
	return strings.NewReplacer("-", "_", " ", "_").Replace(strings.ToLower(k))
}

var yamlLineRE = regexp.MustCompile(`^yaml: line (\d+): (.*)$`)

// frontMatter reads the front matter's fields into the import: metadata, the
// title, and Notes for anything it cannot place.
func (im *importer) frontMatter(yamlText string) error {
	var doc yaml.Node
	if err := yaml.Unmarshal([]byte(yamlText), &doc); err != nil {
		msg := err.Error()
		if m := yamlLineRE.FindStringSubmatch(strings.Split(msg, "\n")[0]); m != nil {
			n, _ := strconv.Atoi(m[1])
			return brief.Errorf(brief.EInvalid, "front matter line %d: %s (lines count from the top of the file; the YAML between the --- lines is not valid)", n+1, m[2])
		}
		return brief.Errorf(brief.EInvalid, "front matter: %s (the front matter between the --- lines is not valid YAML)", strings.TrimPrefix(msg, "yaml: "))
	}
	if len(doc.Content) == 0 {
		if strings.TrimSpace(yamlText) != "" {
			// Only comments: keep them.
			im.noteFrontMatter(yamlText, "front matter field")
		}
		return nil
	}
	root := doc.Content[0]
	switch root.Kind {
	case yaml.MappingNode:
	case yaml.ScalarNode:
		im.warn("the front matter is a text, not fields such as \"title: ...\"; it is kept in %s", notesTitle)
		im.noteFrontMatter(yamlText, "front matter field")
		return nil
	default:
		return brief.Errorf(brief.EInvalid, "front matter line %d: expected fields such as \"title: ...\", not a list (lines count from the top of the file)", root.Line+1)
	}
	lines := strings.Split(yamlText, "\n")
	var fields []fmField
	for i := 0; i+1 < len(root.Content); i += 2 {
		fields = append(fields, fmField{key: root.Content[i], value: root.Content[i+1], first: root.Content[i].Line - 1})
	}
	// Group the fields into units of whole lines: a field runs from its
	// key's line to the line before the next key that starts on a later
	// line. Lines before the first key (comments) join the first unit.
	type unit struct {
		fields      []fmField
		first, last int
	}
	var units []unit
	for _, f := range fields {
		if n := len(units); n > 0 && f.first <= units[n-1].first {
			units[n-1].fields = append(units[n-1].fields, f)
			continue
		}
		units = append(units, unit{fields: []fmField{f}, first: f.first})
	}
	for i := range units {
		if i == 0 {
			units[i].first = 0
		}
		if i+1 < len(units) {
			units[i].last = units[i+1].first - 1
		} else {
			units[i].last = len(lines) - 1
		}
	}
	seen := map[string]bool{}
	for _, u := range units {
		if u.first < 0 || u.last >= len(lines) || u.first > u.last {
			continue
		}
		raw := strings.Join(lines[u.first:u.last+1], "\n")
		need := wordsOf(raw)
		have := bag{}
		keep := false
		for _, f := range u.fields {
			name := normKey(f.key.Value)
			field, known := knownKeys[name]
			if f.key.Kind != yaml.ScalarNode || !known || seen[field] {
				if known && seen[field] {
					im.warn("front matter field %q appears twice; the second is kept in %s", f.key.Value, notesTitle)
				}
				keep = true
				continue
			}
			seen[field] = true
			need = need.without(f.key.Value)
			values, ok := im.fmValue(field, f.key.Value, f.value)
			if !ok {
				keep = true
				continue
			}
			for _, v := range values {
				have = mergeBag(have, wordsOf(v))
			}
			for _, sub := range subKeyNames(f.value) {
				need = need.without(sub)
			}
		}
		if keep || !need.within(have) {
			im.noteFrontMatter(raw, "front matter field")
		}
	}
	return nil
}

func mergeBag(a, b bag) bag {
	for w, n := range b {
		a[w] += n
	}
	return a
}

// subKeyNames lists the known field names inside author or supervisor
// entries of v, which Import consumes.
func subKeyNames(v *yaml.Node) []string {
	var out []string
	var walk func(n *yaml.Node)
	walk = func(n *yaml.Node) {
		switch n.Kind {
		case yaml.SequenceNode:
			for _, c := range n.Content {
				walk(c)
			}
		case yaml.MappingNode:
			for i := 0; i+1 < len(n.Content); i += 2 {
				if _, ok := subKeys[normKey(n.Content[i].Value)]; ok && n.Content[i].Kind == yaml.ScalarNode {
					out = append(out, n.Content[i].Value)
				}
			}
		}
	}
	walk(v)
	return out
}

func (im *importer) noteFrontMatter(raw, what string) {
	fence := "```"
	for strings.Contains(raw, fence) {
		fence += "`"
	}
	im.moveNote(note{what: what, group: "Front matter", excerpt: raw, at: -1,
		text: fence + "yaml\n" + strings.Trim(raw, "\n") + "\n" + fence})
}

// scalar returns the text of a plain value, or false for a list, a mapping,
// an alias or a value that cannot be metadata.
func scalar(n *yaml.Node) (string, bool) {
	if n.Kind != yaml.ScalarNode || n.Tag == "!!binary" {
		return "", false
	}
	v := strings.TrimSpace(n.Value)
	if !okValue(v) {
		return "", false
	}
	return v, true
}

// okValue reports whether v can be a metadata field.
func okValue(v string) bool {
	if !utf8.ValidString(v) || strings.IndexByte(v, 0) >= 0 || utf8.RuneCountInString(v) > 1000 {
		return false
	}
	return true
}

// fmValue sets one known field from its YAML value. It returns the values
// it kept (for the bookkeeping of words) and false when the value could not
// be used, with a warning saying why.
func (im *importer) fmValue(field, key string, v *yaml.Node) ([]string, bool) {
	bad := func(what string) ([]string, bool) {
		im.warn("front matter field %q: %s; it is kept in %s", key, what, notesTitle)
		return nil, false
	}
	switch field {
	case "title":
		s, ok := scalar(v)
		if !ok {
			return bad("not a text")
		}
		if s == "" {
			return nil, true
		}
		im.title, im.titleFrom = s, "front matter"
		return []string{s}, true
	case "subtitle", "series", "topic":
		s, ok := scalar(v)
		if !ok {
			return bad("not a text")
		}
		switch field {
		case "subtitle":
			im.meta.Subtitle = s
		case "series":
			im.meta.Series = s
		default:
			im.meta.Topic = s
		}
		return []string{s}, true
	case "date", "manuscriptCompleted":
		s, ok := scalar(v)
		if !ok {
			return bad("not a text")
		}
		d, ok := monthYear(s)
		if !ok {
			return bad("not a month and year such as \"September 2019\"")
		}
		if field == "date" {
			im.meta.Date = d
		} else {
			im.meta.ManuscriptCompleted = d
		}
		return []string{d}, true
	case "language":
		s, ok := scalar(v)
		if !ok {
			return bad("not a text")
		}
		code, ok := languageCode(s)
		if !ok {
			return bad("not a two-letter language code such as \"EN\"")
		}
		im.meta.Language = code
		return []string{code}, true
	case "type":
		s, ok := scalar(v)
		if !ok || s != im.tpl.Type {
			im.warn("the front matter says type %q; the brief is imported as %q", v.Value, im.tpl.Type)
			return nil, false
		}
		return []string{s}, true
	case "keywords":
		list, ok := stringList(v, ",")
		if !ok {
			return bad("not a list of keywords")
		}
		im.meta.Keywords = append(im.meta.Keywords, list...)
		return list, true
	case "supervisors":
		people, ok := peopleList(v)
		if !ok {
			return bad("not a list of names")
		}
		var kept []string
		for _, p := range people {
			if p.Affiliation != "" {
				return bad("supervisors are names only")
			}
			kept = append(kept, p.Name)
		}
		im.meta.Supervisors = append(im.meta.Supervisors, kept...)
		return kept, true
	case "authors":
		people, ok := peopleList(v)
		if !ok {
			return bad("not a list of authors (name and affiliation)")
		}
		var kept []string
		for _, p := range people {
			if p.Name == "" || utf8.RuneCountInString(p.Name+p.Affiliation) > 1000 {
				return bad("an author has no name or is too long")
			}
			kept = append(kept, p.Name, p.Affiliation)
		}
		im.meta.Authors = append(im.meta.Authors, people...)
		return kept, true
	}
	return nil, false
}

// stringList reads a list of texts, or one text split at sep.
func stringList(v *yaml.Node, sep string) ([]string, bool) {
	if v.Kind == yaml.ScalarNode {
		s, ok := scalar(v)
		if !ok {
			return nil, false
		}
		var out []string
		for _, p := range strings.Split(s, sep) {
			if p = strings.TrimSpace(p); p != "" {
				out = append(out, p)
			}
		}
		return out, true
	}
	if v.Kind != yaml.SequenceNode {
		return nil, false
	}
	var out []string
	for _, c := range v.Content {
		s, ok := scalar(c)
		if !ok {
			return nil, false
		}
		if s != "" {
			out = append(out, s)
		}
	}
	return out, true
}

var nameSplitRE = regexp.MustCompile(`\s*(?:;|\s&\s|\sand\s)\s*`)

// peopleList reads authors or supervisors: a list of names, a list of
// {name, affiliation}, one such mapping, or names in one text.
func peopleList(v *yaml.Node) ([]brief.Author, bool) {
	person := func(n *yaml.Node) (brief.Author, bool) {
		switch n.Kind {
		case yaml.ScalarNode:
			s, ok := scalar(n)
			return brief.Author{Name: s}, ok
		case yaml.MappingNode:
			var a brief.Author
			for i := 0; i+1 < len(n.Content); i += 2 {
				field, ok := subKeys[normKey(n.Content[i].Value)]
				if !ok || n.Content[i].Kind != yaml.ScalarNode {
					return a, false
				}
				s, ok := scalar(n.Content[i+1])
				if !ok {
					return a, false
				}
				if field == "name" && a.Name == "" {
					a.Name = s
				} else if field == "affiliation" && a.Affiliation == "" {
					a.Affiliation = s
				} else {
					return a, false
				}
			}
			return a, true
		}
		return brief.Author{}, false
	}
	var out []brief.Author
	switch v.Kind {
	case yaml.ScalarNode:
		s, ok := scalar(v)
		if !ok {
			return nil, false
		}
		for _, name := range nameSplitRE.Split(s, -1) {
			if name = strings.TrimSpace(name); name != "" {
				out = append(out, brief.Author{Name: name})
			}
		}
	case yaml.MappingNode:
		p, ok := person(v)
		if !ok {
			return nil, false
		}
		out = append(out, p)
	case yaml.SequenceNode:
		for _, c := range v.Content {
			p, ok := person(c)
			if !ok {
				return nil, false
			}
			if p.Name != "" || p.Affiliation != "" {
				out = append(out, p)
			}
		}
	default:
		return nil, false
	}
	return out, true
}

// monthYear reads a date as the brief keeps it ("September 2019"), also
// from an ISO date ("2019-09" or "2019-09-30").
func monthYear(s string) (string, bool) {
	if d, err := brief.NormalizeMonthYear("date", s); err == nil {
		return d, true
	}
	for _, layout := range []string{"2006-01-02", "2006-01", "January 2, 2006", "2 January 2006", "01/2006"} {
		if t, err := time.Parse(layout, strings.TrimSpace(s)); err == nil {
			return t.Format("January 2006"), true
		}
	}
	return "", false
}

var languageNames = map[string]string{
	"english": "EN", "french": "FR", "german": "DE", "spanish": "ES", "italian": "IT",
	"dutch": "NL", "polish": "PL", "portuguese": "PT", "greek": "EL", "swedish": "SV",
}

var languageRE = regexp.MustCompile(`^([A-Za-z]{2})(?:[-_][A-Za-z]{2})?$`)

// languageCode reads "EN", "en", "en-GB" or "English" as a two-letter code.
func languageCode(s string) (string, bool) {
	s = strings.TrimSpace(s)
	if m := languageRE.FindStringSubmatch(s); m != nil {
		return strings.ToUpper(m[1]), true
	}
	if c, ok := languageNames[strings.ToLower(s)]; ok {
		return c, true
	}
	return "", false
}

// DetectType reads the brief type a file's front matter names ("type:
// discussion-brief"), or "" when it names none or the front matter cannot
// be read (Import then reports why).
func DetectType(src []byte) string {
	text, err := decodeText(src)
	if err != nil {
		return ""
	}
	fm, _, _, ok := splitFrontMatter(text)
	if !ok {
		return ""
	}
	var doc yaml.Node
	if yaml.Unmarshal([]byte(fm), &doc) != nil || len(doc.Content) == 0 || doc.Content[0].Kind != yaml.MappingNode {
		return ""
	}
	m := doc.Content[0].Content
	for i := 0; i+1 < len(m); i += 2 {
		if normKey(m[i].Value) == "type" && m[i+1].Kind == yaml.ScalarNode {
			if _, err := brief.TemplateFor(m[i+1].Value); err == nil {
				return m[i+1].Value
			}
		}
	}
	return ""
}
