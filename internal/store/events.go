package store

// Event is a change committed to a brief, published after the commit so
// that live clients hear of writes made elsewhere (REST, another room).
// Names follow noun:verb.
type Event struct {
	Name    string `json:"name"`
	Brief   string `json:"brief"`
	Section string `json:"section,omitempty"`
	Version int64  `json:"version,omitempty"`
	// Data is what a live room broadcasts as is (review changes).
	Data any `json:"data,omitempty"`
}

// The event names.
const (
	EventSectionChanged = "section:changed" // a section's text has a new version
	EventOutlineChanged = "outline:changed" // sections added, removed, renamed, reordered
	EventBriefChanged   = "brief:changed"   // title, metadata or status
	EventMembersChanged = "members:changed" // someone's access may have changed
	EventBriefArchived  = "brief:archived"
	EventReview         = "review:changed" // a comment, suggestion or decision; Data is its review.Change
)

// Publisher receives events (the live-sync hub).
type Publisher interface {
	Publish(Event)
}

// SetPublisher sets who hears of committed changes; nil for no one.
func (s *Store) SetPublisher(p Publisher) { s.pub = p }

func (s *Store) publish(events ...Event) {
	if s.pub == nil {
		return
	}
	for _, e := range events {
		s.pub.Publish(e)
	}
}
