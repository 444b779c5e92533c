package store

import (
	"strings"
	"unicode"

	"golang.org/x/text/unicode/norm"
)

// special folds letters that are not "letter + accent" in Unicode, so that
// remove_diacritics leaves them alone: a search for "Jorgensen" must find
// "Jørgensen", "Lodz" "Łódź", "Strasse" "Straße".
var special = map[rune]string{
	'ø': "o", 'Ø': "o", 'ł': "l", 'Ł': "l", 'ß': "ss", 'ẞ': "ss",
	'æ': "ae", 'Æ': "ae", 'œ': "oe", 'Œ': "oe", 'đ': "d", 'Đ': "d",
	'ð': "d", 'Ð': "d", 'þ': "th", 'Þ': "th", 'ı': "i", 'ħ': "h", 'Ħ': "h",
}

// fold lower-cases s and removes accents and the letters above, for the
// search index and queries alike. With positions, it also returns for each
// rune of the result the index of the rune of s it came from.
func fold(s string, positions bool) (string, []int) {
	var b strings.Builder
	b.Grow(len(s))
	var pos []int
	i := 0
	var buf [8]byte
	for _, r := range s {
		emit := func(out rune) {
			b.WriteRune(unicode.ToLower(out))
			if positions {
				pos = append(pos, i)
			}
		}
		switch {
		case r < 0x80:
			emit(r)
		case special[r] != "":
			for _, o := range special[r] {
				emit(o)
			}
		default:
			n := copy(buf[:], string(r))
			for _, d := range norm.NFD.String(string(buf[:n])) {
				if !unicode.Is(unicode.Mn, d) {
					if f, ok := special[d]; ok {
						for _, o := range f {
							emit(o)
						}
					} else {
						emit(d)
					}
				}
			}
		}
		i++
	}
	return b.String(), pos
}

// terms splits a folded query into its words.
func terms(folded string) []string {
	return strings.FieldsFunc(folded, func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) })
}
