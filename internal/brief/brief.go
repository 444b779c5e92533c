package brief

import (
	"fmt"
	"regexp"
	"strings"
	"time"
	"unicode/utf8"
)

// Limits of the contract.
const (
	MaxSectionText = 1 << 20 // bytes of one section's Markdown
	MaxTitle       = 300     // characters of a title
)

// Author is one author line of a brief.
type Author struct {
	Name        string `json:"name"`
	Affiliation string `json:"affiliation,omitempty"`
}

// Metadata is what the cover and the PDF metadata are made from.
type Metadata struct {
	Subtitle            string   `json:"subtitle"`
	Authors             []Author `json:"authors"`
	Supervisors         []string `json:"supervisors"`
	Topic               string   `json:"topic"`
	Series              string   `json:"series"`
	Date                string   `json:"date"`
	ManuscriptCompleted string   `json:"manuscriptCompleted"`
	Language            string   `json:"language"`
	Keywords            []string `json:"keywords"`
}

// Section is one structured part of a brief; Text is Markdown.
type Section struct {
	Key     string `json:"key"`
	Title   string `json:"title"`
	Text    string `json:"text"`
	Version int64  `json:"version"`
	// Conflicts are the section's unresolved merges, if any.
	Conflicts []Conflict `json:"conflicts,omitempty"`
}

// Brief is a policy brief as the API gives it.
type Brief struct {
	ID                  string    `json:"id"`
	Type                string    `json:"type"`
	Title               string    `json:"title"`
	Status              Status    `json:"status"`
	Metadata            Metadata  `json:"metadata"`
	Sections            []Section `json:"sections"`
	CreatedAt           time.Time `json:"createdAt"`
	UpdatedAt           time.Time `json:"updatedAt"`
	Archived            bool      `json:"archived,omitempty"`
	Role                string    `json:"role"` // the caller's membership ("" for a non-member admin)
	LastReviewedVersion *string   `json:"lastReviewedVersion"`
}

// Summary is a brief as lists give it.
type Summary struct {
	ID        string    `json:"id"`
	Type      string    `json:"type"`
	Title     string    `json:"title"`
	Status    Status    `json:"status"`
	Role      string    `json:"role"`
	CreatedAt time.Time `json:"createdAt"`
	UpdatedAt time.Time `json:"updatedAt"`
	Archived  bool      `json:"archived,omitempty"`
	// OpenComments counts unresolved threads, OpenSuggestions open
	// suggestions (unresolved merges included).
	OpenComments    int `json:"openComments"`
	OpenSuggestions int `json:"openSuggestions"`
	// LastReviewedVersion is the caller's last review decision's named
	// version; ChangedSinceReview says the text or outline moved since.
	LastReviewedVersion *string `json:"lastReviewedVersion"`
	ChangedSinceReview  bool    `json:"changedSinceReview"`
}

// Member is a user's membership of a brief.
type Member struct {
	UserID int64      `json:"userId"`
	Email  string     `json:"email"`
	Name   string     `json:"name"`
	Role   MemberRole `json:"role"`
}

var months = []string{"January", "February", "March", "April", "May", "June", "July",
	"August", "September", "October", "November", "December"}

var monthYear = regexp.MustCompile(`^([A-Za-z]+) (\d{4})$`)

// NormalizeMonthYear validates a "September 2019" date (month names in
// English, any case) and returns it in canonical form; "" stays "".
func NormalizeMonthYear(field, s string) (string, error) {
	s = strings.Join(strings.Fields(s), " ")
	if s == "" {
		return "", nil
	}
	if m := monthYear.FindStringSubmatch(s); m != nil {
		for _, name := range months {
			if strings.EqualFold(name, m[1]) || (len(m[1]) == 3 && strings.EqualFold(name[:3], m[1])) {
				return name + " " + m[2], nil
			}
		}
	}
	return "", Errorf(EInvalid, "%s must be a month and year such as \"September 2019\", not %q", field, s)
}

var languageCode = regexp.MustCompile(`^[A-Z]{2}$`)

// ValidateTitle trims a title and checks it.
func ValidateTitle(title string) (string, error) {
	title = strings.TrimSpace(title)
	if err := validText("title", title); err != nil {
		return "", err
	}
	if title == "" {
		return "", Errorf(EInvalid, "title is required")
	}
	if n := utf8.RuneCountInString(title); n > MaxTitle {
		return "", Errorf(EInvalid, "title is %d characters long; at most %d", n, MaxTitle)
	}
	return title, nil
}

// Normalize trims and validates metadata, returning the canonical form or
// an invalid error that names the field.
func (m Metadata) Normalize() (Metadata, error) {
	var err error
	trim := strings.TrimSpace
	m.Subtitle = trim(m.Subtitle)
	m.Topic = trim(m.Topic)
	m.Series = trim(m.Series)
	m.Language = strings.ToUpper(trim(m.Language))
	if m.Language == "" {
		m.Language = "EN"
	}
	if !languageCode.MatchString(m.Language) {
		return m, Errorf(EInvalid, "language must be a two-letter code such as \"EN\", not %q", m.Language)
	}
	if m.Date, err = NormalizeMonthYear("date", m.Date); err != nil {
		return m, err
	}
	if m.ManuscriptCompleted, err = NormalizeMonthYear("manuscriptCompleted", m.ManuscriptCompleted); err != nil {
		return m, err
	}
	authors := []Author{}
	for i, a := range m.Authors {
		a.Name, a.Affiliation = trim(a.Name), trim(a.Affiliation)
		if a.Name == "" && a.Affiliation == "" {
			continue
		}
		if a.Name == "" {
			return m, Errorf(EInvalid, "author %d has an affiliation but no name", i+1)
		}
		authors = append(authors, a)
	}
	m.Authors = authors
	m.Supervisors = cleanList(m.Supervisors)
	m.Keywords = cleanList(m.Keywords)
	fields := map[string]string{"subtitle": m.Subtitle, "topic": m.Topic, "series": m.Series}
	for i, a := range m.Authors {
		fields[fmt.Sprintf("author %d", i+1)] = a.Name + a.Affiliation
	}
	for name, v := range fields {
		if err := validText(name, v); err != nil {
			return m, err
		}
		if utf8.RuneCountInString(v) > 1000 {
			return m, Errorf(EInvalid, "%s is too long (at most 1000 characters)", name)
		}
	}
	return m, nil
}

func cleanList(in []string) []string {
	out := []string{}
	for _, s := range in {
		if s = strings.TrimSpace(s); s != "" {
			out = append(out, s)
		}
	}
	return out
}

// ValidateSectionText checks a section body against the contract's limits.
func ValidateSectionText(text string) error {
	if len(text) > MaxSectionText {
		return Errorf(ETooLarge, "section text is %d bytes; at most %d", len(text), MaxSectionText)
	}
	return validText("section text", text)
}

// validText rejects what no document should hold: invalid UTF-8 and NUL.
func validText(field, s string) error {
	if !utf8.ValidString(s) {
		return Errorf(EInvalid, "%s is not valid UTF-8", field)
	}
	if strings.IndexByte(s, 0) >= 0 {
		return Errorf(EInvalid, "%s contains a NUL character", field)
	}
	return nil
}

// ValidateSectionTitle trims and checks a section title.
func ValidateSectionTitle(title string) (string, error) {
	title = strings.Join(strings.Fields(title), " ")
	if err := validText("section title", title); err != nil {
		return "", err
	}
	if title == "" {
		return "", Errorf(EInvalid, "section title is required")
	}
	if utf8.RuneCountInString(title) > 200 {
		return "", Errorf(EInvalid, "section title is too long (at most 200 characters)")
	}
	return title, nil
}
