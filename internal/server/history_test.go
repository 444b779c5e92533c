package server

import (
	"fmt"
	"strings"
	"testing"

	"briefstudio/internal/brief"
	"briefstudio/internal/store"
)

type sectionWrite struct {
	Version   int64            `json:"version"`
	Text      string           `json:"text"`
	Merged    bool             `json:"merged"`
	Conflicts []brief.Conflict `json:"conflicts"`
}

func (e *env) put(id, key, text string, base int64) sectionWrite {
	e.t.Helper()
	var w sectionWrite
	e.must(200, "PUT", "/api/briefs/"+id+"/sections/"+key, e.tokens["author"], map[string]any{"text": text, "baseVersion": base}, &w)
	return w
}

func TestStaleMerge(t *testing.T) {
	e := newEnv(t)
	b := e.newBrief()
	w := e.put(b.ID, "introduction", "Migrants from Çağlar's study arrive in Łódź. Jørgensen counts them.", 0)
	// Two clients both start from version 1.
	w1 := e.put(b.ID, "introduction", "Migrants from Çağlar's 2019 study arrive in Łódź. Jørgensen counts them.", w.Version)
	w2 := e.put(b.ID, "introduction", "Migrants from Çağlar's study arrive in Łódź. Jørgensen counts them 😀 carefully.", w.Version)
	if w1.Merged || !w2.Merged || w2.Version <= w1.Version || len(w2.Conflicts) != 0 {
		t.Fatalf("writes: %+v %+v", w1, w2)
	}
	if want := "Migrants from Çağlar's 2019 study arrive in Łódź. Jørgensen counts them 😀 carefully."; w2.Text != want {
		t.Fatalf("merged %q, want %q", w2.Text, want)
	}

	// A stale edit of a word someone else changed meanwhile cannot apply: it
	// is kept as an unresolved merge, listed with the section, never dropped.
	base := w2.Version
	other := e.put(b.ID, "introduction", strings.Replace(w2.Text, "counts", "counted", 1), base)
	stale := e.put(b.ID, "introduction", strings.Replace(w2.Text, "counts", "tallies", 1), base)
	if !stale.Merged || stale.Version <= other.Version || len(stale.Conflicts) == 0 || !strings.Contains(stale.Text, "counted") {
		t.Fatalf("stale write: %+v", stale)
	}
	found := false
	for _, c := range stale.Conflicts {
		found = found || strings.Contains(c.Text, "tallies")
	}
	if !found {
		t.Fatalf("the user's words are not kept: %+v", stale.Conflicts)
	}
	var got brief.Brief
	e.must(200, "GET", "/api/briefs/"+b.ID, e.tokens["supervisor"], nil, &got)
	if len(got.Sections[0].Conflicts) != len(stale.Conflicts) {
		t.Fatalf("conflicts are not listed with the section: %+v", got.Sections[0])
	}
	c := got.Sections[0].Conflicts[0]
	path := fmt.Sprintf("/api/briefs/%s/conflicts/%d/", b.ID, c.ID)
	if status, _ := e.do("POST", path+"apply", e.tokens["supervisor"], nil); status != 403 {
		t.Fatalf("someone else applied the merge: %d", status)
	}
	var applied sectionWrite
	e.must(200, "POST", path+"apply", e.tokens["author"], nil, &applied)
	if !strings.Contains(applied.Text, "tallies") {
		t.Fatalf("applied text %q misses %q", applied.Text, c.Text)
	}
	for _, other := range stale.Conflicts[1:] {
		e.must(204, "POST", fmt.Sprintf("/api/briefs/%s/conflicts/%d/dismiss", b.ID, other.ID), e.tokens["author"], nil, nil)
	}
	got = brief.Brief{} // json.Unmarshal would keep the old slices' fields
	e.must(200, "GET", "/api/briefs/"+b.ID, e.tokens["author"], nil, &got)
	if len(got.Sections[0].Conflicts) != 0 {
		t.Fatalf("resolved conflicts still listed: %+v", got.Sections[0].Conflicts)
	}
	if status, _ := e.do("POST", path+"dismiss", e.tokens["author"], nil); status != 404 {
		t.Fatalf("resolving twice: %d", status)
	}
}

func TestVersionsDiffRestore(t *testing.T) {
	e := newEnv(t)
	b := e.newBrief()
	author := e.tokens["author"]
	e.put(b.ID, "introduction", "The Council agreed on a common approach.", 0)
	e.put(b.ID, "references", "Garcés-Mascareñas, B. (2019).", 0)
	var v1 store.Version
	e.must(201, "POST", "/api/briefs/"+b.ID+"/versions", author, map[string]string{"label": "First draft"}, &v1)
	if v1.ID != "v1" || v1.Label != "First draft" || len(v1.Sections) != 5 {
		t.Fatalf("v1: %+v", v1)
	}
	if status, _ := e.do("POST", "/api/briefs/"+b.ID+"/versions", e.tokens["supervisor"], map[string]string{"label": "x"}); status != 403 {
		t.Fatalf("supervisor named a version: %d", status)
	}

	// Change text, rename and move a section, add one, remove one.
	e.put(b.ID, "introduction", "The Council finally agreed on a common European approach.", 1)
	e.must(204, "DELETE", "/api/briefs/"+b.ID+"/sections/stakeholder-priorities", author, nil, nil)
	e.must(201, "POST", "/api/briefs/"+b.ID+"/sections", author, map[string]string{"title": "Annex", "after": "references"}, nil)
	e.must(200, "PATCH", "/api/briefs/"+b.ID, author, map[string]any{"sections": []map[string]string{
		{"key": "introduction"}, {"key": "key-issues-and-controversies", "title": "Key issues"},
		{"key": "scoping-the-debate"}, {"key": "references"}, {"key": "annex"}}}, nil)
	var v2 store.Version
	e.must(201, "POST", "/api/briefs/"+b.ID+"/versions", author, map[string]string{"label": "Second"}, &v2)

	var d struct {
		Sections []store.SectionDiff `json:"sections"`
	}
	e.must(200, "GET", "/api/briefs/"+b.ID+"/diff?from=v1&to=v2", e.tokens["supervisor"], nil, &d)
	var got []string
	for _, s := range d.Sections {
		entry := s.Key + ":" + s.Status
		if s.OldTitle != "" {
			entry += ":was " + s.OldTitle
		}
		if s.OldIndex != nil {
			entry += fmt.Sprintf(":from %d", *s.OldIndex)
		}
		got = append(got, entry)
	}
	// A removed section stands after the section that preceded it before.
	want := "introduction:changed key-issues-and-controversies:same:was Key issues and controversies:from 2 " +
		"stakeholder-priorities:removed:from 3 scoping-the-debate:same:from 1 references:same:from 4 annex:added"
	if strings.Join(got, " ") != want {
		t.Fatalf("diff sections:\n got %s\nwant %s", strings.Join(got, " "), want)
	}
	var ins, del []string
	for _, op := range d.Sections[0].Ops {
		switch op.Op {
		case "insert":
			ins = append(ins, op.Text)
		case "delete":
			del = append(del, op.Text)
		}
	}
	if strings.Join(ins, "|") != "finally |European " || len(del) != 0 {
		t.Fatalf("word diff: %+v", d.Sections[0].Ops)
	}
	// Revision numbers and current work as references too.
	e.must(200, "GET", "/api/briefs/"+b.ID+"/diff?from=1&to=current", author, nil, &d)
	e.must(200, "GET", "/api/briefs/"+b.ID+"/diff?from=0", author, nil, &d)
	for _, bad := range []struct {
		q    string
		want int
	}{{"from=v9", 404}, {"from=banana", 400}, {"from=99", 404}, {"", 400}} {
		if status, raw := e.do("GET", "/api/briefs/"+b.ID+"/diff?"+bad.q, author, nil); status != bad.want {
			t.Fatalf("diff?%s: %d %s", bad.q, status, raw)
		}
	}
	if status, _ := e.do("GET", "/api/briefs/"+b.ID+"/diff?from=v1", e.tokens["outsider"], nil); status != 404 {
		t.Fatalf("outsider diff: %d", status)
	}

	// Restore v1: text, outline and the removed section come back as new edits.
	var res struct {
		Edits []store.VersionSection `json:"edits"`
		Brief brief.Brief            `json:"brief"`
	}
	if status, _ := e.do("POST", "/api/briefs/"+b.ID+"/restore", e.tokens["supervisor"], map[string]string{"version": "v1"}); status != 403 {
		t.Fatalf("supervisor restored: %d", status)
	}
	e.must(200, "POST", "/api/briefs/"+b.ID+"/restore", author, map[string]string{"version": "v1"}, &res)
	var keys []string
	for _, s := range res.Brief.Sections {
		keys = append(keys, s.Key+"="+s.Title)
	}
	if strings.Join(keys, ",") != "introduction=Introduction,scoping-the-debate=Scoping the debate,key-issues-and-controversies=Key issues and controversies,stakeholder-priorities=Stakeholder priorities,references=References" {
		t.Fatalf("restored outline: %v", keys)
	}
	if res.Brief.Sections[0].Text != "The Council agreed on a common approach." || len(res.Edits) != 1 || res.Edits[0].Version != 3 {
		t.Fatalf("restored: %+v", res)
	}
	e.must(200, "GET", "/api/briefs/"+b.ID+"/diff?from=v1&to=current", author, nil, &d)
	for _, s := range d.Sections {
		if s.Status != "same" {
			t.Fatalf("after restoring v1 the brief differs from it: %+v", s)
		}
	}
	var revs []store.Revision
	e.must(200, "GET", "/api/briefs/"+b.ID+"/revisions", e.tokens["supervisor"], nil, &revs)
	if len(revs) < 3 || revs[0].Section != "introduction" || revs[0].ToVersion != 3 {
		t.Fatalf("revisions: %+v", revs)
	}
	var versions []store.Version
	e.must(200, "GET", "/api/briefs/"+b.ID+"/versions", e.tokens["supervisor"], nil, &versions)
	if len(versions) != 2 || versions[0].ID != "v2" {
		t.Fatalf("versions: %+v", versions)
	}
	for _, body := range []map[string]any{{}, {"version": "v7"}, {"revision": 99}, {"version": "v1", "revision": 1}} {
		if status, _ := e.do("POST", "/api/briefs/"+b.ID+"/restore", author, body); status != 400 && status != 404 {
			t.Fatalf("restore %v: %d", body, status)
		}
	}
}

func TestSearch(t *testing.T) {
	e := newEnv(t)
	b := e.newBrief()
	e.put(b.ID, "introduction", "Integration policies in Łódź were studied by Jørgensen and Çağlar; see the Straße report on æther.", 0)
	e.must(200, "PATCH", "/api/briefs/"+b.ID, e.tokens["author"], map[string]any{"title": "Œuvres of asylum"}, nil)
	other := e.newBrief()
	e.put(other.ID, "introduction", "Nothing about that here.", 0)

	search := func(token, q string) []store.Hit {
		t.Helper()
		var hits []store.Hit
		e.must(200, "GET", "/api/search?q="+q, token, nil, &hits)
		return hits
	}
	for _, q := range []string{"jorgensen", "JØRGENSEN", "lodz", "strasse", "caglar", "aether", "integr", "jorgensen%20caglar"} {
		hits := search(e.tokens["supervisor"], q)
		if len(hits) != 1 || hits[0].ID != b.ID || hits[0].Section != "introduction" {
			t.Fatalf("q=%s: %+v", q, hits)
		}
	}
	hits := search(e.tokens["author"], "oeuvres")
	if len(hits) != 1 || hits[0].Section != "" || hits[0].Snippet != "Œuvres of asylum" {
		t.Fatalf("title search: %+v", hits)
	}
	if hits := search(e.tokens["author"], "jorgensen"); !strings.Contains(hits[0].Snippet, "Jørgensen") {
		t.Fatalf("snippet must show the original text: %+v", hits)
	}
	if hits := search(e.tokens["outsider"], "jorgensen"); len(hits) != 0 {
		t.Fatalf("outsider found %+v", hits)
	}
	if hits := search(e.tokens["admin"], "jorgensen"); len(hits) != 1 {
		t.Fatalf("admin: %+v", hits)
	}
	if hits := search(e.tokens["author"], "jorgensen%20nothing"); len(hits) != 0 {
		t.Fatalf("all words must match: %+v", hits)
	}
	// Edits show up in search at once; removed sections and archived briefs leave it.
	e.put(b.ID, "introduction", "Rewritten entirely.", 1)
	if hits := search(e.tokens["author"], "jorgensen"); len(hits) != 0 {
		t.Fatalf("stale index: %+v", hits)
	}
	e.put(b.ID, "references", "Rewritten sources", 0)
	e.must(204, "DELETE", "/api/briefs/"+b.ID+"/sections/references", e.tokens["author"], nil, nil)
	if hits := search(e.tokens["author"], "sources"); len(hits) != 0 {
		t.Fatalf("removed section found: %+v", hits)
	}
	e.must(204, "DELETE", "/api/briefs/"+b.ID, e.tokens["author"], nil, nil)
	if hits := search(e.tokens["author"], "rewritten"); len(hits) != 0 {
		t.Fatalf("archived brief found: %+v", hits)
	}
	for _, q := range []string{"", "%20%2A%22", "-"} {
		if status, _ := e.do("GET", "/api/search?q="+q, e.tokens["author"], nil); status != 400 {
			t.Fatalf("q=%q: %d", q, status)
		}
	}
}
