package sync_test

import (
	"context"
	"encoding/json"
	"errors"
	"strings"
	gosync "sync"
	"testing"
	"time"
	"unicode/utf8"

	"briefstudio/internal/review"
	"briefstudio/internal/sync/syncclient"
)

// inbox records the review changes a client hears.
type inbox struct {
	mu      gosync.Mutex
	changes []review.Change
	status  []string
}

func (in *inbox) options() syncclient.Options {
	return syncclient.Options{OnMessage: func(typ string, raw []byte) {
		in.mu.Lock()
		defer in.mu.Unlock()
		switch typ {
		case "comment", "suggestion", "decision":
			var ch review.Change
			if json.Unmarshal(raw, &ch) == nil {
				in.changes = append(in.changes, ch)
			}
		case "brief":
			var m struct {
				Brief struct{ Status string } `json:"brief"`
			}
			json.Unmarshal(raw, &m)
			in.status = append(in.status, m.Brief.Status)
		}
	}}
}

// waitFor waits until the inbox holds a change of typ and action.
func (in *inbox) waitFor(t *testing.T, typ, action string) review.Change {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for time.Now().Before(deadline) {
		in.mu.Lock()
		for _, ch := range in.changes {
			if ch.Type == typ && ch.Action == action {
				in.mu.Unlock()
				return ch
			}
		}
		in.mu.Unlock()
		time.Sleep(5 * time.Millisecond)
	}
	t.Fatalf("no %s %s broadcast; got %+v", typ, action, in.changes)
	return review.Change{}
}

func (ts *testServer) dialWith(who, briefID string, opts syncclient.Options) *syncclient.Client {
	ts.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	c, err := syncclient.Dial(ctx, ts.wsURL, ts.tokens[who], briefID, opts)
	if err != nil {
		ts.t.Fatalf("%s: %v", who, err)
	}
	ts.t.Cleanup(func() { c.Close() })
	return c
}

func reviewCall[T any](t *testing.T, c *syncclient.Client, action string, data any) (T, error) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	var out T
	raw, err := c.Review(ctx, action, data)
	if err != nil {
		return out, err
	}
	if err := json.Unmarshal(raw, &out); err != nil {
		t.Fatalf("%s: %v: %s", action, err, raw)
	}
	return out, nil
}

func mustReview[T any](t *testing.T, c *syncclient.Client, action string, data any) T {
	t.Helper()
	out, err := reviewCall[T](t, c, action, data)
	if err != nil {
		t.Fatalf("%s: %v", action, err)
	}
	return out
}

func refusedWith(t *testing.T, err error, code string) {
	t.Helper()
	var re *syncclient.ReviewError
	if !errors.As(err, &re) || re.Code != code || re.Message == "" {
		t.Fatalf("got %v, want a %s refusal", err, code)
	}
}

func rangeOf(text, quote string) (int, int) {
	i := strings.Index(text, quote)
	s := utf8.RuneCountInString(text[:i])
	return s, s + utf8.RuneCountInString(quote)
}

// TestReviewOverWebsocket runs the review scenarios through live clients:
// every action answered with a result (or an error with the same ref),
// every change broadcast to the room, and text changes by accepted
// suggestions reaching the editors as normal updates.
func TestReviewOverWebsocket(t *testing.T) {
	ts := newTestServer(t, "")
	id := ts.newBrief()
	var authorIn, supIn inbox
	a := ts.dialWith("author", id, authorIn.options())
	sup := ts.dialWith("supervisor", id, supIn.options())
	const key = "introduction"
	a.SetText(key, "Labour migration policy in Europe needs evidence from Łódź 😀. Cities decide.")
	text := converge(t, ts, id, key, a, sup)

	// A comment from the supervisor, on the version their editor shows.
	s, e := rangeOf(text, "policy in Europe")
	c := mustReview[review.Comment](t, sup, "comment.create", map[string]any{"section": key, "start": s, "end": e,
		"quote": "policy in Europe", "body": "Which <b>policy</b>?", "baseVersion": sup.Version(key)})
	if c.ID == 0 || c.Author.Name != "supervisor" || c.Body != "Which <b>policy</b>?" {
		t.Fatalf("comment: %+v", c)
	}
	if got := authorIn.waitFor(t, "comment", "created"); got.Comment.ID != c.ID {
		t.Fatalf("broadcast %+v", got)
	}
	supIn.waitFor(t, "comment", "created")

	// The author types before it: the comment moves with its words.
	a.Edit(key, 0, 0, "Highly skilled ")
	text = converge(t, ts, id, key, a, sup)
	list := mustReview[[]review.Comment](t, a, "comment.list", map[string]any{"section": key})
	if len(list) != 1 || string([]rune(text)[list[0].Start:list[0].End]) != "policy in Europe" {
		t.Fatalf("comments after typing: %+v in %q", list, text)
	}
	reply := mustReview[review.Comment](t, a, "comment.create", map[string]any{"parent": c.ID, "body": "Labour market policy."})
	mustReview[review.Comment](t, sup, "comment.resolve", map[string]any{"id": reply.ID})
	authorIn.waitFor(t, "comment", "resolved")
	_, err := reviewCall[review.Comment](t, a, "comment.edit", map[string]any{"id": c.ID, "body": "mine now"})
	refusedWith(t, err, "forbidden")

	// Suggestions: accepted after a concurrent edit elsewhere, applied as
	// the author's edit and synced to both editors.
	s, e = rangeOf(text, "needs evidence")
	g := mustReview[review.Suggestion](t, sup, "suggestion.create", map[string]any{"section": key, "start": s, "end": e,
		"quote": "needs evidence", "replacement": "needs more evidence", "baseVersion": sup.Version(key)})
	s, e = rangeOf(text, "Cities decide.")
	stale := mustReview[review.Suggestion](t, sup, "suggestion.create", map[string]any{"section": key, "start": s, "end": e,
		"quote": "Cities decide.", "replacement": "Cities and regions decide.", "baseVersion": sup.Version(key)})
	authorIn.waitFor(t, "suggestion", "created")
	a.Change(key, func(s string) string {
		return strings.Replace(s, "Cities decide.", "Cities often decide.", 1) + " Fin."
	})
	converge(t, ts, id, key, a, sup)
	_, err = reviewCall[review.Suggestion](t, sup, "suggestion.accept", map[string]any{"id": g.ID})
	refusedWith(t, err, "forbidden")
	acc := mustReview[review.Suggestion](t, a, "suggestion.accept", map[string]any{"id": g.ID})
	if acc.Status != "accepted" {
		t.Fatalf("accepted: %+v", acc)
	}
	supIn.waitFor(t, "suggestion", "accepted")
	text = converge(t, ts, id, key, a, sup)
	if want := "Highly skilled Labour migration policy in Europe needs more evidence from Łódź 😀. Cities often decide. Fin."; text != want {
		t.Fatalf("after accepting: %q, want %q", text, want)
	}
	_, err = reviewCall[review.Suggestion](t, a, "suggestion.accept", map[string]any{"id": stale.ID})
	refusedWith(t, err, "conflict")
	res := mustReview[struct {
		Accepted []review.Suggestion `json:"accepted"`
		Refused  []review.Refusal    `json:"refused"`
	}](t, a, "suggestion.acceptAll", nil)
	if len(res.Accepted) != 0 || len(res.Refused) != 1 || res.Refused[0].ID != stale.ID {
		t.Fatalf("accept-all: %+v", res)
	}

	// The workflow over the socket: both hear each decision and the status.
	d := mustReview[review.Decision](t, a, "brief.submit", nil)
	if d.Kind != "submit" || d.Status != "in_review" || d.Version == "" {
		t.Fatalf("submit: %+v", d)
	}
	supIn.waitFor(t, "decision", "submit")
	_, err = reviewCall[review.Decision](t, sup, "brief.review", map[string]any{"decision": "request_changes"})
	refusedWith(t, err, "invalid")
	mustReview[review.Decision](t, sup, "brief.review", map[string]any{"decision": "request_changes", "note": "Cite the survey."})
	if got := authorIn.waitFor(t, "decision", "request_changes"); got.Decision.Note != "Cite the survey." {
		t.Fatalf("decision broadcast: %+v", got)
	}

	// Messages act on the connection's brief only, and bad actions are
	// answered without closing the connection.
	other := ts.newBrief()
	o := ts.dialWith("author", other, syncclient.Options{})
	_, err = reviewCall[review.Comment](t, o, "comment.resolve", map[string]any{"id": c.ID})
	refusedWith(t, err, "not_found")
	_, err = reviewCall[review.Suggestion](t, o, "suggestion.reject", map[string]any{"id": stale.ID})
	refusedWith(t, err, "not_found")
	_, err = reviewCall[any](t, a, "comment.explode", nil)
	refusedWith(t, err, "invalid")
	_, err = reviewCall[any](t, a, "comment.create", "not an object")
	refusedWith(t, err, "invalid")
	if !a.Connected() || len(a.Errors()) != 0 || len(sup.Errors()) != 0 {
		t.Fatalf("errors outside review answers: %v %v", a.Errors(), sup.Errors())
	}
}
