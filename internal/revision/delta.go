// Package revision is the text engine: diffs, deltas and (later) patching,
// all counted in Unicode code points, on top of sergi/go-diff.
package revision

import (
	"fmt"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/sergi/go-diff/diffmatchpatch"

	"briefstudio/internal/brief"
)

// Op is one operation of a diff.
type Op struct {
	Op   string `json:"op"` // equal, insert or delete
	Text string `json:"text"`
}

func newDMP() *diffmatchpatch.DiffMatchPatch {
	dmp := diffmatchpatch.New()
	// A delta only has to be correct, not minimal: bound the time a huge
	// rewrite can take, so a pathological edit cannot stall a writer.
	dmp.DiffTimeout = 500 * time.Millisecond
	return dmp
}

// Delta encodes the change from old to new in diff-match-patch's delta
// format ("=3\t-2\t+ing"), with lengths in code points.
func Delta(old, new string) string {
	if old == new {
		if old == "" {
			return ""
		}
		return "=" + strconv.Itoa(utf8.RuneCountInString(old))
	}
	diffs := newDMP().DiffMainRunes([]rune(old), []rune(new), false)
	var b strings.Builder
	for i, d := range diffs {
		if i > 0 {
			b.WriteByte('\t')
		}
		switch d.Type {
		case diffmatchpatch.DiffInsert:
			b.WriteByte('+')
			b.WriteString(encodeURI(d.Text))
		case diffmatchpatch.DiffDelete:
			b.WriteByte('-')
			b.WriteString(strconv.Itoa(utf8.RuneCountInString(d.Text)))
		case diffmatchpatch.DiffEqual:
			b.WriteByte('=')
			b.WriteString(strconv.Itoa(utf8.RuneCountInString(d.Text)))
		}
	}
	return b.String()
}

// ApplyDelta rebuilds the new text from old and a delta. The delta must
// cover old exactly; anything else is an invalid error.
func ApplyDelta(old, delta string) (string, error) {
	src := []rune(old)
	var out strings.Builder
	out.Grow(len(old))
	pos := 0
	if delta != "" {
		for _, tok := range strings.Split(delta, "\t") {
			if tok == "" {
				continue // dmp tolerates blank tokens (a trailing tab)
			}
			body := tok[1:]
			switch tok[0] {
			case '+':
				text, err := decodeURI(body)
				if err != nil {
					return "", brief.Errorf(brief.EInvalid, "delta: bad insert %q: %v", truncate(body), err)
				}
				out.WriteString(text)
			case '-', '=':
				n, err := strconv.Atoi(body)
				if err != nil || n < 0 {
					return "", brief.Errorf(brief.EInvalid, "delta: bad length %q", truncate(body))
				}
				if pos+n > len(src) {
					return "", brief.Errorf(brief.EInvalid, "delta covers %d code points but the text has %d", pos+n, len(src))
				}
				if tok[0] == '=' {
					out.WriteString(string(src[pos : pos+n]))
				}
				pos += n
			default:
				return "", brief.Errorf(brief.EInvalid, "delta: bad operation %q", truncate(tok))
			}
		}
	}
	if pos != len(src) {
		return "", brief.Errorf(brief.EInvalid, "delta covers %d code points but the text has %d", pos, len(src))
	}
	return out.String(), nil
}

func truncate(s string) string {
	if len(s) > 40 {
		return s[:40] + "…"
	}
	return s
}

// encodeURI escapes like JavaScript's encodeURI, then restores spaces, as
// diff-match-patch does for the text of inserts.
func encodeURI(s string) string {
	const hexDigits = "0123456789ABCDEF"
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c == ' ' || uriSafe(c) {
			b.WriteByte(c)
			continue
		}
		b.WriteByte('%')
		b.WriteByte(hexDigits[c>>4])
		b.WriteByte(hexDigits[c&15])
	}
	return b.String()
}

func uriSafe(c byte) bool {
	switch {
	case 'a' <= c && c <= 'z', 'A' <= c && c <= 'Z', '0' <= c && c <= '9':
		return true
	}
	return strings.IndexByte(";,/?:@&=+$-_.!~*'()#", c) >= 0
}

// decodeURI reverses encodeURI; %-escapes must form valid UTF-8.
func decodeURI(s string) (string, error) {
	if strings.IndexByte(s, '%') < 0 {
		return s, nil
	}
	buf := make([]byte, 0, len(s))
	for i := 0; i < len(s); i++ {
		if s[i] != '%' {
			buf = append(buf, s[i])
			continue
		}
		if i+2 >= len(s) {
			return "", fmt.Errorf("truncated escape")
		}
		v, err := strconv.ParseUint(s[i+1:i+3], 16, 8)
		if err != nil {
			return "", fmt.Errorf("bad escape %q", s[i:i+3])
		}
		buf = append(buf, byte(v))
		i += 2
	}
	if !utf8.Valid(buf) {
		return "", fmt.Errorf("escapes do not form valid UTF-8")
	}
	return string(buf), nil
}
