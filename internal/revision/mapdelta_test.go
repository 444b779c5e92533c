package revision

import "testing"

func TestMapThroughDelta(t *testing.T) {
	// "a😀cd" -> "a😀Xd": delete "c" (pos 2), insert "X".
	delta := Delta("a😀cd", "a😀Xd")
	tests := []struct {
		name  string
		delta string
		pos   int
		right bool
		want  int
	}{
		{"BeforeChange", delta, 1, true, 1},
		{"AtDeletedRune", delta, 2, true, 2},
		{"AfterChange", delta, 3, true, 3},
		{"End", delta, 4, false, 4},
		{"InsertStickRight", "=2\t+XY\t=2", 2, true, 4},
		{"InsertStickLeft", "=2\t+XY\t=2", 2, false, 2},
		{"InsideDeletion", "=1\t-3\t=1", 3, true, 1},
		{"AfterDeletion", "=1\t-3\t=1", 4, true, 1},
		{"PastDeletion", "=1\t-3\t=1", 5, true, 2},
		{"EmptyDelta", "", 0, true, 0},
		{"FromEmptyRight", "+abc", 0, true, 3},
		{"FromEmptyLeft", "+abc", 0, false, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := MapThroughDelta(tt.delta, tt.pos, tt.right)
			if err != nil || got != tt.want {
				t.Fatalf("MapThroughDelta(%q, %d, %v) = %d, %v; want %d", tt.delta, tt.pos, tt.right, got, err, tt.want)
			}
		})
	}
}
