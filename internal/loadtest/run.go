package loadtest

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sync"
	"sync/atomic"
	"time"

	"briefstudio/internal/sync/syncclient"
)

// Config says what to run against which server.
type Config struct {
	// Scenarios to run, in order (Select makes them from names).
	Scenarios []Scenario
	// URL and Token: a running server (http://127.0.0.1:PORT) and an admin
	// API token. Without URL, every scenario gets a fresh server: Exe
	// serve on a new data directory.
	URL, Token string
	Exe        string
	// PID is the server's process, for its memory (0: not measured,
	// unless the tool started the server).
	PID int
	// Out gets progress lines and the table.
	Out io.Writer
	// DialConcurrency bounds dials in flight (default 100).
	DialConcurrency int
}

// Run runs the scenarios one after the other and prints the table. It
// returns an error only when the server or the tool crashed (or ctx
// ended); missed targets and errors are in the results.
func Run(ctx context.Context, cfg Config) ([]Result, error) {
	if cfg.Out == nil {
		cfg.Out = io.Discard
	}
	if cfg.DialConcurrency <= 0 {
		cfg.DialConcurrency = 100
	}
	if cfg.URL == "" && cfg.Exe == "" {
		exe, err := os.Executable()
		if err != nil {
			return nil, err
		}
		cfg.Exe = exe
	}
	var tmp string
	if cfg.URL == "" {
		var err error
		if tmp, err = os.MkdirTemp("", "briefstudio-load-"); err != nil {
			return nil, err
		}
		defer os.RemoveAll(tmp)
	}
	nonce := fmt.Sprintf("%x", time.Now().UnixNano()&0xffffffffff)
	var results []Result
	for _, sc := range cfg.Scenarios {
		res, err := runOne(ctx, cfg, sc, tmp, nonce)
		if res != nil {
			results = append(results, *res)
		}
		if err != nil {
			fmt.Fprintln(cfg.Out)
			PrintTable(cfg.Out, results)
			return results, err
		}
	}
	fmt.Fprintln(cfg.Out)
	PrintTable(cfg.Out, results)
	return results, nil
}

// target is the server a scenario runs against.
type target struct {
	api   *api
	token string
	pid   int
	child *child // nil for a server the tool did not start
}

func (t *target) crashed() error {
	if t.child != nil {
		return t.child.crashed()
	}
	if t.pid > 0 && !alive(t.pid) {
		return fmt.Errorf("the server (pid %d) is gone", t.pid)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := t.api.do(ctx, t.token, "GET", "/api/health", nil, nil); err != nil {
		return fmt.Errorf("the server does not answer: %w", err)
	}
	return nil
}

// runOne runs one scenario: a server, people and briefs, joins, typing,
// the convergence check, the result. The error is fatal (a crash).
func runOne(ctx context.Context, cfg Config, sc Scenario, tmp, nonce string) (*Result, error) {
	progress := func(format string, args ...any) {
		fmt.Fprintf(cfg.Out, "[%s] %s\n", sc.Name, fmt.Sprintf(format, args...))
	}
	hard, cancel := context.WithTimeout(ctx, 5*time.Minute+3*sc.Duration)
	defer cancel()
	tg := &target{api: newAPI(cfg.URL), token: cfg.Token, pid: cfg.PID}
	if cfg.URL == "" {
		data := filepath.Join(tmp, sc.Name)
		if err := os.MkdirAll(data, 0o700); err != nil {
			return nil, err
		}
		defer os.RemoveAll(data)
		token, err := makeAdmin(hard, cfg.Exe, data)
		if err != nil {
			return nil, err
		}
		ch, err := startChild(hard, cfg.Exe, data)
		if err != nil {
			return nil, err
		}
		defer func() { ch.stop() }()
		tg = &target{api: newAPI(ch.url), token: token, pid: ch.pid(), child: ch}
	}
	res := &Result{Scenario: sc.Name, Clients: sc.Clients(), Briefs: sc.Briefs}
	r := &run{sc: sc, epoch: time.Now()}

	// People and briefs.
	start := time.Now()
	nUsers := res.Clients
	if sc.Users > 0 {
		nUsers = min(sc.Users, res.Clients)
	}
	prefix := "load-" + nonce + "-" + sc.Name
	users, err := tg.api.createUsers(hard, tg.token, prefix, nUsers)
	if err != nil {
		return setupFailed(res, err, hard)
	}
	var first []int // first client of each brief
	for b := range sc.Briefs {
		first = append(first, len(r.sims))
		for range sc.size(b) {
			id := len(r.sims)
			r.sims = append(r.sims, newSim(r, id, b, users[id%nUsers]))
		}
	}
	r.briefs, err = tg.api.createBriefs(hard, tg.token, "Load "+sc.Name, sc.Briefs, func(b int) []string {
		var emails []string
		for id := first[b]; id < first[b]+sc.size(b); id++ {
			if e := r.sims[id].user.Email; !contains(emails, e) {
				emails = append(emails, e)
			}
		}
		return emails
	})
	if err != nil {
		return setupFailed(res, err, hard)
	}
	progress("%d people, %d briefs, %d clients set up in %.1f s", nUsers, sc.Briefs, res.Clients, time.Since(start).Seconds())

	// A fresh server process, so memory is measured from a clean start.
	if tg.child != nil {
		tg.child.stop()
		ch, err := startChild(hard, cfg.Exe, tg.child.data)
		if err != nil {
			return nil, err
		}
		tg.child, tg.pid, tg.api = ch, ch.pid(), newAPI(ch.url)
		defer func() { ch.stop() }()
		sleep(hard, 500*time.Millisecond)
	}
	logErrors := 0
	if tg.child != nil {
		logErrors = tg.child.errorLines()
	}
	before, memOK := rss(tg.pid)
	res.memory = memOK
	var peak atomic.Int64
	peak.Store(before)
	sampling, stopSampling := context.WithCancel(hard)
	sampled := make(chan struct{})
	go func() {
		defer close(sampled)
		for sleep(sampling, 250*time.Millisecond) {
			if v, ok := rss(tg.pid); ok && v > peak.Load() {
				peak.Store(v)
			}
		}
	}()
	defer func() { stopSampling(); <-sampled }()

	// Join (and, when JoinWhileTyping, type as soon as joined).
	wsURL := tg.api.wsURL()
	typing, stopTyping := context.WithCancel(hard)
	defer stopTyping()
	var typers sync.WaitGroup
	typeFrom := func(s *sim) {
		typers.Add(1)
		go func() { defer typers.Done(); s.typeLoop(typing, hard) }()
	}
	dialStart := time.Now()
	var lastWelcome atomic.Int64
	var joined atomic.Int64
	if sc.JoinWhileTyping {
		time.AfterFunc(sc.Duration, stopTyping)
	}
	parallel(hard, len(r.sims), cfg.DialConcurrency, func(ctx context.Context, i int) error {
		s := r.sims[i]
		if err := s.dial(hard, wsURL, "load-"+nonce+"-"+sc.Name); err != nil {
			r.errs.add("client %d: join: %v", i, err)
			s.lost = true
			return nil
		}
		joined.Add(1)
		lastWelcome.Store(int64(time.Since(dialStart)))
		if sc.JoinWhileTyping && !sc.Idle {
			typeFrom(s)
		}
		return nil
	})
	res.JoinSeconds = time.Duration(lastWelcome.Load()).Seconds()
	progress("%d of %d clients joined in %.2f s", joined.Load(), len(r.sims), res.JoinSeconds)
	if sc.Idle {
		sleep(hard, time.Second)
	}
	if after, ok := rss(tg.pid); ok && memOK && joined.Load() > 0 {
		res.KBPerConn = float64(after-before) / 1024 / float64(joined.Load())
	}

	// Type (or hold the idle connections).
	typeStart := time.Now()
	if sc.JoinWhileTyping {
		typeStart = dialStart
	} else if !sc.Idle {
		time.AfterFunc(sc.Duration, stopTyping)
		for _, s := range r.sims {
			if s.c != nil {
				typeFrom(s)
			}
		}
	}
	if sc.Idle {
		sleep(hard, sc.Duration)
		stopTyping()
	}
	<-typing.Done()
	res.Seconds = time.Since(typeStart).Seconds()
	if sc.JoinWhileTyping {
		res.Seconds = min(res.Seconds, sc.Duration.Seconds())
	}
	typers.Wait()
	if !sc.Idle {
		progress("typed %d words in %.1f s; waiting for every client to converge", r.words.Load(), res.Seconds)
		converge(hard, tg, r)
	}

	// Collect.
	var commit hist
	for _, s := range r.sims {
		if s.c == nil {
			continue
		}
		for _, d := range s.c.RTTs() {
			commit.add(d)
			res.Acked++
		}
		for _, e := range s.c.Errors() {
			r.errs.add("client %d: %s", s.id, e)
		}
		if !s.lost && !s.c.Connected() {
			r.errs.add("client %d: connection lost", s.id)
		}
	}
	res.Commit, res.Others = commit.summary(), r.others.summary()
	res.Words, res.Comments, res.Reconnects = r.words.Load(), r.comments.Load(), r.reconnects.Load()
	closeAll(r.sims)
	if tg.child != nil {
		if n := tg.child.errorLines() - logErrors; n > 0 {
			r.errs.add("the server logged %d error(s):\n%s", n, tg.child.logTail())
			r.errs.n += n - 1
		}
	}
	res.Errors, res.ErrorDetails = r.errs.n, r.errs.detail
	stopSampling()
	<-sampled
	if v, ok := rss(tg.pid); ok && v > peak.Load() {
		peak.Store(v)
	}
	res.RSSMB = float64(peak.Load()) / (1 << 20)
	res.judge(sc.Targets)
	progress("done: %d edits acknowledged, %d comments, %d reconnects, %d errors", res.Acked, res.Comments, res.Reconnects, res.Errors)
	if err := tg.crashed(); err != nil {
		res.Missed = append(res.Missed, "server crashed")
		return res, err
	}
	if ctx.Err() != nil {
		return res, ctx.Err()
	}
	return res, nil
}

// setupFailed reports a scenario whose people or briefs could not be made.
func setupFailed(res *Result, err error, ctx context.Context) (*Result, error) {
	if ctx.Err() != nil {
		return res, err
	}
	res.Errors = 1
	res.ErrorDetails = []string{"setup: " + err.Error()}
	res.Missed = []string{"setup failed"}
	return res, nil
}

// converge waits (30 s at most) until every client has its edits
// acknowledged, then checks, for up to 50 briefs, that every client holds
// the server's text once it reached the server's version (15 s at most).
func converge(ctx context.Context, tg *target, r *run) {
	wait, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	parallel(context.Background(), len(r.sims), 64, func(_ context.Context, i int) error {
		s := r.sims[i]
		if s.c == nil || s.lost {
			return nil
		}
		if err := s.c.Wait(wait, func(c *syncclient.Client) bool { return c.Idle() }); err != nil {
			r.errs.add("client %d: edits still unacknowledged 30 s after typing stopped", s.id)
		}
		return nil
	})
	type want struct {
		text    string
		version int64
	}
	server := map[int]want{}
	step := max(1, len(r.briefs)/50)
	for b := 0; b < len(r.briefs); b += step {
		key := ""
		for _, s := range r.sims {
			if s.brief == b && s.c != nil {
				key = s.key
				break
			}
		}
		if key == "" {
			continue
		}
		text, version, err := tg.api.sectionText(ctx, tg.token, r.briefs[b], key)
		if err != nil {
			r.errs.add("brief %d: %v", b, err)
			continue
		}
		server[b] = want{text, version}
	}
	check, cancel2 := context.WithTimeout(ctx, 15*time.Second)
	defer cancel2()
	parallel(context.Background(), len(r.sims), 64, func(_ context.Context, i int) error {
		s := r.sims[i]
		w, ok := server[s.brief]
		if !ok || s.c == nil || s.lost {
			return nil
		}
		s.c.Wait(check, func(c *syncclient.Client) bool { return c.Version(s.key) >= w.version })
		if got := s.c.Text(s.key); got != w.text {
			r.errs.add("client %d: text differs from the server's (brief %d, version %d vs %d, %d vs %d bytes)%s",
				s.id, s.brief, s.c.Version(s.key), w.version, len(got), len(w.text), firstDiff(got, w.text))
		}
		return nil
	})
}

func firstDiff(a, b string) string {
	i := 0
	for i < len(a) && i < len(b) && a[i] == b[i] {
		i++
	}
	return fmt.Sprintf(" at byte %d: %q vs %q", i, clip(a[i:]), clip(b[i:]))
}

func clip(s string) string { return s[:min(len(s), 40)] }

// closeAll closes the clients' connections normally.
func closeAll(sims []*sim) {
	parallel(context.Background(), len(sims), 200, func(_ context.Context, i int) error {
		if c := sims[i].c; c != nil {
			c.Close()
		}
		return nil
	})
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}
