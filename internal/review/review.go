// Package review is what authors and supervisors exchange about a brief's
// text: comments anchored to a range of a section (threads with replies,
// resolved and reopened), suggested replacements that authors accept or
// reject, and the workflow's decisions. Ranges are code points of a
// section's text at a version and move with every edit (see Anchor).
package review

import (
	"time"
	"unicode/utf8"

	"briefstudio/internal/brief"
)

// Limits of the contract.
const (
	MaxBody = 10 << 10 // bytes of a comment or a decision's note
)

// Comment is one comment of a thread. A thread's first comment holds the
// range; replies carry their thread's range and Parent.
type Comment struct {
	ID      int64  `json:"id"`
	Brief   string `json:"brief"`
	Parent  *int64 `json:"parent"` // nil for a thread's first comment
	Section string `json:"section"`
	// Start and End locate the range in the section's text at Version,
	// the section's current version when listed. Quote is the text the
	// range held when the comment was made at BaseVersion.
	Start       int    `json:"start"`
	End         int    `json:"end"`
	Version     int64  `json:"version"`
	Quote       string `json:"quote"`
	BaseVersion int64  `json:"baseVersion"`
	// Detached: the commented text was deleted; Start == End is where it
	// was, and the comment stays readable with its quote.
	Detached   bool          `json:"detached"`
	Body       string        `json:"body"`
	Author     brief.Person  `json:"author"`
	CreatedAt  time.Time     `json:"createdAt"`
	EditedAt   *time.Time    `json:"editedAt,omitempty"`
	Deleted    bool          `json:"deleted,omitempty"` // kept as a stub while replies follow it
	Resolved   bool          `json:"resolved"`          // the thread's state
	ResolvedBy *brief.Person `json:"resolvedBy,omitempty"`
	ResolvedAt *time.Time    `json:"resolvedAt,omitempty"`
}

// Suggestion origins and states.
const (
	OriginSuggestion = "suggestion"
	OriginMerge      = "merge" // an unresolved merge of a stale edit, shown as its author's suggestion

	StatusOpen     = "open"
	StatusAccepted = "accepted"
	StatusRejected = "rejected"
)

// Suggestion proposes Replacement for the range that read Quote.
type Suggestion struct {
	ID          int64  `json:"id"`
	Brief       string `json:"brief"`
	Section     string `json:"section"`
	Origin      string `json:"origin"`
	Start       int    `json:"start"`
	End         int    `json:"end"`
	Version     int64  `json:"version"`
	Quote       string `json:"quote"`
	Replacement string `json:"replacement"`
	// Base is, for a merge, the text both sides changed.
	Base        string `json:"base,omitempty"`
	BaseVersion int64  `json:"baseVersion"`
	Detached    bool   `json:"detached"`
	// Stale: the range no longer reads Quote, so accepting answers
	// conflict (merges are never stale: they replace what stands there).
	Stale     bool          `json:"stale"`
	Status    string        `json:"status"`
	Author    brief.Person  `json:"author"`
	CreatedAt time.Time     `json:"createdAt"`
	DecidedBy *brief.Person `json:"decidedBy,omitempty"`
	DecidedAt *time.Time    `json:"decidedAt,omitempty"`
	// AppliedVersion is the section version an accepted suggestion made.
	AppliedVersion int64 `json:"appliedVersion,omitempty"`
}

// Decision kinds: the workflow events a person decides.
const (
	DecisionSubmit         = "submit"
	DecisionApprove        = "approve"
	DecisionRequestChanges = "request_changes"
)

// Decision is a workflow step and the named version it recorded.
type Decision struct {
	ID        int64        `json:"id"`
	Brief     string       `json:"brief"`
	Kind      string       `json:"decision"`
	Note      string       `json:"note"`
	Version   string       `json:"version"` // "v12"
	Status    brief.Status `json:"status"`  // the brief's status after it
	By        brief.Person `json:"by"`
	CreatedAt time.Time    `json:"createdAt"`
}

// Event returns the workflow event of a decision kind.
func Event(kind string) (brief.Event, error) {
	switch kind {
	case DecisionSubmit:
		return brief.EventSubmit, nil
	case DecisionApprove:
		return brief.EventApprove, nil
	case DecisionRequestChanges:
		return brief.EventRequestChanges, nil
	}
	return "", brief.Errorf(brief.EInvalid, `decision must be "approve" or "request_changes", not %q`, kind)
}

// CheckBody validates a comment body or a note: what, and whether empty
// is allowed.
func CheckBody(what, body string, required bool) error {
	if required && len(body) == 0 {
		return brief.Errorf(brief.EInvalid, "%s is required", what)
	}
	if len(body) > MaxBody {
		return brief.Errorf(brief.ETooLarge, "%s is %d bytes; the limit is %d", what, len(body), MaxBody)
	}
	if !utf8.ValidString(body) {
		return brief.Errorf(brief.EInvalid, "%s is not valid UTF-8", what)
	}
	for _, r := range body {
		if r == 0 {
			return brief.Errorf(brief.EInvalid, "%s contains a NUL character", what)
		}
	}
	return nil
}

// CheckRange validates a range given on text (the section at the version
// the client saw) and returns the text it holds. A quote, when given, must
// be exactly that text, so a range computed on another text is refused
// rather than attached to the wrong words.
func CheckRange(text string, start, end int, quote *string) (string, error) {
	n := utf8.RuneCountInString(text)
	if start < 0 || end < start || end > n {
		return "", brief.Errorf(brief.EInvalid, "range %d–%d is outside the section's text (0–%d code points)", start, end, n)
	}
	held := runeSlice(text, start, end)
	if quote != nil && *quote != held {
		return "", brief.Errorf(brief.EInvalid, "quote %q does not match the text at %d–%d, which reads %q", truncate(*quote), start, end, truncate(held))
	}
	return held, nil
}

// runeSlice is text[start:end] counted in code points.
func runeSlice(text string, start, end int) string {
	i, bs, be := 0, len(text), len(text)
	for b := range text {
		if i == start {
			bs = b
		}
		if i == end {
			be = b
			break
		}
		i++
	}
	if start > i {
		return ""
	}
	return text[bs:be]
}

func truncate(s string) string {
	if utf8.RuneCountInString(s) <= 60 {
		return s
	}
	return runeSlice(s, 0, 57) + "..."
}

// NewComment is what making a comment or a reply takes. A reply names
// its thread's first comment as Parent and needs no range. BaseVersion is
// the section version the range was taken on (default: the current one);
// Quote, when given, must be what the range reads there.
type NewComment struct {
	Section     string  `json:"section"`
	Start       int     `json:"start"`
	End         int     `json:"end"`
	Quote       *string `json:"quote"`
	Body        string  `json:"body"`
	Parent      *int64  `json:"parent"`
	BaseVersion *int64  `json:"baseVersion"`
}

// NewSuggestion is what suggesting a replacement takes (an empty
// Replacement suggests deleting the range; an empty range, inserting).
type NewSuggestion struct {
	Section     string  `json:"section"`
	Start       int     `json:"start"`
	End         int     `json:"end"`
	Quote       *string `json:"quote"`
	Replacement string  `json:"replacement"`
	BaseVersion *int64  `json:"baseVersion"`
}

// Change is a review change as the brief's live room broadcasts it (the
// websocket message itself).
type Change struct {
	Type       string      `json:"type"`   // comment | suggestion | decision
	Action     string      `json:"action"` // created edited deleted resolved reopened | created accepted rejected | the decision
	Comment    *Comment    `json:"comment,omitempty"`
	Suggestion *Suggestion `json:"suggestion,omitempty"`
	Decision   *Decision   `json:"decision,omitempty"`
}
