package server

import (
	"fmt"
	"strings"
	"testing"
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
	}
	rows := []struct {
		action string
		req    request
		want   [6]int // author supervisor admin adminAuthor outsider anonymous
	}{
		{"read brief", request{"GET", "/api/briefs/{id}", nil}, [6]int{200, 200, 200, 200, 404, 401}},
		{"read members", request{"GET", "/api/briefs/{id}/members", nil}, [6]int{200, 200, 200, 200, 404, 401}},
		{"edit text", request{"PUT", "/api/briefs/{id}/sections/introduction", func() any {
			return map[string]any{"text": "New text", "baseVersion": 0}
		}}, [6]int{200, 403, 403, 200, 404, 401}},
		{"edit metadata", request{"PATCH", "/api/briefs/{id}", func() any {
			return map[string]any{"title": "Renamed", "metadata": map[string]any{"topic": "Asylum"}}
		}}, [6]int{200, 403, 403, 200, 404, 401}},
		{"add section", request{"POST", "/api/briefs/{id}/sections", func() any {
			return map[string]any{"title": "Annex", "after": "references"}
		}}, [6]int{201, 403, 403, 201, 404, 401}},
		{"remove section", request{"DELETE", "/api/briefs/{id}/sections/references", nil}, [6]int{204, 403, 403, 204, 404, 401}},
		{"add member", request{"POST", "/api/briefs/{id}/members", func() any {
			return map[string]any{"email": "author2@example.org", "role": "supervisor"}
		}}, [6]int{201, 403, 201, 201, 404, 401}},
		{"remove member", request{"DELETE", "/api/briefs/{id}/members?email=supervisor@example.org", nil}, [6]int{204, 403, 204, 204, 404, 401}},
		{"archive", request{"DELETE", "/api/briefs/{id}", nil}, [6]int{204, 403, 204, 204, 404, 401}},
		{"duplicate", request{"POST", "/api/briefs/{id}/duplicate", nil}, [6]int{201, 403, 201, 201, 404, 401}},
		{"create brief", request{"POST", "/api/briefs", func() any {
			return map[string]any{"type": "synthetic-report", "title": "Another"}
		}}, [6]int{201, 201, 201, 201, 201, 401}},
		{"list users", request{"GET", "/api/users", nil}, [6]int{403, 403, 200, 200, 403, 401}},
		{"create user", request{"POST", "/api/users", func() any {
			return map[string]any{"email": uniqueEmail(), "name": "New", "role": "author"}
		}}, [6]int{403, 403, 201, 201, 403, 401}},
		{"login link", request{"POST", "/api/users/{author2}/link", nil}, [6]int{403, 403, 200, 200, 403, 401}},
		{"revoke user", request{"POST", "/api/users/{author2}/revoke", nil}, [6]int{403, 403, 200, 200, 403, 401}},
		{"read brand", request{"GET", "/api/brand", nil}, [6]int{200, 200, 200, 200, 200, 401}},
		{"edit brand", request{"PUT", "/api/brand", func() any {
			return map[string]any{"projectName": "ReSOMA", "primaryColor": "#1F3A93", "accentColor": "#F2A900", "funder": "h2020", "grantAgreement": "770730"}
		}}, [6]int{403, 403, 200, 200, 403, 401}},
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
	_, members := e.do("GET", "/api/briefs/"+id+"/members", e.tokens["author"], nil)
	return string(raw) + string(members)
}
