package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestBundleCommands: a brief goes from one data directory to another
// with its history, by the command line.
func TestBundleCommands(t *testing.T) {
	ctx := context.Background()
	from, to := t.TempDir(), t.TempDir()
	for _, u := range [][]string{{from, "boss@example.org", "admin"}, {from, "ana@example.org", "author"}, {to, "root@example.org", "admin"}, {to, "eve@example.org", "author"}} {
		if _, err := runCmd(t, "user", "add", "--data", u[0], "--email", u[1], "--name", strings.Split(u[1], "@")[0], "--role", u[2]); err != nil {
			t.Fatal(err)
		}
	}
	out, err := runCmd(t, "import", "internal/importer/testdata/discussion-brief.md", "--type", "discussion-brief", "--data", from, "--owner", "ana@example.org")
	id := strings.TrimSpace(out)
	if err != nil {
		t.Fatalf("import: %v %s", err, out)
	}
	file := filepath.Join(t.TempDir(), "brief.briefstudio.json")
	if out, err := runCmd(t, "bundle", "export", id, "--data", from, "--out", file); err != nil || !strings.Contains(out, file) {
		t.Fatalf("bundle export: %v %s", err, out)
	}
	var stdout, stderr bytes.Buffer
	if err := run([]string{"bundle", "import", "--data", to, file, "--owner", "eve@example.org"}, &stdout, &stderr); err != nil {
		t.Fatalf("bundle import: %v %s", err, stderr.String())
	}
	newID := strings.TrimSpace(stdout.String())
	// The exporter (the first admin) is eve; ana has no account there.
	if len(newID) != 12 || !strings.Contains(stderr.String(), "boss@example.org>: you") || !strings.Contains(stderr.String(), "ana@example.org>: unlinked") {
		t.Fatalf("bundle import printed %q, %q", stdout.String(), stderr.String())
	}
	c, err := openCore(to)
	if err != nil {
		t.Fatal(err)
	}
	eve, _ := c.store.UserByEmail(ctx, "eve@example.org")
	b, err := c.store.Brief(ctx, eve, newID)
	c.Close()
	if err != nil || b.Role != "author" || len(b.Sections) == 0 || b.Sections[0].Text == "" {
		t.Fatalf("imported brief: %+v %v", b, err)
	}
	c, err = openCore(from)
	if err != nil {
		t.Fatal(err)
	}
	ana, _ := c.store.UserByEmail(ctx, "ana@example.org")
	orig, _ := c.store.Brief(ctx, ana, id)
	c.Close()
	for i := range orig.Sections {
		if orig.Sections[i].Text != b.Sections[i].Text || orig.Sections[i].Version != b.Sections[i].Version {
			t.Fatalf("section %d differs", i)
		}
	}
	// Errors say what is wrong.
	bad := filepath.Join(t.TempDir(), "bad.json")
	os.WriteFile(bad, []byte(`{"format":"something-else","version":1}`), 0o600)
	for _, tt := range []struct {
		args []string
		want string
	}{
		{[]string{"bundle"}, "export or import"},
		{[]string{"bundle", "export", "--data", from, id}, "usage"},
		{[]string{"bundle", "export", "--data", from, "nosuchbrief0", "--out", file}, "not found"},
		{[]string{"bundle", "import", "--data", to}, "usage"},
		{[]string{"bundle", "import", "--data", to, bad}, "not a Brief Studio bundle"},
		{[]string{"bundle", "import", "--data", to, file, "--owner", "nobody@example.org"}, "no user"},
	} {
		if out, err := runCmd(t, tt.args...); err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%v: %v %s, want an error saying %q", tt.args, err, out, tt.want)
		}
	}
}
