package brief

// Status is where a brief stands in the review workflow.
type Status string

// The workflow states.
const (
	StatusDraft            Status = "draft"
	StatusInReview         Status = "in_review"
	StatusChangesRequested Status = "changes_requested"
	StatusApproved         Status = "approved"
)

// Event is something that moves a brief through the workflow.
type Event string

// The workflow events.
const (
	EventSubmit         Event = "submit"
	EventApprove        Event = "approve"
	EventRequestChanges Event = "request_changes"
	EventTextChange     Event = "text_change"     // edit, accepted suggestion, restore
	EventMetadataChange Event = "metadata_change" // title, metadata, sections
)

// Transition answers DESIGN.md's workflow table: the next status after an
// event, and the label of the named version the event records ("" for none).
// Events that are not allowed in a state answer conflict.
func Transition(s Status, e Event) (next Status, versionLabel string, err error) {
	switch e {
	case EventSubmit:
		if s == StatusDraft || s == StatusChangesRequested {
			return StatusInReview, "Submitted for review", nil
		}
	case EventApprove:
		if s == StatusInReview {
			return StatusApproved, "Approved", nil
		}
	case EventRequestChanges:
		if s == StatusInReview {
			return StatusChangesRequested, "Changes requested", nil
		}
	case EventTextChange, EventMetadataChange:
		// An approved brief that changes is a draft again (the approval
		// stays in history); under review, the change is simply visible.
		if s == StatusApproved {
			return StatusDraft, "", nil
		}
		return s, "", nil
	}
	return s, "", Errorf(EConflict, "cannot %s a brief that is %s", eventVerb(e), statusWords(s))
}

func eventVerb(e Event) string {
	switch e {
	case EventSubmit:
		return "submit"
	case EventApprove:
		return "approve"
	case EventRequestChanges:
		return "request changes on"
	}
	return string(e)
}

func statusWords(s Status) string {
	switch s {
	case StatusInReview:
		return "in review"
	case StatusChangesRequested:
		return "waiting for requested changes"
	}
	return string(s)
}
