package workspace_test

import (
	"encoding/json"
	"reflect"
	"testing"
)

// TestShareABriefWithItsHistory moves a brief made on this computer to a
// shared server the way the UI's "Share to a server" does: the embedded
// server's bundle, imported through the proxy. History, named versions and
// comments come along; the local copy stays.
func TestShareABriefWithItsHistory(t *testing.T) {
	noKeyring(t)
	s := newShared(t)
	e := newEmbedded(t, nil)
	e.add(s, "ana", "Consortium")

	// On this computer: a brief, two edits, a named version, a comment.
	var b briefBody
	e.must(201, "POST", "/api/briefs", e.local, map[string]any{"type": "discussion-brief", "title": "Housing first, Kraków"}, &b)
	var put struct {
		Version int64 `json:"version"`
	}
	e.must(200, "PUT", "/api/briefs/"+b.ID+"/sections/introduction", e.local, map[string]any{"text": "Cities test housing first.", "baseVersion": 0}, &put)
	e.must(201, "POST", "/api/briefs/"+b.ID+"/versions", e.local, map[string]any{"label": "First draft"}, nil)
	e.must(200, "PUT", "/api/briefs/"+b.ID+"/sections/introduction", e.local,
		map[string]any{"text": "Many cities test housing first in Łódź.", "baseVersion": put.Version}, nil)
	e.must(201, "POST", "/api/briefs/"+b.ID+"/comments", e.local,
		map[string]any{"section": "introduction", "start": 12, "end": 26, "quote": "test housing f", "body": "Which cities?"}, nil)

	// Share: GET the bundle here, POST it to the shared server through the proxy.
	var bundle json.RawMessage
	e.must(200, "GET", "/api/briefs/"+b.ID+"/bundle", e.local, nil, &bundle)
	var moved briefBody
	e.must(201, "POST", "/w/consortium/api/import/bundle", e.local, bundle, &moved)
	if moved.Title != "Housing first, Kraków" || moved.Sections[0].Text != "Many cities test housing first in Łódź." {
		t.Fatalf("on the shared server: %+v", moved)
	}

	// The same history on both sides, seen through the same routes.
	for _, path := range []string{"/revisions", "/versions", "/comments", "/diff?from=v1&to=current"} {
		var here, there []byte
		e.must(200, "GET", "/api/briefs/"+b.ID+path, e.local, nil, (*json.RawMessage)(&here))
		e.must(200, "GET", "/w/consortium/api/briefs/"+moved.ID+path, e.local, nil, (*json.RawMessage)(&there))
		if len(here) < 10 {
			t.Fatalf("%s: nothing to compare: %s", path, here)
		}
		if got, want := shape(t, there), shape(t, here); !reflect.DeepEqual(got, want) {
			t.Errorf("%s differs:\nshared: %v\nlocal:  %v", path, got, want)
		}
	}
	// The person at this computer is Ana on the shared server.
	var comments []struct {
		Author struct{ Name string } `json:"author"`
	}
	e.must(200, "GET", "/w/consortium/api/briefs/"+moved.ID+"/comments", e.local, nil, &comments)
	if len(comments) != 1 || comments[0].Author.Name != s.users["ana"].Name {
		t.Errorf("comments on the shared server: %+v, want one by %s", comments, s.users["ana"].Name)
	}
	// The local copy stays.
	e.must(200, "GET", "/api/briefs/"+b.ID, e.local, nil, nil)
}

// shape is a JSON answer with what differs between two servers by nature
// (ids, the brief's id, authors' ids and names, times) left out.
func shape(t *testing.T, raw []byte) any {
	t.Helper()
	var v any
	if err := json.Unmarshal(raw, &v); err != nil {
		t.Fatal(err)
	}
	var strip func(any) any
	strip = func(v any) any {
		switch x := v.(type) {
		case map[string]any:
			out := map[string]any{}
			for k, val := range x {
				switch k {
				case "id", "brief", "author", "createdBy", "by", "createdAt", "updatedAt", "editedAt", "resolvedAt", "decidedAt":
					if k == "id" {
						if s, ok := val.(string); ok && len(s) > 1 && s[0] == 'v' {
							out[k] = s // a named version's id ("v1") is part of the history
						}
					}
					continue
				}
				out[k] = strip(val)
			}
			return out
		case []any:
			for i := range x {
				x[i] = strip(x[i])
			}
			return x
		}
		return v
	}
	return strip(v)
}
