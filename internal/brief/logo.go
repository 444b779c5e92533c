package brief

import (
	"bytes"
	"image"
	"image/draw"
	"image/jpeg"
	"image/png"
)

// Logo limits: the upload's size, and its pixels (a small file can
// declare a huge image).
const (
	MaxLogoBytes  = 2 << 20
	MaxLogoSide   = 6000
	MaxLogoPixels = 16_000_000
)

// NormalizeLogo checks that data is a whole PNG or JPEG image by decoding
// it, and returns what the PDF embeds with its MIME type: a JPEG as it
// came, a PNG re-encoded as 8-bit, non-interlaced (the PDF library reads
// no other kind). Anything else is EInvalid; over MaxLogoBytes ETooLarge.
func NormalizeLogo(data []byte) ([]byte, string, error) {
	if len(data) > MaxLogoBytes {
		return nil, "", Errorf(ETooLarge, "the logo is %d bytes (at most %d: 2 MB)", len(data), MaxLogoBytes)
	}
	if len(data) == 0 {
		return nil, "", Errorf(EInvalid, "the logo is empty: send a PNG or JPEG image as the request body")
	}
	cfg, format, err := image.DecodeConfig(bytes.NewReader(data))
	if err != nil || (format != "png" && format != "jpeg") {
		return nil, "", Errorf(EInvalid, "the logo must be a PNG or JPEG image")
	}
	if cfg.Width < 1 || cfg.Height < 1 || cfg.Width > MaxLogoSide || cfg.Height > MaxLogoSide || cfg.Width*cfg.Height > MaxLogoPixels {
		return nil, "", Errorf(EInvalid, "the logo is %d×%d pixels (at most %d on a side and %d in all)", cfg.Width, cfg.Height, MaxLogoSide, MaxLogoPixels)
	}
	if format == "jpeg" {
		if _, err := jpeg.Decode(bytes.NewReader(data)); err != nil {
			return nil, "", Errorf(EInvalid, "the logo is not a whole JPEG image: %v", err)
		}
		return data, "image/jpeg", nil
	}
	img, err := png.Decode(bytes.NewReader(data))
	if err != nil {
		return nil, "", Errorf(EInvalid, "the logo is not a whole PNG image: %v", err)
	}
	nrgba, ok := img.(*image.NRGBA)
	if !ok {
		nrgba = image.NewNRGBA(img.Bounds())
		draw.Draw(nrgba, nrgba.Bounds(), img, img.Bounds().Min, draw.Src)
	}
	var buf bytes.Buffer
	if err := png.Encode(&buf, nrgba); err != nil {
		return nil, "", Internal(err)
	}
	return buf.Bytes(), "image/png", nil
}
