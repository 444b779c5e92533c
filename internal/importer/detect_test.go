package importer

import (
	"context"
	"os"
	"testing"

	"briefstudio/internal/brief"
)

func TestDetectType(t *testing.T) {
	clean, err := os.ReadFile("testdata/discussion-brief.md")
	if err != nil {
		t.Fatal(err)
	}
	messy, err := os.ReadFile("testdata/messy-conversion.md")
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		src  []byte
		want string
	}{
		{"FrontMatter", clean, "discussion-brief"},
		{"NoFrontMatter", messy, ""},
		{"UnknownType", []byte("---\ntype: white-paper\n---\n# A\n"), ""},
		{"BadYAML", []byte("---\ntype: [\n---\n# A\n"), ""},
		{"OtherCase", []byte("---\nType: synthetic-report\n---\n# A\n"), "synthetic-report"},
		{"Binary", []byte{0, 1, 2, 0xff}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := DetectType(tt.src); got != tt.want {
				t.Errorf("got %q, want %q", got, tt.want)
			}
		})
	}
}

func TestCreateAutoWithoutTypeIsInvalid(t *testing.T) {
	_, _, err := Create(context.Background(), nil, brief.User{}, []byte("# Only a heading\n"), AutoType)
	if brief.ErrorCode(err) != brief.EInvalid {
		t.Fatalf("got %v, want invalid", err)
	}
}
