package review

import (
	"fmt"
	"sort"
	"strings"
	"unicode"
	"unicode/utf8"

	"briefstudio/internal/brief"
	"briefstudio/internal/revision"
)

// Anchor is a range of a section's text at a version. Forward carries it
// through an edit: its start sticks right and its end sticks left, so text
// typed at either edge stays outside. A range whose text is all deleted is
// detached at the deletion point; if the same text comes back there (an
// undo, a restore), Settle attaches it again.
type Anchor struct {
	Start, End int
	Version    int64
	Detached   bool
}

// Forward maps the anchor through one edit's delta (from a.Version to
// version).
func (a *Anchor) Forward(delta string, version int64) error {
	a.Version = version
	if a.Detached {
		// Before anything inserted at the point, so text restored there
		// follows it.
		p, err := revision.MapThroughDelta(delta, a.Start, false)
		a.Start, a.End = p, p
		return err
	}
	start, err := revision.MapThroughDelta(delta, a.Start, true)
	if err != nil {
		return err
	}
	end, err := revision.MapThroughDelta(delta, a.End, false)
	if err != nil {
		return err
	}
	if a.End > a.Start && end <= start {
		p := min(start, end)
		a.Start, a.End, a.Detached = p, p, true
		return nil
	}
	a.Start, a.End = min(start, end), end
	return nil
}

// Settle attaches a detached anchor again when text, the section at
// a.Version, reads quote at its point (an undo, a restore), or else holds
// quote exactly once elsewhere and the quote is long enough not to be
// there by chance (the text was moved: cut here, pasted there).
func (a *Anchor) Settle(text, quote string) {
	if !a.Detached || quote == "" {
		return
	}
	n := utf8.RuneCountInString(quote)
	if runeSlice(text, a.Start, a.Start+n) == quote {
		a.End, a.Detached = a.Start+n, false
		return
	}
	if n < MinMovedQuote {
		return
	}
	if i := strings.Index(text, quote); i >= 0 && !strings.Contains(text[i+1:], quote) {
		a.Start = utf8.RuneCountInString(text[:i])
		a.End, a.Detached = a.Start+n, false
	}
}

// MinMovedQuote is the shortest quote (code points) a detached range is
// searched for elsewhere in its section.
const MinMovedQuote = 12

// Replacement is a suggestion to apply: the range of the current text it
// replaces, what that range must read (nil: whatever it reads, as for a
// merge), and its new text.
type Replacement struct {
	ID         int64
	Start, End int
	Detached   bool
	Quote      *string
	Text       string
}

// Refusal says why a replacement was not applied.
type Refusal struct {
	ID      int64      `json:"id"`
	Code    brief.Code `json:"code"`
	Message string     `json:"message"`
}

// Refuse is a conflict refusal of suggestion id.
func Refuse(id int64, format string, args ...any) Refusal {
	return Refusal{ID: id, Code: brief.EConflict, Message: fmt.Sprintf(format, args...)}
}

// Err is the refusal as a coded error.
func (r Refusal) Err() error { return &brief.Error{Code: r.Code, Message: r.Message} }

// Apply applies the replacements that still fit text (all ranges in its
// code points) and returns the new text, the ids applied, and a refusal
// (conflict) for each one whose quoted text has changed or was deleted, or
// that overlaps one applied before it (in text order).
func Apply(text string, reps []Replacement) (string, []int64, []Refusal) {
	sort.SliceStable(reps, func(i, j int) bool { return reps[i].Start < reps[j].Start })
	runes := []rune(text)
	var out []rune
	var applied []int64
	var refused []Refusal
	pos := 0
	for _, r := range reps {
		r.End = min(max(r.End, 0), len(runes))
		r.Start = min(max(r.Start, 0), r.End)
		switch {
		case r.Quote != nil && r.Detached && *r.Quote != "":
			refused = append(refused, Refuse(r.ID, "the text this suggestion replaces (%q) was deleted", truncate(*r.Quote)))
			continue
		case r.Quote != nil && string(runes[r.Start:r.End]) != *r.Quote:
			refused = append(refused, Refuse(r.ID,
				"the text changed since the suggestion was made: it was %q and now reads %q", truncate(*r.Quote), truncate(string(runes[r.Start:r.End]))))
			continue
		case r.Start < pos:
			refused = append(refused, Refuse(r.ID, "it overlaps a suggestion accepted before it"))
			continue
		}
		start, end := r.Start, r.End
		if r.Quote == nil {
			// A merge whose context is gone may point inside a word: an
			// insertion then goes after that word, not into it.
			for start == end && start > 0 && start < len(runes) && isWordRune(runes[start-1]) && isWordRune(runes[start]) {
				start++
				end++
			}
		}
		out = append(append(out, runes[pos:start]...), []rune(r.Text)...)
		pos = end
		applied = append(applied, r.ID)
	}
	out = append(out, runes[pos:]...)
	return string(out), applied, refused
}

func isWordRune(r rune) bool { return unicode.IsLetter(r) || unicode.IsDigit(r) }
