package server

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"math/rand"
	"net/http"
	"reflect"
	"strings"
	"testing"
	"time"

	"briefstudio/internal/auth"
	"briefstudio/internal/brief"
	"briefstudio/internal/review"
	"briefstudio/internal/store"
)

// putAs writes a section as who.
func (e *env) putAs(who, id, key, text string, base int64) sectionWrite {
	e.t.Helper()
	var w sectionWrite
	e.must(200, "PUT", "/api/briefs/"+id+"/sections/"+key, e.tokens[who], map[string]any{"text": text, "baseVersion": base}, &w)
	return w
}

// bundleOf exports a brief as who and returns the raw file.
func (e *env) bundleOf(who, id string) []byte {
	e.t.Helper()
	status, raw := e.do("GET", "/api/briefs/"+id+"/bundle", e.tokens[who], nil)
	if status != 200 {
		e.t.Fatalf("export bundle: status %d: %s", status, raw)
	}
	return raw
}

type importAnswer struct {
	brief.Brief
	Report store.BundleReport `json:"report"`
}

// sourceBrief builds, on e, a brief with everything a bundle carries:
// edits by two authors forming several revisions, a renamed, an added
// and a removed section, named versions, threads (one detached, one
// resolved, one with a deleted first comment, replies), suggestions
// (open, accepted, rejected), an unresolved merge, and the workflow
// through submit, request changes, submit again and approve.
func sourceBrief(t *testing.T, e *env) string {
	t.Helper()
	b := e.newBrief()
	id := b.ID
	e.must(201, "POST", "/api/briefs/"+id+"/members", e.tokens["author"], map[string]string{"email": "author2@example.org", "role": "author"}, nil)
	tick := func(d time.Duration) { e.clock.advance(d) }

	intro := "Labour migration policy in Europe needs evidence. Jørgensen counts the arrivals in Łódź 😀. Cities decide alone. Garcés-Mascareñas disagrees."
	w := e.putAs("author", id, "introduction", intro, 0)
	tick(20 * time.Second)
	intro += " More to come."
	w = e.putAs("author", id, "introduction", intro, w.Version) // the same revision
	tick(2 * time.Minute)
	intro = strings.Replace(intro, "More to come.", "More will come.", 1)
	w = e.putAs("author", id, "introduction", intro, w.Version) // a pause: a new revision
	tick(10 * time.Second)
	sc := e.putAs("author2", id, "scoping-the-debate", "The debate, scoped by the second author: Çağlar, Salamońska.", 0)
	tick(5 * time.Second)
	e.putAs("author2", id, "scoping-the-debate", sc.Text+" 中文.", sc.Version)
	tick(10 * time.Second)
	e.putAs("author", id, "references", "Jørgensen, J. (2019). Counting arrivals.", 0)
	tick(10 * time.Second)

	// Rename a section, add one, remove one.
	var cur brief.Brief
	e.must(200, "GET", "/api/briefs/"+id, e.tokens["author"], nil, &cur)
	var slots []map[string]string
	for _, s := range cur.Sections {
		sl := map[string]string{"key": s.Key}
		if s.Key == "scoping-the-debate" {
			sl["title"] = "Scope of the debate"
		}
		slots = append(slots, sl)
	}
	e.must(200, "PATCH", "/api/briefs/"+id, e.tokens["author"], map[string]any{"sections": slots}, nil)
	var annex brief.Section
	e.must(201, "POST", "/api/briefs/"+id+"/sections", e.tokens["author"], map[string]any{"title": "Annex", "after": "stakeholder-priorities"}, &annex)
	tick(10 * time.Second)
	e.putAs("author2", id, annex.Key, "Annex: the survey's questions.", 0)
	tick(10 * time.Second)
	e.must(204, "DELETE", "/api/briefs/"+id+"/sections/references", e.tokens["author"], nil, nil)

	// Threads.
	c1 := e.comment(id, "supervisor", "needs evidence", "Which evidence?", w.Version, intro)
	e.must(201, "POST", "/api/briefs/"+id+"/comments", e.tokens["author"], map[string]any{"parent": c1.ID, "body": "The survey's."}, nil)
	var r1 review.Comment
	e.must(201, "POST", "/api/briefs/"+id+"/comments", e.tokens["supervisor"], map[string]any{"parent": c1.ID, "body": "Cite it."}, &r1)
	e.must(201, "POST", "/api/briefs/"+id+"/comments", e.tokens["author"], map[string]any{"parent": r1.ID, "body": "Done <b>soon</b>."}, nil)
	c2 := e.comment(id, "supervisor", "Cities decide alone.", "Do they?", w.Version, intro)
	c3 := e.comment(id, "author", "Labour", "A note to self.", w.Version, intro)
	e.must(201, "POST", "/api/briefs/"+id+"/comments", e.tokens["supervisor"], map[string]any{"parent": c3.ID, "body": "Answering a note."}, nil)
	e.must(204, "DELETE", fmt.Sprintf("/api/comments/%d", c3.ID), e.tokens["author"], nil, nil)
	e.comment(id, "author2", "Garcés-Mascareñas", "Spelling checked.", w.Version, intro)

	// A named version.
	tick(time.Minute)
	e.must(201, "POST", "/api/briefs/"+id+"/versions", e.tokens["author"], map[string]string{"label": "First draft"}, nil)
	tick(time.Minute)

	// Suggestions: open, accepted, rejected.
	e.suggest(id, "supervisor", "Europe", "the European Union", w.Version, intro)
	g2 := e.suggest(id, "supervisor", "policy", "policies", w.Version, intro)
	g3 := e.suggest(id, "author2", "arrivals", "newcomers", w.Version, intro)
	e.must(200, "POST", fmt.Sprintf("/api/suggestions/%d/accept", g2.ID), e.tokens["author"], nil, nil)
	e.must(200, "POST", fmt.Sprintf("/api/suggestions/%d/reject", g3.ID), e.tokens["author"], nil, nil)
	tick(time.Minute)

	// Delete the commented sentence (the thread detaches), resolve a thread.
	intro, v := e.currentText(id)
	intro = strings.Replace(intro, " Cities decide alone.", "", 1)
	w = e.putAs("author", id, "introduction", intro, v)
	e.must(200, "POST", fmt.Sprintf("/api/comments/%d/resolve", c1.ID), e.tokens["author"], nil, nil)
	if got := e.comments(id)[c2.ID]; !got.Detached {
		t.Fatalf("the comment on deleted text is not detached: %+v", got)
	}
	tick(2 * time.Minute)

	// An unresolved merge: two stale edits of one word.
	base := w.Version
	e.putAs("author", id, "introduction", strings.Replace(intro, "counts", "counted", 1), base)
	stale := e.putAs("author2", id, "introduction", strings.Replace(intro, "counts", "tallies", 1), base)
	if len(stale.Conflicts) == 0 {
		t.Fatalf("no unresolved merge: %+v", stale)
	}
	tick(time.Minute)

	// The workflow.
	e.must(200, "POST", "/api/briefs/"+id+"/submit", e.tokens["author"], nil, nil)
	tick(time.Hour)
	e.must(200, "POST", "/api/briefs/"+id+"/review", e.tokens["supervisor"], map[string]string{"decision": "request_changes", "note": "Add the sources."}, nil)
	tick(time.Hour)
	intro, v = e.currentText(id)
	e.putAs("author", id, "introduction", intro+" Sources: the 2019 survey.", v)
	tick(time.Minute)
	e.must(200, "POST", "/api/briefs/"+id+"/submit", e.tokens["author"], map[string]string{"note": "Sources added."}, nil)
	tick(time.Hour)
	e.must(200, "POST", "/api/briefs/"+id+"/review", e.tokens["supervisor"], map[string]string{"decision": "approve", "note": "Good."}, nil)
	return id
}

func TestBundleRoundTrip(t *testing.T) {
	ctx := context.Background()
	a := newEnv(t)
	b := newEnvUsers(t, []envUser{
		{"admin", "admin@b.example", "Admin B", "admin"},
		{"carol", "carol@b.example", "Carol", "author"},
		{"supervisor", "supervisor@example.org", "supervisor", "supervisor"},
		{"outsider", "outsider@b.example", "Outsider", "author"},
	})
	b.clock.advance(90 * 24 * time.Hour)
	idA := sourceBrief(t, a)

	// Export from A.
	req, _ := http.NewRequest("GET", a.url+"/api/briefs/"+idA+"/bundle", nil)
	req.Header.Set("Authorization", "Bearer "+a.tokens["author"])
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	raw, _ := io.ReadAll(res.Body)
	res.Body.Close()
	if res.StatusCode != 200 || !strings.HasPrefix(res.Header.Get("Content-Type"), "application/json") ||
		res.Header.Get("Content-Disposition") != `attachment; filename="labour-migration.briefstudio.json"` {
		t.Fatalf("export: %d %v: %.300s", res.StatusCode, res.Header, raw)
	}
	var bundle store.Bundle
	if err := json.Unmarshal(raw, &bundle); err != nil {
		t.Fatal(err)
	}
	if bundle.Format != "briefstudio-bundle" || bundle.Version != 1 || bundle.ExportedBy.Email != "author@example.org" {
		t.Fatalf("bundle head: %+v %+v", bundle.Format, bundle.ExportedBy)
	}

	// Import on B as Carol, whose e-mail differs: the exporter is her.
	var imp importAnswer
	b.must(201, "POST", "/api/import/bundle", b.tokens["carol"], raw, &imp)
	idB := imp.ID
	mapped := map[string]string{}
	for _, p := range imp.Report.People {
		mapped[p.Email] = p.Mapped
	}
	want := map[string]string{"author@example.org": "you", "author2@example.org": "unlinked", "supervisor@example.org": "existing"}
	if !reflect.DeepEqual(mapped, want) {
		t.Fatalf("people mapped %v, want %v (report %+v)", mapped, want, imp.Report)
	}
	if len(imp.Report.Warnings) == 0 || !strings.Contains(strings.Join(imp.Report.Warnings, "\n"), "author2@example.org") {
		t.Fatalf("no warning about the unlinked author: %q", imp.Report.Warnings)
	}
	if imp.Role != "author" || imp.Status != brief.StatusApproved {
		t.Fatalf("imported brief: role %q status %q", imp.Role, imp.Status)
	}
	// Names on B: the exporter is Carol, the others keep theirs.
	name := map[string]string{"author": "Carol", "author2": "author2", "supervisor": "supervisor"}
	as := func(n string) string {
		if m, ok := name[n]; ok {
			return m
		}
		return "?" + n
	}

	// The brief as GET gives it, for its author and for the supervisor.
	getBoth := func(whoA, whoB string) (brief.Brief, brief.Brief) {
		var x, y brief.Brief
		a.must(200, "GET", "/api/briefs/"+idA, a.tokens[whoA], nil, &x)
		b.must(200, "GET", "/api/briefs/"+idB, b.tokens[whoB], nil, &y)
		return x, y
	}
	ba, bb := getBoth("author", "carol")
	if !reflect.DeepEqual(imp.Brief, bb) {
		t.Fatalf("the import answered\n%+v\nbut GET gives\n%+v", imp.Brief, bb)
	}
	if ba.Title != bb.Title || ba.Type != bb.Type || ba.Status != bb.Status || !reflect.DeepEqual(ba.Metadata, bb.Metadata) ||
		!ba.CreatedAt.Equal(bb.CreatedAt) || !ba.UpdatedAt.Equal(bb.UpdatedAt) {
		t.Fatalf("brief differs:\nA %+v\nB %+v", ba, bb)
	}
	if len(ba.Sections) != len(bb.Sections) {
		t.Fatalf("sections: %d on A, %d on B", len(ba.Sections), len(bb.Sections))
	}
	nConflicts := 0
	for i := range ba.Sections {
		sa, sb := ba.Sections[i], bb.Sections[i]
		if sa.Key != sb.Key || sa.Title != sb.Title || sa.Text != sb.Text || sa.Version != sb.Version || len(sa.Conflicts) != len(sb.Conflicts) {
			t.Fatalf("section %d differs:\nA %+v\nB %+v", i, sa, sb)
		}
		for j := range sa.Conflicts {
			ca, cb := sa.Conflicts[j], sb.Conflicts[j]
			if ca.Section != cb.Section || ca.BaseVersion != cb.BaseVersion || ca.Base != cb.Base || ca.Text != cb.Text ||
				ca.Start != cb.Start || ca.End != cb.End || as(ca.Author.Name) != cb.Author.Name || !ca.CreatedAt.Equal(cb.CreatedAt) {
				t.Fatalf("unresolved merge differs:\nA %+v\nB %+v", ca, cb)
			}
			nConflicts++
		}
	}
	if nConflicts == 0 {
		t.Fatal("the unresolved merge was not carried")
	}
	sa, sb := getBoth("supervisor", "supervisor")
	if sa.LastReviewedVersion == nil || sb.LastReviewedVersion == nil || *sa.LastReviewedVersion != *sb.LastReviewedVersion {
		t.Fatalf("the supervisor's last review: A %v, B %v", sa.LastReviewedVersion, sb.LastReviewedVersion)
	}
	summary := func(e *env, who, id string) brief.Summary {
		var list []brief.Summary
		e.must(200, "GET", "/api/briefs", e.tokens[who], nil, &list)
		for _, s := range list {
			if s.ID == id {
				return s
			}
		}
		t.Fatalf("brief %s not listed for %s", id, who)
		return brief.Summary{}
	}
	la, lb := summary(a, "supervisor", idA), summary(b, "supervisor", idB)
	la.ID, lb.ID = "", ""
	if !reflect.DeepEqual(la, lb) {
		t.Fatalf("the supervisor's list entry differs:\nA %+v\nB %+v", la, lb)
	}

	// The text at every version of every section, removed ones included.
	for _, sec := range bundle.Sections {
		for v := int64(0); v <= sec.Version; v++ {
			ta, err := a.store.TextAt(ctx, idA, sec.Key, v)
			if err != nil {
				t.Fatal(err)
			}
			tb, err := b.store.TextAt(ctx, idB, sec.Key, v)
			if err != nil {
				t.Fatal(err)
			}
			if ta != tb {
				t.Fatalf("%s at version %d:\nA %q\nB %q", sec.Key, v, ta, tb)
			}
		}
	}

	// History.
	var revA, revB []store.Revision
	a.must(200, "GET", "/api/briefs/"+idA+"/revisions", a.tokens["author"], nil, &revA)
	b.must(200, "GET", "/api/briefs/"+idB+"/revisions", b.tokens["carol"], nil, &revB)
	if len(revA) < 8 || len(revA) != len(revB) {
		t.Fatalf("revisions: %d on A, %d on B", len(revA), len(revB))
	}
	authors := map[string]bool{}
	for i := range revA {
		ra, rb := revA[i], revB[i]
		authors[ra.Author.Name] = true
		if ra.Number != rb.Number || ra.Section != rb.Section || ra.FromVersion != rb.FromVersion || ra.ToVersion != rb.ToVersion ||
			!ra.CreatedAt.Equal(rb.CreatedAt) || !ra.UpdatedAt.Equal(rb.UpdatedAt) || as(ra.Author.Name) != rb.Author.Name {
			t.Fatalf("revision differs:\nA %+v\nB %+v", ra, rb)
		}
	}
	if !authors["author"] || !authors["author2"] {
		t.Fatalf("the revisions are not by both authors: %v", authors)
	}
	var verA, verB []store.Version
	a.must(200, "GET", "/api/briefs/"+idA+"/versions", a.tokens["author"], nil, &verA)
	b.must(200, "GET", "/api/briefs/"+idB+"/versions", b.tokens["carol"], nil, &verB)
	if len(verA) != 5 || len(verA) != len(verB) {
		t.Fatalf("versions: %d on A, %d on B", len(verA), len(verB))
	}
	for i := range verA {
		va, vb := verA[i], verB[i]
		if va.ID != vb.ID || va.Label != vb.Label || va.Kind != vb.Kind || va.Revision != vb.Revision ||
			!va.CreatedAt.Equal(vb.CreatedAt) || as(va.CreatedBy.Name) != vb.CreatedBy.Name || !reflect.DeepEqual(va.Sections, vb.Sections) {
			t.Fatalf("version differs:\nA %+v\nB %+v", va, vb)
		}
	}

	// Diffs between any two states.
	refs := []string{"0", "current", "submitted"}
	for _, v := range verA {
		refs = append(refs, v.ID)
	}
	for _, r := range revA {
		refs = append(refs, fmt.Sprint(r.Number))
	}
	diff := func(e *env, who, id, from, to string) string {
		var d struct {
			Sections json.RawMessage `json:"sections"`
		}
		e.must(200, "GET", "/api/briefs/"+id+"/diff?from="+from+"&to="+to, e.tokens[who], nil, &d)
		return string(d.Sections)
	}
	for _, from := range refs {
		for _, to := range []string{"current", "v1", "3"} {
			if da, db := diff(a, "author", idA, from, to), diff(b, "carol", idB, from, to); da != db {
				t.Fatalf("diff %s..%s:\nA %s\nB %s", from, to, da, db)
			}
		}
	}
	if !strings.Contains(diff(a, "author", idA, "v1", "current"), `"changed"`) {
		t.Fatal("the diff v1..current shows no change: the test proves little")
	}
	if da, db := diff(a, "supervisor", idA, "lastReviewed", "current"), diff(b, "supervisor", idB, "lastReviewed", "current"); da != db {
		t.Fatalf("changed since last review:\nA %s\nB %s", da, db)
	}

	// Review.
	var comA, comB []review.Comment
	a.must(200, "GET", "/api/briefs/"+idA+"/comments", a.tokens["author"], nil, &comA)
	b.must(200, "GET", "/api/briefs/"+idB+"/comments", b.tokens["carol"], nil, &comB)
	if len(comA) != 8 || len(comA) != len(comB) {
		t.Fatalf("comments: %d on A, %d on B", len(comA), len(comB))
	}
	index := func(list []review.Comment) map[int64]int {
		m := map[int64]int{}
		for i, c := range list {
			m[c.ID] = i
		}
		return m
	}
	ia, ib := index(comA), index(comB)
	var detached, resolved, deleted int
	for i := range comA {
		ca, cb := comA[i], comB[i]
		if (ca.Parent == nil) != (cb.Parent == nil) || ca.Parent != nil && ia[*ca.Parent] != ib[*cb.Parent] {
			t.Fatalf("comment %d's thread differs:\nA %+v\nB %+v", i, ca, cb)
		}
		if ca.Section != cb.Section || ca.Start != cb.Start || ca.End != cb.End || ca.Version != cb.Version || ca.Quote != cb.Quote ||
			ca.BaseVersion != cb.BaseVersion || ca.Detached != cb.Detached || ca.Body != cb.Body || ca.Deleted != cb.Deleted ||
			ca.Resolved != cb.Resolved || as(ca.Author.Name) != cb.Author.Name || !ca.CreatedAt.Equal(cb.CreatedAt) ||
			(ca.ResolvedBy == nil) != (cb.ResolvedBy == nil) || ca.ResolvedBy != nil && as(ca.ResolvedBy.Name) != cb.ResolvedBy.Name {
			t.Fatalf("comment %d differs:\nA %+v\nB %+v", i, ca, cb)
		}
		if ca.Parent == nil {
			detached += map[bool]int{true: 1}[ca.Detached]
			resolved += map[bool]int{true: 1}[ca.Resolved]
			deleted += map[bool]int{true: 1}[ca.Deleted]
			if !ca.Detached && !ca.Deleted {
				text := ""
				for _, s := range bb.Sections {
					if s.Key == cb.Section {
						text = s.Text
					}
				}
				if got := covered(text, cb.Start, cb.End); got != cb.Quote {
					t.Fatalf("the thread %q covers %q on B", cb.Quote, got)
				}
			}
		}
	}
	if detached != 1 || resolved != 1 || deleted != 1 {
		t.Fatalf("threads: %d detached, %d resolved, %d deleted; want one each", detached, resolved, deleted)
	}
	var sugA, sugB []review.Suggestion
	a.must(200, "GET", "/api/briefs/"+idA+"/suggestions", a.tokens["author"], nil, &sugA)
	b.must(200, "GET", "/api/briefs/"+idB+"/suggestions", b.tokens["carol"], nil, &sugB)
	if len(sugA) < 4 || len(sugA) != len(sugB) {
		t.Fatalf("suggestions: %d on A, %d on B", len(sugA), len(sugB))
	}
	states := map[string]int{}
	for i := range sugA {
		ga, gb := sugA[i], sugB[i]
		states[ga.Origin+"/"+ga.Status]++
		if ga.Section != gb.Section || ga.Origin != gb.Origin || ga.Start != gb.Start || ga.End != gb.End || ga.Version != gb.Version ||
			ga.Quote != gb.Quote || ga.Replacement != gb.Replacement || ga.Base != gb.Base || ga.BaseVersion != gb.BaseVersion ||
			ga.Detached != gb.Detached || ga.Stale != gb.Stale || ga.Status != gb.Status || ga.AppliedVersion != gb.AppliedVersion ||
			as(ga.Author.Name) != gb.Author.Name || !ga.CreatedAt.Equal(gb.CreatedAt) ||
			(ga.DecidedBy == nil) != (gb.DecidedBy == nil) || ga.DecidedBy != nil && as(ga.DecidedBy.Name) != gb.DecidedBy.Name {
			t.Fatalf("suggestion %d differs:\nA %+v\nB %+v", i, ga, gb)
		}
	}
	if states["suggestion/open"] != 1 || states["suggestion/accepted"] != 1 || states["suggestion/rejected"] != 1 || states["merge/open"] == 0 {
		t.Fatalf("suggestions by state: %v", states)
	}
	var decA, decB []review.Decision
	a.must(200, "GET", "/api/briefs/"+idA+"/decisions", a.tokens["author"], nil, &decA)
	b.must(200, "GET", "/api/briefs/"+idB+"/decisions", b.tokens["carol"], nil, &decB)
	if len(decA) != 4 || len(decA) != len(decB) {
		t.Fatalf("decisions: %d on A, %d on B", len(decA), len(decB))
	}
	for i := range decA {
		da, db := decA[i], decB[i]
		if da.Kind != db.Kind || da.Note != db.Note || da.Version != db.Version || da.Status != db.Status ||
			as(da.By.Name) != db.By.Name || !da.CreatedAt.Equal(db.CreatedAt) {
			t.Fatalf("decision differs:\nA %+v\nB %+v", da, db)
		}
	}

	// Members on B: Carol and the supervisor, who exists there.
	var members []brief.Member
	b.must(200, "GET", "/api/briefs/"+idB+"/members", b.tokens["carol"], nil, &members)
	roles := map[string]brief.MemberRole{}
	for _, m := range members {
		roles[m.Email] = m.Role
	}
	if !reflect.DeepEqual(roles, map[string]brief.MemberRole{"carol@b.example": "author", "supervisor@example.org": "supervisor"}) {
		t.Fatalf("members on B: %v", roles)
	}
	b.must(404, "GET", "/api/briefs/"+idB, b.tokens["outsider"], nil, nil)

	// Search finds the imported brief (accents folded).
	var hits []store.Hit
	b.must(200, "GET", "/api/search?q=jorgensen+lodz", b.tokens["carol"], nil, &hits)
	if len(hits) == 0 || hits[0].ID != idB {
		t.Fatalf("search on B: %+v", hits)
	}

	// B's own export carries the same history.
	var again store.Bundle
	if err := json.Unmarshal(b.bundleOf("carol", idB), &again); err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(again.Log, bundle.Log) || !reflect.DeepEqual(again.Revisions, bundle.Revisions) ||
		!reflect.DeepEqual(again.OutlineLog, bundle.OutlineLog) || !reflect.DeepEqual(again.Versions, bundle.Versions) ||
		!reflect.DeepEqual(again.Sections, bundle.Sections) || !reflect.DeepEqual(again.Decisions, bundle.Decisions) {
		t.Fatal("B's bundle differs from A's in its history")
	}

	// Work goes on on B: a stale edit merges through the imported log
	// (its base rebuilt through the inverses made on import), and starts
	// the next revision.
	intro := bb.Sections[0]
	base := intro.Version - 3
	old, err := b.store.TextAt(ctx, idB, "introduction", base)
	if err != nil {
		t.Fatal(err)
	}
	w := b.putAs("carol", idB, "introduction", "Foreword. "+old, base)
	if !w.Merged || w.Version != intro.Version+1 || w.Text != "Foreword. "+intro.Text {
		t.Fatalf("stale edit on B: %+v, want %q", w, "Foreword. "+intro.Text)
	}
	var revs []store.Revision
	b.must(200, "GET", "/api/briefs/"+idB+"/revisions", b.tokens["carol"], nil, &revs)
	if revs[0].Number != revA[0].Number+1 || revs[0].Author.Name != "Carol" || revs[0].FromVersion != intro.Version {
		t.Fatalf("the next revision on B: %+v", revs[0])
	}

	// The same bundle again makes another brief; the unlinked author is
	// the same person in both.
	var imp2 importAnswer
	b.must(201, "POST", "/api/import/bundle", b.tokens["carol"], raw, &imp2)
	if imp2.ID == idB {
		t.Fatal("a second import reused the brief")
	}
	unlinked := func(id string) int64 {
		var list []store.Revision
		b.must(200, "GET", "/api/briefs/"+id+"/revisions", b.tokens["carol"], nil, &list)
		for _, r := range list {
			if r.Author.Name == "author2" {
				return r.Author.ID
			}
		}
		t.Fatalf("no revision by author2 on %s", id)
		return 0
	}
	pid := unlinked(idB)
	if unlinked(imp2.ID) != pid {
		t.Fatal("the unlinked author is two people after two imports")
	}

	// The unlinked author has no account: not listed, no link, no token,
	// not a possible member.
	var users []brief.User
	b.must(200, "GET", "/api/users", b.tokens["admin"], nil, &users)
	for _, u := range users {
		if u.Email == "author2@example.org" || u.ID == pid {
			t.Fatalf("the unlinked author is listed as a user: %+v", u)
		}
	}
	b.must(404, "POST", fmt.Sprintf("/api/users/%d/link", pid), b.tokens["admin"], nil, nil)
	if _, err := b.auth.LoginLink(ctx, pid); err == nil {
		t.Fatal("a login link was made for the unlinked author")
	}
	if _, err := b.store.UserByEmail(ctx, "author2@example.org"); brief.ErrorCode(err) != brief.ENotFound {
		t.Fatalf("UserByEmail of the unlinked author: %v", err)
	}
	b.must(404, "POST", "/api/briefs/"+idB+"/members", b.tokens["carol"], map[string]string{"email": "author2@example.org"}, nil)

	// An admin adds them: the same person, now able to sign in.
	var created auth.Created
	b.must(201, "POST", "/api/users", b.tokens["admin"], map[string]string{"email": "author2@example.org", "name": "Ana Second", "role": "author"}, &created)
	if created.User.ID != pid || created.Token == "" {
		t.Fatalf("the new user %+v is not the person of the history (%d)", created.User, pid)
	}
	var me brief.User
	b.must(200, "GET", "/api/me", created.Token, nil, &me)
	if me.Email != "author2@example.org" {
		t.Fatalf("signed in as %+v", me)
	}
	b.must(404, "GET", "/api/briefs/"+idB, created.Token, nil, nil)
	b.must(201, "POST", "/api/briefs/"+idB+"/members", b.tokens["carol"], map[string]string{"email": "author2@example.org"}, nil)
	var list []store.Revision
	b.must(200, "GET", "/api/briefs/"+idB+"/revisions", created.Token, nil, &list)
	linked := 0
	for _, r := range list {
		if r.Author.ID == pid {
			linked++
			if r.Author.Name != "Ana Second" {
				t.Fatalf("revision by the linked author is named %q", r.Author.Name)
			}
		}
	}
	if linked == 0 {
		t.Fatal("no revision links to the new account")
	}
	b.must(409, "POST", "/api/users", b.tokens["admin"], map[string]string{"email": "author2@example.org", "name": "Again", "role": "author"}, nil)
}

// TestBundleBad: a bundle that is wrong anywhere is refused whole, with a
// message that says what is wrong, and nothing is written.
func TestBundleBad(t *testing.T) {
	e := newEnv(t)
	br := e.newBrief()
	w := e.put(br.ID, "introduction", reviewText, 0)
	w = e.put(br.ID, "introduction", reviewText+" More.", w.Version)
	e.put(br.ID, "scoping-the-debate", "Scope.", 0)
	e.comment(br.ID, "supervisor", "needs evidence", "Which?", w.Version, reviewText)
	good := e.bundleOf("author", br.ID)
	var base store.Bundle
	if err := json.Unmarshal(good, &base); err != nil {
		t.Fatal(err)
	}
	// The bundle's sections in their order, and the log index of the
	// introduction's second version.
	if base.Sections[0].Key != "introduction" || base.Sections[0].Version != 2 || len(base.Comments) != 1 {
		t.Fatalf("unexpected base bundle: %+v", base.Sections[0])
	}
	second := -1
	for i, l := range base.Log {
		if l.Section == "introduction" && l.Version == 2 {
			second = i
		}
	}
	mutate := func(f func(b *store.Bundle)) func() []byte {
		return func() []byte {
			var b store.Bundle
			json.Unmarshal(good, &b)
			f(&b)
			raw, err := json.Marshal(b)
			if err != nil {
				t.Fatal(err)
			}
			return raw
		}
	}
	raw := func(s string) func() []byte { return func() []byte { return []byte(s) } }
	edit := func(old, new string) func() []byte {
		return func() []byte {
			if !bytes.Contains(good, []byte(old)) {
				t.Fatalf("%q is not in the bundle", old)
			}
			return bytes.Replace(good, []byte(old), []byte(new), 1)
		}
	}
	cases := []struct {
		name   string
		body   func() []byte
		status int
		msg    string
	}{
		{"not JSON", raw("Labour migration, as Markdown"), 400, "not JSON"},
		{"JSON but not an object", raw(`[1, 2, 3]`), 400, "one JSON object"},
		{"empty", raw(" \n"), 400, "empty"},
		{"wrong format", mutate(func(b *store.Bundle) { b.Format = "another-app" }), 400, "not a Brief Studio bundle"},
		{"no format", raw(`{"version": 1}`), 400, "not a Brief Studio bundle"},
		{"wrong version", mutate(func(b *store.Bundle) { b.Version = 2 }), 400, "bundle version 2 is not supported"},
		{"unknown field", edit(`{"format"`, `{"extra":true,"format"`), 400, `unknown field "extra"`},
		{"wrong type", edit(`"version":1`, `"version":"1"`), 400, "version"},
		{"delta does not apply", mutate(func(b *store.Bundle) { b.Log[second].Delta = "=9999\t+x" }), 400, "the delta does not apply"},
		{"NUL inserted by a delta", mutate(func(b *store.Bundle) { b.Log[second].Delta += "\t+%00" }), 400, "NUL"},
		{"bad escape in a delta", mutate(func(b *store.Bundle) { b.Log[second].Delta += "\t+%zz" }), 400, "bad escape"},
		{"text does not match its log", mutate(func(b *store.Bundle) { b.Sections[0].Text += " Tampered." }), 400, "does not match its edit log"},
		{"comment range outside its text", mutate(func(b *store.Bundle) { b.Comments[0].End = 5000 }), 400, "outside the text"},
		{"comment range reversed", mutate(func(b *store.Bundle) { b.Comments[0].Start, b.Comments[0].End = 9, 3 }), 400, "is not a range"},
		{"invalid UTF-8", edit(`"Labour migration"`, "\"Labour \xff migration\""), 400, "not valid UTF-8"},
		{"NUL in a comment", mutate(func(b *store.Bundle) { b.Comments[0].Body = "a\x00b" }), 400, "NUL"},
		{"duplicate section key", mutate(func(b *store.Bundle) { b.Sections[1].Key = b.Sections[0].Key }), 400, `section key "introduction" is used twice`},
		{"bad section key", mutate(func(b *store.Bundle) { b.Sections[1].Key = "../etc" }), 400, "is not a section key"},
		{"unknown person ref", mutate(func(b *store.Bundle) { b.Log[0].Author = 99 }), 400, "unknown person ref 99"},
		{"missing version", mutate(func(b *store.Bundle) { b.Log = append(b.Log[:second:second], b.Log[second+1:]...) }), 400, "version 2 of section \"introduction\" is missing"},
		{"huge version", mutate(func(b *store.Bundle) { b.Sections[0].Version = 1 << 60 }), 400, "is not a version the log can hold"},
		{"version logged twice", mutate(func(b *store.Bundle) { b.Log[second].Version = 1 }), 400, "logged twice"},
		{"revisions not contiguous", mutate(func(b *store.Bundle) { b.Revisions[0].Number = 7 }), 400, "revisions are numbered"},
		{"unknown section", mutate(func(b *store.Bundle) { b.Comments[0].Section = "nowhere" }), 400, `section "nowhere" is not in sections`},
		{"status without decisions", mutate(func(b *store.Bundle) { b.Brief.Status = brief.StatusApproved }), 400, "does not follow from the decisions"},
		{"bad e-mail", mutate(func(b *store.Bundle) { b.People[0].Email = "not an address" }), 400, "people[0].email"},
		{"huge comment", mutate(func(b *store.Bundle) { b.Comments[0].Body = strings.Repeat("x", 11<<10) }), 400, "comments[0]: body is"},
		{"over 10 MB", func() []byte { return append(bytes.Repeat([]byte(" "), MaxBody), good...) }, 413, "larger than"},
	}
	count := func() int {
		var list []brief.Summary
		e.must(200, "GET", "/api/briefs", e.tokens["admin"], nil, &list)
		return len(list)
	}
	before := count()
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			status, answer := e.do("POST", "/api/import/bundle", e.tokens["author2"], c.body())
			if status != c.status {
				t.Fatalf("status %d, want %d: %s", status, c.status, answer)
			}
			code := errorCode(t, answer)
			if want := map[int]string{400: "invalid", 413: "too_large"}[c.status]; code != want {
				t.Fatalf("code %s, want %s", code, want)
			}
			var body errorBody
			json.Unmarshal(answer, &body)
			if !strings.Contains(body.Error.Message, c.msg) {
				t.Fatalf("message %q does not say %q", body.Error.Message, c.msg)
			}
			if after := count(); after != before {
				t.Fatalf("a refused bundle made a brief: %d -> %d", before, after)
			}
		})
	}
	// The good bundle imports.
	e.must(201, "POST", "/api/import/bundle", e.tokens["author2"], good, nil)
	if after := count(); after != before+1 {
		t.Fatalf("briefs %d -> %d", before, after)
	}
}

// TestBundleAccess: export is for those who may read the brief.
func TestBundleAccess(t *testing.T) {
	e := newEnv(t)
	br := e.newBrief()
	e.must(404, "GET", "/api/briefs/"+br.ID+"/bundle", e.tokens["outsider"], nil, nil)
	e.must(404, "GET", "/api/briefs/nosuchbrief0/bundle", e.tokens["admin"], nil, nil)
	e.must(401, "GET", "/api/briefs/"+br.ID+"/bundle", "", nil, nil)
	e.must(401, "POST", "/api/import/bundle", "", e.bundleOf("supervisor", br.ID), nil)
	e.must(200, "GET", "/api/briefs/"+br.ID+"/bundle", e.tokens["supervisor"], nil, nil)
	e.must(200, "GET", "/api/briefs/"+br.ID+"/bundle", e.tokens["admin"], nil, nil)
}

// benchBrief makes, through the store, a brief whose introduction is about
// 60 KB after 1,000 edits (a word typed, changed or removed each time, by
// two authors with pauses).
func benchBrief(b *testing.B, e *env) string {
	ctx := context.Background()
	br := e.newBrief()
	e.must(201, "POST", "/api/briefs/"+br.ID+"/members", e.tokens["author"], map[string]string{"email": "author2@example.org", "role": "author"}, nil)
	rng := rand.New(rand.NewSource(7))
	words := strings.Fields("migration asylum integration policy council member states Garcés-Mascareñas Jørgensen " +
		"Çağlar Łódź labour market refugees reception directive solidarity return border procedure evidence 中文 😀")
	var sb strings.Builder
	for sb.Len() < 58_000 {
		sb.WriteString(words[rng.Intn(len(words))])
		sb.WriteByte(' ')
	}
	text := sb.String()
	w, err := e.store.PutSection(ctx, e.users["author"], br.ID, "introduction", text, 0)
	if err != nil {
		b.Fatal(err)
	}
	for i := 1; i < 1000; i++ {
		ws := strings.Split(text, " ")
		k := rng.Intn(len(ws))
		switch i % 3 {
		case 0:
			ws[k] = words[rng.Intn(len(words))]
		case 1:
			ws = append(ws[:k], append([]string{words[rng.Intn(len(words))]}, ws[k:]...)...)
		default:
			ws = append(ws[:k], ws[k+1:]...)
		}
		text = strings.Join(ws, " ")
		who := e.users["author"]
		if i/50%2 == 1 {
			who = e.users["author2"]
		}
		e.clock.advance(time.Duration(rng.Intn(90)) * time.Second)
		if w, err = e.store.PutSection(ctx, who, br.ID, "introduction", text, w.Version); err != nil {
			b.Fatal(err)
		}
	}
	return br.ID
}

// BenchmarkBundle60KB: GET .../bundle then POST /api/import/bundle of a
// brief with a 60 KB section and 1,000 edits, over loopback HTTP.
func BenchmarkBundle60KB(b *testing.B) {
	e := newEnv(b)
	id := benchBrief(b, e)
	b.ResetTimer()
	var size int
	for i := 0; i < b.N; i++ {
		raw := e.bundleOf("author", id)
		status, answer := e.do("POST", "/api/import/bundle", e.tokens["author2"], raw)
		if status != 201 {
			b.Fatalf("import: %d %.300s", status, answer)
		}
		size = len(raw)
	}
	b.ReportMetric(float64(size), "bundle-bytes")
}
