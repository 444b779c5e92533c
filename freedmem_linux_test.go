package main

import (
	"slices"
	"testing"
)

func TestFreedMemoryEnv(t *testing.T) {
	for _, tc := range []struct {
		name  string
		in    []string
		want  []string
		again bool
	}{
		{"no GODEBUG", []string{"HOME=/root"}, []string{"HOME=/root", "GODEBUG=madvdontneed=0"}, true},
		{"other settings kept", []string{"GODEBUG=gctrace=1", "A=b"}, []string{"A=b", "GODEBUG=gctrace=1,madvdontneed=0"}, true},
		{"set already", []string{"GODEBUG=madvdontneed=1", "A=b"}, []string{"GODEBUG=madvdontneed=1", "A=b"}, false},
		{"set among others", []string{"GODEBUG=gctrace=1,madvdontneed=0"}, []string{"GODEBUG=gctrace=1,madvdontneed=0"}, false},
		{"a longer name is another setting", []string{"GODEBUG=xmadvdontneed=1"}, []string{"GODEBUG=xmadvdontneed=1,madvdontneed=0"}, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, again := freedMemoryEnv(tc.in)
			if again != tc.again || !slices.Equal(got, tc.want) {
				t.Fatalf("freedMemoryEnv(%q) = %q, %v; want %q, %v", tc.in, got, again, tc.want, tc.again)
			}
		})
	}
}
