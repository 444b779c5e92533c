package server

import (
	"bytes"
	"image"
	"image/color"
	"image/png"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"briefstudio/internal/brief"
	"briefstudio/internal/store"
)

// pdfText returns the text of each page of a PDF (poppler's pdftotext).
func pdfText(t *testing.T, data []byte) []string {
	t.Helper()
	if !bytes.HasPrefix(data, []byte("%PDF-")) {
		t.Fatalf("not a PDF: %.200s", data)
	}
	p := filepath.Join(t.TempDir(), "out.pdf")
	if err := os.WriteFile(p, data, 0o644); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command("pdftotext", p, "-").CombinedOutput()
	if err != nil {
		t.Fatalf("pdftotext (install poppler-utils): %v %s", err, out)
	}
	pages := strings.Split(strings.TrimRight(string(out), "\f"), "\f")
	for i := range pages {
		pages[i] = strings.Join(strings.Fields(pages[i]), " ")
	}
	return pages
}

func pngLogo(t *testing.T, w, h int) []byte {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	for i := range img.Pix {
		img.Pix[i] = byte(i * 7)
	}
	img.Set(0, 0, color.RGBA{0x1F, 0x3A, 0x93, 255})
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// TestExport: the endpoint exports the current text and named versions,
// DRAFT on everything but an approved version, with the brand's texts.
func TestExport(t *testing.T) {
	e := newEnv(t)
	admin, author, supervisor := e.tokens["admin"], e.tokens["author"], e.tokens["supervisor"]
	e.must(200, "PUT", "/api/brand", admin, map[string]any{"projectName": "ReSOMA", "funder": "h2020", "grantAgreement": "770730",
		"primaryColor": "#1F3A93", "accentColor": "#F2A900", "contactEmail": "team@example.org", "website": "https://example.org"}, nil)
	src, err := os.ReadFile("testdata/discussion-brief.md")
	if err != nil {
		t.Fatal(err)
	}
	var b brief.Brief
	e.must(201, "POST", "/api/import?type=discussion-brief", author, src, &b)
	e.must(201, "POST", "/api/briefs/"+b.ID+"/members", author, map[string]string{"email": "supervisor@example.org"}, nil)

	export := func(token, query string) []string {
		t.Helper()
		status, raw := e.do("GET", "/api/briefs/"+b.ID+"/export.pdf"+query, token, nil)
		if status != 200 {
			t.Fatalf("export%s: %d %s", query, status, raw)
		}
		return pdfText(t, raw)
	}
	isDraft := func(pages []string) bool {
		n := 0
		for _, p := range pages {
			if strings.Contains(p, "DRAFT") {
				n++
			}
		}
		if n != 0 && n != len(pages) {
			t.Fatalf("DRAFT on %d of %d pages", n, len(pages))
		}
		return n > 0
	}
	statement := "under grant agreement No 770730."
	pages := export(author, "")
	if !isDraft(pages) || strings.Contains(pages[0], statement) || !strings.Contains(pages[1], statement) ||
		!strings.Contains(pages[1], "Zoë Papadopoulou and Håkon Lindqvist") || !strings.Contains(strings.Join(pages, " "), "Garcés-Mascareñas") {
		t.Fatalf("current export of a draft:\n%s", strings.Join(pages, "\n---\n"))
	}
	// Submit and approve: v1 "Submitted for review 1", v2 "Approved 1".
	e.must(200, "POST", "/api/briefs/"+b.ID+"/submit", author, nil, nil)
	e.must(200, "POST", "/api/briefs/"+b.ID+"/review", supervisor, map[string]any{"decision": "approve"}, nil)
	var versions []store.Version
	e.must(200, "GET", "/api/briefs/"+b.ID+"/versions", author, nil, &versions)
	if len(versions) != 2 || versions[0].Kind != "approve" || versions[0].ID != "v2" {
		t.Fatalf("versions: %+v", versions)
	}
	if isDraft(export(supervisor, "")) {
		t.Errorf("the current text of an approved brief is marked DRAFT")
	}
	// Change the text: the brief is a draft again; v2 stays final.
	var got brief.Brief
	e.must(200, "GET", "/api/briefs/"+b.ID, author, nil, &got)
	intro := got.Sections[0]
	e.must(200, "PUT", "/api/briefs/"+b.ID+"/sections/"+intro.Key, author,
		map[string]any{"text": "A rewritten introduction after approval.\n\n" + intro.Text, "baseVersion": intro.Version}, nil)
	for _, tt := range []struct {
		name, query, token string
		draft, rewritten   bool
	}{
		{"Current", "", author, true, true},
		{"CurrentExplicit", "?version=current", supervisor, true, true},
		{"Approved", "?version=v2", author, false, false},
		{"ApprovedAdmin", "?version=v2", admin, false, false},
		{"Submitted", "?version=v1", supervisor, true, false},
	} {
		t.Run(tt.name, func(t *testing.T) {
			pages := export(tt.token, tt.query)
			if d := isDraft(pages); d != tt.draft {
				t.Errorf("DRAFT = %v, want %v", d, tt.draft)
			}
			if r := strings.Contains(strings.Join(pages, " "), "A rewritten introduction"); r != tt.rewritten {
				t.Errorf("has the rewritten introduction = %v, want %v", r, tt.rewritten)
			}
		})
	}
	status, _ := e.do("GET", "/api/briefs/"+b.ID+"/export.pdf?version=v2", author, nil)
	if status != 200 {
		t.Fatal(status)
	}
	for _, tt := range []struct {
		name, query, token, code string
		status                   int
	}{
		{"ErrNoVersion", "?version=v99", author, "not_found", 404},
		{"ErrBadVersion", "?version=final", author, "invalid", 400},
		{"ErrOutsider", "", e.tokens["outsider"], "not_found", 404},
		{"ErrAnonymous", "", "", "unauthorized", 401},
	} {
		t.Run(tt.name, func(t *testing.T) {
			status, raw := e.do("GET", "/api/briefs/"+b.ID+"/export.pdf"+tt.query, tt.token, nil)
			if status != tt.status || errorCode(t, raw) != tt.code {
				t.Fatalf("status %d, want %d: %s", status, tt.status, raw)
			}
		})
	}
	if status, raw := e.do("GET", "/api/briefs/nosuchbrief1/export.pdf", author, nil); status != 404 {
		t.Fatalf("unknown brief: %d %s", status, raw)
	}
}

// TestLogo: upload, read back, export with it; bad uploads are refused
// with a coded error and leave the stored logo alone.
func TestLogo(t *testing.T) {
	e := newEnv(t)
	admin := e.tokens["admin"]
	if status, raw := e.do("GET", "/api/brand/logo", admin, nil); status != 404 || errorCode(t, raw) != "not_found" {
		t.Fatalf("no logo yet: %d %s", status, raw)
	}
	logo := pngLogo(t, 120, 40)
	var br brief.Brand
	e.must(200, "PUT", "/api/brand/logo", admin, logo, &br)
	if !br.HasLogo {
		t.Fatalf("brand after upload: %+v", br)
	}
	_, stored := e.do("GET", "/api/brand/logo", e.tokens["author"], nil)
	if cfg, format, err := image.DecodeConfig(bytes.NewReader(stored)); err != nil || format != "png" || cfg.Width != 120 {
		t.Fatalf("stored logo: %v %s %+v", err, format, cfg)
	}
	big := make([]byte, brief.MaxLogoBytes+1)
	copy(big, logo)
	for _, tt := range []struct {
		name   string
		token  string
		body   any
		status int
		code   string
	}{
		{"ErrCorrupt", admin, logo[:len(logo)/2], 400, "invalid"},
		{"ErrText", admin, "not an image", 400, "invalid"},
		{"ErrGIF", admin, []byte("GIF89a\x01\x00\x01\x00\x80\x00\x00\xff\xff\xff\x00\x00\x00!\xf9\x04\x01\x00\x00\x00\x00,\x00\x00\x00\x00\x01\x00\x01\x00\x00\x02\x02D\x01\x00;"), 400, "invalid"},
		{"ErrEmpty", admin, "", 400, "invalid"},
		{"ErrTooLarge", admin, big, 413, "too_large"},
		{"ErrAuthor", e.tokens["author"], pngLogo(t, 10, 10), 403, "forbidden"},
		{"ErrSupervisor", e.tokens["supervisor"], pngLogo(t, 10, 10), 403, "forbidden"},
		{"ErrAnonymous", "", pngLogo(t, 10, 10), 401, "unauthorized"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			status, raw := e.do("PUT", "/api/brand/logo", tt.token, tt.body)
			if status != tt.status || errorCode(t, raw) != tt.code {
				t.Fatalf("status %d, want %d %s: %s", status, tt.status, tt.code, raw)
			}
			if _, now := e.do("GET", "/api/brand/logo", admin, nil); !bytes.Equal(now, stored) {
				t.Fatalf("a refused upload changed the logo")
			}
		})
	}
	// The export carries the logo (front and back cover).
	b := e.newBrief()
	status, raw := e.do("GET", "/api/briefs/"+b.ID+"/export.pdf", e.tokens["author"], nil)
	if status != 200 || !bytes.Contains(raw, []byte("/Subtype /Image")) {
		t.Fatalf("export with a logo: %d, %d image objects", status, bytes.Count(raw, []byte("/Subtype /Image")))
	}
	if status, raw := e.do("DELETE", "/api/brand/logo", e.tokens["author"], nil); status != 403 {
		t.Fatalf("author deletes the logo: %d %s", status, raw)
	}
	e.must(204, "DELETE", "/api/brand/logo", admin, nil, nil)
	e.must(200, "GET", "/api/brand", admin, nil, &br)
	if br.HasLogo {
		t.Fatalf("logo still there after DELETE")
	}
	// A brand saved after the upload keeps hasLogo derived, never stored.
	var js map[string]any
	e.must(200, "PUT", "/api/brand", admin, map[string]any{"projectName": "X", "hasLogo": true}, &js)
	if js["hasLogo"] != false {
		t.Fatalf("hasLogo taken from the request: %v", js)
	}
}

// TestBrandValidation: the brand profile's funder rules and limits.
func TestBrandValidation(t *testing.T) {
	e := newEnv(t)
	admin := e.tokens["admin"]
	for _, tt := range []struct {
		name string
		body map[string]any
		want string // in the message
	}{
		{"ErrGrantRequired", map[string]any{"funder": "h2020"}, "grantAgreement"},
		{"ErrGrantRequiredHE", map[string]any{"funder": "horizon-europe"}, "grantAgreement"},
		{"ErrGrantFormat", map[string]any{"funder": "h2020", "grantAgreement": "770 730; DROP"}, "grantAgreement"},
		{"ErrCustomStatement", map[string]any{"funder": "custom"}, "fundingStatement"},
		{"ErrStatementLong", map[string]any{"funder": "custom", "fundingStatement": strings.Repeat("é", 401)}, "fundingStatement"},
		{"ErrColour", map[string]any{"accentColor": "#FFF"}, "accentColor"},
		{"ErrEmail", map[string]any{"contactEmail": "team at example"}, "contactEmail"},
		{"ErrURL", map[string]any{"website": "ftp://example.org"}, "website"},
		{"ErrFunder", map[string]any{"funder": "erc"}, "funder"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			status, raw := e.do("PUT", "/api/brand", admin, tt.body)
			if status != 400 || errorCode(t, raw) != "invalid" || !strings.Contains(string(raw), tt.want) {
				t.Fatalf("status %d: %s", status, raw)
			}
		})
	}
	var br brief.Brand
	e.must(200, "PUT", "/api/brand", admin, map[string]any{"funder": "horizon-europe", "grantAgreement": "101004945", "showEmblem": false}, &br)
	if br.ShowEmblem == nil || *br.ShowEmblem || br.Funder != "horizon-europe" {
		t.Fatalf("saved: %+v", br)
	}
}

// tinyPNG is a valid 2×2 PNG.
func tinyPNG() []byte {
	var buf bytes.Buffer
	_ = png.Encode(&buf, image.NewGray(image.Rect(0, 0, 2, 2)))
	return buf.Bytes()
}
