package importer

import (
	"bytes"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"briefstudio/internal/brief"
)

// MaxFileSize is the largest file Import accepts, in bytes (the contract's
// 10 MB request body limit for imports).
const MaxFileSize = 10 << 20

var bom = []byte{0xEF, 0xBB, 0xBF}

// decodeText checks that src is a text file Import can read and returns it
// with the byte order mark removed and every line ending turned into "\n".
func decodeText(src []byte) (string, error) {
	if len(src) > MaxFileSize {
		return "", brief.Errorf(brief.ETooLarge, "the file is %s; at most %s can be imported", sizeText(len(src)), sizeText(MaxFileSize))
	}
	skipped := 0
	if bytes.HasPrefix(src, bom) {
		src, skipped = src[len(bom):], len(bom)
	}
	if bytes.IndexByte(src, 0) >= 0 {
		return "", brief.Errorf(brief.EInvalid, "not a text file (it contains NUL bytes): import a Markdown (.md) file")
	}
	control, invalid, firstInvalid := 0, 0, -1
	for i := 0; i < len(src); {
		r, size := utf8.DecodeRune(src[i:])
		switch {
		case r == utf8.RuneError && size == 1:
			invalid++
			if firstInvalid < 0 {
				firstInvalid = i
			}
		case r < 0x20 && !strings.ContainsRune("\t\n\v\f\r", r), r == 0x7f:
			control++
		}
		i += size
	}
	// Mostly non-text: many control characters or many bytes that are not
	// UTF-8 at all (an image, a PDF, a word processor file).
	if control*20 > len(src) || invalid*4 > len(src) {
		return "", brief.Errorf(brief.EInvalid, "not a text file (it looks like a binary file): import a Markdown (.md) file")
	}
	if firstInvalid >= 0 {
		line := bytes.Count(src[:firstInvalid], []byte("\n")) + 1
		col := firstInvalid - (bytes.LastIndexByte(src[:firstInvalid], '\n') + 1) + 1
		return "", brief.Errorf(brief.EInvalid, "invalid UTF-8 at byte offset %d (line %d, byte %d of the line): save the file as UTF-8 and import it again",
			firstInvalid+skipped, line, col)
	}
	text := string(src)
	text = strings.ReplaceAll(text, "\r\n", "\n")
	text = strings.ReplaceAll(text, "\r", "\n")
	if strings.TrimFunc(text, unicode.IsSpace) == "" {
		return "", brief.Errorf(brief.EInvalid, "the file is empty")
	}
	return text, nil
}

func sizeText(n int) string {
	if n >= 1<<20 {
		return strings.TrimSuffix(strconv.FormatFloat(float64(n)/(1<<20), 'f', 1, 64), ".0") + " MB"
	}
	return strconv.Itoa(n) + " bytes"
}
