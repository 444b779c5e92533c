package store

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

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

// isClosing says whether Close has begun.
func (s *Store) isClosing() bool {
	s.liveMu.RLock()
	defer s.liveMu.RUnlock()
	return s.liveClosed
}

// taken says whether the live writer has taken b up.
func taken(b *EditBatch) bool {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.taken
}

// waitTaken waits until the writer took b up.
func waitTaken(t *testing.T, b *EditBatch) {
	t.Helper()
	for deadline := time.Now().Add(10 * time.Second); !taken(b); time.Sleep(time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatal("the writer did not take the batch up")
		}
	}
}

// A queued batch takes more edits until the writer takes it up, and they
// commit with it, after the batch before it; a batch taken up takes none.
func TestQueuedBatchTakesEditsUntilTaken(t *testing.T) {
	s, u, b := withBrief(t)
	ctx := context.Background()
	key := b.Sections[0].Key
	w, err := s.PutSection(ctx, u, b.ID, key, "start", 0)
	if err != nil {
		t.Fatal(err)
	}
	// Each client appends a word to the text at w.Version.
	edit := func(client, word string) ClientEditRequest {
		return ClientEditRequest{User: u, Edit: ClientEdit{ClientID: client, Section: key, N: 1, Base: w.Version,
			Delta: revision.Delta(w.Text, w.Text+" "+word)}}
	}
	s.wmu.Lock() // the writer takes the first batch up and waits here
	first := s.QueueClientEdits(ctx, b.ID, []ClientEditRequest{edit("a", "one")})
	waitTaken(t, first)
	second := s.QueueClientEdits(ctx, b.ID, []ClientEditRequest{edit("b", "two")})
	if first.Add(edit("x", "never")) {
		s.wmu.Unlock()
		t.Fatal("a batch the writer took up took an edit")
	}
	if !second.Add(edit("c", "three"), edit("d", "four")) {
		s.wmu.Unlock()
		t.Fatal("a waiting batch refused edits")
	}
	s.wmu.Unlock()
	<-second.Done()
	select {
	case <-first.Done():
	default:
		t.Fatal("the second batch landed before the first")
	}
	res, errs, err := second.Results()
	if err != nil {
		t.Fatal(err)
	}
	if len(res) != 3 {
		t.Fatalf("%d results, want 3", len(res))
	}
	for i, e := range errs {
		if e != nil {
			t.Fatalf("edit %d: %v", i, e)
		}
	}
	text, _ := rebuild(t, s, b.ID, key)
	for _, word := range []string{"one", "two", "three", "four"} {
		if !strings.Contains(text, word) {
			t.Fatalf("text %q lacks %q", text, word)
		}
	}
	if strings.Contains(text, "never") {
		t.Fatalf("text %q has the edit refused by a taken batch", text)
	}
	if res[2].Text != text {
		t.Fatalf("the last edit's result %q, want the text %q", res[2].Text, text)
	}
}

// Closing the store answers every batch still queued for the writer, and
// refuses batches queued after it.
func TestCloseAnswersQueuedBatches(t *testing.T) {
	s, u, b := withBrief(t)
	ctx := context.Background()
	key := b.Sections[0].Key
	req := func(client string) []ClientEditRequest {
		return []ClientEditRequest{{User: u, Edit: ClientEdit{ClientID: client, Section: key, N: 1, Base: 0, Delta: "+x"}}}
	}
	s.wmu.Lock()
	first := s.QueueClientEdits(ctx, b.ID, req("a"))
	waitTaken(t, first)
	var queued []*EditBatch
	for i := range 5 {
		queued = append(queued, s.QueueClientEdits(ctx, b.ID, req(fmt.Sprint("q", i))))
	}
	closed := make(chan error, 1)
	go func() { closed <- s.Close() }()
	for !s.isClosing() {
		time.Sleep(time.Millisecond)
	}
	s.wmu.Unlock()
	for i, q := range append(queued, first) {
		select {
		case <-q.Done():
		case <-time.After(10 * time.Second):
			t.Fatalf("batch %d was never answered", i)
		}
	}
	if err := <-closed; err != nil {
		t.Fatal(err)
	}
	late := s.QueueClientEdits(ctx, b.ID, req("late"))
	<-late.Done()
	if _, _, err := late.Results(); brief.ErrorCode(err) != brief.EInternal {
		t.Fatalf("a batch after Close: %v, want an internal error", err)
	}
}
