package importer

import (
	"strings"
	"unicode"
)

// A word, for the importer's own bookkeeping of what it consumed, is a run
// of letters, digits and combining marks, compared in lower case.
func isWordRune(r rune) bool {
	return unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.IsMark(r)
}

// wordList returns the words of s in order, in lower case.
func wordList(s string) []string {
	var out []string
	start := -1
	for i, r := range s {
		if isWordRune(r) {
			if start < 0 {
				start = i
			}
			continue
		}
		if start >= 0 {
			out = append(out, strings.ToLower(s[start:i]))
			start = -1
		}
	}
	if start >= 0 {
		out = append(out, strings.ToLower(s[start:]))
	}
	return out
}

// bag is a multiset of words.
type bag map[string]int

func wordsOf(parts ...string) bag {
	b := bag{}
	for _, p := range parts {
		for _, w := range wordList(p) {
			b[w]++
		}
	}
	return b
}

// without removes one occurrence of each word of labels that b holds.
func (b bag) without(labels ...string) bag {
	for _, w := range wordList(strings.Join(labels, " ")) {
		if b[w] > 0 {
			b[w]--
		}
	}
	return b
}

// within reports whether every word of b occurs at least as often in have.
func (b bag) within(have bag) bool {
	for w, n := range b {
		if have[w] < n {
			return false
		}
	}
	return true
}
