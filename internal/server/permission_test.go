package server

import (
	"fmt"
	"strconv"
	"strings"
	"testing"

	"briefstudio/internal/brief"
	"briefstudio/internal/review"
)

// TestPermissionTable walks DESIGN.md's permission table over HTTP for
// every action built so far and every kind of caller: each cell gets a
// fresh brief, so mutations do not leak between cells.
func TestPermissionTable(t *testing.T) {
	e := newEnv(t)
	// caller -> token key, and whether the admin is made an author first.
	callers := []string{"author", "supervisor", "admin", "adminAuthor", "outsider", "anonymous"}
	n := 0
	uniqueEmail := func() string { n++; return fmt.Sprintf("new%d@example.org", n) }
	type request struct {
		method, path string
		body         func() any
		// setup prepares the brief for the cell (as whoever may) and
		// returns path substitutions: {own} a comment by the caller (the
		// author's for callers who may not comment), {theirs} someone
		// else's comment, {suggestion} a supervisor's suggestion.
		setup func(b brief.Brief, caller string) map[string]string
	}
	commentBy := func(b brief.Brief, who string) string {
		var c review.Comment
		e.must(201, "POST", "/api/briefs/"+b.ID+"/comments", e.tokens[who], map[string]any{"section": "introduction", "start": 0, "end": 0, "body": "A comment"}, &c)
		return fmt.Sprint(c.ID)
	}
	items := func(b brief.Brief, caller string) map[string]string {
		own, other := caller, "supervisor"
		if caller == "outsider" || caller == "anonymous" {
			own = "author"
		}
		if caller == "supervisor" {
			other = "author"
		}
		var g review.Suggestion
		e.must(201, "POST", "/api/briefs/"+b.ID+"/suggestions", e.tokens["supervisor"], map[string]any{"section": "introduction", "start": 0, "end": 0, "replacement": "Suggested."}, &g)
		return map[string]string{"{own}": commentBy(b, own), "{theirs}": commentBy(b, other), "{suggestion}": fmt.Sprint(g.ID)}
	}
	resolved := func(b brief.Brief, caller string) map[string]string {
		m := items(b, caller)
		e.must(200, "POST", "/api/comments/"+m["{theirs}"]+"/resolve", e.tokens["author"], nil, nil)
		return m
	}
	submitted := func(b brief.Brief, caller string) map[string]string {
		e.must(200, "POST", "/api/briefs/"+b.ID+"/submit", e.tokens["author"], nil, nil)
		return nil
	}
	comment := func() any { return map[string]any{"section": "introduction", "start": 0, "end": 0, "body": "Why?"} }
	rows := []struct {
		action string
		req    request
		want   [6]int // author supervisor admin adminAuthor outsider anonymous
	}{
		{"read brief", request{"GET", "/api/briefs/{id}", nil, nil}, [6]int{200, 200, 200, 200, 404, 401}},
		{"read members", request{"GET", "/api/briefs/{id}/members", nil, nil}, [6]int{200, 200, 200, 200, 404, 401}},
		{"edit text", request{"PUT", "/api/briefs/{id}/sections/introduction", func() any {
			return map[string]any{"text": "New text", "baseVersion": 0}
		}, nil}, [6]int{200, 403, 403, 200, 404, 401}},
		{"edit metadata", request{"PATCH", "/api/briefs/{id}", func() any {
			return map[string]any{"title": "Renamed", "metadata": map[string]any{"topic": "Asylum"}}
		}, nil}, [6]int{200, 403, 403, 200, 404, 401}},
		{"add section", request{"POST", "/api/briefs/{id}/sections", func() any {
			return map[string]any{"title": "Annex", "after": "references"}
		}, nil}, [6]int{201, 403, 403, 201, 404, 401}},
		{"remove section", request{"DELETE", "/api/briefs/{id}/sections/references", nil, nil}, [6]int{204, 403, 403, 204, 404, 401}},
		{"add member", request{"POST", "/api/briefs/{id}/members", func() any {
			return map[string]any{"email": "author2@example.org", "role": "supervisor"}
		}, nil}, [6]int{201, 403, 201, 201, 404, 401}},
		{"remove member", request{"DELETE", "/api/briefs/{id}/members?email=supervisor@example.org", nil, nil}, [6]int{204, 403, 204, 204, 404, 401}},
		{"archive", request{"DELETE", "/api/briefs/{id}", nil, nil}, [6]int{204, 403, 204, 204, 404, 401}},
		{"duplicate", request{"POST", "/api/briefs/{id}/duplicate", nil, nil}, [6]int{201, 403, 201, 201, 404, 401}},
		{"create brief", request{"POST", "/api/briefs", func() any {
			return map[string]any{"type": "synthetic-report", "title": "Another"}
		}, nil}, [6]int{201, 201, 201, 201, 201, 401}},
		{"list users", request{"GET", "/api/users", nil, nil}, [6]int{403, 403, 200, 200, 403, 401}},
		{"create user", request{"POST", "/api/users", func() any {
			return map[string]any{"email": uniqueEmail(), "name": "New", "role": "author"}
		}, nil}, [6]int{403, 403, 201, 201, 403, 401}},
		{"login link", request{"POST", "/api/users/{author2}/link", nil, nil}, [6]int{403, 403, 200, 200, 403, 401}},
		{"revoke user", request{"POST", "/api/users/{author2}/revoke", nil, nil}, [6]int{403, 403, 200, 200, 403, 401}},
		{"list comments", request{"GET", "/api/briefs/{id}/comments", nil, nil}, [6]int{200, 200, 200, 200, 404, 401}},
		{"comment", request{"POST", "/api/briefs/{id}/comments", comment, nil}, [6]int{201, 201, 201, 201, 404, 401}},
		{"reply", request{"POST", "/api/briefs/{id}/comments", func() any { return map[string]any{"parent": -1, "body": "Because."} }, items},
			[6]int{201, 201, 201, 201, 404, 401}},
		{"edit own comment", request{"PATCH", "/api/comments/{own}", func() any { return map[string]any{"body": "Edited"} }, items},
			[6]int{200, 200, 200, 200, 404, 401}},
		{"delete own comment", request{"DELETE", "/api/comments/{own}", nil, items}, [6]int{204, 204, 204, 204, 404, 401}},
		{"edit another's comment", request{"PATCH", "/api/comments/{theirs}", func() any { return map[string]any{"body": "Edited"} }, items},
			[6]int{403, 403, 403, 403, 404, 401}},
		{"delete another's comment", request{"DELETE", "/api/comments/{theirs}", nil, items}, [6]int{403, 403, 403, 403, 404, 401}},
		{"resolve", request{"POST", "/api/comments/{theirs}/resolve", nil, items}, [6]int{200, 200, 200, 200, 404, 401}},
		{"reopen", request{"POST", "/api/comments/{theirs}/reopen", nil, resolved}, [6]int{200, 200, 200, 200, 404, 401}},
		{"list suggestions", request{"GET", "/api/briefs/{id}/suggestions", nil, nil}, [6]int{200, 200, 200, 200, 404, 401}},
		{"suggest", request{"POST", "/api/briefs/{id}/suggestions", func() any {
			return map[string]any{"section": "introduction", "start": 0, "end": 0, "replacement": "Better."}
		}, nil}, [6]int{201, 201, 201, 201, 404, 401}},
		{"accept suggestion", request{"POST", "/api/suggestions/{suggestion}/accept", nil, items}, [6]int{200, 403, 403, 200, 404, 401}},
		{"reject suggestion", request{"POST", "/api/suggestions/{suggestion}/reject", nil, items}, [6]int{200, 403, 403, 200, 404, 401}},
		{"accept all", request{"POST", "/api/briefs/{id}/suggestions/accept-all", nil, items}, [6]int{200, 403, 403, 200, 404, 401}},
		{"submit", request{"POST", "/api/briefs/{id}/submit", nil, nil}, [6]int{200, 403, 403, 200, 404, 401}},
		{"approve", request{"POST", "/api/briefs/{id}/review", func() any { return map[string]any{"decision": "approve"} }, submitted},
			[6]int{403, 200, 403, 403, 404, 401}},
		{"request changes", request{"POST", "/api/briefs/{id}/review", func() any {
			return map[string]any{"decision": "request_changes", "note": "More evidence."}
		}, submitted}, [6]int{403, 200, 403, 403, 404, 401}},
		{"list decisions", request{"GET", "/api/briefs/{id}/decisions", nil, nil}, [6]int{200, 200, 200, 200, 404, 401}},
		{"read brand", request{"GET", "/api/brand", nil, nil}, [6]int{200, 200, 200, 200, 200, 401}},
		{"edit brand", request{"PUT", "/api/brand", func() any {
			return map[string]any{"projectName": "ReSOMA", "primaryColor": "#1F3A93", "accentColor": "#F2A900", "funder": "h2020", "grantAgreement": "770730"}
		}, nil}, [6]int{403, 403, 200, 200, 403, 401}},
		{"export", request{"GET", "/api/briefs/{id}/export.pdf", nil, nil}, [6]int{200, 200, 200, 200, 404, 401}},
		{"export bundle", request{"GET", "/api/briefs/{id}/bundle", nil, nil}, [6]int{200, 200, 200, 200, 404, 401}},
		{"import bundle", request{"POST", "/api/import/bundle", func() any { return e.bundleOf("author", e.newBrief().ID) }, nil},
			[6]int{201, 201, 201, 201, 201, 401}},
		{"upload logo", request{"PUT", "/api/brand/logo", func() any { return tinyPNG() }, nil}, [6]int{403, 403, 200, 200, 403, 401}},
	}
	for _, row := range rows {
		for i, caller := range callers {
			t.Run(row.action+"/"+caller, func(t *testing.T) {
				b := e.newBrief()
				token := e.tokens[caller]
				if caller == "adminAuthor" {
					e.must(201, "POST", "/api/briefs/"+b.ID+"/members", e.tokens["author"],
						map[string]string{"email": "admin@example.org", "role": "author"}, nil)
					token = e.tokens["admin"]
				}
				path := strings.Replace(row.req.path, "{id}", b.ID, 1)
				var subst map[string]string
				if row.req.setup != nil {
					who := caller
					if caller == "adminAuthor" {
						who = "admin"
					}
					subst = row.req.setup(b, who)
				}
				for k, v := range subst {
					path = strings.Replace(path, k, v, 1)
				}
				// Revoking author2 would sign them out for later cells: make a
				// throwaway user for link and revoke rows.
				if strings.Contains(path, "{author2}") {
					created, err := e.auth.CreateUser(t.Context(), nil, uniqueEmail(), "Temp", "author")
					if err != nil {
						t.Fatal(err)
					}
					path = strings.Replace(path, "{author2}", fmt.Sprint(created.User.ID), 1)
				}
				var body any
				if row.req.body != nil {
					body = row.req.body()
				}
				if m, ok := body.(map[string]any); ok && m["parent"] == -1 {
					m["parent"], _ = strconv.Atoi(subst["{theirs}"])
				}
				before := e.snapshot(b.ID)
				status, raw := e.do(row.req.method, path, token, body)
				if status != row.want[i] {
					t.Fatalf("%s %s as %s: status %d, want %d: %s", row.req.method, path, caller, status, row.want[i], raw)
				}
				if status >= 400 {
					errorCode(t, raw)
					if after := e.snapshot(b.ID); after != before {
						t.Fatalf("a refused request changed the brief:\nbefore %s\nafter  %s", before, after)
					}
				}
			})
		}
	}
}

// snapshot renders what the author can see of a brief, to compare states.
func (e *env) snapshot(id string) string {
	status, raw := e.do("GET", "/api/briefs/"+id, e.tokens["author"], nil)
	if status != 200 {
		return fmt.Sprintf("status %d", status)
	}
	out := string(raw)
	for _, part := range []string{"members", "comments", "suggestions", "decisions"} {
		_, list := e.do("GET", "/api/briefs/"+id+"/"+part, e.tokens["author"], nil)
		out += string(list)
	}
	return out
}
