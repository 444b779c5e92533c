package brief

import (
	"bytes"
	"image"
	"image/color"
	"image/jpeg"
	"image/png"
	"strings"
	"testing"
)

func TestBrandTexts(t *testing.T) {
	yes, no := true, false
	for _, tt := range []struct {
		name  string
		brand Brand
		want  FunderTexts
	}{
		{"h2020", Brand{Funder: "h2020", GrantAgreement: "770730"}, FunderTexts{Emblem: true,
			Statement:  strings.Replace(H2020Statement, "{grant}", "770730", 1),
			Disclaimer: H2020Disclaimer, Reproduction: DefaultReproduction}},
		{"horizon-europe", Brand{Funder: "horizon-europe", GrantAgreement: "101004945"}, FunderTexts{Emblem: true,
			Statement: "Funded by the European Union", Grant: "Grant agreement No 101004945",
			Disclaimer: HorizonEuropeDisclaimer, Reproduction: DefaultReproduction}},
		{"custom", Brand{Funder: "custom", FundingStatement: "Funded by X ({grant}).", GrantAgreement: "42-A"},
			FunderTexts{Emblem: true, Statement: "Funded by X (42-A).", Reproduction: DefaultReproduction}},
		{"none", Brand{Funder: "none"}, FunderTexts{Reproduction: DefaultReproduction}},
		{"noneWithEmblem", Brand{Funder: "none", ShowEmblem: &yes}, FunderTexts{Emblem: true, Reproduction: DefaultReproduction}},
		{"OverrideEach", Brand{Funder: "h2020", GrantAgreement: "770730", FundingStatement: "  Our statement.  ",
			Disclaimer: "Ours, {grant}.", ReproductionNotice: "No copies.", ShowEmblem: &no},
			FunderTexts{Statement: "Our statement.", Grant: "Grant agreement No 770730", Disclaimer: "Ours, 770730.", Reproduction: "No copies."}},
		{"WhitespaceOverrideIsEmpty", Brand{Funder: "horizon-europe", GrantAgreement: "1", Disclaimer: " \n "},
			FunderTexts{Emblem: true, Statement: "Funded by the European Union", Grant: "Grant agreement No 1",
				Disclaimer: HorizonEuropeDisclaimer, Reproduction: DefaultReproduction}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.brand.Texts(); got != tt.want {
				t.Errorf("got  %+v\nwant %+v", got, tt.want)
			}
		})
	}
}

func TestNormalizeLogo(t *testing.T) {
	enc := func(img image.Image, f func(*bytes.Buffer, image.Image) error) []byte {
		var b bytes.Buffer
		if err := f(&b, img); err != nil {
			t.Fatal(err)
		}
		return b.Bytes()
	}
	pngOf := func(b *bytes.Buffer, img image.Image) error { return png.Encode(b, img) }
	jpgOf := func(b *bytes.Buffer, img image.Image) error { return jpeg.Encode(b, img, nil) }
	deep := image.NewNRGBA64(image.Rect(0, 0, 8, 4))
	deep.Set(1, 1, color.NRGBA64{0xffff, 0x1234, 0, 0x8000})
	okPNG := enc(deep, pngOf)
	okJPG := enc(image.NewRGBA(image.Rect(0, 0, 8, 4)), jpgOf)
	for _, tt := range []struct {
		name string
		data []byte
		mime string
		code Code
	}{
		{"OK16BitPNG", okPNG, "image/png", ""},
		{"OKJPEG", okJPG, "image/jpeg", ""},
		{"ErrTruncatedPNG", okPNG[:len(okPNG)-20], "", EInvalid},
		{"ErrTruncatedJPEG", okJPG[:len(okJPG)/2], "", EInvalid},
		{"ErrText", []byte("<svg/>"), "", EInvalid},
		{"ErrEmpty", nil, "", EInvalid},
		{"ErrHuge", enc(image.NewGray(image.Rect(0, 0, MaxLogoSide+1, 1)), pngOf), "", EInvalid},
		{"ErrTooLarge", make([]byte, MaxLogoBytes+1), "", ETooLarge},
	} {
		t.Run(tt.name, func(t *testing.T) {
			got, mime, err := NormalizeLogo(tt.data)
			if ErrorCode(err) != tt.code && !(tt.code == "" && err == nil) {
				t.Fatalf("err %v, want code %q", err, tt.code)
			}
			if tt.code != "" {
				return
			}
			if mime != tt.mime {
				t.Fatalf("mime %q, want %q", mime, tt.mime)
			}
			if mime == "image/png" {
				img, err := png.Decode(bytes.NewReader(got))
				if err != nil || img.ColorModel() != color.NRGBAModel || got[24] != 8 || got[28] != 0 {
					t.Fatalf("not an 8-bit non-interlaced PNG: %v %v depth %d interlace %d", err, img.ColorModel(), got[24], got[28])
				}
			}
		})
	}
}
