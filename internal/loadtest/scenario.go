package loadtest

import (
	"fmt"
	"math"
	"strings"
	"time"
)

// Scenario is one load pattern and its targets.
type Scenario struct {
	Name string
	// Briefs is how many briefs; Sizes gives the clients of brief i as
	// Sizes[i % len(Sizes)] (so 3,4,5,4 makes 3–5 a brief, 4 on average).
	Briefs int
	Sizes  []int
	// Users caps the distinct people (0: one per client); clients then
	// share people, each with its own client id.
	Users int
	// Duration is how long people type (idle: how long connections are held).
	Duration time.Duration
	Typing   Typing
	// CommentEvery and ReconnectEvery are the mean time between a
	// client's comments and reconnects (0: never).
	CommentEvery, ReconnectEvery time.Duration
	// JoinWhileTyping: each client starts typing as soon as it joined,
	// while the rest still join (else everyone joins, then types).
	JoinWhileTyping bool
	// Idle: join and hold, measure join time and memory; nobody types.
	Idle bool
	// OwnWords caps how many of its words a client keeps in the text (it
	// deletes its oldest one as it types a new one), so texts stay small.
	OwnWords int
	Targets  []Target
}

// Typing is a client's keystroke pattern: bursts of BurstMin..BurstMax
// words Gap apart (jittered ±33%), then a pause, so that the mean rate is
// Rate words a second. BurstMax 0 types steadily at Rate.
type Typing struct {
	Rate               float64
	BurstMin, BurstMax int
	Gap                time.Duration
}

// Target is a bound on one metric of a Result (Result.Metric).
type Target struct {
	Metric string
	Max    *float64 // the metric must be <= Max
	Min    *float64 // the metric must be >= Min
}

func atMost(metric string, v float64) Target  { return Target{Metric: metric, Max: &v} }
func atLeast(metric string, v float64) Target { return Target{Metric: metric, Min: &v} }

func (t Target) String() string {
	if t.Max != nil {
		return fmt.Sprintf("%s<=%g", t.Metric, *t.Max)
	}
	return fmt.Sprintf("%s>=%g", t.Metric, *t.Min)
}

// check says whether r meets t, and what r measured.
func (t Target) check(r *Result) (bool, string) {
	v, ok := r.Metric(t.Metric)
	if !ok {
		return false, t.Metric + " not measured"
	}
	got := fmt.Sprintf("%s=%.4g", t.Metric, v)
	if t.Max != nil && v > *t.Max {
		return false, fmt.Sprintf("%s > %g", got, *t.Max)
	}
	if t.Min != nil && v < *t.Min {
		return false, fmt.Sprintf("%s < %g", got, *t.Min)
	}
	return true, got
}

var bursts = Typing{Rate: 0.5, BurstMin: 3, BurstMax: 8, Gap: 150 * time.Millisecond}

// Scenarios are the scenarios, in the order `all` runs them.
// The 30 and 50 ms bounds are strict: a target "p99 < 30 ms" is checked
// as <= 29.999.
var Scenarios = []Scenario{
	{
		Name: "realistic", Briefs: 500, Sizes: []int{3, 4, 5, 4}, Duration: 20 * time.Second,
		Typing: bursts, CommentEvery: 60 * time.Second, ReconnectEvery: 120 * time.Second, OwnWords: 100,
		Targets: []Target{atMost("others.p99", 29.999), atMost("errors", 0)},
	},
	{
		Name: "team", Briefs: 1, Sizes: []int{10}, Duration: 15 * time.Second,
		Typing: Typing{Rate: 2.5, BurstMin: 3, BurstMax: 8, Gap: 150 * time.Millisecond}, OwnWords: 100,
		Targets: []Target{atMost("commit.p50", 2), atMost("commit.p99", 10), atMost("errors", 0)},
	},
	{
		Name: "throughput", Briefs: 1, Sizes: []int{200}, Duration: 20 * time.Second,
		Typing: Typing{Rate: 6}, OwnWords: 10,
		Targets: []Target{atLeast("edits/s", 1000), atMost("others.p99", 49.999), atMost("commit.p99", 49.999), atMost("errors", 0)},
	},
	{
		Name: "stress", Briefs: 1, Sizes: []int{500}, Duration: 20 * time.Second,
		Typing: Typing{Rate: 1, BurstMin: 3, BurstMax: 8, Gap: 150 * time.Millisecond}, JoinWhileTyping: true, OwnWords: 4,
		Targets: []Target{atMost("errors", 0)},
	},
	{
		Name: "idle", Briefs: 2500, Sizes: []int{4}, Users: 2000, Duration: 5 * time.Second, Idle: true,
		Targets: []Target{atMost("join.s", 14.999), atMost("kb/conn", 49.999), atMost("errors", 0)},
	},
}

// Select returns the scenarios named by name ("all" or one name, or a
// comma-separated list), scaled and with the duration overridden if set.
func Select(name string, scale float64, duration time.Duration) ([]Scenario, error) {
	var out []Scenario
	for _, n := range strings.Split(name, ",") {
		n = strings.TrimSpace(n)
		found := false
		for _, sc := range Scenarios {
			if n == "all" || n == sc.Name {
				out = append(out, sc.Scaled(scale, duration))
				found = true
			}
		}
		if !found {
			return nil, fmt.Errorf("no scenario %q (all, %s)", n, strings.Join(names(), ", "))
		}
	}
	return out, nil
}

func names() []string {
	var n []string
	for _, sc := range Scenarios {
		n = append(n, sc.Name)
	}
	return n
}

// Scaled returns the scenario with scale times the clients (several
// briefs: fewer briefs of the same sizes; one brief: a smaller brief, at
// least 2 clients) and duration instead of its own if it is not 0.
func (sc Scenario) Scaled(scale float64, duration time.Duration) Scenario {
	if duration > 0 {
		sc.Duration = duration
	}
	if scale <= 0 || scale == 1 {
		return sc
	}
	if sc.Briefs > 1 {
		sc.Briefs = max(1, int(math.Round(float64(sc.Briefs)*scale)))
		if sc.Users > 0 {
			sc.Users = max(slicesMax(sc.Sizes), int(math.Round(float64(sc.Users)*scale)))
		}
		return sc
	}
	sizes := make([]int, len(sc.Sizes))
	for i, s := range sc.Sizes {
		sizes[i] = max(2, int(math.Round(float64(s)*scale)))
	}
	sc.Sizes = sizes
	return sc
}

// Clients is the total number of clients.
func (sc Scenario) Clients() int {
	n := 0
	for b := range sc.Briefs {
		n += sc.size(b)
	}
	return n
}

func (sc Scenario) size(b int) int { return sc.Sizes[b%len(sc.Sizes)] }

func slicesMax(s []int) int {
	m := 0
	for _, v := range s {
		m = max(m, v)
	}
	return m
}
