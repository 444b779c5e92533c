package loadtest

import (
	"context"
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"
	"unicode/utf8"

	"briefstudio/internal/sync/syncclient"
)

// errorLog counts errors and keeps the first few.
type errorLog struct {
	mu     sync.Mutex
	n      int
	detail []string
}

func (l *errorLog) add(format string, args ...any) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.n++
	if len(l.detail) < 12 {
		l.detail = append(l.detail, fmt.Sprintf(format, args...))
	}
}

// run is the state one scenario's clients share.
type run struct {
	sc     Scenario
	epoch  time.Time
	sims   []*sim   // by client number
	briefs []string // brief ids
	others hist

	words, comments, reconnects atomic.Int64
	errs                        errorLog
}

func (r *run) briefID(b int) string { return r.briefs[b] }

// since is the time since the run's epoch, never 0 (0 marks "not sent").
func (r *run) since() int64 { return int64(time.Since(r.epoch)) + 1 }

// sim is one simulated person at one brief.
type sim struct {
	r     *run
	id    int
	brief int
	user  person
	c     *syncclient.Client
	key   string // the section typed into
	rng   *rand.Rand
	lost  bool // gave up (a failed reconnect)

	sent []atomic.Int64 // send time of word seq (run.since), by seq
	seq  int
	own  []string // this client's words still in the text, oldest first
	last string   // the last word typed

	// Read goroutine only.
	seen  map[int32]int32 // per sender, the highest word seen
	buf   []byte
	found []mark
}

func newSim(r *run, id, brief int, user person) *sim {
	words := int(r.sc.Typing.Rate*r.sc.Duration.Seconds()*2) + 100
	if r.sc.Idle {
		words = 0
	}
	return &sim{r: r, id: id, brief: brief, user: user, rng: rand.New(rand.NewPCG(uint64(id), 7)),
		sent: make([]atomic.Int64, words), seen: map[int32]int32{}}
}

func (s *sim) dial(ctx context.Context, url, prefix string) error {
	c, err := syncclient.Dial(ctx, url, s.user.Token, s.r.briefID(s.brief), syncclient.Options{
		ClientID:  fmt.Sprintf("%s-%d", prefix, s.id),
		OnMessage: s.onMessage,
	})
	if err != nil {
		return err
	}
	keys := c.Sections()
	if len(keys) == 0 {
		c.Close()
		return fmt.Errorf("brief %s has no sections", s.r.briefID(s.brief))
	}
	s.c, s.key = c, keys[0]
	return nil
}

// onMessage runs on the client's read goroutine: it times the arrival of
// the other clients' words.
func (s *sim) onMessage(typ string, raw []byte) {
	switch typ {
	case "update":
	case "resync", "conflicts":
		s.r.errs.add("client %d: %s: %.200s", s.id, typ, raw)
		return
	default:
		return
	}
	now := s.r.since()
	s.buf, s.found = scanUpdate(raw, s.buf, s.found[:0])
	if len(s.found) == 0 {
		return
	}
	slices.SortFunc(s.found, func(a, b mark) int {
		if a.client != b.client {
			return int(a.client - b.client)
		}
		return int(a.seq - b.seq)
	})
	for i, m := range s.found {
		if (i > 0 && s.found[i-1] == m) || int(m.client) == s.id || m.client < 0 || int(m.client) >= len(s.r.sims) {
			continue
		}
		sender := s.r.sims[m.client]
		if m.seq <= s.seen[m.client] || sender == nil || int(m.seq) >= len(sender.sent) {
			continue
		}
		at := sender.sent[m.seq].Load()
		if at == 0 {
			continue
		}
		s.seen[m.client] = m.seq
		s.r.others.add(time.Duration(now - at))
	}
}

// typeLoop types in bursts until ctx ends, commenting and reconnecting
// now and then; hard bounds the review and reconnect calls.
func (s *sim) typeLoop(ctx, hard context.Context) {
	t := s.r.sc.Typing
	nextComment, nextReconnect := s.after(s.r.sc.CommentEvery), s.after(s.r.sc.ReconnectEvery)
	if !sleep(ctx, time.Duration(s.rng.Float64()*float64(s.cycle()))) {
		return
	}
	for !s.lost {
		n := 1
		if t.BurstMax > 0 {
			n = t.BurstMin + s.rng.IntN(t.BurstMax-t.BurstMin+1)
		}
		for k := range n {
			if ctx.Err() != nil {
				return
			}
			s.typeWord()
			if k < n-1 && !sleep(ctx, s.jitter(t.Gap)) {
				return
			}
		}
		pause := s.cycle()
		if t.BurstMax > 0 {
			mean := float64(t.BurstMin+t.BurstMax) / 2
			pause = max(pause-time.Duration((mean-1)*float64(t.Gap)), t.Gap)
		}
		if !sleep(ctx, s.jitter(pause)) {
			return
		}
		now := time.Now()
		if now.After(nextComment) {
			s.comment(hard)
			nextComment = s.after(s.r.sc.CommentEvery)
		}
		if now.After(nextReconnect) {
			s.reconnect(hard)
			nextReconnect = s.after(s.r.sc.ReconnectEvery)
		}
	}
}

// cycle is the mean time from one burst's start to the next.
func (s *sim) cycle() time.Duration {
	t := s.r.sc.Typing
	if t.Rate <= 0 {
		return time.Hour
	}
	words := 1.0
	if t.BurstMax > 0 {
		words = float64(t.BurstMin+t.BurstMax) / 2
	}
	return time.Duration(words / t.Rate * float64(time.Second))
}

func (s *sim) jitter(d time.Duration) time.Duration {
	return time.Duration(float64(d) * (0.67 + 0.66*s.rng.Float64()))
}

// after is a random time from now, exponentially distributed with mean d
// (never, for 0).
func (s *sim) after(d time.Duration) time.Time {
	if d <= 0 {
		return time.Now().Add(100 * 365 * 24 * time.Hour)
	}
	return time.Now().Add(time.Duration(s.rng.ExpFloat64() * float64(d)))
}

// typeWord types the next marker after this client's last word (its own
// part of the section), deleting its oldest word when it has OwnWords.
func (s *sim) typeWord() {
	seq := s.seq + 1
	if seq >= len(s.sent) {
		return // the word budget is spent
	}
	s.seq = seq
	w := marker(s.id, seq)
	s.sent[seq].Store(s.r.since())
	err := s.c.Change(s.key, func(text string) string {
		if limit := s.r.sc.OwnWords; limit > 0 && len(s.own) >= limit {
			old := s.own[0]
			s.own = s.own[1:]
			if i := findWord(text, old); i >= 0 {
				text = text[:i] + text[i+len(old)+1:]
			}
		}
		pos := -1
		if s.last != "" {
			if i := findWord(text, s.last); i >= 0 {
				pos = i + len(s.last) + 1
			}
		}
		if pos < 0 {
			pos = s.boundary(text)
		}
		ins := w + " "
		if pos > 0 && text[pos-1] != ' ' {
			ins = " " + ins
		}
		return text[:pos] + ins + text[pos:]
	})
	if err != nil {
		s.r.errs.add("client %d: type: %v", s.id, err)
		return
	}
	s.own = append(s.own, w)
	s.last = w
	s.r.words.Add(1)
}

// boundary is a random place after a space (or either end) of text.
func (s *sim) boundary(text string) int {
	if text == "" {
		return 0
	}
	j := s.rng.IntN(len(text) + 1)
	k := strings.IndexByte(text[j:], ' ')
	if k < 0 {
		return len(text)
	}
	return j + k + 1
}

// comment comments on a few words of the text the server acknowledged.
func (s *sim) comment(hard context.Context) {
	var v int64
	var text string
	for range 3 {
		v = s.c.Version(s.key)
		text = s.c.Acked(s.key)
		if s.c.Version(s.key) == v {
			break
		}
	}
	n := utf8.RuneCountInString(text)
	start := s.rng.IntN(n + 1)
	end := min(n, start+s.rng.IntN(12))
	ctx, cancel := context.WithTimeout(hard, 15*time.Second)
	defer cancel()
	_, err := s.c.Review(ctx, "comment.create", map[string]any{"section": s.key, "start": start, "end": end,
		"body": fmt.Sprintf("Comment by client %d", s.id), "baseVersion": v})
	if err != nil {
		s.r.errs.add("client %d: comment.create: %v", s.id, err)
		return
	}
	s.r.comments.Add(1)
}

// reconnect drops the link and joins again, as after a network hiccup.
func (s *sim) reconnect(hard context.Context) {
	ctx, cancel := context.WithTimeout(hard, 30*time.Second)
	defer cancel()
	if err := s.c.Reconnect(ctx); err != nil {
		s.r.errs.add("client %d: reconnect: %v", s.id, err)
		s.lost = true
		return
	}
	s.r.reconnects.Add(1)
}

// sleep waits d or until ctx ends, saying whether ctx is still live.
func sleep(ctx context.Context, d time.Duration) bool {
	if d <= 0 {
		return ctx.Err() == nil
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-ctx.Done():
		return false
	}
}
