package importer

import (
	"regexp"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"

	"briefstudio/internal/brief"
)

// numKind is the style of a heading's number.
type numKind int

const (
	numNone   numKind = iota
	numDigits         // "1", "3.", "2.1", "4)", "(2)"
	numLetter         // "a)", "(b)", "A.", "iv)", "IV."
)

// number is the numbering a heading carries before its text.
type number struct {
	kind  numKind
	comps []int // numDigits: "2.1" is [2 1]
	style string
}

// single reports whether n is a plain one-level number such as "3" or "3.".
func (n number) single() bool { return n.kind == numDigits && len(n.comps) == 1 }

// subItem reports whether n numbers an item below a top-level part: "2.1",
// "a)", "(b)", "iv)".
func (n number) subItem() bool {
	switch n.kind {
	case numDigits:
		return len(n.comps) > 1
	case numLetter:
		return strings.HasSuffix(n.style, ")")
	}
	return false
}

// numberRE finds a heading number, possibly wrapped in its own emphasis
// ("**2.1** Shorten"), followed by an optional separator and the text.
// Numbers have at most two digits a level, so "2020 in review" keeps its year.
var numberRE = regexp.MustCompile(`^([*_]*)(\d{1,2}(?:\.\d{1,2})*\.?|\d{1,2}\)|\(\d{1,2}\)|\(?[a-zA-Z]\)|[a-zA-Z]\.|\(?(?:[ivxlc]{1,6}|[IVXLC]{1,6})[.)])([*_]*)(?:\s+[–—:-])?\s+(\S.*)$`)

// headingText is what a heading says once its number and the emphasis
// wrapping it are gone.
type headingText struct {
	clean string // text without number and wrapping emphasis
	num   number
}

// parseHeading strips a heading's number and the bold or italic markers
// that wrap it: "**2 POLICY OPTIONS**" is "POLICY OPTIONS" numbered 2.
func parseHeading(raw string) headingText {
	s := unwrapEmphasis(strings.Join(strings.Fields(raw), " "))
	m := numberRE.FindStringSubmatch(s)
	if m == nil || m[1] != m[3] {
		return headingText{clean: s}
	}
	rest := unwrapEmphasis(m[4])
	if len(wordList(rest)) == 0 {
		return headingText{clean: s}
	}
	return headingText{clean: rest, num: parseNumber(m[2])}
}

func parseNumber(tok string) number {
	if tok[0] >= '0' && tok[0] <= '9' || tok[0] == '(' && len(tok) > 1 && tok[1] >= '0' && tok[1] <= '9' {
		style := "."
		if strings.HasSuffix(tok, ")") {
			style = ")"
		}
		var comps []int
		for _, p := range strings.FieldsFunc(tok, func(r rune) bool { return r < '0' || r > '9' }) {
			n, _ := strconv.Atoi(p)
			comps = append(comps, n)
		}
		return number{kind: numDigits, comps: comps, style: style}
	}
	style := tok[len(tok)-1:]
	if strings.HasPrefix(tok, "(") {
		style = "()"
	}
	if strings.ToUpper(tok) == tok {
		style = "A" + style
	} else {
		style = "a" + style
	}
	return number{kind: numLetter, style: style}
}

// unwrapEmphasis removes bold and italic markers that wrap all of s.
func unwrapEmphasis(s string) string {
	s = strings.TrimSpace(s)
	for {
		trimmed := false
		for _, mk := range []string{"***", "**", "__", "*", "_"} {
			if len(s) > 2*len(mk) && strings.HasPrefix(s, mk) && strings.HasSuffix(s, mk) {
				inner := s[len(mk) : len(s)-len(mk)]
				// "*a* and *b*" is not wrapped as a whole.
				if strings.Contains(inner, mk) {
					continue
				}
				s, trimmed = strings.TrimSpace(inner), true
				break
			}
		}
		if !trimmed {
			return s
		}
	}
}

var inlineMarks = strings.NewReplacer("**", "", "__", "", "*", "", "`", "")

// stripInline removes emphasis markers anywhere in s and collapses spaces;
// it is for recognising text, never for storing it.
func stripInline(s string) string {
	s = inlineMarks.Replace(s)
	s = strings.Join(strings.Fields(s), " ")
	return strings.Trim(s, "_ ")
}

// splitSubtitle splits "Support for the options: results" at the first
// subtitle separator.
func splitSubtitle(s string) (main, sub string, ok bool) {
	best := -1
	sep := ""
	for _, cand := range []string{":", " – ", " — ", " - "} {
		if i := strings.Index(s, cand); i > 0 && (best < 0 || i < best) {
			best, sep = i, cand
		}
	}
	if best < 0 {
		return s, "", false
	}
	return strings.TrimSpace(s[:best]), strings.TrimSpace(s[best+len(sep):]), true
}

// normTitle reduces a title to what matching compares: lower case, accents
// folded, "&" read as "and", punctuation dropped, plurals made singular.
func normTitle(s string) string {
	s = strings.ReplaceAll(stripInline(s), "&", " and ")
	var b strings.Builder
	for _, r := range norm.NFD.String(strings.ToLower(s)) {
		switch {
		case unicode.Is(unicode.Mn, r):
		case unicode.IsLetter(r) || unicode.IsDigit(r):
			b.WriteRune(r)
		default:
			b.WriteByte(' ')
		}
	}
	words := strings.Fields(b.String())
	for i, w := range words {
		words[i] = singular(w)
	}
	return strings.Join(words, " ")
}

func singular(w string) string {
	switch {
	case len(w) > 4 && strings.HasSuffix(w, "ies"):
		return w[:len(w)-3] + "y"
	case len(w) > 3 && strings.HasSuffix(w, "s") && !strings.HasSuffix(w, "ss") && !strings.HasSuffix(w, "is"):
		return w[:len(w)-1]
	}
	return w
}

// referenceNames are the headings a References section also goes by.
var referenceNames = map[string]bool{
	"bibliography": true, "source": true, "reference": true, "literature": true,
	"reference list": true, "works cited": true, "further reading": true,
	"list of reference": true, "bibliographic reference": true,
}

// matchSlot finds the template section a heading names: the whole clean
// text, or the part before a subtitle separator. It returns the slot's index
// or -1.
func matchSlot(clean string, tpl brief.Template) int {
	cands := []string{normTitle(clean)}
	if main, _, ok := splitSubtitle(clean); ok {
		cands = append(cands, normTitle(main))
	}
	for _, c := range cands {
		if c == "" {
			continue
		}
		for i, slot := range tpl.Sections {
			if c == slotNames[slot.Title] || slot.Key == "references" && referenceNames[c] {
				return i
			}
		}
	}
	return -1
}

// slotNames are the template section titles as normTitle gives them.
var slotNames = map[string]string{}

func init() {
	for _, t := range brief.Templates() {
		for _, s := range t.Sections {
			slotNames[s.Title] = normTitle(s.Title)
		}
	}
}

// exactSlot reports whether clean names the slot with no subtitle.
func exactSlot(clean string, slot brief.SectionSlot) bool {
	c := normTitle(clean)
	return c == slotNames[slot.Title] || slot.Key == "references" && referenceNames[c]
}

// isAllCaps reports whether s has letters and none of them is lower case.
func isAllCaps(s string) bool {
	letters := 0
	for _, r := range s {
		if unicode.IsLower(r) {
			return false
		}
		if unicode.IsLetter(r) {
			letters++
		}
	}
	return letters > 1
}

// acronyms keep their capitals when an all-caps heading is put in sentence case.
var acronyms = map[string]string{
	"eu": "EU", "eea": "EEA", "uk": "UK", "us": "US", "usa": "USA", "un": "UN",
	"unhcr": "UNHCR", "iom": "IOM", "ilo": "ILO", "oecd": "OECD", "ngo": "NGO",
	"ngos": "NGOs", "gdp": "GDP", "ceas": "CEAS", "amif": "AMIF", "esf": "ESF",
	"echr": "ECHR", "cjeu": "CJEU", "ict": "ICT", "covid": "COVID", "ai": "AI",
}

// sentenceCase turns an all-caps text into sentence case, keeping known
// acronyms; any other text is returned as it is. A letter whose lower case
// does not lead back to it ("İ") keeps its capital, so that no word changes
// but for its case.
func sentenceCase(s string) string {
	if !isAllCaps(s) {
		return s
	}
	var b strings.Builder
	first := true
	rs := []rune(s)
	for i := 0; i < len(rs); {
		if !isWordRune(rs[i]) {
			b.WriteRune(rs[i])
			i++
			continue
		}
		j := i
		for j < len(rs) && isWordRune(rs[j]) {
			j++
		}
		word := rs[i:j]
		if a, ok := acronyms[strings.ToLower(string(word))]; ok && strings.EqualFold(a, string(word)) {
			b.WriteString(a)
		} else {
			for k, r := range word {
				if k > 0 || !first {
					r = lower(r)
				}
				b.WriteRune(r)
			}
		}
		first = false
		i = j
	}
	return b.String()
}

// lower is unicode.ToLower when the upper case of the result is r again.
func lower(r rune) rune {
	if l := unicode.ToLower(r); unicode.ToUpper(l) == r {
		return l
	}
	return r
}

// sectionTitle is the title a matched or created section gets from its
// heading: the heading's own words, in sentence case if they were all caps,
// with the template's spelling for the part that names the slot.
func sectionTitle(clean string, slot *brief.SectionSlot) string {
	if !isAllCaps(clean) {
		return clean
	}
	if slot != nil {
		main, sub, ok := splitSubtitle(clean)
		if !ok {
			main = clean
		}
		if sameWords(main, slot.Title) {
			if !ok {
				return slot.Title
			}
			sep := strings.TrimSpace(clean[len(main) : len(clean)-len(sub)])
			if sep != ":" {
				sep = " " + sep
			}
			return slot.Title + sep + " " + lowerCase(sub)
		}
	}
	return sentenceCase(clean)
}

// lowerCase puts an all-caps phrase in lower case, keeping acronyms.
func lowerCase(s string) string {
	t := sentenceCase(s)
	if acronyms[firstWord(t)] != "" {
		return t
	}
	r, size := utf8.DecodeRuneInString(t)
	return string(lower(r)) + t[size:]
}

func firstWord(s string) string {
	if ws := wordList(s); len(ws) > 0 {
		return ws[0]
	}
	return ""
}

// sameWords reports whether a and b have the same words, ignoring case.
func sameWords(a, b string) bool {
	wa, wb := wordList(a), wordList(b)
	if len(wa) != len(wb) {
		return false
	}
	for i := range wa {
		if wa[i] != wb[i] {
			return false
		}
	}
	return true
}

// sameText reports whether two titles say the same, ignoring markup, case
// and punctuation.
func sameText(a, b string) bool {
	return len(wordList(a)) > 0 && sameWords(a, b)
}
