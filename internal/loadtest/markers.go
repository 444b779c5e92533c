package loadtest

import (
	"bytes"
	"strconv"
	"strings"
)

// A typed word is a marker "w<client>x<seq>" and a space: unique in the
// whole run, so its send time can be looked up wherever it shows up.

func marker(client, seq int) string {
	return "w" + strconv.Itoa(client) + "x" + strconv.Itoa(seq)
}

// mark is a marker found in an update.
type mark struct{ client, seq int32 }

var deltaKey = []byte(`"delta":"`)

// scanUpdate finds the markers in the inserts of an update message's
// delta (PROTOCOL.md: tab-separated "=N", "-N", "+TEXT" tokens, the text
// URI-encoded), read straight from the raw JSON without decoding the rest.
// buf is scratch space, returned for reuse.
func scanUpdate(raw []byte, buf []byte, found []mark) ([]byte, []mark) {
	i := bytes.Index(raw, deltaKey)
	if i < 0 {
		return buf, found
	}
	raw = raw[i+len(deltaKey):]
	// Unescape the JSON string up to its closing quote; escapes other than
	// \t cannot be part of a marker and become a separator.
	buf = buf[:0]
	for j := 0; j < len(raw); j++ {
		c := raw[j]
		if c == '"' {
			break
		}
		if c != '\\' || j+1 >= len(raw) {
			buf = append(buf, c)
			continue
		}
		j++
		switch raw[j] {
		case 't':
			buf = append(buf, '\t')
		case 'u':
			j += 4
			buf = append(buf, '|')
		default:
			buf = append(buf, '|')
		}
	}
	for tok := range bytes.SplitSeq(buf, []byte{'\t'}) {
		if len(tok) > 1 && tok[0] == '+' {
			found = scanInsert(string(tok[1:]), found)
		}
	}
	return buf, found
}

// scanInsert finds the markers in an inserted text. A delta trims the
// common prefix and suffix of the two texts, so an inserted word can show
// up rotated ("2x345 w1" for "w12x345 " typed before "w1…"): the part
// after the last space and the part before the first are read as one word
// too.
func scanInsert(s string, found []mark) []mark {
	found = scanWords(s, found)
	first, last := strings.IndexByte(s, ' '), strings.LastIndexByte(s, ' ')
	if first > 0 && last >= 0 && last+1 < len(s) {
		found = scanWords(s[last+1:]+s[:first], found)
	}
	return found
}

// scanWords appends every whole marker of s (percent escapes and any other
// non-alphanumeric character separate words).
func scanWords(s string, found []mark) []mark {
	for i := 0; i < len(s); i++ {
		if s[i] != 'w' || (i > 0 && isAlnum(s[i-1])) {
			continue
		}
		c, j := digits(s, i+1)
		if j == i+1 || j >= len(s) || s[j] != 'x' {
			continue
		}
		q, k := digits(s, j+1)
		if k == j+1 || (k < len(s) && isAlnum(s[k])) {
			continue
		}
		found = append(found, mark{int32(c), int32(q)})
		i = k - 1
	}
	return found
}

func digits(s string, i int) (int, int) {
	n := 0
	for i < len(s) && '0' <= s[i] && s[i] <= '9' && n < 1<<30 {
		n = n*10 + int(s[i]-'0')
		i++
	}
	return n, i
}

func isAlnum(c byte) bool {
	return '0' <= c && c <= '9' || 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z'
}

// findWord returns the byte offset of word as a whole word of text
// (preceded by the start or a space, followed by a space), or -1.
func findWord(text, word string) int {
	from := 0
	for {
		i := strings.Index(text[from:], word+" ")
		if i < 0 {
			return -1
		}
		i += from
		if i == 0 || text[i-1] == ' ' {
			return i
		}
		from = i + 1
	}
}
