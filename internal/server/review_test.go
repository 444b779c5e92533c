package server

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"unicode/utf8"

	"briefstudio/internal/brief"
	"briefstudio/internal/review"
	"briefstudio/internal/store"
)

const reviewText = "Labour migration policy in Europe needs evidence from Łódź and Çağlar's survey 😀. Cities decide."

// at is the code-point range of the first occurrence of quote in text.
func at(text, quote string) (int, int) {
	i := strings.Index(text, quote)
	if i < 0 {
		panic(fmt.Sprintf("%q not in %q", quote, text))
	}
	s := utf8.RuneCountInString(text[:i])
	return s, s + utf8.RuneCountInString(quote)
}

func (e *env) comment(id, who, quote, body string, base int64, text string) review.Comment {
	e.t.Helper()
	s, end := at(text, quote)
	var c review.Comment
	e.must(201, "POST", "/api/briefs/"+id+"/comments", e.tokens[who],
		map[string]any{"section": "introduction", "start": s, "end": end, "quote": quote, "body": body, "baseVersion": base}, &c)
	return c
}

func (e *env) comments(id string) map[int64]review.Comment {
	e.t.Helper()
	var list []review.Comment
	e.must(200, "GET", "/api/briefs/"+id+"/comments", e.tokens["supervisor"], nil, &list)
	out := map[int64]review.Comment{}
	for _, c := range list {
		out[c.ID] = c
	}
	return out
}

func (e *env) currentText(id string) (string, int64) {
	e.t.Helper()
	var b brief.Brief
	e.must(200, "GET", "/api/briefs/"+id, e.tokens["author"], nil, &b)
	return b.Sections[0].Text, b.Sections[0].Version
}

// covered is what a listed range covers in the current text.
func covered(text string, start, end int) string {
	r := []rune(text)
	if start < 0 || end > len(r) || start > end {
		return fmt.Sprintf("<bad range %d–%d>", start, end)
	}
	return string(r[start:end])
}

// TestCommentAnchors comments on a passage, then edits the text in the
// ways the issue lists, and checks where the comment stands after each.
func TestCommentAnchors(t *testing.T) {
	const quote = "policy in Europe"
	tests := []struct {
		name     string
		edit     func(string) string
		want     string
		detached bool
	}{
		{"EditedBefore", func(s string) string { return strings.Replace(s, "Labour", "Highly skilled labour", 1) }, quote, false},
		{"EditedAfter", func(s string) string { return strings.Replace(s, "Cities decide.", "Cities and regions decide.", 1) }, quote, false},
		{"EditedInside", func(s string) string { return strings.Replace(s, "in Europe", "in the EU and Europe", 1) }, "policy in the EU and Europe", false},
		{"TypedAtEitherEdge", func(s string) string { return strings.Replace(s, quote, "EU "+quote+" today", 1) }, quote, false},
		{"Moved", func(s string) string {
			return strings.Replace(s, "Labour migration policy in Europe needs evidence", "Evidence is needed", 1) + " Labour migration policy in Europe needs it."
		}, quote, false},
		{"PartlyDeleted", func(s string) string { return strings.Replace(s, "policy in ", "", 1) }, "Europe", false},
		{"WhollyDeleted", func(s string) string { return strings.Replace(s, "policy in Europe ", "", 1) }, "", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newEnv(t)
			b := e.newBrief()
			w := e.put(b.ID, "introduction", reviewText, 0)
			c := e.comment(b.ID, "supervisor", quote, "Which policy? <script>alert(1)</script>", w.Version, reviewText)
			if c.Quote != quote || c.Version != w.Version || c.Detached || c.Author.Name != "supervisor" {
				t.Fatalf("created %+v", c)
			}
			next := tt.edit(reviewText)
			e.put(b.ID, "introduction", next, w.Version)
			text, version := e.currentText(b.ID)
			got := e.comments(b.ID)[c.ID]
			if got.Version != version || got.Detached != tt.detached || got.Quote != quote || got.Body != c.Body {
				t.Fatalf("after the edit: %+v (section at version %d)", got, version)
			}
			if s := covered(text, got.Start, got.End); s != tt.want {
				t.Fatalf("the comment covers %q, want %q, in %q", s, tt.want, text)
			}
		})
	}
}

func TestCommentThreads(t *testing.T) {
	e := newEnv(t)
	b := e.newBrief()
	w := e.put(b.ID, "introduction", reviewText, 0)
	root := e.comment(b.ID, "supervisor", "evidence", "Which evidence?", w.Version, reviewText)

	// A comment made on an old version lands where its text now is.
	w2 := e.put(b.ID, "introduction", "New opening. "+reviewText, w.Version)
	old := e.comment(b.ID, "author", "Cities decide", "Made on the old version", w.Version, reviewText)
	if s := covered("New opening. "+reviewText, old.Start, old.End); s != "Cities decide" || old.Version != w2.Version || old.BaseVersion != w.Version {
		t.Fatalf("old-version comment covers %q: %+v", s, old)
	}

	var reply, replyToReply review.Comment
	e.must(201, "POST", "/api/briefs/"+b.ID+"/comments", e.tokens["author"], map[string]any{"parent": root.ID, "body": "Eurostat, 2019."}, &reply)
	e.must(201, "POST", "/api/briefs/"+b.ID+"/comments", e.tokens["admin"], map[string]any{"parent": reply.ID, "body": "And the survey."}, &replyToReply)
	if reply.Parent == nil || *reply.Parent != root.ID || replyToReply.Parent == nil || *replyToReply.Parent != root.ID ||
		reply.Quote != "evidence" || reply.Start != e.comments(b.ID)[root.ID].Start {
		t.Fatalf("replies: %+v %+v", reply, replyToReply)
	}

	// Edit and delete: one's own only.
	cpath := func(id int64) string { return fmt.Sprintf("/api/comments/%d", id) }
	if st, raw := e.do("PATCH", cpath(root.ID), e.tokens["author"], map[string]any{"body": "hijacked"}); st != 403 || errorCode(t, raw) != "forbidden" {
		t.Fatalf("edited someone else's comment: %d %s", st, raw)
	}
	var edited review.Comment
	e.must(200, "PATCH", cpath(root.ID), e.tokens["supervisor"], map[string]any{"body": "Which evidence, exactly?"}, &edited)
	if edited.Body != "Which evidence, exactly?" || edited.EditedAt == nil {
		t.Fatalf("edited: %+v", edited)
	}
	if st, _ := e.do("DELETE", cpath(reply.ID), e.tokens["supervisor"], nil); st != 403 {
		t.Fatalf("deleted someone else's comment: %d", st)
	}
	// Deleting a thread's first comment leaves a stub while replies follow.
	e.must(204, "DELETE", cpath(root.ID), e.tokens["supervisor"], nil, nil)
	list := e.comments(b.ID)
	if stub := list[root.ID]; !stub.Deleted || stub.Body != "" || len(list) != 4 {
		t.Fatalf("after deleting the first comment: %+v", list)
	}
	e.must(204, "DELETE", cpath(reply.ID), e.tokens["author"], nil, nil)
	e.must(204, "DELETE", cpath(replyToReply.ID), e.tokens["admin"], nil, nil)
	if list := e.comments(b.ID); len(list) != 1 {
		t.Fatalf("a thread with every comment deleted is still listed: %+v", list)
	}
	if st, _ := e.do("DELETE", cpath(reply.ID), e.tokens["author"], nil); st != 404 {
		t.Fatalf("deleting twice: %d", st)
	}

	// Resolve and reopen act on the thread, from any of its comments.
	var r review.Comment
	e.must(200, "POST", cpath(old.ID)+"/resolve", e.tokens["author"], nil, &r)
	if !r.Resolved || r.ResolvedBy == nil || r.ResolvedBy.Name != "author" {
		t.Fatalf("resolved: %+v", r)
	}
	if st, _ := e.do("POST", cpath(old.ID)+"/resolve", e.tokens["supervisor"], nil); st != 409 {
		t.Fatalf("resolving twice: %d", st)
	}
	e.must(200, "POST", cpath(old.ID)+"/reopen", e.tokens["supervisor"], nil, &r)
	if r.Resolved {
		t.Fatalf("reopened: %+v", r)
	}

	// Bad input: a clear error, nothing written.
	before := len(e.comments(b.ID))
	text, version := e.currentText(b.ID)
	s, end := at(text, "Cities")
	for _, bad := range []struct {
		body map[string]any
		code string
	}{
		{map[string]any{"section": "introduction", "start": s, "end": end, "quote": "Towns", "body": "x"}, "invalid"},
		{map[string]any{"section": "introduction", "start": 0, "end": 100000, "body": "x"}, "invalid"},
		{map[string]any{"section": "introduction", "start": 5, "end": 2, "body": "x"}, "invalid"},
		{map[string]any{"section": "introduction", "start": s, "end": end, "body": ""}, "invalid"},
		{map[string]any{"section": "introduction", "start": s, "end": end, "body": strings.Repeat("é", review.MaxBody)}, "too_large"},
		{map[string]any{"section": "introduction", "start": s, "end": end, "body": "x", "baseVersion": version + 1}, "invalid"},
		{map[string]any{"section": "nowhere", "start": 0, "end": 0, "body": "x"}, "not_found"},
		{map[string]any{"start": 0, "end": 0, "body": "x"}, "invalid"},
		{map[string]any{"parent": 999999, "body": "x"}, "not_found"},
	} {
		st, raw := e.do("POST", "/api/briefs/"+b.ID+"/comments", e.tokens["supervisor"], bad.body)
		if st < 400 || errorCode(t, raw) != bad.code {
			t.Errorf("%v: %d %s, want %s", bad.body, st, raw, bad.code)
		}
	}
	if after := len(e.comments(b.ID)); after != before {
		t.Fatalf("refused comments were written: %d -> %d", before, after)
	}
}

func (e *env) suggest(id, who, quote, replacement string, base int64, text string) review.Suggestion {
	e.t.Helper()
	s, end := at(text, quote)
	var g review.Suggestion
	e.must(201, "POST", "/api/briefs/"+id+"/suggestions", e.tokens[who],
		map[string]any{"section": "introduction", "start": s, "end": end, "quote": quote, "replacement": replacement, "baseVersion": base}, &g)
	return g
}

func TestSuggestions(t *testing.T) {
	e := newEnv(t)
	b := e.newBrief()
	w := e.put(b.ID, "introduction", reviewText, 0)
	g1 := e.suggest(b.ID, "supervisor", "needs evidence", "needs more evidence", w.Version, reviewText)
	g2 := e.suggest(b.ID, "admin", "Cities decide.", "Cities and regions decide.", w.Version, reviewText)
	if g1.Status != "open" || g1.Origin != "suggestion" || g1.Stale {
		t.Fatalf("created %+v", g1)
	}

	// A concurrent edit elsewhere: accepting still works, as the author's edit.
	w2 := e.put(b.ID, "introduction", "Today: "+reviewText, w.Version)
	if st, raw := e.do("POST", fmt.Sprintf("/api/suggestions/%d/accept", g1.ID), e.tokens["supervisor"], nil); st != 403 || errorCode(t, raw) != "forbidden" {
		t.Fatalf("a supervisor accepted: %d %s", st, raw)
	}
	var acc review.Suggestion
	e.must(200, "POST", fmt.Sprintf("/api/suggestions/%d/accept", g1.ID), e.tokens["author"], nil, &acc)
	text, version := e.currentText(b.ID)
	if want := strings.Replace("Today: "+reviewText, "needs evidence", "needs more evidence", 1); text != want {
		t.Fatalf("accepted text %q, want %q", text, want)
	}
	if acc.Status != "accepted" || acc.DecidedBy == nil || acc.DecidedBy.Name != "author" || acc.AppliedVersion != version || version != w2.Version+1 {
		t.Fatalf("accepted: %+v (section at %d)", acc, version)
	}
	var revs []store.Revision
	e.must(200, "GET", "/api/briefs/"+b.ID+"/revisions", e.tokens["author"], nil, &revs)
	if last := revs[0]; last.Author.Name != "author" {
		t.Fatalf("the accepted suggestion is not the author's edit: %+v", revs)
	}
	if st, _ := e.do("POST", fmt.Sprintf("/api/suggestions/%d/accept", g1.ID), e.tokens["author"], nil); st != 409 {
		t.Fatalf("accepting twice: %d", st)
	}

	// An edit inside a suggestion's range: accepting it is a conflict, and
	// the listing says it is stale.
	e.put(b.ID, "introduction", strings.Replace(text, "Cities decide", "Cities often decide", 1), version)
	var list []review.Suggestion
	e.must(200, "GET", "/api/briefs/"+b.ID+"/suggestions?status=open", e.tokens["author"], nil, &list)
	if len(list) != 1 || list[0].ID != g2.ID || !list[0].Stale {
		t.Fatalf("open suggestions: %+v", list)
	}
	before, _ := e.currentText(b.ID)
	st, raw := e.do("POST", fmt.Sprintf("/api/suggestions/%d/accept", g2.ID), e.tokens["author"], nil)
	if st != 409 || errorCode(t, raw) != "conflict" || !strings.Contains(string(raw), "Cities often decide") {
		t.Fatalf("accepting a stale suggestion: %d %s", st, raw)
	}
	if after, _ := e.currentText(b.ID); after != before {
		t.Fatalf("a refused accept changed the text")
	}
	var rej review.Suggestion
	e.must(200, "POST", fmt.Sprintf("/api/suggestions/%d/reject", g2.ID), e.tokens["author"], nil, &rej)
	if rej.Status != "rejected" {
		t.Fatalf("rejected: %+v", rej)
	}
}

func TestSuggestionBadInput(t *testing.T) {
	e := newEnv(t)
	b := e.newBrief()
	w := e.put(b.ID, "introduction", reviewText, 0)
	s, end := at(reviewText, "Labour")
	for _, bad := range []struct {
		body map[string]any
		code string
	}{
		{map[string]any{"section": "introduction", "start": s, "end": end, "quote": "Labour", "replacement": "Labour"}, "invalid"},
		{map[string]any{"section": "introduction", "start": s, "end": end, "quote": "Work", "replacement": "x"}, "invalid"},
		{map[string]any{"section": "introduction", "start": s, "end": end, "replacement": strings.Repeat("x", brief.MaxSectionText+1)}, "too_large"},
		{map[string]any{"section": "introduction", "start": 0, "end": 9999, "replacement": "x"}, "invalid"},
		{map[string]any{"section": "introduction", "start": s, "end": end, "replacement": "x", "baseVersion": w.Version + 5}, "invalid"},
		{map[string]any{"section": "gone", "start": 0, "end": 0, "replacement": "x"}, "not_found"},
	} {
		st, raw := e.do("POST", "/api/briefs/"+b.ID+"/suggestions", e.tokens["supervisor"], bad.body)
		if st < 400 || errorCode(t, raw) != bad.code {
			t.Errorf("%.80v: %d %s, want %s", bad.body, st, raw, bad.code)
		}
	}
	var list []review.Suggestion
	e.must(200, "GET", "/api/briefs/"+b.ID+"/suggestions", e.tokens["supervisor"], nil, &list)
	if len(list) != 0 {
		t.Fatalf("refused suggestions were written: %+v", list)
	}
	for _, path := range []string{"/api/suggestions/abc/accept", "/api/suggestions/424242/reject", "/api/comments/0/resolve"} {
		if st, _ := e.do("POST", path, e.tokens["author"], nil); st != 404 {
			t.Errorf("%s: %d, want 404", path, st)
		}
	}
}

func TestAcceptAll(t *testing.T) {
	e := newEnv(t)
	b := e.newBrief()
	w := e.put(b.ID, "introduction", reviewText, 0)
	e.suggest(b.ID, "supervisor", "Labour", "Highly skilled labour", w.Version, reviewText)
	e.suggest(b.ID, "supervisor", "Łódź", "Łódź, Kraków", w.Version, reviewText)
	stale := e.suggest(b.ID, "supervisor", "Cities decide.", "Cities and regions decide.", w.Version, reviewText)
	overlap := e.suggest(b.ID, "admin", "Łódź and Çağlar's", "the", w.Version, reviewText)
	// A stale edit that clashes becomes an unresolved merge: the author's
	// suggestion, which accept-all leaves for a look of its own.
	e.put(b.ID, "introduction", strings.Replace(reviewText, "Cities decide.", "Cities decided.", 1), w.Version)
	clash := e.put(b.ID, "introduction", strings.Replace(reviewText, "Cities decide.", "Cities vote.", 1), w.Version)
	if len(clash.Conflicts) != 1 {
		t.Fatalf("expected an unresolved merge: %+v", clash)
	}
	var list []review.Suggestion
	e.must(200, "GET", "/api/briefs/"+b.ID+"/suggestions?status=open", e.tokens["supervisor"], nil, &list)
	merge := list[len(list)-1]
	if len(list) != 5 || merge.Origin != "merge" || merge.Author.Name != "author" || merge.ID != clash.Conflicts[0].ID || merge.Replacement != clash.Conflicts[0].Text {
		t.Fatalf("the unresolved merge is not listed as the author's suggestion: %+v", list)
	}

	var res store.AcceptAllResult
	e.must(200, "POST", "/api/briefs/"+b.ID+"/suggestions/accept-all", e.tokens["author"], nil, &res)
	text, _ := e.currentText(b.ID)
	want := strings.NewReplacer("Labour", "Highly skilled labour", "Łódź", "Łódź, Kraków").Replace(clash.Text)
	if text != want {
		t.Fatalf("after accept-all %q, want %q", text, want)
	}
	refused := map[int64]string{}
	for _, r := range res.Refused {
		refused[r.ID] = string(r.Code)
	}
	if len(res.Accepted) != 2 || len(refused) != 2 || refused[stale.ID] != "conflict" || refused[overlap.ID] != "conflict" {
		t.Fatalf("accept-all: %+v", res)
	}
	e.must(200, "GET", "/api/briefs/"+b.ID+"/suggestions?status=open", e.tokens["supervisor"], nil, &list)
	if len(list) != 3 {
		t.Fatalf("left open: %+v", list)
	}
	// Another author may accept the merge as a suggestion.
	var acc review.Suggestion
	e.must(201, "POST", "/api/briefs/"+b.ID+"/members", e.tokens["author"], map[string]string{"email": "author2@example.org", "role": "author"}, nil)
	e.must(200, "POST", fmt.Sprintf("/api/suggestions/%d/accept", merge.ID), e.tokens["author2"], nil, &acc)
	if text, _ := e.currentText(b.ID); !strings.Contains(text, "vote") {
		t.Fatalf("the merge was not applied: %q", text)
	}
}

func TestWorkflowWithTwoSupervisors(t *testing.T) {
	e := newEnv(t)
	b := e.newBrief()
	created, err := e.auth.CreateUser(context.Background(), nil, "supervisor2@example.org", "Second supervisor", "supervisor")
	if err != nil {
		t.Fatal(err)
	}
	e.tokens["supervisor2"] = created.Token
	e.must(201, "POST", "/api/briefs/"+b.ID+"/members", e.tokens["author"], map[string]string{"email": "supervisor2@example.org"}, nil)
	w := e.put(b.ID, "introduction", reviewText, 0)

	type answer struct {
		brief.Brief
		Decision review.Decision `json:"decision"`
	}
	step := func(who, path string, body any, wantStatus int, want brief.Status, label string) answer {
		t.Helper()
		var a answer
		e.must(wantStatus, "POST", "/api/briefs/"+b.ID+path, e.tokens[who], body, &a)
		if wantStatus != 200 {
			return a
		}
		if a.Status != want || a.Decision.Status != want || a.Decision.Version == "" {
			t.Fatalf("%s %s: %+v", who, path, a)
		}
		var vs []store.Version
		e.must(200, "GET", "/api/briefs/"+b.ID+"/versions", e.tokens["author"], nil, &vs)
		if vs[0].ID != a.Decision.Version || vs[0].Label != label {
			t.Fatalf("%s %s: named version %+v, want %q as %s", who, path, vs[0], label, a.Decision.Version)
		}
		return a
	}
	refuse := func(who, path string, body any, status int, code string) {
		t.Helper()
		st, raw := e.do("POST", "/api/briefs/"+b.ID+path, e.tokens[who], body)
		if st != status || errorCode(t, raw) != code {
			t.Fatalf("%s %s %v: %d %s, want %d %s", who, path, body, st, raw, status, code)
		}
	}
	approve := map[string]string{"decision": "approve"}
	requestChanges := map[string]string{"decision": "request_changes", "note": "Cite the <b>2019</b> survey."}

	refuse("supervisor", "/submit", nil, 403, "forbidden")
	refuse("supervisor", "/review", approve, 409, "conflict") // a draft is not in review
	step("author", "/submit", nil, 200, brief.StatusInReview, "Submitted for review 1")
	refuse("author", "/submit", nil, 409, "conflict")
	refuse("author", "/review", approve, 403, "forbidden")
	refuse("admin", "/review", approve, 403, "forbidden")
	refuse("supervisor", "/review", map[string]string{"decision": "request_changes"}, 400, "invalid") // a note is required
	refuse("supervisor", "/review", map[string]string{"decision": "maybe"}, 400, "invalid")
	refuse("supervisor", "/review", map[string]string{"decision": "submit"}, 400, "invalid")
	first := step("supervisor", "/review", requestChanges, 200, brief.StatusChangesRequested, "Changes requested 1")
	if first.Decision.Note != requestChanges["note"] || first.LastReviewedVersion == nil || *first.LastReviewedVersion != first.Decision.Version {
		t.Fatalf("request changes: %+v", first)
	}

	// The author changes the text: still changes_requested, and the
	// supervisor sees exactly what changed since their review.
	e.put(b.ID, "introduction", strings.Replace(reviewText, "survey", "2019 survey", 1), w.Version+0)
	var got brief.Brief
	e.must(200, "GET", "/api/briefs/"+b.ID, e.tokens["supervisor"], nil, &got)
	if got.Status != brief.StatusChangesRequested || got.LastReviewedVersion == nil || *got.LastReviewedVersion != first.Decision.Version {
		t.Fatalf("after the edit: %+v", got)
	}
	var diff struct {
		Sections []store.SectionDiff `json:"sections"`
	}
	e.must(200, "GET", "/api/briefs/"+b.ID+"/diff?from=lastReviewed&to=current", e.tokens["supervisor"], nil, &diff)
	var inserted []string
	for _, s := range diff.Sections {
		for _, op := range s.Ops {
			if op.Op == "insert" {
				inserted = append(inserted, op.Text)
			}
		}
	}
	if strings.TrimSpace(strings.Join(inserted, "")) != "2019" {
		t.Fatalf("changed since the last review: %+v", diff.Sections)
	}
	if st, raw := e.do("GET", "/api/briefs/"+b.ID+"/diff?from=lastReviewed", e.tokens["supervisor2"], nil); st != 404 || errorCode(t, raw) != "not_found" {
		t.Fatalf("a supervisor who never reviewed: %d %s", st, raw)
	}
	var summaries []brief.Summary
	e.must(200, "GET", "/api/briefs", e.tokens["supervisor"], nil, &summaries)
	if len(summaries) != 1 || !summaries[0].ChangedSinceReview || *summaries[0].LastReviewedVersion != first.Decision.Version {
		t.Fatalf("list: %+v", summaries)
	}

	step("author", "/submit", map[string]string{"note": "Survey cited."}, 200, brief.StatusInReview, "Submitted for review 2")
	step("supervisor2", "/review", approve, 200, brief.StatusApproved, "Approved 1")
	refuse("supervisor", "/review", approve, 409, "conflict") // already approved
	e.must(200, "GET", "/api/briefs", e.tokens["supervisor2"], nil, &summaries)
	if summaries[0].ChangedSinceReview || summaries[0].Status != brief.StatusApproved {
		t.Fatalf("list after approval: %+v", summaries)
	}

	// Any change to an approved brief makes it a draft again.
	text, version := e.currentText(b.ID)
	e.put(b.ID, "introduction", text+" Addendum.", version)
	e.must(200, "GET", "/api/briefs/"+b.ID, e.tokens["supervisor2"], nil, &got)
	if got.Status != brief.StatusDraft {
		t.Fatalf("edited after approval: %s", got.Status)
	}
	var decisions []review.Decision
	e.must(200, "GET", "/api/briefs/"+b.ID+"/decisions", e.tokens["author"], nil, &decisions)
	kinds := []string{}
	for _, d := range decisions {
		kinds = append(kinds, d.Kind+"/"+string(d.Status)+"/"+d.By.Name)
	}
	if want := "submit/in_review/author request_changes/changes_requested/supervisor submit/in_review/author approve/approved/Second supervisor"; strings.Join(kinds, " ") != want {
		t.Fatalf("decisions %v, want %s", kinds, want)
	}
}

// TestReviewTextComesBackAsText: markup in comments, notes, quotes and
// metadata is stored and returned as the same text, JSON-escaped, never
// interpreted.
func TestReviewTextComesBackAsText(t *testing.T) {
	e := newEnv(t)
	b := e.newBrief()
	const markup = `<img src=x onerror="alert(1)"><script>document.cookie</script>`
	text := "Intro " + markup + " end."
	w := e.put(b.ID, "introduction", text, 0)
	c := e.comment(b.ID, "supervisor", markup, markup, w.Version, text)
	g := e.suggest(b.ID, "supervisor", markup, "</textarea>"+markup, w.Version, text)
	e.must(200, "PATCH", "/api/briefs/"+b.ID, e.tokens["author"], map[string]any{"title": markup}, nil)
	e.must(200, "POST", "/api/briefs/"+b.ID+"/submit", e.tokens["author"], nil, nil)
	e.must(200, "POST", "/api/briefs/"+b.ID+"/review", e.tokens["supervisor"], map[string]string{"decision": "request_changes", "note": markup}, nil)
	for _, path := range []string{"/comments", "/suggestions", "/decisions", ""} {
		st, raw := e.do("GET", "/api/briefs/"+b.ID+path, e.tokens["author"], nil)
		if st != 200 || strings.Contains(string(raw), "<") || !strings.Contains(string(raw), `\u003cscript\u003e`) {
			t.Fatalf("GET %s: %d, markup not escaped as JSON text: %.300s", path, st, raw)
		}
	}
	got := e.comments(b.ID)[c.ID]
	if got.Body != markup || got.Quote != markup {
		t.Fatalf("comment came back changed: %+v", got)
	}
	var list []review.Suggestion
	e.must(200, "GET", "/api/briefs/"+b.ID+"/suggestions", e.tokens["author"], nil, &list)
	if list[0].ID != g.ID || list[0].Replacement != "</textarea>"+markup || list[0].Quote != markup {
		t.Fatalf("suggestion came back changed: %+v", list[0])
	}
}

// TestCommentSurvivesDeleteAndRestore: comments are versioned with the
// text: deleting the commented text detaches the comment, restoring a
// version brings the text back and the comment with it.
func TestCommentSurvivesDeleteAndRestore(t *testing.T) {
	e := newEnv(t)
	b := e.newBrief()
	w := e.put(b.ID, "introduction", reviewText, 0)
	c := e.comment(b.ID, "supervisor", "evidence from Łódź", "Source?", w.Version, reviewText)
	var v store.Version
	e.must(201, "POST", "/api/briefs/"+b.ID+"/versions", e.tokens["author"], map[string]string{"label": "Before cuts"}, &v)
	e.put(b.ID, "introduction", "Cities decide.", w.Version)
	if got := e.comments(b.ID)[c.ID]; !got.Detached || got.Quote != "evidence from Łódź" {
		t.Fatalf("after deleting its text: %+v", got)
	}
	e.must(200, "POST", "/api/briefs/"+b.ID+"/restore", e.tokens["author"], map[string]string{"version": v.ID}, nil)
	text, _ := e.currentText(b.ID)
	got := e.comments(b.ID)[c.ID]
	if got.Detached || covered(text, got.Start, got.End) != "evidence from Łódź" {
		t.Fatalf("after restoring %s: %+v in %q", v.ID, got, text)
	}
}
