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
// (old -> new) and the inverse (new -> old), from one diff. Only the part
// between the common prefix and suffix is diffed, so a keystroke in a long
// text costs little. The diff is by words (what the edit log keeps): a
// rewritten phrase is its words deleted and others inserted, not letters
// that happen to match, so comment ranges mapped through the log move
// with the words.
func Deltas(old, new string) (forward, inverse string) {
	all := trimmedDiff(old, new, WordDiff)
	inv := make([]Op, len(all))
	for i, o := range all {
		switch o.Op {
		case OpInsert:
			o.Op = OpDelete
		case OpDelete:
			o.Op = OpInsert
		}
		inv[i] = o
	}
	return encodeOps(all), encodeOps(inv)
}

// trimmedDiff is diff (Diff or WordDiff) with the common prefix and suffix
// kept out of it (and out of any copy: the equal ops slice the inputs).
func trimmedDiff(old, new string, diff func(a, b string) []Op) []Op {
	p, s := commonEnds(old, new)
	ops := diff(old[p:len(old)-s], new[p:len(new)-s])
	all := make([]Op, 0, len(ops)+2)
	all = append(all, Op{Op: OpEqual, Text: old[:p]})
	all = append(all, ops...)
	return append(all, Op{Op: OpEqual, Text: old[len(old)-s:]})
}

// commonEnds returns the lengths in bytes of the common prefix and suffix
// of a and b, cut at code point boundaries and not overlapping.
func commonEnds(a, b string) (prefix, suffix int) {
	n := min(len(a), len(b))
	for prefix < n && a[prefix] == b[prefix] {
		prefix++
	}
	for prefix > 0 && prefix < len(a) && !utf8.RuneStart(a[prefix]) {
		prefix--
	}
	for prefix > 0 && prefix < len(b) && !utf8.RuneStart(b[prefix]) {
		prefix--
	}
	m := n - prefix
	for suffix < m && a[len(a)-1-suffix] == b[len(b)-1-suffix] {
		suffix++
	}
	for suffix > 0 && !utf8.RuneStart(a[len(a)-suffix]) {
		suffix--
	}
	return prefix, suffix
}

// encodeOps writes ops in diff-match-patch's delta format, lengths in code
// points, neighbouring operations of one kind written as one.
func encodeOps(ops []Op) string {
	var b strings.Builder
	kind, count := "", 0
	flush := func() {
		if count == 0 {
			return
		}
		if b.Len() > 0 {
			b.WriteByte('\t')
		}
		if kind == OpDelete {
			b.WriteByte('-')
		} else {
			b.WriteByte('=')
		}
		b.WriteString(strconv.Itoa(count))
		count = 0
	}
	for _, o := range ops {
		if o.Text == "" {
			continue
		}
		if o.Op == OpInsert {
			flush()
			if b.Len() > 0 {
				b.WriteByte('\t')
			}
			b.WriteByte('+')
			b.WriteString(encodeURI(o.Text))
			kind = OpInsert
			continue
		}
		if o.Op != kind {
			flush()
			kind = o.Op
		}
		count += utf8.RuneCountInString(o.Text)
	}
	flush()
	return b.String()
}
