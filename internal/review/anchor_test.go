package review

import (
	"strings"
	"testing"
	"unicode/utf8"

	"briefstudio/internal/brief"
	"briefstudio/internal/revision"
)

// TestAnchorFollowsEdits makes a range on a text, runs it through a
// sequence of edits (each a new text) and checks what it covers at the end.
func TestAnchorFollowsEdits(t *testing.T) {
	const base = "Migration policy in Europe needs evidence. Łódź and Çağlar agree 😀."
	const quote = "policy in Europe"
	tests := []struct {
		name     string
		texts    []string // the section after each edit
		want     string   // what the range covers at the end
		detached bool
	}{
		{"Unchanged", nil, quote, false},
		{"InsertBefore", []string{"Labour 😀 " + base}, quote, false},
		{"DeleteBefore", []string{strings.Replace(base, "Migration ", "", 1)}, quote, false},
		{"InsertAfter", []string{base + " More."}, quote, false},
		{"TypedAtStartStaysOutside", []string{strings.Replace(base, "policy", "EU policy", 1)}, quote, false},
		{"TypedAtEndStaysOutside", []string{strings.Replace(base, "Europe", "Europe today", 1)}, quote, false},
		{"EditedInside", []string{strings.Replace(base, "in Europe", "in the whole of Europe", 1)}, "policy in the whole of Europe", false},
		{"PartlyDeletedAtStart", []string{strings.Replace(base, "Migration policy in ", "Migration ", 1)}, "Europe", false},
		{"PartlyDeletedAtEnd", []string{strings.Replace(base, "in Europe needs", "needs", 1)}, "policy ", false},
		{"WhollyDeleted", []string{strings.Replace(base, "policy in Europe ", "", 1)}, "", true},
		{"DeletedWithSurroundings", []string{"Łódź and Çağlar agree 😀."}, "", true},
		{"DeletedThenUndone", []string{strings.Replace(base, "policy in Europe", "", 1), base}, quote, false},
		{"DeletedThenRestoredAfterMoreEdits", []string{
			strings.Replace(base, "policy in Europe", "", 1),
			"New start. " + strings.Replace(base, "policy in Europe", "", 1),
			"New start. " + base,
		}, quote, false},
		{"Moved", []string{
			"Łódź and Çağlar agree 😀. Migration policy in Europe needs evidence.",
		}, quote, false},
		{"CutThenPastedElsewhere", []string{
			strings.Replace(base, "policy in Europe", "", 1),
			strings.Replace(base, "policy in Europe", "", 1) + " On policy in Europe.",
		}, quote, false},
		{"DeletedAndQuoteTwiceElsewhere", []string{
			strings.Replace(base, "policy in Europe", "", 1) + " policy in Europe, policy in Europe",
		}, "", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			start := utf8.RuneCountInString(base[:strings.Index(base, quote)])
			a := Anchor{Start: start, End: start + utf8.RuneCountInString(quote)}
			prev := base
			for i, next := range tt.texts {
				if err := a.Forward(revision.Delta(prev, next), int64(i+1)); err != nil {
					t.Fatal(err)
				}
				a.Settle(next, quote)
				prev = next
			}
			if a.Version != int64(len(tt.texts)) {
				t.Errorf("version %d, want %d", a.Version, len(tt.texts))
			}
			if a.Detached != tt.detached {
				t.Errorf("detached %v, want %v", a.Detached, tt.detached)
			}
			if got := runeSlice(prev, a.Start, a.End); got != tt.want {
				t.Errorf("range %d–%d covers %q, want %q (text %q)", a.Start, a.End, got, tt.want, prev)
			}
		})
	}
}

func TestApply(t *testing.T) {
	const text = "Migration policy in Europe needs evidence 😀."
	q := func(s string) *string { return &s }
	tests := []struct {
		name    string
		reps    []Replacement
		want    string
		applied []int64
		refused []int64
	}{
		{"One", []Replacement{{ID: 1, Start: 10, End: 16, Quote: q("policy"), Text: "law"}},
			"Migration law in Europe needs evidence 😀.", []int64{1}, nil},
		{"SeveralInAnyOrder", []Replacement{
			{ID: 2, Start: 33, End: 41, Quote: q("evidence"), Text: "data"},
			{ID: 1, Start: 0, End: 9, Quote: q("Migration"), Text: "Asylum"},
			{ID: 3, Start: 43, End: 43, Quote: q(""), Text: " Really"},
		}, "Asylum policy in Europe needs data 😀 Really.", []int64{1, 2, 3}, nil},
		{"QuoteChanged", []Replacement{{ID: 1, Start: 10, End: 16, Quote: q("polics"), Text: "law"}},
			text, nil, []int64{1}},
		{"QuoteDeleted", []Replacement{{ID: 1, Start: 10, End: 10, Detached: true, Quote: q("policy"), Text: "law"}},
			text, nil, []int64{1}},
		{"Overlapping", []Replacement{
			{ID: 1, Start: 10, End: 26, Quote: q("policy in Europe"), Text: "EU policy"},
			{ID: 2, Start: 20, End: 26, Quote: q("Europe"), Text: "the EU"},
		}, "Migration EU policy needs evidence 😀.", []int64{1}, []int64{2}},
		{"MergeInsertsAfterTheWordItLandsIn", []Replacement{{ID: 1, Start: 12, End: 12, Text: " (and asylum)"}},
			"Migration policy (and asylum) in Europe needs evidence 😀.", []int64{1}, nil},
		{"MergeReplacesWhatStands", []Replacement{{ID: 1, Start: 10, End: 16, Text: "law"}},
			"Migration law in Europe needs evidence 😀.", []int64{1}, nil},
		{"RangeBeyondTextIsClamped", []Replacement{{ID: 1, Start: 44, End: 99, Text: "!"}},
			text + "!", []int64{1}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, applied, refused := Apply(text, tt.reps)
			if got != tt.want {
				t.Errorf("text %q, want %q", got, tt.want)
			}
			if !equalIDs(applied, tt.applied) {
				t.Errorf("applied %v, want %v", applied, tt.applied)
			}
			var ids []int64
			for _, r := range refused {
				ids = append(ids, r.ID)
				if r.Code != brief.EConflict || r.Message == "" || brief.ErrorCode(r.Err()) != brief.EConflict {
					t.Errorf("refusal %+v is not a conflict with a message", r)
				}
			}
			if !equalIDs(ids, tt.refused) {
				t.Errorf("refused %v, want %v", ids, tt.refused)
			}
		})
	}
}

func equalIDs(a, b []int64) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

func TestCheckRangeAndBody(t *testing.T) {
	const text = "Çağlar 😀 wrote"
	q := func(s string) *string { return &s }
	for _, tt := range []struct {
		start, end int
		quote      *string
		want       string
		code       brief.Code
	}{
		{0, 6, nil, "Çağlar", ""},
		{7, 8, q("😀"), "😀", ""},
		{9, 14, q("wrote"), "wrote", ""},
		{14, 14, q(""), "", ""},
		{0, 6, q("Caglar"), "", brief.EInvalid},
		{-1, 3, nil, "", brief.EInvalid},
		{5, 3, nil, "", brief.EInvalid},
		{0, 15, nil, "", brief.EInvalid},
	} {
		got, err := CheckRange(text, tt.start, tt.end, tt.quote)
		if brief.ErrorCode(err) != tt.code || err == nil && got != tt.want {
			t.Errorf("CheckRange(%d, %d): %q, %v; want %q, %q", tt.start, tt.end, got, err, tt.want, tt.code)
		}
	}
	for _, tt := range []struct {
		body     string
		required bool
		code     brief.Code
	}{
		{"Looks good <b>really</b>", true, ""},
		{"", true, brief.EInvalid},
		{"", false, ""},
		{strings.Repeat("x", MaxBody), true, ""},
		{strings.Repeat("x", MaxBody+1), true, brief.ETooLarge},
		{"a\x00b", true, brief.EInvalid},
		{"\xff", true, brief.EInvalid},
	} {
		if err := CheckBody("body", tt.body, tt.required); brief.ErrorCode(err) != tt.code {
			t.Errorf("CheckBody(%.20q): %v, want %q", tt.body, err, tt.code)
		}
	}
}
