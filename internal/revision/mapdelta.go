package revision

import (
	"strconv"
	"strings"
	"unicode/utf8"

	"briefstudio/internal/brief"
)

// MapThroughDelta maps a code-point position in a delta's source text to
// its target text, without the texts: what an edit-log row holds is enough.
// A position inside a deleted run maps to the deletion point; at an insert
// exactly at pos, stickRight puts it after the inserted text.
func MapThroughDelta(delta string, pos int, stickRight bool) (int, error) {
	src, dst := 0, 0
	if delta == "" {
		return pos, nil
	}
	for _, tok := range strings.Split(delta, "\t") {
		if tok == "" {
			continue
		}
		switch tok[0] {
		case '+':
			text, err := decodeURI(tok[1:])
			if err != nil {
				return 0, brief.Errorf(brief.EInvalid, "delta: bad insert: %v", err)
			}
			if src == pos && !stickRight {
				return dst, nil
			}
			dst += utf8.RuneCountInString(text)
		case '-', '=':
			n, err := strconv.Atoi(tok[1:])
			if err != nil || n < 0 {
				return 0, brief.Errorf(brief.EInvalid, "delta: bad length %q", truncate(tok[1:]))
			}
			if pos < src+n || (pos == src+n && tok[0] == '=' && !stickRight) {
				if tok[0] == '-' {
					return dst, nil
				}
				return dst + pos - src, nil
			}
			src += n
			if tok[0] == '=' {
				dst += n
			}
		default:
			return 0, brief.Errorf(brief.EInvalid, "delta: bad operation %q", truncate(tok))
		}
	}
	return dst + pos - src, nil
}

// Deltas encodes the change from old to new both ways: the forward delta
// (old -> new) and the inverse (new -> old), from one diff.
func Deltas(old, new string) (forward, inverse string) {
	ops := Diff(old, new)
	inv := make([]Op, len(ops))
	for i, o := range ops {
		switch o.Op {
		case "insert":
			o.Op = "delete"
		case "delete":
			o.Op = "insert"
		}
		inv[i] = o
	}
	return encodeOps(ops), encodeOps(inv)
}

// encodeOps writes ops in diff-match-patch's delta format, lengths in code
// points.
func encodeOps(ops []Op) string {
	var b strings.Builder
	for _, o := range ops {
		if o.Text == "" {
			continue
		}
		if b.Len() > 0 {
			b.WriteByte('\t')
		}
		switch o.Op {
		case "insert":
			b.WriteByte('+')
			b.WriteString(encodeURI(o.Text))
		case "delete":
			b.WriteByte('-')
			b.WriteString(strconv.Itoa(utf8.RuneCountInString(o.Text)))
		default:
			b.WriteByte('=')
			b.WriteString(strconv.Itoa(utf8.RuneCountInString(o.Text)))
		}
	}
	return b.String()
}
