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
	"encoding/binary"
	"fmt"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
	"unsafe"

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
	out, err := replay(make([]byte, 0, len(old)+16), old, delta, nil)
	if err != nil {
		return "", err
	}
	// out is not used again: the string may share its bytes (as strings.Builder does).
	return unsafe.String(unsafe.SliceData(out), len(out)), nil
}

// ReplayDelta is ApplyDelta over bytes, writing the new text into dst's
// storage (which must not share old's, so a long history replays in two
// buffers) and, in the same pass, the delta's inverse. Inserted text must
// be valid UTF-8 without NUL, as any stored text: what an imported edit log
// is checked with, so a bundle need not carry (and be trusted with) inverses.
func ReplayDelta(dst, old []byte, delta string) (next []byte, undo string, err error) {
	var inv strings.Builder
	out, err := replay(dst[:0], old, delta, &inv)
	if err != nil {
		return nil, "", err
	}
	return out, inv.String(), nil
}

// replay applies delta to old, appending the result to out; with inv it
// also writes the inverse delta there and refuses inserts that are not
// valid UTF-8 or hold NUL. One parser serves ApplyDelta and ReplayDelta.
func replay[T string | []byte](out []byte, old T, delta string, inv *strings.Builder) ([]byte, error) {
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
			continue // dmp tolerates blank tokens (a trailing tab)
		}
		body := tok[1:]
		switch tok[0] {
		case '+':
			text, err := decodeURI(body)
			if err == nil && inv != nil {
				if !utf8.ValidString(text) {
					err = fmt.Errorf("not valid UTF-8")
				} else if strings.IndexByte(text, 0) >= 0 {
					return nil, brief.Errorf(brief.EInvalid, "delta: the insert %q holds a NUL character", truncate(body))
				}
			}
			if err != nil {
				return nil, brief.Errorf(brief.EInvalid, "delta: bad insert %q: %v", truncate(body), err)
			}
			out = append(out, text...)
			if n := utf8.RuneCountInString(text); n > 0 && inv != nil {
				put('-', strconv.Itoa(n))
			}
		case '-', '=':
			n, err := strconv.Atoi(body)
			if err != nil || n < 0 {
				return nil, brief.Errorf(brief.EInvalid, "delta: bad length %q", truncate(body))
			}
			end, ok := skipRunes(old, at, n)
			if !ok {
				return nil, brief.Errorf(brief.EInvalid, "delta covers %d code points but the text has %d",
					pos+n, pos+utf8.RuneCountInString(string(old[at:])))
			}
			if tok[0] == '=' {
				out = append(out, old[at:end]...)
			}
			if n > 0 && inv != nil {
				if tok[0] == '=' {
					put('=', strconv.Itoa(n))
				} else {
					put('+', encodeURI(string(old[at:end])))
				}
			}
			at, pos = end, pos+n
		default:
			return nil, brief.Errorf(brief.EInvalid, "delta: bad operation %q", truncate(tok))
		}
	}
	if at != len(old) {
		return nil, brief.Errorf(brief.EInvalid, "delta covers %d code points but the text has %d", pos, pos+utf8.RuneCountInString(string(old[at:])))
	}
	return out, nil
}

// skipRunes returns the byte offset n code points after at in s (false when
// s ends first), eight ASCII bytes at a time where it can: the edit log's
// "=n" runs are long, and every client applies every update to the whole
// text (a fifth of the load tool's time went here a byte at a time).
func skipRunes[T string | []byte](s T, at, n int) (int, bool) {
	var buf [utf8.UTFMax]byte
	const high = 0x8080808080808080
	for n > 0 {
		for n >= 32 && at >= 0 && at+32 <= len(s) &&
			(word(s, at)|word(s, at+8)|word(s, at+16)|word(s, at+24))&high == 0 {
			at, n = at+32, n-32
		}
		if n >= 8 && at >= 0 && at+8 <= len(s) && word(s, at)&high == 0 {
			at, n = at+8, n-8
			continue
		}
		if n == 0 {
			break
		}
		if at >= len(s) {
			return at, false
		}
		if s[at] < utf8.RuneSelf {
			at++
		} else {
			k := copy(buf[:], s[at:min(at+utf8.UTFMax, len(s))])
			_, size := utf8.DecodeRune(buf[:k])
			at += size
		}
		n--
	}
	return at, true
}

// word reads the 8 bytes of s at i (0 <= i, i+8 <= len(s)) as one
// little-endian word. A string's header and a slice's both begin with
// the pointer to their bytes.
func word[T string | []byte](s T, i int) uint64 {
	p := *(*unsafe.Pointer)(unsafe.Pointer(&s))
	return binary.LittleEndian.Uint64(unsafe.Slice((*byte)(unsafe.Add(p, i)), 8))
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
