package brief

import (
	"net/url"
	"regexp"
	"strings"
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
	HasLogo            bool              `json:"hasLogo"`
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
		if len(v) > 20000 {
			return b, Errorf(EInvalid, "%s is too long (at most 20000 bytes)", name)
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
