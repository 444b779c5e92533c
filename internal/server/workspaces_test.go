package server

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"

	"briefstudio/internal/auth"
	"briefstudio/internal/store"
	"briefstudio/internal/workspace"
)

// TestWorkspaceRoutesNeedAManager: on `briefstudio serve` (no workspace
// manager) the desktop's routes are unknown API paths.
func TestWorkspaceRoutesNeedAManager(t *testing.T) {
	st, err := store.Open(filepath.Join(t.TempDir(), "serve.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	a := auth.New(st)
	sess, err := a.LocalSession(context.Background(), "Me")
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(New(st, a, Options{}).Handler())
	defer srv.Close()
	for _, r := range []struct{ method, path string }{
		{"GET", "/api/workspaces"},
		{"POST", "/api/workspaces"},
		{"DELETE", "/api/workspaces/x"},
		{"GET", "/api/local/store"},
		{"PUT", "/api/local/store/k"},
		{"GET", "/w/x/api/briefs"},
		{"GET", "/w/local/api/me"},
		{"GET", "/w/x/api/ws"},
	} {
		req, _ := http.NewRequest(r.method, srv.URL+r.path, strings.NewReader("{}"))
		req.Header.Set("Authorization", "Bearer "+sess.Token)
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		var body errorBody
		json.NewDecoder(res.Body).Decode(&body)
		res.Body.Close()
		if res.StatusCode != 404 || body.Error.Code != "not_found" {
			t.Errorf("%s %s: %d %q, want 404 not_found", r.method, r.path, res.StatusCode, body.Error.Code)
		}
	}
}

func TestUnreachableIsBadGateway(t *testing.T) {
	if got := statusOf(workspace.EUnreachable); got != http.StatusBadGateway {
		t.Fatalf("unreachable maps to %d", got)
	}
}
