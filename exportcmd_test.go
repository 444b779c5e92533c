package main

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

func TestExportCommand(t *testing.T) {
	dir := t.TempDir()
	for _, u := range [][]string{{"boss@example.org", "admin"}, {"ana@example.org", "author"}, {"sam@example.org", "supervisor"}} {
		if _, err := runCmd(t, "user", "add", "--data", dir, "--email", u[0], "--name", u[1], "--role", u[1]); err != nil {
			t.Fatal(err)
		}
	}
	out, err := runCmd(t, "import", "internal/importer/testdata/discussion-brief.md", "--type", "discussion-brief", "--data", dir, "--owner", "ana@example.org")
	id := strings.TrimSpace(out)
	if err != nil {
		t.Fatalf("import: %v %s", err, out)
	}
	// Submit and approve (v1, v2), then change the text: the brief is a
	// draft again.
	func() {
		c, err := openCore(dir)
		if err != nil {
			t.Fatal(err)
		}
		defer c.Close()
		ctx := context.Background()
		ana, _ := c.store.UserByEmail(ctx, "ana@example.org")
		sam, _ := c.store.UserByEmail(ctx, "sam@example.org")
		if _, err := c.store.AddMember(ctx, ana, id, "sam@example.org", "supervisor"); err != nil {
			t.Fatal(err)
		}
		if _, _, err := c.store.Submit(ctx, ana, id, ""); err != nil {
			t.Fatal(err)
		}
		if _, _, err := c.store.Review(ctx, sam, id, "approve", ""); err != nil {
			t.Fatal(err)
		}
		b, _ := c.store.Brief(ctx, ana, id)
		s := b.Sections[0]
		if _, err := c.store.PutSection(ctx, ana, id, s.Key, "Changed after approval.\n\n"+s.Text, s.Version); err != nil {
			t.Fatal(err)
		}
	}()
	text := func(p string) string {
		t.Helper()
		got, err := exec.Command("pdftotext", p, "-").CombinedOutput()
		if err != nil {
			t.Fatalf("pdftotext (install poppler-utils): %v %s", err, got)
		}
		return string(got)
	}
	for _, tt := range []struct {
		name    string
		args    []string
		draft   bool
		changed bool
	}{
		{"Current", []string{"export", id}, true, true},
		{"Approved", []string{"export", "--version", "v2", id}, false, false},
		{"Submitted", []string{"export", id, "--version", "v1"}, true, false},
	} {
		t.Run(tt.name, func(t *testing.T) {
			p := filepath.Join(t.TempDir(), "brief.pdf")
			out, err := runCmd(t, append(tt.args, "--out", p, "--data", dir)...)
			if err != nil || !strings.Contains(out, p) {
				t.Fatalf("export: %v %s", err, out)
			}
			txt := text(p)
			if d := strings.Contains(txt, "DRAFT"); d != tt.draft {
				t.Errorf("DRAFT = %v, want %v", d, tt.draft)
			}
			if c := strings.Contains(txt, "Changed after approval."); c != tt.changed {
				t.Errorf("has the change = %v, want %v", c, tt.changed)
			}
			if !strings.Contains(txt, "Garcés-Mascareñas") {
				t.Errorf("accented reference lost")
			}
		})
	}
	missing := filepath.Join(t.TempDir(), "none.pdf")
	for _, tt := range []struct {
		name string
		args []string
		want string
	}{
		{"ErrNoOut", []string{"export", id, "--data", dir}, "usage"},
		{"ErrNoID", []string{"export", "--out", missing, "--data", dir}, "usage"},
		{"ErrUnknownBrief", []string{"export", "nosuchbrief1", "--out", missing, "--data", dir}, "brief not found"},
		{"ErrNoVersion", []string{"export", id, "--version", "v9", "--out", missing, "--data", dir}, "version v9 not found"},
		{"ErrBadVersion", []string{"export", id, "--version", "final", "--out", missing, "--data", dir}, "not a version id"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := runCmd(t, tt.args...); err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("got %v, want an error containing %q", err, tt.want)
			}
			if _, err := os.Stat(missing); !os.IsNotExist(err) {
				t.Fatalf("a failed export wrote %s", missing)
			}
		})
	}
}
