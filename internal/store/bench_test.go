package store

import (
	"context"
	"fmt"
	"math/rand"
	"slices"
	"strings"
	"testing"

	"briefstudio/internal/brief"
	"briefstudio/internal/review"
	"briefstudio/internal/revision"
)

var benchWords = strings.Fields(`migration asylum integration policy council member states
	Garcés-Mascareñas Jørgensen Çağlar Salamońska Łódź labour market refugees reception
	directive regulation solidarity responsibility return border procedure evidence survey
	stakeholders recommendations options reform scenario trade-offs dilemma 中文 😀`)

// benchText is a deterministic text of about n bytes.
func benchText(rng *rand.Rand, n int) string {
	var b strings.Builder
	for b.Len() < n {
		b.WriteString(benchWords[rng.Intn(len(benchWords))])
		if rng.Intn(12) == 0 {
			b.WriteString(".\n\n")
		} else {
			b.WriteByte(' ')
		}
	}
	return b.String()
}

// changeWords replaces about frac of the words of text.
func changeWords(rng *rand.Rand, text string, frac float64) string {
	words := strings.Split(text, " ")
	for i := range words {
		if rng.Float64() < frac {
			words[i] = benchWords[rng.Intn(len(benchWords))] + "x"
		}
	}
	return strings.Join(words, " ")
}

// BenchmarkStaleMerge: a PUT on a 60 KB section whose base is 10 versions
// old (each a small edit by someone else): rebuild the base, merge, commit.
func BenchmarkStaleMerge60KB(b *testing.B) {
	s, err := Open(b.TempDir() + "/bench.db")
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	ctx := context.Background()
	u, _ := s.CreateUser(ctx, brief.User{Email: "a@example.org", Name: "A", Role: brief.RoleAuthor})
	br, _ := s.CreateBrief(ctx, u, NewBrief{Type: "discussion-brief", Title: "Bench"})
	rng := rand.New(rand.NewSource(1))
	text := benchText(rng, 60_000)
	w, err := s.PutSection(ctx, u, br.ID, "introduction", text, 0)
	if err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		base, baseText := w.Version, w.Text
		cur := baseText
		for j := 0; j < 10; j++ {
			at := rng.Intn(len(cur) / 2)
			for !strings.HasPrefix(cur[at:], " ") {
				at++
			}
			cur = cur[:at] + " inserted" + cur[at:]
			if w, err = s.PutSection(ctx, u, br.ID, "introduction", cur, w.Version); err != nil {
				b.Fatal(err)
			}
		}
		// Cut by code points: the text has accented words, and a byte cut could split one.
		r := []rune(baseText)
		mine := string(r[:len(r)-40]) + " and a stale ending."
		b.StartTimer()
		if w, err = s.PutSection(ctx, u, br.ID, "introduction", mine, base); err != nil || !w.Merged {
			b.Fatal(err, w.Merged)
		}
	}
}

// searchCorpus makes 1,000 briefs of six ~3 KB sections as a member, in
// a vocabulary of 20,000 words drawn with a Zipf law (as in real prose,
// most words are rare), plus the benchmark words sprinkled in.
func searchCorpus(b *testing.B) (*Store, brief.User) {
	s, err := Open(b.TempDir() + "/bench.db")
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { s.Close() })
	ctx := context.Background()
	u, _ := s.CreateUser(ctx, brief.User{Email: "a@example.org", Name: "A", Role: brief.RoleAuthor})
	rng := rand.New(rand.NewSource(2))
	zipf := rand.NewZipf(rng, 1.1, 2, 19_999)
	word := func() string {
		if rng.Intn(50) == 0 {
			return benchWords[rng.Intn(len(benchWords))]
		}
		return fmt.Sprintf("w%dx", zipf.Uint64())
	}
	for i := 0; i < 1000; i++ {
		secs := []brief.Section{}
		for j := 0; j < 6; j++ {
			var t strings.Builder
			for t.Len() < 3000 {
				t.WriteString(word())
				t.WriteByte(' ')
			}
			secs = append(secs, brief.Section{Title: fmt.Sprintf("Section %d", j), Text: t.String()})
		}
		if _, err := s.CreateBrief(ctx, u, NewBrief{Type: "policy-options-brief", Title: fmt.Sprintf("Brief %d on %s", i, word()), Sections: secs}); err != nil {
			b.Fatal(err)
		}
	}
	if _, err := s.IndexPending(ctx, false); err != nil {
		b.Fatal(err)
	}
	return s, u
}

// BenchmarkSearch1000Briefs: searches over 1,000 briefs: a rare word, two
// words that occur together in a few hundred sections, and a word so
// common that nearly every section matches (the worst case: every match is
// ranked).
func BenchmarkSearch1000Briefs(b *testing.B) {
	s, u := searchCorpus(b)
	ctx := context.Background()
	for _, q := range []struct{ name, q string }{{"Rare", "w9000x"}, {"TwoWords", "jorgensen lodz"}, {"Common", "w2x"}} {
		b.Run(q.name, func(b *testing.B) {
			for i := 0; i < b.N; i++ {
				hits, err := s.Search(ctx, u, q.q, 20)
				if err != nil || len(hits) == 0 {
					b.Fatal(err, len(hits))
				}
			}
		})
	}
}

// BenchmarkCommentsAfterEdit: a 20 KB section with 200 comment threads;
// each iteration one edit before them all, then the listing, which carries
// every range through that edit and writes it back.
func BenchmarkCommentsAfterEdit(b *testing.B) {
	s, err := Open(b.TempDir() + "/bench.db")
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	ctx := context.Background()
	u, _ := s.CreateUser(ctx, brief.User{Email: "a@example.org", Name: "A", Role: brief.RoleAuthor})
	br, _ := s.CreateBrief(ctx, u, NewBrief{Type: "discussion-brief", Title: "Bench"})
	rng := rand.New(rand.NewSource(1))
	text := benchText(rng, 20_000)
	w, err := s.PutSection(ctx, u, br.ID, "introduction", text, 0)
	if err != nil {
		b.Fatal(err)
	}
	n := len([]rune(text))
	for i := range 200 {
		start := i * (n - 20) / 200
		if _, err := s.AddComment(ctx, u, br.ID, review.NewComment{Section: "introduction", Start: start, End: start + 15, Body: "Why?"}); err != nil {
			b.Fatal(err)
		}
	}
	b.ResetTimer()
	for i := range b.N {
		text = fmt.Sprintf("Edit %d. ", i) + text
		if w, err = s.PutSection(ctx, u, br.ID, "introduction", text, w.Version); err != nil {
			b.Fatal(err)
		}
		list, err := s.Comments(ctx, u, br.ID, "")
		if err != nil || len(list) != 200 {
			b.Fatal(err, len(list))
		}
	}
}

// BenchmarkLiveEditsOneBrief: 200 people's words in one 16 KB section,
// `typing` of them typing in turn, each edit deleting the author's oldest
// word and adding one after their last, made on the version of their last
// acknowledgement (so about `typing` versions behind: 10, a small team;
// 200, all 200 authors of the throughput scenario with an edit queued),
// applied in batches as a room commits them. Reports the cost per edit.
func BenchmarkLiveEditsOneBrief(b *testing.B) {
	for _, typing := range []int{10, 200} {
		b.Run(fmt.Sprintf("typing=%d", typing), func(b *testing.B) { benchLiveEdits(b, typing) })
	}
}

func benchLiveEdits(b *testing.B, typing int) {
	s, err := Open(b.TempDir() + "/bench.db")
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	ctx := context.Background()
	u, _ := s.CreateUser(ctx, brief.User{Email: "a@example.org", Name: "A", Role: brief.RoleAuthor})
	br, _ := s.CreateBrief(ctx, u, NewBrief{Type: "discussion-brief", Title: "Bench"})
	const clients, own = 200, 10
	words := make([][]string, clients)
	var sb strings.Builder
	for k := range own {
		for c := range clients {
			w := fmt.Sprintf("w%dx%d", c, k)
			words[c] = append(words[c], w)
			sb.WriteString(w + " ")
		}
	}
	w, err := s.PutSection(ctx, u, br.ID, "introduction", sb.String(), 0)
	if err != nil {
		b.Fatal(err)
	}
	texts := map[int64]string{w.Version: w.Text}
	acked := make([]int64, clients) // each author's base: their last acknowledged version
	for c := range acked {
		acked[c] = w.Version
	}
	seq := make([]int, clients)
	next := 0
	b.ResetTimer()
	for done := 0; done < b.N; {
		var reqs []ClientEditRequest
		var who []int
		for range min(16, typing, b.N-done) {
			c := next % typing
			next++
			base := acked[c]
			shadow := texts[base]
			text := shadow
			old, last := words[c][0], words[c][len(words[c])-1]
			seq[c]++
			nw := fmt.Sprintf("w%dx%d", c, own+seq[c])
			if i := strings.Index(text, old+" "); i >= 0 {
				text = text[:i] + text[i+len(old)+1:]
			}
			if i := strings.Index(text, last+" "); i >= 0 {
				p := i + len(last) + 1
				text = text[:p] + nw + " " + text[p:]
			}
			words[c] = append(words[c][1:], nw)
			reqs = append(reqs, ClientEditRequest{User: u, BaseText: &shadow,
				Edit: ClientEdit{ClientID: fmt.Sprint("c", c), Section: "introduction", N: int64(seq[c]), Base: base, Delta: revision.Delta(shadow, text)}})
			who = append(who, c)
		}
		res, errs, err := s.ApplyClientEdits(ctx, br.ID, reqs)
		if err != nil {
			b.Fatal(err)
		}
		for i := range res {
			if errs[i] != nil {
				b.Fatal(errs[i])
			}
			if len(res[i].Conflicts) > 0 {
				b.Fatalf("edit of author %d: %d unresolved merges", who[i], len(res[i].Conflicts))
			}
			texts[res[i].Version] = res[i].Text
			acked[who[i]] = res[i].Version
		}
		for v := range texts { // keep only the texts someone's edit is based on
			if !slices.Contains(acked[:typing], v) {
				delete(texts, v)
			}
		}
		done += len(reqs)
	}
}
