package server

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"briefstudio/internal/brief"
)

func TestHealthAndTemplates(t *testing.T) {
	e := newEnv(t)
	var health map[string]any
	e.must(200, "GET", "/api/health", "", nil, &health)
	if health["ok"] != true || health["version"] != "test" {
		t.Fatalf("health: %v", health)
	}
	var tpls []brief.Template
	e.must(200, "GET", "/api/templates", e.tokens["author"], nil, &tpls)
	if len(tpls) != 5 || tpls[0].Type != "discussion-brief" || tpls[0].Sections[0].Key != "introduction" {
		t.Fatalf("templates: %+v", tpls)
	}
}

func TestBriefLifecycle(t *testing.T) {
	e := newEnv(t)
	author := e.tokens["author"]
	var b brief.Brief
	e.must(201, "POST", "/api/briefs", author, map[string]any{
		"type": "policy-options-brief", "title": "  Labour migration pathways ",
		"metadata": map[string]any{"authors": []map[string]string{{"name": "Blanca Garcés-Mascareñas", "affiliation": "CIDOB"}},
			"date": "september 2019", "topic": "Migration"},
	}, &b)
	if b.Title != "Labour migration pathways" || b.Status != "draft" || b.Role != "author" || len(b.Sections) != 6 ||
		b.Metadata.Date != "September 2019" || b.Metadata.Series != "POLICY OPTIONS BRIEF" || b.Metadata.Language != "EN" {
		t.Fatalf("created: %+v", b)
	}
	for _, s := range b.Sections {
		if s.Version != 0 || s.Text != "" {
			t.Fatalf("new section not empty at version 0: %+v", s)
		}
	}

	// Edit with the exact base version; every accepted PUT returns a higher version.
	var w struct {
		Version int64  `json:"version"`
		Text    string `json:"text"`
		Merged  bool   `json:"merged"`
	}
	text := "Çağlar and Salamońska write about 😀 and 中文."
	e.must(200, "PUT", "/api/briefs/"+b.ID+"/sections/introduction", author, map[string]any{"text": text, "baseVersion": 0}, &w)
	if w.Version != 1 || w.Text != text || w.Merged {
		t.Fatalf("put: %+v", w)
	}
	e.must(200, "PUT", "/api/briefs/"+b.ID+"/sections/introduction", author, map[string]any{"text": text, "baseVersion": 1}, &w)
	if w.Version != 2 {
		t.Fatalf("an unchanged PUT must still return a higher version, got %d", w.Version)
	}
	// A stale base version is merged (here onto an unchanged text).
	e.must(200, "PUT", "/api/briefs/"+b.ID+"/sections/introduction", author, map[string]any{"text": text + " More.", "baseVersion": 1}, &w)
	if !w.Merged || w.Version != 3 || w.Text != text+" More." {
		t.Fatalf("stale PUT: %+v", w)
	}
	e.must(200, "GET", "/api/briefs/"+b.ID, author, nil, &b)
	if b.Sections[0].Text != text+" More." || b.Sections[0].Version != 3 {
		t.Fatalf("after stale PUT: %+v", b.Sections[0])
	}
	text += " More."

	// Metadata patch merges fields; the outline is reordered and renamed.
	keys := []map[string]string{}
	for i := len(b.Sections) - 1; i >= 0; i-- {
		keys = append(keys, map[string]string{"key": b.Sections[i].Key})
	}
	keys[0]["title"] = "Sources"
	e.must(200, "PATCH", "/api/briefs/"+b.ID, author, map[string]any{
		"metadata": map[string]any{"keywords": []string{"labour", "pathways"}}, "sections": keys}, &b)
	if b.Metadata.Topic != "Migration" || len(b.Metadata.Keywords) != 2 || b.Sections[0].Key != "references" ||
		b.Sections[0].Title != "Sources" || b.Sections[5].Key != "introduction" {
		t.Fatalf("patched: %+v", b)
	}

	// Sections: add after a key, keys stay unique, remove.
	var sec brief.Section
	e.must(201, "POST", "/api/briefs/"+b.ID+"/sections", author, map[string]any{"title": "Introduction", "after": "references"}, &sec)
	if sec.Key != "introduction-2" || sec.Version != 0 {
		t.Fatalf("added: %+v", sec)
	}
	e.must(204, "DELETE", "/api/briefs/"+b.ID+"/sections/introduction-2", author, nil, nil)
	e.must(201, "POST", "/api/briefs/"+b.ID+"/sections", author, map[string]any{"title": "Introduction"}, &sec)
	if sec.Key != "introduction-3" {
		t.Fatalf("a removed section's key must not be reused: %+v", sec)
	}
	e.must(200, "GET", "/api/briefs/"+b.ID, author, nil, &b)
	if last := b.Sections[len(b.Sections)-1]; last.Key != "introduction-3" || len(b.Sections) != 7 || b.Sections[1].Key != "recommendations" {
		t.Fatalf("outline: %+v", b.Sections)
	}

	// Duplicate copies text and metadata into a new draft owned by the caller.
	var dup brief.Brief
	e.must(201, "POST", "/api/briefs/"+b.ID+"/duplicate", author, nil, &dup)
	if dup.ID == b.ID || dup.Title != "Copy of Labour migration pathways" || len(dup.Sections) != 7 ||
		dup.Sections[5].Text != text || dup.Sections[5].Version != 1 || dup.Metadata.Topic != "Migration" {
		t.Fatalf("duplicate: %+v", dup)
	}

	// Archive hides the brief from its members; an admin lists and restores it.
	e.must(204, "DELETE", "/api/briefs/"+b.ID, author, nil, nil)
	if status, _ := e.do("GET", "/api/briefs/"+b.ID, author, nil); status != 404 {
		t.Fatalf("archived brief: status %d, want 404", status)
	}
	var list []brief.Summary
	e.must(200, "GET", "/api/briefs", author, nil, &list)
	if len(list) != 1 || list[0].ID != dup.ID {
		t.Fatalf("author's list: %+v", list)
	}
	e.must(200, "GET", "/api/briefs?archived=1", e.tokens["admin"], nil, &list)
	if len(list) != 2 {
		t.Fatalf("admin's list with archived: %+v", list)
	}
	status, _ := e.do("POST", "/api/briefs/"+b.ID+"/unarchive", author, nil)
	if status != 404 {
		t.Fatalf("author unarchive: %d, want 404 (they cannot see it)", status)
	}
	e.must(200, "POST", "/api/briefs/"+b.ID+"/unarchive", e.tokens["admin"], nil, nil)
	e.must(200, "GET", "/api/briefs/"+b.ID, author, nil, nil)
}

func TestMembers(t *testing.T) {
	e := newEnv(t)
	b := e.newBrief()
	var members []brief.Member
	e.must(200, "GET", "/api/briefs/"+b.ID+"/members", e.tokens["supervisor"], nil, &members)
	if len(members) != 2 || members[0].Role != "author" || members[1].Role != "supervisor" {
		t.Fatalf("members: %+v", members)
	}
	// The supervisor sees the brief in their list with their role.
	var list []brief.Summary
	e.must(200, "GET", "/api/briefs", e.tokens["supervisor"], nil, &list)
	if len(list) != 1 || list[0].Role != "supervisor" {
		t.Fatalf("supervisor's list: %+v", list)
	}
	// The last author cannot leave or be demoted.
	status, raw := e.do("DELETE", "/api/briefs/"+b.ID+"/members", e.tokens["author"], map[string]string{"email": "author@example.org"})
	if status != 409 || errorCode(t, raw) != "conflict" {
		t.Fatalf("removing the last author: %d %s", status, raw)
	}
	status, _ = e.do("POST", "/api/briefs/"+b.ID+"/members", e.tokens["author"], map[string]string{"email": "author@example.org", "role": "supervisor"})
	if status != 409 {
		t.Fatalf("demoting the last author: %d", status)
	}
	for _, tt := range []struct {
		name string
		body map[string]string
		want int
	}{
		{"ErrNotFoundUnknownUser", map[string]string{"email": "nobody@example.org"}, 404},
		{"ErrInvalidRole", map[string]string{"email": "author2@example.org", "role": "owner"}, 400},
	} {
		t.Run(tt.name, func(t *testing.T) {
			if status, raw := e.do("POST", "/api/briefs/"+b.ID+"/members", e.tokens["author"], tt.body); status != tt.want {
				t.Fatalf("status %d, want %d: %s", status, tt.want, raw)
			}
		})
	}
}

func TestUsersAndBrand(t *testing.T) {
	e := newEnv(t)
	admin := e.tokens["admin"]
	var created struct {
		User  brief.User `json:"user"`
		Token string     `json:"token"`
		Login string     `json:"login"`
	}
	e.must(201, "POST", "/api/users", admin, map[string]string{"email": "jorgensen@example.org", "name": "Jørgensen", "role": "supervisor"}, &created)
	if created.User.Name != "Jørgensen" || created.Token == "" || !strings.Contains(created.Login, "/login?token=bsl_") {
		t.Fatalf("created: %+v", created)
	}
	// The new API token works at once.
	var me brief.User
	e.must(200, "GET", "/api/me", created.Token, nil, &me)
	if me.Email != "jorgensen@example.org" || me.Role != "supervisor" {
		t.Fatalf("me: %+v", me)
	}
	status, raw := e.do("POST", "/api/users", admin, map[string]string{"email": "JORGENSEN@example.org", "name": "Again", "role": "author"})
	if status != 409 || errorCode(t, raw) != "conflict" {
		t.Fatalf("duplicate e-mail: %d %s", status, raw)
	}
	for _, body := range []map[string]string{
		{"email": "not-an-email", "name": "X", "role": "author"},
		{"email": "x@example.org", "name": "", "role": "author"},
		{"email": "x@example.org", "name": "X", "role": "owner"},
	} {
		if status, raw := e.do("POST", "/api/users", admin, body); status != 400 || errorCode(t, raw) != "invalid" {
			t.Fatalf("%v: %d %s", body, status, raw)
		}
	}
	var users []brief.User
	e.must(200, "GET", "/api/users", admin, nil, &users)
	if len(users) != 6 {
		t.Fatalf("users: %d", len(users))
	}

	var b brief.Brand
	e.must(200, "GET", "/api/brand", e.tokens["author"], nil, &b)
	if b.Funder != "none" || b.PrimaryColor == "" {
		t.Fatalf("default brand: %+v", b)
	}
	e.must(200, "PUT", "/api/brand", admin, map[string]any{"projectName": "ReSOMA", "funder": "h2020", "grantAgreement": "770730",
		"primaryColor": "#1f3a93", "accentColor": "#F2A900", "contactEmail": "team@example.org", "website": "https://example.org",
		"seriesText": map[string]string{"discussion-brief": "The Discussion Briefs ..."}}, &b)
	if b.ProjectName != "ReSOMA" || b.PrimaryColor != "#1F3A93" || b.SeriesText["discussion-brief"] == "" {
		t.Fatalf("saved brand: %+v", b)
	}
	status, raw = e.do("PUT", "/api/brand", admin, map[string]any{"primaryColor": "blue"})
	if status != 400 || !strings.Contains(string(raw), "primaryColor") {
		t.Fatalf("bad colour: %d %s", status, raw)
	}
	e.must(200, "GET", "/api/brand", e.tokens["author"], nil, &b)
	if b.ProjectName != "ReSOMA" {
		t.Fatalf("a refused PUT changed the brand: %+v", b)
	}
}

// TestBadInput: every bad request gets a clear coded error and writes nothing.
func TestBadInput(t *testing.T) {
	e := newEnv(t)
	b := e.newBrief()
	author := e.tokens["author"]
	section := "/api/briefs/" + b.ID + "/sections/introduction"
	e.must(200, "PUT", section, author, map[string]any{"text": "Kept text.", "baseVersion": 0}, nil)
	huge := `{"text":"` + strings.Repeat("a", MaxBody) + `","baseVersion":1}`
	tests := []struct {
		name, method, path string
		body               any
		status             int
		code               string
	}{
		{"ErrMalformedJSON", "PUT", section, `{"text": "x", "baseVersion": 1`, 400, "invalid"},
		{"ErrEmptyBody", "PUT", section, "", 400, "invalid"},
		{"ErrWrongType", "PUT", section, `{"text": 5, "baseVersion": 1}`, 400, "invalid"},
		{"ErrMissingBaseVersion", "PUT", section, `{"text": "x"}`, 400, "invalid"},
		{"ErrInvalidUTF8", "PUT", section, []byte("{\"text\": \"bad \xff\xfe\", \"baseVersion\": 1}"), 400, "invalid"},
		{"ErrNUL", "PUT", section, `{"text": "a\u0000b", "baseVersion": 1}`, 400, "invalid"},
		{"ErrBodyTooLarge", "PUT", section, huge, 413, "too_large"},
		{"ErrSectionTooLarge", "PUT", section, map[string]any{"text": strings.Repeat("é", brief.MaxSectionText/2+1), "baseVersion": 1}, 413, "too_large"},
		{"ErrFutureBaseVersion", "PUT", section, map[string]any{"text": "x", "baseVersion": 9}, 400, "invalid"},
		{"ErrUnknownBrief", "GET", "/api/briefs/nosuchbrief", nil, 404, "not_found"},
		{"ErrUnknownSection", "PUT", "/api/briefs/" + b.ID + "/sections/nope", map[string]any{"text": "x", "baseVersion": 0}, 404, "not_found"},
		{"ErrUnknownSectionAfter", "POST", "/api/briefs/" + b.ID + "/sections", map[string]any{"title": "X", "after": "nope"}, 404, "not_found"},
		{"ErrRemoveUnknownSection", "DELETE", "/api/briefs/" + b.ID + "/sections/nope", nil, 404, "not_found"},
		{"ErrEmptySectionTitle", "POST", "/api/briefs/" + b.ID + "/sections", map[string]any{"title": "  "}, 400, "invalid"},
		{"ErrUnknownType", "POST", "/api/briefs", map[string]any{"type": "memo", "title": "X"}, 400, "invalid"},
		{"ErrNoTitle", "POST", "/api/briefs", map[string]any{"type": "discussion-brief", "title": ""}, 400, "invalid"},
		{"ErrBadDate", "PATCH", "/api/briefs/" + b.ID, map[string]any{"metadata": map[string]any{"date": "09/2019"}}, 400, "invalid"},
		{"ErrUnknownMetadataField", "PATCH", "/api/briefs/" + b.ID, map[string]any{"metadata": map[string]any{"colour": "red"}}, 400, "invalid"},
		{"ErrMetadataNotObject", "PATCH", "/api/briefs/" + b.ID, map[string]any{"metadata": []int{1}}, 400, "invalid"},
		{"ErrOutlineMissesSection", "PATCH", "/api/briefs/" + b.ID, map[string]any{"sections": []map[string]string{{"key": "introduction"}}}, 400, "invalid"},
		{"ErrOutlineUnknownKey", "PATCH", "/api/briefs/" + b.ID, map[string]any{"sections": []map[string]string{{"key": "x"}}}, 400, "invalid"},
		{"ErrUnknownRoute", "GET", "/api/nothing", nil, 404, "not_found"},
		{"ErrMethod", "DELETE", "/api/templates", nil, 404, "not_found"},
		{"ErrMethodOnRoute", "PUT", "/api/briefs/" + b.ID + "/duplicate", nil, 404, "not_found"},
	}
	before := e.snapshot(b.ID)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			status, raw := e.do(tt.method, tt.path, author, tt.body)
			if status != tt.status {
				t.Fatalf("status %d, want %d: %.200s", status, tt.status, raw)
			}
			if code := errorCode(t, raw); code != tt.code {
				t.Fatalf("code %q, want %q", code, tt.code)
			}
		})
	}
	if after := e.snapshot(b.ID); after != before {
		t.Fatalf("bad requests changed the brief:\nbefore %s\nafter  %s", before, after)
	}
	var list []brief.Summary
	e.must(200, "GET", "/api/briefs", author, nil, &list)
	if len(list) != 1 {
		t.Fatalf("bad creates left briefs behind: %+v", list)
	}
}

// TestTokens covers sign-in: links are single-use and short-lived, sessions
// expire, renew and are revoked; every failure is 401 before any data.
func TestTokens(t *testing.T) {
	e := newEnv(t)
	ctx := t.Context()
	link := func(who string) string {
		l, err := e.auth.LoginLink(ctx, e.users[who].ID)
		if err != nil {
			t.Fatal(err)
		}
		u, _ := url.Parse(l)
		return u.Query().Get("token")
	}
	type session struct {
		SessionToken string     `json:"sessionToken"`
		ExpiresAt    time.Time  `json:"expiresAt"`
		User         brief.User `json:"user"`
	}
	login := func(token string) (int, session, []byte) {
		status, raw := e.do("POST", "/api/login", "", map[string]string{"token": token})
		var s session
		json.Unmarshal(raw, &s)
		return status, s, raw
	}
	want401 := func(t *testing.T, token string) {
		t.Helper()
		status, raw := e.do("GET", "/api/briefs", token, nil)
		if status != 401 || errorCode(t, raw) != "unauthorized" {
			t.Fatalf("status %d, want 401: %s", status, raw)
		}
	}

	tok := link("author")
	status, s, raw := login(tok)
	if status != 200 || s.SessionToken == "" || s.User.Email != "author@example.org" || !s.ExpiresAt.After(e.clock.now()) {
		t.Fatalf("login: %d %s", status, raw)
	}
	e.must(200, "GET", "/api/me", s.SessionToken, nil, nil)

	t.Run("ErrMissing", func(t *testing.T) { want401(t, "") })
	t.Run("ErrWrong", func(t *testing.T) { want401(t, "bss_not-a-real-token") })
	t.Run("ErrLoginTokenAsBearer", func(t *testing.T) { want401(t, link("author")) })
	t.Run("ErrUsedLink", func(t *testing.T) {
		if status, _, raw := login(tok); status != 401 || !strings.Contains(string(raw), "already used") {
			t.Fatalf("reused link: %d %s", status, raw)
		}
	})
	t.Run("ErrEmptyToken", func(t *testing.T) {
		if status, _, _ := login(""); status != 400 {
			t.Fatalf("empty token: %d", status)
		}
	})
	t.Run("ErrExpiredLink", func(t *testing.T) {
		old := link("author")
		e.clock.advance(16 * time.Minute)
		if status, _, raw := login(old); status != 401 || !strings.Contains(string(raw), "expired") {
			t.Fatalf("expired link: %d %s", status, raw)
		}
	})
	t.Run("APITokenSignsIn", func(t *testing.T) {
		if status, s, raw := login(e.tokens["supervisor"]); status != 200 || s.User.Role != "supervisor" {
			t.Fatalf("API token login: %d %s", status, raw)
		}
	})
	t.Run("RenewAndExpire", func(t *testing.T) {
		_, s, _ := login(link("author2"))
		e.clock.advance(20 * 24 * time.Hour)
		var renewed session
		e.must(200, "POST", "/api/session/renew", s.SessionToken, nil, &renewed)
		if !renewed.ExpiresAt.After(s.ExpiresAt) {
			t.Fatalf("renew did not extend: %v -> %v", s.ExpiresAt, renewed.ExpiresAt)
		}
		e.clock.advance(29 * 24 * time.Hour)
		e.must(200, "GET", "/api/me", s.SessionToken, nil, nil)
		e.clock.advance(2 * 24 * time.Hour)
		want401(t, s.SessionToken)
	})
	t.Run("ErrLoggedOut", func(t *testing.T) {
		_, s, _ := login(link("author2"))
		e.must(204, "POST", "/api/logout", s.SessionToken, nil, nil)
		want401(t, s.SessionToken)
	})
	t.Run("ErrRevoked", func(t *testing.T) {
		_, s, _ := login(link("outsider"))
		pending := link("outsider")
		e.must(200, "POST", fmt.Sprintf("/api/users/%d/revoke", e.users["outsider"].ID), e.tokens["admin"], nil, nil)
		want401(t, s.SessionToken)
		want401(t, e.tokens["outsider"])
		if status, _, _ := login(pending); status != 401 {
			t.Fatalf("a link made before revocation still signs in: %d", status)
		}
	})
}

func TestLoginRateLimit(t *testing.T) {
	e := newEnv(t)
	for i := 0; i < LoginsPerMin; i++ {
		if status, _ := e.do("POST", "/api/login", "", map[string]string{"token": "bsl_wrong"}); status != 401 {
			t.Fatalf("attempt %d: %d", i, status)
		}
	}
	status, raw := e.do("POST", "/api/login", "", map[string]string{"token": "bsl_wrong"})
	if status != 429 || errorCode(t, raw) != "rate_limited" {
		t.Fatalf("over the limit: %d %s", status, raw)
	}
	// API calls are not rate limited by sign-in attempts.
	e.must(200, "GET", "/api/me", e.tokens["author"], nil, nil)
}

func TestUI(t *testing.T) {
	e := newEnv(t)
	for _, path := range []string{"/", "/login?token=abc", "/briefs/xyz"} {
		res, err := http.Get(e.url + path)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		if res.StatusCode != 200 || !strings.HasPrefix(res.Header.Get("Content-Type"), "text/html") ||
			!strings.Contains(res.Header.Get("Content-Security-Policy"), "frame-ancestors 'none'") {
			t.Fatalf("%s: %d %v", path, res.StatusCode, res.Header)
		}
	}
	res, err := http.Get(e.url + "/assets/app.js")
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != 200 || !strings.Contains(res.Header.Get("Cache-Control"), "immutable") {
		t.Fatalf("asset: %d %v", res.StatusCode, res.Header)
	}

	// Without a built UI the server says what to do.
	bare := httptest.NewServer(New(e.store, e.auth, Options{}).Handler())
	defer bare.Close()
	res, err = http.Get(bare.URL + "/")
	if err != nil {
		t.Fatal(err)
	}
	var sb strings.Builder
	buf := make([]byte, 1024)
	for {
		n, err := res.Body.Read(buf)
		sb.Write(buf[:n])
		if err != nil {
			break
		}
	}
	res.Body.Close()
	if res.StatusCode != 503 || !strings.Contains(sb.String(), "UI not built: run") {
		t.Fatalf("unbuilt UI: %d %s", res.StatusCode, sb.String())
	}
}
