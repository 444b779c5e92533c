package brief

import "time"

// Person names a user in history entries, comments and merges.
type Person struct {
	ID   int64  `json:"id"`
	Name string `json:"name"`
}

// Conflict is an unresolved merge: part of a stale edit that could not be
// applied to the text as it had become. Its author's text is kept until
// they apply or dismiss it. Start and End locate it in the current text
// (code points), mapped forward through every edit since.
type Conflict struct {
	ID          int64     `json:"id"`
	Section     string    `json:"section"`
	BaseVersion int64     `json:"baseVersion"`
	Base        string    `json:"base"` // the text the author changed
	Text        string    `json:"text"` // the author's text for it
	Start       int       `json:"start"`
	End         int       `json:"end"`
	Author      Person    `json:"author"`
	CreatedAt   time.Time `json:"createdAt"`
}
