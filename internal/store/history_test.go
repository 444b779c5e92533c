package store

import (
	"context"
	"fmt"
	"math/rand"
	"strings"
	"testing"
	"time"

	"briefstudio/internal/brief"
)

// TestTextAtEveryVersion: with checkpoints and inverse deltas, every
// version rebuilds exactly, whichever way textAt goes.
func TestTextAtEveryVersion(t *testing.T) {
	s, _ := openTest(t)
	ctx := context.Background()
	u := mustUser(t, s, "a@example.org", brief.RoleAuthor)
	b, _ := s.CreateBrief(ctx, u, NewBrief{Type: "discussion-brief", Title: "T"})
	rng := rand.New(rand.NewSource(7))
	alphabet := []rune("aé中😀 \nbcdß")
	texts := []string{""}
	cur := []rune{}
	for v := 1; v <= 250; v++ {
		// A random edit: delete a few runes, insert a few.
		at := 0
		if len(cur) > 0 {
			at = rng.Intn(len(cur) + 1)
		}
		del := rng.Intn(3)
		if at+del > len(cur) {
			del = len(cur) - at
		}
		ins := make([]rune, rng.Intn(6))
		for i := range ins {
			ins[i] = alphabet[rng.Intn(len(alphabet))]
		}
		cur = append(append(append([]rune{}, cur[:at]...), ins...), cur[at+del:]...)
		if _, err := s.PutSection(ctx, u, b.ID, "introduction", string(cur), int64(v-1)); err != nil {
			t.Fatal(err)
		}
		texts = append(texts, string(cur))
	}
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer tx.Rollback()
	for v, want := range texts {
		got, err := textAt(tx, b.ID, "introduction", int64(v))
		if err != nil || got != want {
			t.Fatalf("version %d: got %q, %v; want %q", v, got, err, want)
		}
	}
	for _, bad := range []int64{-1, 251} {
		if _, err := textAt(tx, b.ID, "introduction", bad); brief.ErrorCode(err) != brief.EInvalid {
			t.Fatalf("version %d: %v", bad, err)
		}
	}
}

func TestRevisionsCoalesce(t *testing.T) {
	now := time.Date(2026, 1, 1, 9, 0, 0, 0, time.UTC)
	clock := func() time.Time { return now }
	s, err := Open(t.TempDir()+"/t.db", WithClock(clock))
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	ctx := context.Background()
	a := mustUser(t, s, "a@example.org", brief.RoleAuthor)
	b2 := mustUser(t, s, "b@example.org", brief.RoleAuthor)
	br, _ := s.CreateBrief(ctx, a, NewBrief{Type: "discussion-brief", Title: "T"})
	s.AddMember(ctx, a, br.ID, "b@example.org", "author")
	put := func(u brief.User, key, text string) {
		t.Helper()
		cur, _ := s.Brief(ctx, u, br.ID)
		for _, sec := range cur.Sections {
			if sec.Key == key {
				if _, err := s.PutSection(ctx, u, br.ID, key, text, sec.Version); err != nil {
					t.Fatal(err)
				}
			}
		}
	}
	put(a, "introduction", "one")        // r1
	now = now.Add(30 * time.Second)      //
	put(a, "introduction", "one two")    // r1 (within the quiet period)
	put(a, "references", "refs")         // r2 (another section)
	put(b2, "references", "refs, more")  // r3 (another author)
	now = now.Add(61 * time.Second)      //
	put(b2, "references", "refs, more!") // r4 (quiet period passed)
	if _, err := s.CreateVersion(ctx, a, br.ID, "Checkpoint"); err != nil {
		t.Fatal(err)
	}
	put(b2, "references", "refs, more!!") // r5 (a named version closed r4)
	revs, err := s.Revisions(ctx, a, br.ID)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for i := len(revs) - 1; i >= 0; i-- {
		r := revs[i]
		got = append(got, fmt.Sprintf("%d:%s:%s:%d-%d", r.Number, r.Section, r.Author.Name, r.FromVersion, r.ToVersion))
	}
	want := "1:introduction:a@example.org:0-2 2:references:a@example.org:0-1 3:references:b@example.org:1-2 " +
		"4:references:b@example.org:2-3 5:references:b@example.org:3-4"
	if strings.Join(got, " ") != want {
		t.Fatalf("revisions:\n got %s\nwant %s", strings.Join(got, " "), want)
	}
}

func TestFold(t *testing.T) {
	tests := map[string]string{
		"Jørgensen":         "jorgensen",
		"Łódź":              "lodz",
		"Straße":            "strasse",
		"Æsop Œuvre":        "aesop oeuvre",
		"Garcés-Mascareñas": "garces-mascarenas",
		"Çağlar Salamońska": "caglar salamonska",
		"Ελληνικά":          "ελληνικα",
	}
	for in, want := range tests {
		if got, _ := fold(in, false); got != want {
			t.Errorf("fold(%q) = %q, want %q", in, got, want)
		}
	}
	f, pos := fold("aßb", true)
	if f != "assb" || fmt.Sprint(pos) != "[0 1 1 2]" {
		t.Fatalf("positions: %q %v", f, pos)
	}
}
