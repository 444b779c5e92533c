// Package revision is the text engine of Brief Studio: character and word
// diffs, deltas in diff-match-patch's format, position and range mapping,
// a patch engine (make, match, apply) and the three-way merge of a stale
// edit, all counted in Unicode code points, on top of sergi/go-diff.
//
// go-diff is used for what it does right: the diff algorithm on rune
// sequences and its cleanups (whose output is checked before it is used).
// Its PatchApply and DiffXIndex work in bytes and corrupt non-ASCII text,
// so patching, bitap matching and index mapping are ported here from
// diff-match-patch onto []rune.
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
func Delta(old, new string) string { return encodeOps(trimmedDiff(old, new, Diff)) }

// ApplyDelta rebuilds the new text from old and a delta. The delta must
// cover old exactly; anything else is an invalid error. It walks old by
// bytes, counting code points, so a large text is not converted to runes.
func ApplyDelta(old, delta string) (string, error) {
	var out strings.Builder
	out.Grow(len(old) + 16)
	at, pos := 0, 0 // byte offset and code point count in old
	for delta != "" {
		tok := delta
		if i := strings.IndexByte(delta, '\t'); i >= 0 {
			tok, delta = delta[:i], delta[i+1:]
		} else {
			delta = ""
		}
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
			end := at
			for k := 0; k < n; k++ {
				if end >= len(old) {
					return "", brief.Errorf(brief.EInvalid, "delta covers %d code points but the text has %d",
						pos+n, pos+k+utf8.RuneCountInString(old[end:]))
				}
				_, size := utf8.DecodeRuneInString(old[end:])
				end += size
			}
			if tok[0] == '=' {
				out.WriteString(old[at:end])
			}
			at, pos = end, pos+n
		default:
			return "", brief.Errorf(brief.EInvalid, "delta: bad operation %q", truncate(tok))
		}
	}
	if at != len(old) {
		return "", brief.Errorf(brief.EInvalid, "delta covers %d code points but the text has %d", pos, pos+utf8.RuneCountInString(old[at:]))
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
