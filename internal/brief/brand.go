package brief

import (
	"net/url"
	"regexp"
	"strings"
	"unicode/utf8"
)

// Brand is the workspace's brand profile: what the PDF cover, footer and
// back cover are dressed in. An empty text override means the funder
// profile's text.
type Brand struct {
	ProjectName        string            `json:"projectName"`
	Tagline            string            `json:"tagline"`
	Website            string            `json:"website"`
	ContactEmail       string            `json:"contactEmail"`
	Social             string            `json:"social"`
	PrimaryColor       string            `json:"primaryColor"`
	AccentColor        string            `json:"accentColor"`
	Funder             string            `json:"funder"`
	GrantAgreement     string            `json:"grantAgreement"`
	FundingStatement   string            `json:"fundingStatement"`
	Disclaimer         string            `json:"disclaimer"`
	ReproductionNotice string            `json:"reproductionNotice"`
	SeriesText         map[string]string `json:"seriesText"`
	About              string            `json:"about"`
	// ShowEmblem overrides whether the EU emblem is printed; null means
	// the funder profile's choice (yes for every profile but none).
	ShowEmblem *bool `json:"showEmblem"`
	HasLogo    bool  `json:"hasLogo"`
}

// Funders lists the built-in funder profiles.
var Funders = []string{"h2020", "horizon-europe", "custom", "none"}

// DefaultBrand is the profile of a new workspace.
func DefaultBrand() Brand {
	return Brand{
		ProjectName:  "Brief Studio",
		PrimaryColor: "#1F3A93",
		AccentColor:  "#F2A900",
		Funder:       "none",
		SeriesText:   map[string]string{},
	}
}

var hexColor = regexp.MustCompile(`^#[0-9A-Fa-f]{6}$`)

// grantNumber is a grant agreement number: Horizon's are digits, other
// programmes' look like "2019-1-DE01-KA203-005000".
var grantNumber = regexp.MustCompile(`^[0-9A-Za-z][0-9A-Za-z./-]{0,39}$`)

// Limits, in characters, of the texts printed on the fixed pages (cover,
// inside and back cover, every footer): each still fits its page at them.
var brandLimits = map[string]int{
	"projectName": 80, "tagline": 200, "social": 80, "grantAgreement": 40,
	"fundingStatement": 400, "disclaimer": 1200, "reproductionNotice": 400,
	"about": 2500, "seriesText": 1200,
}

// Normalize trims and validates a brand profile.
func (b Brand) Normalize() (Brand, error) {
	for _, f := range []*string{&b.ProjectName, &b.Tagline, &b.Website, &b.ContactEmail, &b.Social,
		&b.PrimaryColor, &b.AccentColor, &b.Funder, &b.GrantAgreement} {
		*f = strings.TrimSpace(*f)
	}
	texts := map[string]string{"projectName": b.ProjectName, "tagline": b.Tagline, "social": b.Social,
		"fundingStatement": b.FundingStatement, "disclaimer": b.Disclaimer,
		"reproductionNotice": b.ReproductionNotice, "about": b.About, "grantAgreement": b.GrantAgreement}
	for k, v := range b.SeriesText {
		texts["seriesText."+k] = v
	}
	for name, v := range texts {
		if err := validText(name, v); err != nil {
			return b, err
		}
		limit := brandLimits[name]
		if strings.HasPrefix(name, "seriesText.") {
			limit = brandLimits["seriesText"]
		}
		if n := utf8.RuneCountInString(v); n > limit {
			return b, Errorf(EInvalid, "%s is too long: %d characters (at most %d)", name, n, limit)
		}
	}
	for name, c := range map[string]*string{"primaryColor": &b.PrimaryColor, "accentColor": &b.AccentColor} {
		if !hexColor.MatchString(*c) {
			return b, Errorf(EInvalid, "%s must be a colour such as #1F3A93, not %q", name, *c)
		}
		*c = strings.ToUpper(*c)
	}
	if b.Funder == "" {
		b.Funder = "none"
	}
	known := false
	for _, f := range Funders {
		known = known || f == b.Funder
	}
	if !known {
		return b, Errorf(EInvalid, "funder must be one of %s, not %q", strings.Join(Funders, ", "), b.Funder)
	}
	switch {
	case b.GrantAgreement != "" && !grantNumber.MatchString(b.GrantAgreement):
		return b, Errorf(EInvalid, "grantAgreement must be a grant agreement number such as 770730, not %q", b.GrantAgreement)
	case (b.Funder == "h2020" || b.Funder == "horizon-europe") && b.GrantAgreement == "":
		return b, Errorf(EInvalid, "grantAgreement is required for funder %s (it is printed in every footer)", b.Funder)
	case b.Funder == "custom" && strings.TrimSpace(b.FundingStatement) == "":
		return b, Errorf(EInvalid, "fundingStatement is required for funder custom")
	}
	if b.ContactEmail != "" {
		if _, err := ValidateEmail(b.ContactEmail); err != nil {
			return b, Errorf(EInvalid, "contactEmail %q is not an e-mail address", b.ContactEmail)
		}
	}
	if b.Website != "" {
		u, err := url.Parse(b.Website)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			return b, Errorf(EInvalid, "website must be an http(s) address such as https://example.org, not %q", b.Website)
		}
	}
	if b.SeriesText == nil {
		b.SeriesText = map[string]string{}
	}
	for typ := range b.SeriesText {
		if _, err := TemplateFor(typ); err != nil {
			return b, Errorf(EInvalid, "seriesText: unknown brief type %q", typ)
		}
	}
	return b, nil
}

// The funder profiles' texts (DESIGN.md "Branded PDF"); {grant} is the
// grant agreement number.
const (
	H2020Statement = "This project has received funding from the European Union's Horizon 2020 research and " +
		"innovation programme under grant agreement No {grant}."
	H2020Disclaimer = "The opinions expressed in this document are the sole responsibility of the author(s) and do " +
		"not necessarily represent the official position of the European Commission."
	HorizonEuropeStatement  = "Funded by the European Union"
	HorizonEuropeDisclaimer = "Views and opinions expressed are however those of the author(s) only and do not " +
		"necessarily reflect those of the European Union or the granting authority. Neither the European Union " +
		"nor the granting authority can be held responsible for them."
	// DefaultReproduction is the reproduction notice of every profile.
	DefaultReproduction = "Reproduction is authorised provided the source is acknowledged."
)

// FunderTexts are the texts a brand prints, overrides applied.
type FunderTexts struct {
	Emblem     bool   // print the EU emblem beside the statement
	Statement  string // the funding statement, grant number filled in
	Grant      string // "Grant agreement No N" when the statement does not carry the number
	Disclaimer string
	// Reproduction is the reproduction notice.
	Reproduction string
}

// Texts resolves the brand's printed texts: each override that is empty
// takes the funder profile's text; "{grant}" in any of them is replaced by
// the grant agreement number.
func (b Brand) Texts() FunderTexts {
	var t FunderTexts
	switch b.Funder {
	case "h2020":
		t = FunderTexts{Emblem: true, Statement: H2020Statement, Disclaimer: H2020Disclaimer}
	case "horizon-europe":
		t = FunderTexts{Emblem: true, Statement: HorizonEuropeStatement, Disclaimer: HorizonEuropeDisclaimer}
	case "custom":
		t = FunderTexts{Emblem: true}
	}
	t.Reproduction = DefaultReproduction
	for _, o := range []struct {
		dst *string
		v   string
	}{{&t.Statement, b.FundingStatement}, {&t.Disclaimer, b.Disclaimer}, {&t.Reproduction, b.ReproductionNotice}} {
		if v := strings.TrimSpace(o.v); v != "" {
			*o.dst = v
		}
	}
	grant := strings.TrimSpace(b.GrantAgreement)
	for _, p := range []*string{&t.Statement, &t.Disclaimer, &t.Reproduction} {
		*p = strings.ReplaceAll(*p, "{grant}", grant)
	}
	if grant != "" && t.Statement != "" && !strings.Contains(t.Statement, grant) {
		t.Grant = "Grant agreement No " + grant
	}
	if b.ShowEmblem != nil {
		t.Emblem = *b.ShowEmblem
	}
	return t
}
