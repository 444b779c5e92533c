package app

import (
	"bytes"
	"context"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"briefstudio/internal/auth"
	"briefstudio/internal/server"
	"briefstudio/internal/store"
)

// pickDialogs stands for the person at the computer: it answers the Save
// and Open dialogs with the paths a test chose ("" is Cancel).
type pickDialogs struct{ save, open string }

func (d pickDialogs) SaveFile(context.Context, SaveOptions) (string, error) { return d.save, nil }
func (d pickDialogs) OpenFile(context.Context, OpenOptions) (string, error) { return d.open, nil }

// recordWindow keeps what the façade did to the window.
type recordWindow struct {
	mu     sync.Mutex
	title  string
	events []string
	focus  int
}

func (w *recordWindow) SetTitle(_ context.Context, t string)         { w.mu.Lock(); w.title = t; w.mu.Unlock() }
func (w *recordWindow) Notify(context.Context, string, string) error { return nil }
func (w *recordWindow) Emit(_ context.Context, name string, data ...any) {
	w.mu.Lock()
	defer w.mu.Unlock()
	for _, d := range data {
		name += " " + d.(string)
	}
	w.events = append(w.events, name)
}
func (w *recordWindow) Focus(context.Context) { w.mu.Lock(); w.focus++; w.mu.Unlock() }

// embedded starts a real embedded server over a fresh data directory and
// returns a façade signed in as its local user.
func embedded(t *testing.T, d Dialogs, w Window) *App {
	t.Helper()
	st, err := store.OpenDir(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	au := auth.New(st)
	srv := httptest.NewServer(server.New(st, au, server.Options{}).Handler())
	t.Cleanup(srv.Close)
	sess, err := au.LocalSession(context.Background(), "Me Here")
	if err != nil {
		t.Fatal(err)
	}
	return New(Config{SessionToken: sess.Token, ServerURL: srv.URL, Dialogs: d, Window: w, Log: &bytes.Buffer{}})
}

func sample(t *testing.T) string {
	t.Helper()
	p, err := filepath.Abs("testdata/discussion-brief.md")
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func TestImportThenSavePDF(t *testing.T) {
	out := t.TempDir()
	a := embedded(t, pickDialogs{open: sample(t), save: filepath.Join(out, "housing")}, nil)

	imp, err := a.ImportMarkdown(ImportRequest{}) // the Open dialog picks the sample; the type comes from its front matter
	if err != nil {
		t.Fatal(err)
	}
	if imp.BriefID == "" || !strings.HasPrefix(imp.Title, "Housing first") {
		t.Fatalf("imported %+v", imp)
	}
	saved, err := a.SavePDF(ExportRequest{BriefID: imp.BriefID, FileName: "housing-first.pdf"})
	if err != nil {
		t.Fatal(err)
	}
	if want := filepath.Join(out, "housing.pdf"); saved.Path != want || saved.Cancelled {
		t.Fatalf("saved %+v, want %s", saved, want)
	}
	pdf, err := os.ReadFile(saved.Path)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.HasPrefix(pdf, []byte("%PDF-")) || int64(len(pdf)) != saved.Bytes {
		t.Fatalf("not a PDF of %d bytes: %q…", saved.Bytes, pdf[:min(len(pdf), 16)])
	}
	txt, err := exec.Command("pdftotext", saved.Path, "-").Output()
	if err != nil {
		t.Fatalf("pdftotext (poppler-utils, installed by make deps): %v", err)
	}
	for _, want := range []string{"Housing first", "DRAFT", "Wiśniewski"} {
		if !strings.Contains(string(txt), want) {
			t.Errorf("the PDF's text lacks %q", want)
		}
	}
	// Saved from this window: it may be opened; another path may not.
	if a.saved(saved.Path) != true {
		t.Error("the saved file is not remembered")
	}
	if err := a.OpenFile("/etc/passwd"); err == nil {
		t.Error("OpenFile of a file not saved here: got nil error")
	}
	if err := a.ShowInFolder("/etc/passwd"); err == nil {
		t.Error("ShowInFolder of a file not saved here: got nil error")
	}
}

func TestSavePDFBadInput(t *testing.T) {
	dir := t.TempDir()
	a := embedded(t, pickDialogs{open: sample(t), save: filepath.Join(dir, "x.pdf")}, nil)
	imp, err := a.ImportMarkdown(ImportRequest{Type: "discussion-brief"})
	if err != nil {
		t.Fatal(err)
	}
	t.Run("UnknownBrief", func(t *testing.T) {
		_, err := a.SavePDF(ExportRequest{BriefID: "nosuchbrief1"})
		if err == nil || !strings.Contains(err.Error(), "not") {
			t.Fatalf("got %v, want the server's not-found message", err)
		}
	})
	t.Run("UnknownVersion", func(t *testing.T) {
		if _, err := a.SavePDF(ExportRequest{BriefID: imp.BriefID, Version: "v99"}); err == nil {
			t.Fatal("got nil error")
		}
	})
	t.Run("NoBrief", func(t *testing.T) {
		if _, err := a.SavePDF(ExportRequest{}); err == nil {
			t.Fatal("got nil error")
		}
	})
	// Nothing half-written under the chosen name, no temporary file left.
	if ents, _ := os.ReadDir(dir); len(ents) != 0 {
		t.Errorf("left in the folder: %v", ents)
	}
	t.Run("Cancelled", func(t *testing.T) {
		c := embedded(t, pickDialogs{}, nil)
		got, err := c.SavePDF(ExportRequest{BriefID: imp.BriefID})
		if err != nil || !got.Cancelled {
			t.Fatalf("got %+v, %v; want cancelled", got, err)
		}
		imp, err := c.ImportMarkdown(ImportRequest{})
		if err != nil || !imp.Cancelled {
			t.Fatalf("import: got %+v, %v; want cancelled", imp, err)
		}
	})
	t.Run("UnwritableFolder", func(t *testing.T) {
		c := embedded(t, pickDialogs{open: sample(t), save: filepath.Join(dir, "missing", "x.pdf")}, nil)
		b, err := c.ImportMarkdown(ImportRequest{})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := c.SavePDF(ExportRequest{BriefID: b.BriefID}); err == nil || !strings.Contains(err.Error(), "cannot write") {
			t.Fatalf("got %v, want a clear message", err)
		}
	})
}

func TestImportBadInput(t *testing.T) {
	dir := t.TempDir()
	bin := filepath.Join(dir, "picture.md")
	if err := os.WriteFile(bin, []byte{0x89, 'P', 'N', 'G', 0, 0, 0, 1}, 0o644); err != nil {
		t.Fatal(err)
	}
	plain := filepath.Join(dir, "plain.md")
	if err := os.WriteFile(plain, []byte("# Just a heading\n\nSome text.\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	a := embedded(t, pickDialogs{}, nil)
	tests := []struct {
		name, path, typ, want string
	}{
		{"Binary", bin, "discussion-brief", "not a text file"},
		{"Missing", filepath.Join(dir, "nope.md"), "discussion-brief", "cannot read"},
		{"AutoWithoutFrontMatter", plain, "auto", "choose the type"},
		{"UnknownType", plain, "white-paper", "type"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := a.ImportMarkdown(ImportRequest{Path: tt.path, Type: tt.typ})
			if err == nil || !strings.Contains(strings.ToLower(err.Error()), tt.want) {
				t.Fatalf("got %v, want an error saying %q", err, tt.want)
			}
		})
	}
}

func TestWindow(t *testing.T) {
	w := &recordWindow{}
	a := New(Config{Window: w, Log: &bytes.Buffer{}})
	for _, tt := range []struct{ in, want string }{
		{"Housing first", "Housing first — Brief Studio"},
		{"  ", "Brief Studio"},
		{"Brief Studio", "Brief Studio"},
		{"Line\nbreak", "Line break — Brief Studio"},
	} {
		if err := a.SetTitle(tt.in); err != nil {
			t.Fatal(err)
		}
		if w.title != tt.want {
			t.Errorf("SetTitle(%q): title %q, want %q", tt.in, w.title, tt.want)
		}
	}
	link := "https://briefs.example.org/team/login?token=bsl_abc"
	a.SecondLaunch([]string{"--data", "/x", "notes.md", "/abs/brief.markdown", "photo.png", link, "https://example.org/login"}, "/home/me")
	a.Menu("export")
	want := []string{"open-file /home/me/notes.md", "open-file /abs/brief.markdown", "open-link " + link, "menu export"}
	if strings.Join(w.events, "|") != strings.Join(want, "|") || w.focus != 1 {
		t.Errorf("events %q (focus %d), want %q (focus 1)", w.events, w.focus, want)
	}
	if err := a.Notify(Notification{Title: " "}); err == nil {
		t.Error("a notification without a title: got nil error")
	}
}

func TestIsLoginLink(t *testing.T) {
	for _, tt := range []struct {
		in   string
		want bool
	}{
		{"https://briefs.example.org/login?token=bsl_x", true},
		{"http://127.0.0.1:8737/team/login?token=bsl_x", true},
		{"https://briefs.example.org/login", false},
		{"https://briefs.example.org/other?token=x", false},
		{"ftp://briefs.example.org/login?token=x", false},
		{"notes.md", false},
		{"", false},
	} {
		if got := IsLoginLink(tt.in); got != tt.want {
			t.Errorf("IsLoginLink(%q) = %v, want %v", tt.in, got, tt.want)
		}
	}
}
