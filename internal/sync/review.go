package sync

import (
	"context"
	"encoding/json"

	"briefstudio/internal/brief"
	"briefstudio/internal/review"
	"briefstudio/internal/store"
)

// review runs a client's review action on the room's brief and answers
// with a result (or an error carrying the same ref). The change itself
// reaches everyone, the sender included, as the store announces it.
func (r *room) review(c *client, m *inbound) {
	ctx, cancel := r.ctx()
	defer cancel()
	data, err := reviewAction(ctx, r.hub.store, c.user, r.id, m.Action, m.Data)
	if err != nil {
		c.enqueue(errorMsg{Type: MsgError, Code: brief.ErrorCode(err), Message: brief.ErrorMessage(err), Ref: m.Ref, Action: m.Action})
		return
	}
	c.enqueue(resultMsg{Type: MsgResult, Ref: m.Ref, Action: m.Action, Data: data})
}

// reviewInput is the input of the actions on one item or a filter.
type reviewInput struct {
	ID       int64  `json:"id"`
	Body     string `json:"body"`
	Section  string `json:"section"`
	Status   string `json:"status"`
	Decision string `json:"decision"`
	Note     string `json:"note"`
}

// reviewAction maps a websocket review action to the store, as the REST
// routes do; every action acts on the brief the connection was authorised
// for at hello.
func reviewAction(ctx context.Context, st *store.Store, u brief.User, id, action string, data json.RawMessage) (any, error) {
	var in reviewInput
	var nc review.NewComment
	var ns review.NewSuggestion
	target := any(&in)
	switch action {
	case "comment.create":
		target = &nc
	case "suggestion.create":
		target = &ns
	}
	if len(data) > 0 && string(data) != "null" {
		if err := json.Unmarshal(data, target); err != nil {
			return nil, brief.Errorf(brief.EInvalid, "data of %s: %v", action, err)
		}
	}
	switch action {
	case "comment.list":
		return st.Comments(ctx, u, id, in.Section)
	case "comment.create":
		return st.AddComment(ctx, u, id, nc)
	case "comment.edit":
		return st.EditComment(ctx, u, id, in.ID, in.Body)
	case "comment.delete":
		return st.DeleteComment(ctx, u, id, in.ID)
	case "comment.resolve", "comment.reopen":
		return st.ResolveComment(ctx, u, id, in.ID, action == "comment.resolve")
	case "suggestion.list":
		return st.Suggestions(ctx, u, id, in.Section, in.Status)
	case "suggestion.create":
		return st.AddSuggestion(ctx, u, id, ns)
	case "suggestion.accept", "suggestion.reject":
		return st.DecideSuggestion(ctx, u, id, in.ID, action == "suggestion.accept")
	case "suggestion.acceptAll":
		return st.AcceptAll(ctx, u, id, in.Section)
	case "brief.submit":
		d, _, err := st.Submit(ctx, u, id, in.Note)
		return d, err
	case "brief.review":
		d, _, err := st.Review(ctx, u, id, in.Decision, in.Note)
		return d, err
	case "decision.list":
		return st.Decisions(ctx, u, id)
	}
	return nil, brief.Errorf(brief.EInvalid, "unknown review action %q", action)
}
