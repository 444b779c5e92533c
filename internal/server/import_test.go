package server

import (
	"encoding/json"
	"os"
	"strings"
	"testing"

	"briefstudio/internal/brief"
)

func TestImport(t *testing.T) {
	e := newEnv(t)
	src, err := os.ReadFile("../importer/testdata/discussion-brief.md")
	if err != nil {
		t.Fatal(err)
	}
	var got struct {
		brief.Brief
		Report struct {
			Matched []json.RawMessage `json:"matched"`
		} `json:"report"`
	}
	e.must(201, "POST", "/api/import?type=discussion-brief", e.tokens["author"], src, &got)
	if got.ID == "" || got.Type != "discussion-brief" || got.Role != "author" || len(got.Sections) < 5 || len(got.Report.Matched) == 0 {
		t.Fatalf("imported: %+v", got)
	}
	if got.Title != "Housing first for newly recognised refugees in mid-sized cities" || got.Metadata.Topic != "Integration" {
		t.Fatalf("metadata: %q %+v", got.Title, got.Metadata)
	}
	var b brief.Brief
	e.must(200, "GET", "/api/briefs/"+got.ID, e.tokens["author"], nil, &b)
	if b.Sections[0].Key != "introduction" || !strings.Contains(b.Sections[0].Text, "reception centre") || b.Sections[0].Version != 1 {
		t.Fatalf("first section: %+v", b.Sections[0])
	}

	huge := strings.Repeat("# A\n\nword ", (MaxBody/10)+10)
	for _, tt := range []struct {
		name, path, token string
		body              any
		status            int
	}{
		{"ErrNoType", "/api/import", e.tokens["author"], src, 400},
		{"ErrUnknownType", "/api/import?type=memo", e.tokens["author"], src, 400},
		{"ErrEmpty", "/api/import?type=discussion-brief", e.tokens["author"], "", 400},
		{"ErrBinary", "/api/import?type=discussion-brief", e.tokens["author"], []byte{0x89, 'P', 'N', 'G', 0, 0, 0, 13, 'I', 'H', 'D', 'R'}, 400},
		{"ErrInvalidUTF8", "/api/import?type=discussion-brief", e.tokens["author"], []byte("# Intro\n\nbad \xff\xfe text\n"), 400},
		{"ErrTooLarge", "/api/import?type=discussion-brief", e.tokens["author"], huge, 413},
		{"ErrUnauthorized", "/api/import?type=discussion-brief", "", src, 401},
	} {
		t.Run(tt.name, func(t *testing.T) {
			status, raw := e.do("POST", tt.path, tt.token, tt.body)
			if status != tt.status {
				t.Fatalf("status %d, want %d: %.300s", status, tt.status, raw)
			}
			errorCode(t, raw)
		})
	}
	var list []brief.Summary
	e.must(200, "GET", "/api/briefs", e.tokens["author"], nil, &list)
	if len(list) != 1 {
		t.Fatalf("refused imports left briefs behind: %d", len(list))
	}
}
