package app

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	goruntime "runtime"
	"strings"
	"time"
)

// ExportRequest asks for a brief's PDF to be saved where the person chooses.
type ExportRequest struct {
	BriefID string `json:"briefId"`
	// Workspace is where the brief lives: "" or "local" (this computer), else a shared server's id.
	Workspace string `json:"workspace"`
	// Version is "" or "current" for the current text, else "v12" or a revision number.
	Version string `json:"version"`
	// FileName is the name the Save dialog proposes ("housing-first.pdf").
	FileName string `json:"fileName"`
}

// SavedFile is where a file went; Cancelled when the person closed the dialog.
type SavedFile struct {
	Path      string `json:"path"`
	Bytes     int64  `json:"bytes"`
	Cancelled bool   `json:"cancelled"`
}

// ImportRequest asks for a Markdown file to be imported as a new brief.
type ImportRequest struct {
	// Workspace is where the new brief goes: "" or "local", else a shared server's id.
	Workspace string `json:"workspace"`
	// Type is the brief type, or "auto" to take it from the file's front matter.
	Type string `json:"type"`
	// Path is the file to import; empty opens the Open dialog.
	Path string `json:"path"`
}

// Imported is the new brief; Cancelled when the person closed the dialog.
type Imported struct {
	BriefID   string          `json:"briefId"`
	Title     string          `json:"title"`
	Report    json.RawMessage `json:"report,omitempty"`
	Path      string          `json:"path"`
	Cancelled bool            `json:"cancelled"`
}

// Notification is a desktop notification.
type Notification struct {
	Title string `json:"title"`
	Body  string `json:"body"`
}

// maxImport is the largest file the import takes (the server's request limit).
const maxImport = 10 << 20

// SavePDF asks where to save the PDF of a brief, exports it from the embedded
// server and writes it there (whole or not at all).
func (a *App) SavePDF(req ExportRequest) (SavedFile, error) {
	if req.BriefID == "" {
		return SavedFile{}, errors.New("no brief to export")
	}
	name := safeFileName(req.FileName, "brief.pdf")
	path, err := a.dialogs.SaveFile(a.context(), SaveOptions{
		Title:           "Export PDF",
		DefaultFilename: name,
		Filters:         []FileFilter{{Name: "PDF documents (*.pdf)", Patterns: "*.pdf"}},
	})
	if err != nil {
		return SavedFile{}, fmt.Errorf("the Save dialog failed: %w", err)
	}
	if path == "" {
		return SavedFile{Cancelled: true}, nil
	}
	if filepath.Ext(path) == "" {
		path += ".pdf"
	}
	prefix, err := workspacePrefix(req.Workspace)
	if err != nil {
		return SavedFile{}, err
	}
	q := ""
	if req.Version != "" && req.Version != "current" {
		q = "?version=" + url.QueryEscape(req.Version)
	}
	res, err := a.call(http.MethodGet, prefix+"/api/briefs/"+url.PathEscape(req.BriefID)+"/export.pdf"+q, "", nil)
	if err != nil {
		return SavedFile{}, err
	}
	defer res.Body.Close()
	n, err := writeAtomic(path, res.Body)
	if err != nil {
		return SavedFile{}, err
	}
	a.remember(path)
	a.logf("saved: %s (%d bytes)", path, n)
	return SavedFile{Path: path, Bytes: n}, nil
}

// ImportMarkdown imports a Markdown file (chosen in the Open dialog when no
// path is given) as a new brief of the local user.
func (a *App) ImportMarkdown(req ImportRequest) (Imported, error) {
	path := req.Path
	if path == "" {
		p, err := a.dialogs.OpenFile(a.context(), OpenOptions{
			Title:   "Import a Markdown brief",
			Filters: []FileFilter{{Name: "Markdown (*.md, *.markdown, *.txt)", Patterns: "*.md;*.markdown;*.txt"}},
		})
		if err != nil {
			return Imported{}, fmt.Errorf("the Open dialog failed: %w", err)
		}
		if p == "" {
			return Imported{Cancelled: true}, nil
		}
		path = p
	}
	f, err := os.Open(path)
	if err != nil {
		return Imported{}, fmt.Errorf("cannot read %s: %w", filepath.Base(path), err)
	}
	defer f.Close()
	src, err := io.ReadAll(io.LimitReader(f, maxImport+1))
	if err != nil {
		return Imported{}, fmt.Errorf("cannot read %s: %w", filepath.Base(path), err)
	}
	if len(src) > maxImport {
		return Imported{}, fmt.Errorf("%s is larger than 10 MB", filepath.Base(path))
	}
	prefix, err := workspacePrefix(req.Workspace)
	if err != nil {
		return Imported{}, err
	}
	typ := req.Type
	if typ == "" {
		typ = "auto"
	}
	res, err := a.call(http.MethodPost, prefix+"/api/import?type="+url.QueryEscape(typ), "text/markdown", bytes.NewReader(src))
	if err != nil {
		return Imported{}, err
	}
	defer res.Body.Close()
	var out struct {
		ID     string          `json:"id"`
		Title  string          `json:"title"`
		Report json.RawMessage `json:"report"`
	}
	if err := json.NewDecoder(res.Body).Decode(&out); err != nil {
		return Imported{}, fmt.Errorf("the import answered something unreadable: %w", err)
	}
	a.logf("imported: %s as %s", filepath.Base(path), out.ID)
	return Imported{BriefID: out.ID, Title: out.Title, Report: out.Report, Path: path}, nil
}

// OpenFile opens a file this window saved with the desktop's default application.
func (a *App) OpenFile(path string) error {
	if !a.saved(path) {
		return errors.New("only a file saved from this window can be opened from here")
	}
	return a.launch(opener(), path)
}

// ShowInFolder shows a file this window saved in the file manager.
func (a *App) ShowInFolder(path string) error {
	if !a.saved(path) {
		return errors.New("only a file saved from this window can be shown from here")
	}
	if goruntime.GOOS == "windows" {
		return a.launch("explorer", "/select,"+path)
	}
	if goruntime.GOOS == "darwin" {
		return a.launch("open", "-R", path)
	}
	if err := showItemDBus(path); err == nil {
		return nil
	}
	return a.launch(opener(), filepath.Dir(path))
}

// SetTitle names the window after what it shows ("Housing first — Brief Studio").
func (a *App) SetTitle(title string) error {
	t := oneLine(title)
	if r := []rune(t); len(r) > 120 {
		t = string(r[:120]) + "…"
	}
	if t == "" || t == "Brief Studio" {
		t = "Brief Studio"
	} else if !strings.HasSuffix(t, "Brief Studio") {
		t += " — Brief Studio"
	}
	a.window.SetTitle(a.context(), t)
	a.logf("ui title: %s", t)
	return nil
}

// Notify shows a desktop notification (the UI sends one for a new comment or
// a review decision while the window is not focused).
func (a *App) Notify(n Notification) error {
	title := oneLine(n.Title)
	if title == "" {
		return errors.New("a notification needs a title")
	}
	body := strings.TrimSpace(n.Body)
	if r := []rune(body); len(r) > 300 {
		body = string(r[:300]) + "…"
	}
	return a.window.Notify(a.context(), title, body)
}

// workspacePrefix is the path prefix of a workspace on the embedded server:
// "" for this computer, "/w/ID" for a shared server (its proxy).
func workspacePrefix(id string) (string, error) {
	if id == "" || id == "local" {
		return "", nil
	}
	for _, r := range id {
		if !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '-') {
			return "", fmt.Errorf("%q is not a workspace", id)
		}
	}
	return "/w/" + id, nil
}

// call sends one request to the embedded server as the local user; an answer
// that is not 2xx comes back as the server's error message.
func (a *App) call(method, path, contentType string, body io.Reader) (*http.Response, error) {
	if a.cfg.ServerURL == "" {
		return nil, errors.New("the embedded server is not running")
	}
	req, err := http.NewRequestWithContext(a.context(), method, a.cfg.ServerURL+path, body)
	if err != nil {
		return nil, err
	}
	req.Header.Set("Authorization", "Bearer "+a.cfg.SessionToken)
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	res, err := a.http.Do(req)
	if err != nil {
		return nil, fmt.Errorf("the embedded server cannot be reached: %w", err)
	}
	if res.StatusCode/100 == 2 {
		return res, nil
	}
	defer res.Body.Close()
	var e struct {
		Error struct {
			Code    string `json:"code"`
			Message string `json:"message"`
		} `json:"error"`
	}
	if json.NewDecoder(io.LimitReader(res.Body, 1<<20)).Decode(&e) == nil && e.Error.Message != "" {
		return nil, errors.New(e.Error.Message)
	}
	return nil, fmt.Errorf("the embedded server answered %s", res.Status)
}

// writeAtomic writes r to path through a temporary file in the same folder,
// so a failed export never leaves half a PDF under the chosen name.
func writeAtomic(path string, r io.Reader) (int64, error) {
	dir := filepath.Dir(path)
	tmp, err := os.CreateTemp(dir, ".briefstudio-*.part")
	if err != nil {
		return 0, fmt.Errorf("cannot write in %s: %w", dir, err)
	}
	n, err := io.Copy(tmp, r)
	if err == nil {
		err = tmp.Sync()
	}
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp.Name(), path)
	}
	if err != nil {
		_ = os.Remove(tmp.Name())
		return 0, fmt.Errorf("cannot save %s: %w", filepath.Base(path), err)
	}
	return n, nil
}

// safeFileName keeps a proposed file name to one plain name.
func safeFileName(name, fallback string) string {
	name = filepath.Base(strings.TrimSpace(name))
	if name == "." || name == string(filepath.Separator) || name == "" {
		return fallback
	}
	return name
}

func opener() string {
	switch goruntime.GOOS {
	case "darwin":
		return "open"
	case "windows":
		return "explorer"
	}
	return "xdg-open"
}

// launch starts a desktop helper and lets it go on by itself.
func (a *App) launch(name string, args ...string) error {
	cmd := exec.Command(name, args...)
	if err := cmd.Start(); err != nil {
		return fmt.Errorf("cannot start %s: %w", name, err)
	}
	go func() { _ = cmd.Wait() }()
	return nil
}

func (a *App) remember(path string) {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.files[filepath.Clean(path)] = time.Now()
}

func (a *App) saved(path string) bool {
	a.mu.Lock()
	defer a.mu.Unlock()
	_, ok := a.files[filepath.Clean(path)]
	return ok
}
