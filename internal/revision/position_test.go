package revision

import "testing"

func TestMapPosition(t *testing.T) {
	// "Garcés 😀 wrote" -> "Garcés 😁😀 wrote it": an emoji inserted
	// before the 😀, " it" appended.
	ins := Diff("Garcés 😀 wrote", "Garcés 😁😀 wrote it")
	// "a😀bcd中" -> "a中": "😀bcd" deleted.
	del := Diff("a😀bcd中", "a中")
	// "Jørgensen x" -> "Jørgensen y": a replacement.
	rep := Diff("Jørgensen x", "Jørgensen y")
	tests := []struct {
		name       string
		ops        []Op
		pos        int
		stickRight bool
		want       int
	}{
		{"BeforeChange", ins, 3, true, 3},
		{"InsertStickRight", ins, 7, true, 8},
		{"InsertStickLeft", ins, 7, false, 7},
		{"AfterInsert", ins, 8, true, 9},
		{"EndStickLeft", ins, 14, false, 15},
		{"EndStickRight", ins, 14, true, 18},
		{"PastEndClamped", ins, 99, false, 15},
		{"Negative", ins, -5, true, 0},
		{"DeleteStart", del, 1, true, 1},
		{"InsideDelete", del, 3, true, 1},
		{"InsideDeleteLeft", del, 4, false, 1},
		{"AfterDelete", del, 5, true, 1},
		{"AfterDeleteCJK", del, 6, true, 2},
		{"ReplaceStart", rep, 10, true, 10},
		{"ReplaceEndLeft", rep, 11, false, 10},
		{"ReplaceEndRight", rep, 11, true, 11},
		{"NoOps", nil, 4, true, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := MapPosition(tt.ops, tt.pos, tt.stickRight); got != tt.want {
				t.Fatalf("MapPosition(%q, %d, %v): got %d, want %d", tt.ops, tt.pos, tt.stickRight, got, tt.want)
			}
		})
	}
}

func TestMapRange(t *testing.T) {
	tests := []struct {
		name               string
		old, new           string
		start, end         int
		wantStart, wantEnd int
		wantDetached       bool
		wantText           string // new[wantStart:wantEnd]
	}{
		{"Unchanged", "Çağlar wrote", "Çağlar wrote", 0, 6, 0, 6, false, "Çağlar"},
		{"ShiftedByEmoji", "Çağlar wrote", "😀😁 Çağlar wrote", 0, 6, 3, 9, false, "Çağlar"},
		{"InsertAtStartStaysOut", "x Çağlar y", "x Dr Çağlar y", 2, 8, 5, 11, false, "Çağlar"},
		{"InsertAtEndStaysOut", "x Çağlar y", "x Çağlar-Ö y", 2, 8, 2, 8, false, "Çağlar"},
		{"InsertInsideGoesIn", "Garcés Mascareñas", "Garcés-de Mascareñas", 0, 17, 0, 20, false, "Garcés-de Mascareñas"},
		{"PartlyDeleted", "the Garcés-Mascareñas paper", "the Mascareñas paper", 4, 21, 4, 14, false, "Mascareñas"},
		{"WholeRangeDeleted", "one Jørgensen two", "one two", 4, 14, 4, 4, true, ""},
		{"WholeRangeReplaced", "the 中文 text", "the 日本語 text", 4, 6, 4, 4, true, ""},
		{"EmptyRange", "ab", "aXb", 1, 1, 1, 1, false, ""},
		{"Reversed", "abc", "abc", 2, 1, 2, 2, false, ""},
		{"OutOfBounds", "abc", "ab", -3, 10, 0, 2, false, "ab"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ops := Diff(tt.old, tt.new)
			gotStart, gotEnd, gotDetached := MapRange(ops, tt.start, tt.end)
			if gotStart != tt.wantStart || gotEnd != tt.wantEnd || gotDetached != tt.wantDetached {
				t.Fatalf("MapRange(%d, %d) over %q: got %d, %d, %v; want %d, %d, %v",
					tt.start, tt.end, ops, gotStart, gotEnd, gotDetached, tt.wantStart, tt.wantEnd, tt.wantDetached)
			}
			if got := runeSlice(tt.new, gotStart, gotEnd); got != tt.wantText {
				t.Fatalf("mapped text: got %q, want %q", got, tt.wantText)
			}
		})
	}
}
