package store

import (
	"strconv"
	"strings"
	"unicode/utf8"

	"briefstudio/internal/brief"
)

// replayDelta applies a logged delta to old exactly as revision.ApplyDelta
// does (the same grammar, the same refusals, the same result) and, in the
// same pass, writes its inverse: what an imported edit log stores as each
// edit's undo, so a bundle need not carry (and be trusted with) inverses.
// Inserted text holding NUL is refused, as in any section text.
func replayDelta(old, delta string) (next, undo string, err error) {
	out, undo, err := replayInto(nil, []byte(old), delta)
	return string(out), undo, err
}

// replayInto is replayDelta writing the new text into dst's storage (which
// must not be old's), so a long history replays in two buffers.
func replayInto(dst, old []byte, delta string) ([]byte, string, error) {
	out := dst[:0]
	var inv strings.Builder
	put := func(kind byte, body string) {
		if inv.Len() > 0 {
			inv.WriteByte('\t')
		}
		inv.WriteByte(kind)
		inv.WriteString(body)
	}
	at, pos := 0, 0 // byte offset and code point count in old
	for delta != "" {
		tok := delta
		if i := strings.IndexByte(delta, '\t'); i >= 0 {
			tok, delta = delta[:i], delta[i+1:]
		} else {
			delta = ""
		}
		if tok == "" {
			continue
		}
		body := tok[1:]
		switch tok[0] {
		case '+':
			text, err := uriDecode(body)
			if err != nil {
				return nil, "", brief.Errorf(brief.EInvalid, "delta: bad insert %q: %v", clip(body), err)
			}
			if strings.IndexByte(text, 0) >= 0 {
				return nil, "", brief.Errorf(brief.EInvalid, "delta: the insert %q holds a NUL character", clip(body))
			}
			out = append(out, text...)
			if n := utf8.RuneCountInString(text); n > 0 {
				put('-', strconv.Itoa(n))
			}
		case '-', '=':
			n, err := strconv.Atoi(body)
			if err != nil || n < 0 {
				return nil, "", brief.Errorf(brief.EInvalid, "delta: bad length %q", clip(body))
			}
			end, ok := skipRunes(old, at, n)
			if !ok {
				return nil, "", brief.Errorf(brief.EInvalid, "delta covers %d code points but the text has %d", pos+n, utf8.RuneCount(old))
			}
			if n > 0 {
				if tok[0] == '=' {
					out = append(out, old[at:end]...)
					put('=', strconv.Itoa(n))
				} else {
					put('+', uriEncode(old[at:end]))
				}
			}
			at, pos = end, pos+n
		default:
			return nil, "", brief.Errorf(brief.EInvalid, "delta: bad operation %q", clip(tok))
		}
	}
	if at != len(old) {
		return nil, "", brief.Errorf(brief.EInvalid, "delta covers %d code points but the text has %d", pos, pos+utf8.RuneCount(old[at:]))
	}
	return out, inv.String(), nil
}

// skipRunes returns the byte offset n code points after at in s, eight
// ASCII bytes at a time where it can (the edit log's "=n" runs are long).
func skipRunes(s []byte, at, n int) (int, bool) {
	for n > 0 {
		if n >= 8 && at+8 <= len(s) &&
			(s[at]|s[at+1]|s[at+2]|s[at+3]|s[at+4]|s[at+5]|s[at+6]|s[at+7])&0x80 == 0 {
			at, n = at+8, n-8
			continue
		}
		if at >= len(s) {
			return at, false
		}
		if s[at] < utf8.RuneSelf {
			at++
		} else {
			_, size := utf8.DecodeRune(s[at:])
			at += size
		}
		n--
	}
	return at, true
}

func clip(s string) string {
	if len(s) > 40 {
		return s[:40] + "…"
	}
	return s
}

// uriEncode escapes like JavaScript's encodeURI, then restores spaces, as
// diff-match-patch does for the text of inserts (revision's encoding).
func uriEncode(s []byte) string {
	const hexDigits = "0123456789ABCDEF"
	var b strings.Builder
	b.Grow(len(s))
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c == ' ' || 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' ||
			strings.IndexByte(";,/?:@&=+$-_.!~*'()#", c) >= 0 {
			b.WriteByte(c)
			continue
		}
		b.WriteByte('%')
		b.WriteByte(hexDigits[c>>4])
		b.WriteByte(hexDigits[c&15])
	}
	return b.String()
}

// uriDecode reverses uriEncode as revision's decoding does: %-escapes must
// be complete and form valid UTF-8; the text must be valid UTF-8.
func uriDecode(s string) (string, error) {
	if strings.IndexByte(s, '%') < 0 {
		if !utf8.ValidString(s) {
			return "", errString("not valid UTF-8")
		}
		return s, nil
	}
	buf := make([]byte, 0, len(s))
	for i := 0; i < len(s); i++ {
		if s[i] != '%' {
			buf = append(buf, s[i])
			continue
		}
		if i+2 >= len(s) {
			return "", errString("truncated escape")
		}
		v, err := strconv.ParseUint(s[i+1:i+3], 16, 8)
		if err != nil {
			return "", errString("bad escape " + strconv.Quote(s[i:i+3]))
		}
		buf = append(buf, byte(v))
		i += 2
	}
	if !utf8.Valid(buf) {
		return "", errString("escapes do not form valid UTF-8")
	}
	return string(buf), nil
}

type errString string

func (e errString) Error() string { return string(e) }
