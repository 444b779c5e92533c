package brief

import (
	"strings"
	"unicode"

	"golang.org/x/text/unicode/norm"
)

// SectionSlot is one section of a template.
type SectionSlot struct {
	Key   string `json:"key"`
	Title string `json:"title"`
}

// Template is a brief type with its default sections.
type Template struct {
	Type     string        `json:"type"`
	Name     string        `json:"name"`
	Series   string        `json:"series"`
	Sections []SectionSlot `json:"sections"`
}

func tpl(typ, name string, titles ...string) Template {
	t := Template{Type: typ, Name: name, Series: strings.ToUpper(name)}
	for _, title := range titles {
		t.Sections = append(t.Sections, SectionSlot{Key: Slug(title), Title: title})
	}
	return t
}

var templates = []Template{
	tpl("discussion-brief", "Discussion Brief",
		"Introduction", "Scoping the debate", "Key issues and controversies", "Stakeholder priorities", "References"),
	tpl("policy-options-brief", "Policy Options Brief",
		"Introduction", "Policy options", "Evidence base", "Support for the options", "Recommendations", "References"),
	tpl("ask-the-expert-brief", "Ask-the-Expert Brief",
		"Issue analysis", "Evidence from research", "Policy considerations", "References"),
	tpl("national-stakeholder-report", "National Stakeholder Report",
		"Country context", "Consequences of EU policies", "Role in shaping the EU agenda", "Stakeholder consultation", "References"),
	tpl("synthetic-report", "Synthetic Report",
		"Summary", "Policy dilemmas and trade-offs", "Scenarios for reform", "Recommendations", "References"),
}

// Templates returns the built-in templates (a copy).
func Templates() []Template {
	out := make([]Template, len(templates))
	for i, t := range templates {
		t.Sections = append([]SectionSlot(nil), t.Sections...)
		out[i] = t
	}
	return out
}

// TemplateFor returns the template of a brief type.
func TemplateFor(typ string) (Template, error) {
	for _, t := range Templates() {
		if t.Type == typ {
			return t, nil
		}
	}
	names := make([]string, len(templates))
	for i, t := range templates {
		names[i] = t.Type
	}
	return Template{}, Errorf(EInvalid, "unknown brief type %q (one of %s)", typ, strings.Join(names, ", "))
}

// Slug turns a section title into a stable key: lower case ASCII letters,
// digits and dashes, accents folded ("Évaluation" -> "evaluation").
func Slug(title string) string {
	var b strings.Builder
	dash := false
	for _, r := range norm.NFD.String(title) {
		switch {
		case unicode.Is(unicode.Mn, r):
			continue
		case r < 128 && (unicode.IsLetter(r) || unicode.IsDigit(r)):
			if dash && b.Len() > 0 {
				b.WriteByte('-')
			}
			dash = false
			b.WriteRune(unicode.ToLower(r))
		case unicode.IsLetter(r) || unicode.IsDigit(r):
			// A letter with no ASCII form (Greek, CJK) keeps the key unique
			// without making it unreadable: it is written in hex.
			if dash && b.Len() > 0 {
				b.WriteByte('-')
			}
			dash = false
			b.WriteString(hex(unicode.ToLower(r)))
		default:
			dash = true
		}
		if b.Len() >= 48 {
			break
		}
	}
	if b.Len() == 0 {
		return "section"
	}
	return b.String()
}

func hex(r rune) string {
	const digits = "0123456789abcdef"
	var buf [8]byte
	i := len(buf)
	for v := uint32(r); v > 0 || i == len(buf); v >>= 4 {
		i--
		buf[i] = digits[v&15]
	}
	return "u" + string(buf[i:])
}
