package revision

import "unicode/utf8"

// MapPosition maps pos, a code-point offset in the old text of ops, to the
// new text. An offset inside a deleted run maps to the deletion point. Where
// text was inserted exactly at pos, stickRight puts the result after the
// inserted text and !stickRight before it (a range's start sticks right, its
// end sticks left, so text typed at either edge stays outside the range).
// pos is clamped to the old text; the result lies in [0, len(new text)].
func MapPosition(ops []Op, pos int, stickRight bool) int {
	if pos < 0 {
		pos = 0
	}
	if pos > 0 {
		oldLen := 0
		for _, o := range ops {
			if o.Op != OpInsert {
				oldLen += utf8.RuneCountInString(o.Text)
			}
		}
		pos = min(pos, oldLen)
	}
	oldPos, newPos := 0, 0
	for _, o := range ops {
		n := utf8.RuneCountInString(o.Text)
		switch o.Op {
		case OpInsert:
			if pos == oldPos && !stickRight {
				return newPos
			}
			newPos += n
		case OpDelete:
			if pos < oldPos+n {
				return newPos
			}
			oldPos += n
		default:
			if pos < oldPos+n {
				return newPos + pos - oldPos
			}
			oldPos += n
			newPos += n
		}
	}
	return newPos // pos is the end of the old text
}

// MapRange maps the range [start, end) of the old text of ops to the new
// text: start sticks right and end sticks left, so text inserted at either
// edge stays outside. When the range was not empty and its text is gone
// (the new range would be empty), detached is true and newStart == newEnd is
// the deletion point. Offsets are code points; start and end are clamped to
// [0, ...] and end to at least start.
func MapRange(ops []Op, start, end int) (newStart, newEnd int, detached bool) {
	if start < 0 {
		start = 0
	}
	if end < start {
		end = start
	}
	newStart = MapPosition(ops, start, true)
	newEnd = MapPosition(ops, end, false)
	if end > start && newEnd <= newStart {
		p := min(newStart, newEnd)
		return p, p, true
	}
	if newEnd < newStart {
		// An empty range with text inserted at it: keep it empty, before
		// the insertion.
		newStart = newEnd
	}
	return newStart, newEnd, false
}
