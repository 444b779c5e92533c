package brief

import (
	"strings"
	"testing"
)

func TestTransition(t *testing.T) {
	tests := []struct {
		from  Status
		event Event
		to    Status
		label string
		code  Code
	}{
		{StatusDraft, EventSubmit, StatusInReview, "Submitted for review", ""},
		{StatusInReview, EventApprove, StatusApproved, "Approved", ""},
		{StatusInReview, EventRequestChanges, StatusChangesRequested, "Changes requested", ""},
		{StatusInReview, EventTextChange, StatusInReview, "", ""},
		{StatusChangesRequested, EventTextChange, StatusChangesRequested, "", ""},
		{StatusChangesRequested, EventSubmit, StatusInReview, "Submitted for review", ""},
		{StatusApproved, EventTextChange, StatusDraft, "", ""},
		{StatusApproved, EventMetadataChange, StatusDraft, "", ""},
		{StatusDraft, EventTextChange, StatusDraft, "", ""},
		{StatusDraft, EventApprove, StatusDraft, "", EConflict},
		{StatusInReview, EventSubmit, StatusInReview, "", EConflict},
		{StatusApproved, EventRequestChanges, StatusApproved, "", EConflict},
		{StatusChangesRequested, EventApprove, StatusChangesRequested, "", EConflict},
	}
	for _, tt := range tests {
		t.Run(string(tt.from)+"/"+string(tt.event), func(t *testing.T) {
			to, label, err := Transition(tt.from, tt.event)
			if ErrorCode(err) != tt.code || to != tt.to || label != tt.label {
				t.Fatalf("got (%s, %q, %v), want (%s, %q, %s)", to, label, err, tt.to, tt.label, tt.code)
			}
		})
	}
}

func TestTemplates(t *testing.T) {
	want := map[string]string{
		"discussion-brief":            "Introduction · Scoping the debate · Key issues and controversies · Stakeholder priorities · References",
		"policy-options-brief":        "Introduction · Policy options · Evidence base · Support for the options · Recommendations · References",
		"ask-the-expert-brief":        "Issue analysis · Evidence from research · Policy considerations · References",
		"national-stakeholder-report": "Country context · Consequences of EU policies · Role in shaping the EU agenda · Stakeholder consultation · References",
		"synthetic-report":            "Summary · Policy dilemmas and trade-offs · Scenarios for reform · Recommendations · References",
	}
	got := Templates()
	if len(got) != len(want) {
		t.Fatalf("got %d templates, want %d", len(got), len(want))
	}
	for _, tp := range got {
		var titles []string
		for _, s := range tp.Sections {
			titles = append(titles, s.Title)
			if s.Key != Slug(s.Title) {
				t.Errorf("%s: key %q is not the slug of %q", tp.Type, s.Key, s.Title)
			}
		}
		if g := strings.Join(titles, " · "); g != want[tp.Type] {
			t.Errorf("%s: got %q, want %q", tp.Type, g, want[tp.Type])
		}
	}
	if _, err := TemplateFor("white-paper"); ErrorCode(err) != EInvalid {
		t.Fatalf("unknown type: got %v, want invalid", err)
	}
}

func TestSlug(t *testing.T) {
	tests := map[string]string{
		"Introduction":                   "introduction",
		"Policy dilemmas and trade-offs": "policy-dilemmas-and-trade-offs",
		"  Évaluation des résultats! ":   "evaluation-des-resultats",
		"2.1 Data":                       "2-1-data",
		"???":                            "section",
		"Ελληνικά":                       "u3b5u3bbu3bbu3b7u3bdu3b9u3bau3b1",
	}
	for in, want := range tests {
		if got := Slug(in); got != want {
			t.Errorf("Slug(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestMetadataNormalize(t *testing.T) {
	ok := Metadata{Date: "september 2019", ManuscriptCompleted: "Sep 2019", Language: "en",
		Authors:  []Author{{Name: " Blanca Garcés-Mascareñas ", Affiliation: "CIDOB"}, {}},
		Keywords: []string{" asylum ", ""}}
	got, err := ok.Normalize()
	if err != nil {
		t.Fatal(err)
	}
	if got.Date != "September 2019" || got.ManuscriptCompleted != "September 2019" || got.Language != "EN" ||
		len(got.Authors) != 1 || got.Authors[0].Name != "Blanca Garcés-Mascareñas" || len(got.Keywords) != 1 {
		t.Fatalf("got %+v", got)
	}
	bad := []struct {
		name string
		m    Metadata
	}{
		{"ErrDate", Metadata{Date: "2019-09"}},
		{"ErrMonth", Metadata{Date: "Smarch 2019"}},
		{"ErrLanguage", Metadata{Language: "English"}},
		{"ErrAuthorWithoutName", Metadata{Authors: []Author{{Affiliation: "CIDOB"}}}},
		{"ErrInvalidUTF8", Metadata{Subtitle: "a\xffb"}},
		{"ErrNUL", Metadata{Topic: "a\x00b"}},
	}
	for _, tt := range bad {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := tt.m.Normalize(); ErrorCode(err) != EInvalid {
				t.Fatalf("got %v, want invalid", err)
			}
		})
	}
}

func TestValidation(t *testing.T) {
	if _, err := ValidateTitle("   "); ErrorCode(err) != EInvalid {
		t.Errorf("empty title: %v", err)
	}
	if _, err := ValidateTitle(strings.Repeat("é", MaxTitle+1)); ErrorCode(err) != EInvalid {
		t.Errorf("long title: %v", err)
	}
	if err := ValidateSectionText(strings.Repeat("a", MaxSectionText+1)); ErrorCode(err) != ETooLarge {
		t.Errorf("large text: %v", err)
	}
	if err := ValidateSectionText("bad \xc3\x28"); ErrorCode(err) != EInvalid {
		t.Errorf("invalid UTF-8: %v", err)
	}
	for _, email := range []string{"", "no-at", "Name <a@b.org>", "a b@c.org"} {
		if _, err := ValidateEmail(email); ErrorCode(err) != EInvalid {
			t.Errorf("ValidateEmail(%q): %v", email, err)
		}
	}
	if _, err := NewUser("a@b.org", "A", "editor"); ErrorCode(err) != EInvalid {
		t.Errorf("bad role: %v", err)
	}
}

func TestBrandNormalize(t *testing.T) {
	b := DefaultBrand()
	b.Funder, b.GrantAgreement, b.Website, b.ContactEmail, b.PrimaryColor = "h2020", "770730", "https://example.org", "team@example.org", "#1f3a93"
	got, err := b.Normalize()
	if err != nil || got.PrimaryColor != "#1F3A93" {
		t.Fatalf("got %+v, %v", got, err)
	}
	for name, mutate := range map[string]func(*Brand){
		"ErrColor":   func(b *Brand) { b.AccentColor = "gold" },
		"ErrFunder":  func(b *Brand) { b.Funder = "erc" },
		"ErrEmail":   func(b *Brand) { b.ContactEmail = "team" },
		"ErrWebsite": func(b *Brand) { b.Website = "javascript:alert(1)" },
		"ErrSeries":  func(b *Brand) { b.SeriesText = map[string]string{"memo": "x"} },
	} {
		t.Run(name, func(t *testing.T) {
			b := DefaultBrand()
			mutate(&b)
			if _, err := b.Normalize(); ErrorCode(err) != EInvalid {
				t.Fatalf("got %v, want invalid", err)
			}
		})
	}
}
