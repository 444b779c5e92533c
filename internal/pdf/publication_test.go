package pdf

import (
	"bytes"
	"flag"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"briefstudio/internal/brief"
	"briefstudio/internal/importer"
)

var pagesOut = flag.String("publication", "", "also write the sample publication's PDF to this file")

// sampleBrief imports testdata/discussion-brief.md (a copy of the shared
// sample) as the importer does for POST /api/import.
func sampleBrief(t testing.TB) brief.Brief {
	t.Helper()
	src, err := os.ReadFile(filepath.Join("testdata", "discussion-brief.md"))
	if err != nil {
		t.Fatal(err)
	}
	res, err := importer.Import(src, "discussion-brief")
	if err != nil {
		t.Fatal(err)
	}
	return brief.Brief{ID: "sample", Type: "discussion-brief", Title: res.Title, Status: brief.StatusDraft,
		Metadata: res.Metadata, Sections: res.Sections}
}

// resoma is the brand profile of DESIGN.md's example.
func resoma() brief.Brand {
	b := brief.DefaultBrand()
	b.ProjectName, b.Tagline = "ReSOMA", "Research Social Platform on Migration and Asylum"
	b.Website, b.ContactEmail, b.Social = "https://example.org", "team@example.org", "@example"
	b.Funder, b.GrantAgreement = "h2020", "770730"
	b.SeriesText = map[string]string{"discussion-brief": "The Discussion Briefs take stock of the debate on a topic " +
		"of migration and integration policy: what is known, what is contested, and what stakeholders ask for."}
	b.About = "ReSOMA is a platform for regular dialogue between researchers, civil society and policy makers " +
		"on migration, asylum and integration in Europe.\n\nIt brings evidence to the policy debate when it matters."
	return b
}

var testDate = time.Date(2026, 11, 23, 9, 0, 0, 0, time.UTC)

// publish renders a publication to a temporary file and returns its path.
func publish(t testing.TB, p Publication) string {
	t.Helper()
	if p.Date.IsZero() {
		p.Date = testDate
	}
	var buf bytes.Buffer
	if err := Publish(&buf, p); err != nil {
		t.Fatalf("Publish: %v", err)
	}
	checkStructure(t, buf.Bytes())
	path := filepath.Join(t.TempDir(), "brief.pdf")
	if err := os.WriteFile(path, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// squash joins a page's text into single-spaced words, so phrases broken
// across lines still match.
func squash(s string) string { return strings.Join(strings.Fields(s), " ") }

func TestPublishSample(t *testing.T) {
	b := sampleBrief(t)
	p := publish(t, Publication{Brief: b, Brand: resoma(), Draft: true})
	if *pagesOut != "" {
		data, _ := os.ReadFile(p)
		if err := os.WriteFile(*pagesOut, data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	pages := pagesText(t, p)
	if len(pages) < 4 {
		t.Fatalf("%d pages", len(pages))
	}
	// The covers' text, laid out, against a golden file.
	got := strings.Join([]string{pages[0], pages[1], pages[len(pages)-1]}, "\f")
	golden := filepath.Join("testdata", "publication-covers.golden")
	if *update {
		if err := os.WriteFile(golden, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if want, err := os.ReadFile(golden); err != nil {
		t.Errorf("%v (run with -update)", err)
	} else if got != string(want) {
		t.Errorf("covers differ from %s:\ngot:\n%s\nwant:\n%s", golden, got, want)
	}
	statement := "This project has received funding from the European Union's Horizon 2020 research and innovation programme under grant agreement No 770730."
	for i, pg := range pages {
		text := squash(pg)
		has := strings.Contains(text, statement)
		if i == 0 && (has || strings.Contains(text, "770730")) {
			t.Errorf("front cover carries the funding statement or grant number:\n%s", pg)
		}
		if i > 0 && !has {
			t.Errorf("page %d lacks the funding statement:\n%s", i+1, pg)
		}
		if i > 0 && !regexp.MustCompile(fmt.Sprintf(`(?m)\b%d\s*$`, i+1)).MatchString(strings.TrimRight(pg, "\n ")) {
			t.Errorf("page %d: no page number at its foot:\n%s", i+1, pg)
		}
		if !strings.Contains(text, "DRAFT") {
			t.Errorf("page %d of a draft has no DRAFT mark", i+1)
		}
	}
	cover := squash(pages[0])
	for _, want := range []string{"DISCUSSION BRIEF", "March 2021", "INTEGRATION", "Housing first for newly recognised refugees in mid-sized cities",
		"What local authorities can do before national reform arrives", "Ilse Vandermeersch", "Tomasz Wiśniewski", "ReSOMA"} {
		if !strings.Contains(cover, want) {
			t.Errorf("front cover lacks %q:\n%s", want, pages[0])
		}
	}
	inside := squash(pages[1])
	for _, want := range []string{"The Discussion Briefs take stock", "under the supervision of Zoë Papadopoulou and Håkon Lindqvist",
		"https://example.org", "LINGUISTIC VERSION", "Original: EN", "Manuscript completed in March 2021",
		brief.H2020Disclaimer, brief.DefaultReproduction, "team@example.org", "Centre for Urban Inclusion, Ghent"} {
		if !strings.Contains(inside, want) {
			t.Errorf("inside cover lacks %q:\n%s", want, pages[1])
		}
	}
	all := squash(strings.Join(pages, "\n"))
	for _, want := range []string{"1 INTRODUCTION", "2 SCOPING THE DEBATE", "2.1 Why the first year decides the next ten",
		"2.2 What cities can and cannot do", "3 KEY ISSUES AND CONTROVERSIES", "3.1 Focal point: guarantees and deposits",
		"3.2 Focal point: reserved social housing", "4 STAKEHOLDER PRIORITIES", "5 REFERENCES",
		"Garcés-Mascareñas, B. and Penninx, R.", "Jørgensen, M. B. (2012)", "Salamońska, J. (2017)", "Çelik, Ç. (2019)",
		"Bakker, L., Dagevos, J. and Engbersen, G. (2014)", "Revolving deposit fund"} {
		if !strings.Contains(all, want) {
			t.Errorf("the publication lacks %q", want)
		}
	}
	back := squash(pages[len(pages)-1])
	for _, want := range []string{"ABOUT RESOMA", "platform for regular dialogue", "example.org", "@example", "team@example.org"} {
		if !strings.Contains(back, want) {
			t.Errorf("back cover lacks %q:\n%s", want, pages[len(pages)-1])
		}
	}
	// Running header on body pages only.
	for i, pg := range pages {
		body := i >= 2 && i < len(pages)-1
		if got := strings.Contains(pg, "DISCUSSION BRIEF") && strings.Contains(pg, "Housing first for newly recognised"); body && !got {
			t.Errorf("body page %d lacks the running header:\n%s", i+1, pg)
		}
	}

	fonts := tool(t, "pdffonts", p)
	for _, l := range strings.Split(fonts, "\n")[2:] {
		if f := strings.Fields(l); len(f) > 4 && !strings.Contains(l, " yes ") {
			t.Errorf("font not embedded: %s", l)
		}
	}
	info := tool(t, "pdfinfo", p) + tool(t, "pdfinfo", "-meta", p)
	for _, want := range []string{`Title:\s+Housing first for newly recognised refugees in mid-sized cities\n`,
		`Author:\s+Ilse Vandermeersch, Tomasz Wiśniewski\n`, `Subject:\s+Discussion Brief\n`,
		`Keywords:\s+housing, local authorities, refugees, EU funds\n`, `Creator:\s+Brief Studio\n`, `<rdf:li>en</rdf:li>`} {
		if !regexp.MustCompile(want).MatchString(info) {
			t.Errorf("pdfinfo lacks %q:\n%s", want, info)
		}
	}
}

// pixel returns the colour at (x, y) mm of a page rendered at 50 dpi.
func pixel(t *testing.T, pdf string, page int, x, y float64) color.RGBA {
	t.Helper()
	out := filepath.Join(t.TempDir(), "page")
	pg := fmt.Sprint(page)
	tool(t, "pdftoppm", "-png", "-r", "50", "-f", pg, "-l", pg, "-singlefile", pdf, out)
	f, err := os.Open(out + ".png")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	img, err := png.Decode(f)
	if err != nil {
		t.Fatal(err)
	}
	r, g, b, _ := img.At(int(x/25.4*50), int(y/25.4*50)).RGBA()
	return color.RGBA{uint8(r >> 8), uint8(g >> 8), uint8(b >> 8), 255}
}

func near(c color.RGBA, want rgb) bool {
	d := func(a uint8, b int) bool { return int(a)-b < 24 && b-int(a) < 24 }
	return d(c.R, want.r) && d(c.G, want.g) && d(c.B, want.b)
}

func TestFunderProfiles(t *testing.T) {
	no := false
	heStatement := brief.HorizonEuropeStatement
	for _, tt := range []struct {
		name   string
		brand  func(b *brief.Brand)
		want   []string // on the inside cover and in every footer
		inside []string // on the inside cover
		absent []string // nowhere
		emblem bool
	}{
		{"h2020", func(b *brief.Brand) {}, []string{brief.H2020Statement[:60], "grant agreement No 770730."},
			[]string{brief.H2020Disclaimer}, []string{"Grant agreement No", brief.HorizonEuropeDisclaimer[:40]}, true},
		{"horizon-europe", func(b *brief.Brand) { b.Funder, b.GrantAgreement = "horizon-europe", "101004945" },
			[]string{heStatement, "Grant agreement No 101004945"}, []string{brief.HorizonEuropeDisclaimer},
			[]string{"Horizon 2020", brief.H2020Disclaimer[:40]}, true},
		{"custom", func(b *brief.Brand) {
			b.Funder, b.GrantAgreement = "custom", "2019-1-DE01-KA203-005000"
			b.FundingStatement = "Co-funded by the Erasmus+ programme of the European Union ({grant})."
			b.Disclaimer = "The Commission's support does not constitute an endorsement of the contents."
		}, []string{"Co-funded by the Erasmus+ programme of the European Union (2019-1-DE01-KA203-005000)."},
			[]string{"The Commission's support does not constitute an endorsement of the contents."},
			[]string{"Grant agreement No", "Horizon", "{grant}"}, true},
		{"none", func(b *brief.Brand) { b.Funder, b.GrantAgreement = "none", "" },
			[]string{"ReSOMA – Research Social Platform on Migration and Asylum"}, []string{brief.DefaultReproduction},
			[]string{"European Union", "DISCLAIMER", "770730"}, false},
		{"OverrideDisclaimerAndReproduction", func(b *brief.Brand) {
			b.Disclaimer, b.ReproductionNotice = "Our own disclaimer for grant {grant}.", "No reproduction without permission."
		}, []string{brief.H2020Statement[:60]}, []string{"Our own disclaimer for grant 770730.", "No reproduction without permission."},
			[]string{brief.H2020Disclaimer[:40], brief.DefaultReproduction}, true},
		{"OverrideStatementNoEmblem", func(b *brief.Brand) {
			b.FundingStatement, b.ShowEmblem = "Supported by the European Union under grant {grant}.", &no
		}, []string{"Supported by the European Union under grant 770730."}, nil,
			[]string{"Horizon 2020", "Grant agreement No"}, false},
	} {
		t.Run(tt.name, func(t *testing.T) {
			br := resoma()
			tt.brand(&br)
			if _, err := br.Normalize(); err != nil {
				t.Fatalf("the test's brand is invalid: %v", err)
			}
			b := sampleBrief(t)
			p := publish(t, Publication{Brief: b, Brand: br})
			pages := pagesText(t, p)
			for i, pg := range pages {
				text := squash(pg)
				for _, w := range tt.want {
					if got := strings.Contains(text, w); got != (i > 0) {
						t.Errorf("page %d: has %q = %v", i+1, w, got)
					}
				}
				for _, w := range tt.absent {
					if strings.Contains(text, w) {
						t.Errorf("page %d has %q", i+1, w)
					}
				}
			}
			for _, w := range tt.inside {
				if !strings.Contains(squash(pages[1]), w) {
					t.Errorf("inside cover lacks %q:\n%s", w, pages[1])
				}
			}
			// The footer's emblem: reflex blue left of the statement.
			if got := near(pixel(t, p, 3, a4.left+3, footMid-2.5), emblemBlue); got != tt.emblem {
				t.Errorf("footer emblem drawn = %v, want %v", got, tt.emblem)
			}
		})
	}
}

// testLogo is a PNG of w×h pixels in the brand's colours.
func testLogo(t testing.TB, w, h int) []byte {
	t.Helper()
	img := image.NewNRGBA(image.Rect(0, 0, w, h))
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			img.Set(x, y, color.NRGBA{0xF2, 0xA9, 0x00, 255})
			if (x/10+y/10)%2 == 0 {
				img.Set(x, y, color.NRGBA{0x1F, 0x3A, 0x93, 200})
			}
		}
	}
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func TestPublishLogo(t *testing.T) {
	b := sampleBrief(t)
	t.Run("OK", func(t *testing.T) {
		p := publish(t, Publication{Brief: b, Brand: resoma(), Logo: testLogo(t, 300, 100)})
		list := tool(t, "pdfimages", "-list", p)
		pages := pagesText(t, p)
		var on []string
		for _, l := range strings.Split(list, "\n")[2:] {
			if f := strings.Fields(l); len(f) > 3 && f[2] == "image" {
				on = append(on, f[0])
			}
		}
		if want := []string{"1", fmt.Sprint(len(pages))}; strings.Join(on, ",") != strings.Join(want, ",") {
			t.Errorf("logo on pages %v, want %v:\n%s", on, want, list)
		}
		// Where the logo is: on the back cover's white card, on the front
		// cover below the block (a solid red logo, looked at).
		red := image.NewNRGBA(image.Rect(0, 0, 200, 100))
		for i := 0; i < len(red.Pix); i += 4 {
			copy(red.Pix[i:], []byte{220, 0, 0, 255})
		}
		var rb bytes.Buffer
		png.Encode(&rb, red)
		pr := publish(t, Publication{Brief: b, Brand: resoma(), Logo: rb.Bytes()})
		for _, at := range []struct {
			page int
			x, y float64
			red  bool
		}{{len(pages), 25 + 36, 34 + 15, true}, {len(pages), 25 + 36, 80, false}, {1, 22 + 30, 199 + 49, true}, {1, 22 + 30, 120, false}} {
			if got := near(pixel(t, pr, at.page, at.x, at.y), rgb{220, 0, 0}); got != at.red {
				t.Errorf("page %d at (%v, %v) mm: logo red = %v, want %v", at.page, at.x, at.y, got, at.red)
			}
		}
		// The logo stands in for the project's name below the block.
		if strings.Contains(pages[0], "Research Social Platform") {
			t.Errorf("front cover with a logo still sets the project's name:\n%s", pages[0])
		}
	})
	t.Run("Missing", func(t *testing.T) {
		p := publish(t, Publication{Brief: b, Brand: resoma()})
		if list := tool(t, "pdfimages", "-list", p); len(strings.Split(strings.TrimSpace(list), "\n")) != 2 {
			t.Errorf("images without a logo:\n%s", list)
		}
		if pg := pagesText(t, p)[0]; !strings.Contains(pg, "ReSOMA") || !strings.Contains(pg, "Research Social Platform") {
			t.Errorf("front cover without a logo lacks the project's name:\n%s", pg)
		}
	})
	t.Run("ErrCorrupt", func(t *testing.T) {
		logo := testLogo(t, 30, 10)
		for _, bad := range [][]byte{[]byte("not an image"), logo[:40], []byte("GIF89a\x01\x00\x01\x00")} {
			err := Publish(&bytes.Buffer{}, Publication{Brief: b, Brand: resoma(), Logo: bad})
			if brief.ErrorCode(err) != brief.EInvalid {
				t.Errorf("logo %q: %v, want invalid", bad[:6], err)
			}
		}
	})
}

// TestLongCover: a title of the longest kind and many long author names
// stay on the front cover, every word on the page and out of the white
// area below the colour block; very long notices stay on the inside cover.
func TestLongCover(t *testing.T) {
	b := sampleBrief(t)
	b.Title = strings.TrimSpace(strings.Repeat("Reception, recognition and the long road to a first home in Europe's mid-sized cities ", 4))[:brief.MaxTitle]
	b.Metadata.Subtitle = "What local authorities, landlords and civil society can do together before national reform arrives, and after"
	b.Metadata.Authors = nil
	for i := range 40 {
		b.Metadata.Authors = append(b.Metadata.Authors, brief.Author{Name: fmt.Sprintf("Małgorzata Garcés-Mascareñas-Jørgensen %d", i+1),
			Affiliation: "Institute for Advanced Research on Migration, Integration and Citizenship"})
	}
	br := resoma()
	br.SeriesText["discussion-brief"] = strings.Repeat("The series sets out the debate. ", 37)
	br.Disclaimer = strings.Repeat("No liability is accepted. ", 46)
	br.About = strings.Repeat("The project connects research and policy. ", 59)
	if _, err := br.Normalize(); err != nil {
		t.Fatalf("the test's brand is invalid: %v", err)
	}
	p := publish(t, Publication{Brief: b, Brand: br})
	pages := pagesText(t, p)
	cover := squash(pages[0])
	if !strings.Contains(cover, squash(b.Title)) {
		t.Errorf("front cover lacks the whole title:\n%s", pages[0])
	}
	for _, a := range b.Metadata.Authors {
		if !strings.Contains(cover, a.Name) {
			t.Errorf("front cover lacks %q", a.Name)
		}
	}
	var footTop = footRule * mmPt
	for _, w := range wordBoxes(t, p) {
		if w.xMin < 0 || w.yMin < 0 || w.xMax > a4.pageW*mmPt || w.yMax > a4.pageH*mmPt {
			t.Errorf("page %d: %q off the page: %+v", w.page, w.text, w)
		}
		if w.page == 2 && w.yMax > footTop && w.text != "DRAFT" && w.yMin < footTop {
			t.Errorf("inside cover: %q runs into the footer: %+v", w.text, w)
		}
		if w.page == 1 && w.yMin > 200*mmPt && w.yMax < 262*mmPt && strings.HasPrefix(w.text, "Garc") {
			t.Errorf("front cover: an author name fell below the block: %+v", w)
		}
	}
	inside := squash(pages[1])
	for _, want := range []string{squash(br.SeriesText["discussion-brief"]), squash(br.Disclaimer), "Manuscript completed in March 2021", brief.H2020Statement[:50]} {
		if !strings.Contains(inside, want) {
			t.Errorf("inside cover lacks %.60q", want)
		}
	}
	if back := squash(pages[len(pages)-1]); !strings.Contains(back, squash(br.About)) || !strings.Contains(back, "team@example.org") {
		t.Errorf("back cover lacks the about text or contact:\n%s", pages[len(pages)-1])
	}
}

func TestDraftMark(t *testing.T) {
	b := sampleBrief(t)
	for _, tt := range []struct {
		name  string
		draft bool
	}{{"Draft", true}, {"Approved", false}} {
		t.Run(tt.name, func(t *testing.T) {
			p := publish(t, Publication{Brief: b, Brand: resoma(), Draft: tt.draft})
			pages := strings.Split(strings.TrimRight(tool(t, "pdftotext", p, "-"), "\f"), "\f")
			for i, pg := range pages {
				// The whole word, on a line of its own: never scattered into
				// the body's lines.
				n := len(regexp.MustCompile(`(?m)^DRAFT$`).FindAllString(pg, -1))
				if want := map[bool]int{true: 1, false: 0}[tt.draft]; n != want || strings.Count(pg, "DRAFT") != want {
					t.Errorf("page %d: DRAFT %d times, want %d", i+1, n, want)
				}
			}
		})
	}
}

func BenchmarkPublish20Pages(b *testing.B) {
	br := resoma()
	bf := brief.Brief{ID: "bench", Type: "discussion-brief", Title: "Housing first for newly recognised refugees in mid-sized cities",
		Metadata: brief.Metadata{Subtitle: "What local authorities can do", Topic: "Integration", Date: "March 2021",
			Authors:     []brief.Author{{Name: "Ilse Vandermeersch", Affiliation: "Ghent"}, {Name: "Tomasz Wiśniewski", Affiliation: "Kraków"}},
			Supervisors: []string{"Zoë Papadopoulou"}, Keywords: []string{"housing"}, Language: "EN"}}
	for i, s := range longDoc(10) {
		bf.Sections = append(bf.Sections, brief.Section{Key: fmt.Sprint(i), Title: s.Title, Text: s.Markdown})
	}
	pub := Publication{Brief: bf, Brand: br, Draft: true, Date: testDate}
	var buf bytes.Buffer
	if err := Publish(&buf, pub); err != nil {
		b.Fatal(err)
	}
	if n := bytes.Count(buf.Bytes(), []byte("/Type /Page\n")); n < 19 || n > 22 {
		b.Fatalf("pages: %d, want about 20", n)
	}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		buf.Reset()
		if err := Publish(&buf, pub); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(bytes.Count(buf.Bytes(), []byte("/Type /Page\n"))), "pages")
}
