package revision

import (
	"slices"
	"unicode"
	"unicode/utf8"
)

// The values of Op.Op.
const (
	OpEqual  = "equal"  // text present in both versions
	OpInsert = "insert" // text only in the new version
	OpDelete = "delete" // text only in the old version
)

// Diff returns the character diff from a to b, in code points: the minimal
// diff (Myers' algorithm, as diff-match-patch runs it, bounded by a budget
// of steps rather than a clock: see myers), with adjacent operations of one
// kind merged. It is what deltas
// and position maps are built on; for reading, prefer WordDiff.
//
// The equal and delete texts concatenate to a, the equal and insert texts to
// b. Invalid UTF-8 is read as one U+FFFD per bad byte, as []rune does.
func Diff(a, b string) []Op {
	if a == b {
		return equalOps(sanitize(a))
	}
	return toOps(diffRunes([]rune(a), []rune(b)))
}

// WordDiff returns a diff from a to b for people to read: whole words are
// deleted and inserted, not scattered letters. Both texts are split into
// tokens (runs of letters, digits and combining marks; runs of white space;
// single other characters, each with the marks, emoji modifiers and joiners
// that belong to it; CJK ideographs and kana count as one token each, since
// those scripts have no spaces), each distinct token is mapped to one code
// point, the code point sequences are diffed by go-diff and mapped back to
// text, and the semantic cleanup of diff-match-patch (on code points, with
// Unicode word classes) removes the coincidental equalities.
//
// The equal and delete texts concatenate to a, the equal and insert texts to
// b, exactly (invalid UTF-8 is read as one U+FFFD per bad byte). Adjacent
// operations of one kind are merged; within a change the deletion comes
// before the insertion.
func WordDiff(a, b string) []Op {
	a, b = sanitize(a), sanitize(b)
	if a == b {
		return equalOps(a)
	}
	ca, cb, tokens, ok := tokensToRunes(a, b)
	if !ok {
		// More distinct tokens than code points: diff characters.
		ra, rb := []rune(a), []rune(b)
		diffs := diffRunes(ra, rb)
		if cleaned := cleanupSemantic(slices.Clone(diffs), nil); rebuildsR(cleaned, ra, rb) {
			diffs = cleaned
		}
		return toOps(diffs)
	}
	// Diff and clean up in token space, where lengths count tokens and
	// nothing can split a word, then spell the tokens out.
	diffs := toRops(newDMP().DiffMainRunes(ca, cb, false))
	if cleaned := cleanupSemantic(slices.Clone(diffs), tokenScore(tokens)); rebuildsR(cleaned, ca, cb) {
		diffs = cleaned
	}
	return toOps(codesToText(diffs, tokens))
}

// tokenScore rates a cut between two tokens by the characters around it.
func tokenScore(tokens [][]rune) scoreFunc {
	return func(at func(int) rune, n, i int) int {
		if i <= 0 || i >= n {
			return 6
		}
		left, right := tokens[tokenIndex(at(i-1))], tokens[tokenIndex(at(i))]
		text := func(k int) rune {
			if k < len(left) {
				return left[k]
			}
			return right[k-len(left)]
		}
		return boundaryScore(text, len(left)+len(right), len(left))
	}
}

// diffRunes is Diff on runes, as the merges and the patch engine use it:
// exact and deterministic (see myers), adjacent operations merged.
func diffRunes(a, b []rune) []rop {
	if len(a) == 0 && len(b) == 0 {
		return nil
	}
	return cleanupMerge(diffExact(a, b))
}

// sanitize returns s, or s with every invalid byte replaced by U+FFFD, the
// way []rune(s) reads it.
func sanitize(s string) string {
	if utf8.ValidString(s) {
		return s
	}
	return string([]rune(s))
}

func equalOps(s string) []Op {
	if s == "" {
		return nil
	}
	return []Op{{Op: OpEqual, Text: s}}
}

// toOps converts rune diffs to Ops: empty operations dropped; in each run
// of changes between two equalities, all deleted text becomes one delete
// followed by all inserted text as one insert (which rebuilds both texts
// unchanged); neighbouring equalities merged.
func toOps(diffs []rop) []Op {
	ops := make([]Op, 0, len(diffs))
	var del, ins []rune
	flush := func() {
		if len(del) > 0 {
			ops = append(ops, Op{Op: OpDelete, Text: string(del)})
			del = del[:0]
		}
		if len(ins) > 0 {
			ops = append(ops, Op{Op: OpInsert, Text: string(ins)})
			ins = ins[:0]
		}
	}
	for i := 0; i < len(diffs); i++ {
		switch d := diffs[i]; d.op {
		case opDelete:
			del = append(del, d.text...)
		case opInsert:
			ins = append(ins, d.text...)
		default:
			if len(d.text) == 0 {
				continue
			}
			flush()
			text := d.text
			for i+1 < len(diffs) && (diffs[i+1].op == opEqual || len(diffs[i+1].text) == 0) {
				i++
				text = concat(text, diffs[i].text)
			}
			ops = append(ops, Op{Op: OpEqual, Text: string(text)})
		}
	}
	flush()
	return ops
}

// Token codes skip the surrogates U+D800–U+DFFF: go-diff turns []rune into
// strings, where a surrogate would become U+FFFD and collide.
const (
	surrogateMin = 0xD800
	surrogateMax = 0xDFFF
	maxTokens    = utf8.MaxRune + 1 - (surrogateMax - surrogateMin + 1)
)

// tokenLimit is maxTokens; tests lower it to reach the fallback.
var tokenLimit int = maxTokens

func tokenCode(i int) rune {
	if i >= surrogateMin {
		return rune(i + surrogateMax - surrogateMin + 1)
	}
	return rune(i)
}

func tokenIndex(r rune) int {
	if r > surrogateMax {
		return int(r) - (surrogateMax - surrogateMin + 1)
	}
	return int(r)
}

// tokensToRunes maps the tokens of a and b to one code point each, as
// go-diff's DiffLinesToRunes does with lines. ok is false when there are
// more distinct tokens than code points.
func tokensToRunes(a, b string) (ra, rb []rune, tokens [][]rune, ok bool) {
	return tokensToRunesBy(a, b, tokenLen)
}

// tokensToRunesBy is tokensToRunes with tokens cut by next, which returns
// the length in bytes of the token its (non-empty) argument starts with.
func tokensToRunesBy(a, b string, next func(string) int) (ra, rb []rune, tokens [][]rune, ok bool) {
	codes := make(map[string]rune)
	encode := func(s string) []rune {
		out := make([]rune, 0, len(s)/3+1)
		for i := 0; i < len(s) && ok; {
			n := next(s[i:])
			tok := s[i : i+n]
			i += n
			c, seen := codes[tok]
			if !seen {
				if len(tokens) >= tokenLimit {
					ok = false
					break
				}
				c = tokenCode(len(tokens))
				codes[tok] = c
				tokens = append(tokens, []rune(tok))
			}
			out = append(out, c)
		}
		return out
	}
	ok = true
	ra = encode(a)
	rb = encode(b)
	return ra, rb, tokens, ok
}

// codesToText spells out the token codes of diffs.
func codesToText(diffs []rop, tokens [][]rune) []rop {
	out := make([]rop, 0, len(diffs))
	for _, d := range diffs {
		var text []rune
		for _, c := range d.text {
			text = append(text, tokens[tokenIndex(c)]...)
		}
		out = append(out, rop{op: d.op, text: text})
	}
	return out
}

// tokenLen returns the length in bytes of the token s starts with; s is
// valid UTF-8 and not empty.
func tokenLen(s string) int {
	r, n := utf8.DecodeRuneInString(s)
	switch {
	case isIdeograph(r):
		return n + extendLen(s[n:], r)
	case isWordRune(r):
		for n < len(s) {
			r2, m := utf8.DecodeRuneInString(s[n:])
			if !isWordRune(r2) || isIdeograph(r2) {
				break
			}
			n += m
		}
		return n
	case unicode.IsSpace(r):
		for n < len(s) {
			r2, m := utf8.DecodeRuneInString(s[n:])
			if !unicode.IsSpace(r2) {
				break
			}
			n += m
		}
		return n
	default:
		return n + extendLen(s[n:], r)
	}
}

// extendLen returns how many bytes of s still belong to the character
// first: combining marks, variation selectors, emoji modifiers and tags,
// zero-width-joiner sequences and the second half of a flag.
func extendLen(s string, first rune) int {
	n := 0
	flag := isRegional(first)
	for n < len(s) {
		r, m := utf8.DecodeRuneInString(s[n:])
		switch {
		case unicode.IsMark(r), 0x1F3FB <= r && r <= 0x1F3FF, 0xE0020 <= r && r <= 0xE007F:
			n += m
		case r == 0x200D: // zero width joiner: take the next character too
			n += m
			if n < len(s) {
				_, m2 := utf8.DecodeRuneInString(s[n:])
				n += m2
			}
		case flag && isRegional(r):
			n += m
			flag = false
		default:
			return n
		}
	}
	return n
}

func isWordRune(r rune) bool {
	return unicode.IsLetter(r) || unicode.IsNumber(r) || unicode.IsMark(r)
}

func isIdeograph(r rune) bool {
	return r >= 0x2E80 && (unicode.Is(unicode.Han, r) || unicode.Is(unicode.Hiragana, r) || unicode.Is(unicode.Katakana, r))
}

func isRegional(r rune) bool { return 0x1F1E6 <= r && r <= 0x1F1FF }
