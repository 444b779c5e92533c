package store

import (
	"context"
	"fmt"
	"testing"

	"briefstudio/internal/brief"
	"briefstudio/internal/revision"
)

// A batch of live edits commits in one transaction; an edit refused
// (whether before it wrote or, via the test hook, after) leaves no trace,
// and the others in the batch still apply.
func TestBatchRefusalsLeaveNoTrace(t *testing.T) {
	for _, afterWrite := range []bool{false, true} {
		t.Run(fmt.Sprintf("afterWrite=%v", afterWrite), func(t *testing.T) {
			s, u, b := withBrief(t)
			ctx := context.Background()
			key := b.Sections[0].Key
			w, err := s.PutSection(ctx, u, b.ID, key, "one two three", 0)
			if err != nil {
				t.Fatal(err)
			}
			base := w.Text
			edit := func(client, text string) ClientEditRequest {
				return ClientEditRequest{User: u, BaseText: &base, Edit: ClientEdit{ClientID: client, Section: key, N: 1, Base: w.Version, Delta: revision.Delta(base, text)}}
			}
			reqs := []ClientEditRequest{
				edit("good1", "zero one two three"),
				edit("bad-delta", "x"),
				edit("refused", "one two three four"),
				edit("good2", "one two three five"),
			}
			reqs[1].Edit.Delta = "=999" // longer than the text: does not apply
			want := map[int]brief.Code{1: brief.EInvalid}
			if afterWrite {
				refuseAfterWrite = func(e ClientEdit) error {
					if e.ClientID == "refused" {
						return brief.Errorf(brief.EConflict, "refused by the test")
					}
					return nil
				}
				t.Cleanup(func() { refuseAfterWrite = nil })
				want[2] = brief.EConflict
			}
			res, errs, err := s.ApplyClientEdits(ctx, b.ID, reqs)
			if err != nil {
				t.Fatal(err)
			}
			for i := range reqs {
				if brief.ErrorCode(errs[i]) != want[i] && !(want[i] == "" && errs[i] == nil) {
					t.Fatalf("edit %d (%s): error %v, want code %q", i, reqs[i].Edit.ClientID, errs[i], want[i])
				}
			}
			last := res[len(res)-1]
			wantText := "zero one two three four five"
			if afterWrite {
				wantText = "zero one two three five"
			}
			if last.Text != wantText {
				t.Fatalf("text %q, want %q", last.Text, wantText)
			}
			text, version := rebuild(t, s, b.ID, key)
			if text != wantText || version != last.Version {
				t.Fatalf("edit log rebuilds %q at %d, want %q at %d", text, version, wantText, last.Version)
			}
			acks, err := s.ClientAcks(ctx, u, "refused", b.ID)
			if err != nil {
				t.Fatal(err)
			}
			if wantAck := map[bool]int64{false: 1, true: 0}[afterWrite]; acks[key] != wantAck {
				t.Fatalf("refused client acked %d, want %d", acks[key], wantAck)
			}
		})
	}
}
