package loadtest

// Result is what one scenario measured.
type Result struct {
	Scenario        string
	Clients, Briefs int
	// Seconds is how long people typed (idle: how long connections were held).
	Seconds float64
	// Words is how many words were typed; Acked how many edits (each
	// carrying one or more words) the server acknowledged.
	Words, Acked int64
	// Commit is the commit round trip (edit sent to its acknowledgement);
	// Others the delay from a word typed to its arrival at each other
	// client of the brief.
	Commit, Others       Latency
	Comments, Reconnects int64
	Errors               int
	ErrorDetails         []string // the first few
	// RSSMB is the server's peak resident memory during the scenario;
	// KBPerConn the growth of its RSS from before dialling to all joined,
	// per connection. JoinSeconds is first dial to last welcome.
	RSSMB, KBPerConn, JoinSeconds float64
	memory                        bool // RSS was readable
	// Missed lists the targets not met, with what was measured.
	Missed []string
}

// Metric returns a named metric of the result (the names Target uses) and
// whether it was measured.
func (r *Result) Metric(name string) (float64, bool) {
	switch name {
	case "edits/s":
		return r.EditsPerSecond(), r.Seconds > 0
	case "commit.p50":
		return r.Commit.P50, r.Commit.N > 0
	case "commit.p95":
		return r.Commit.P95, r.Commit.N > 0
	case "commit.p99":
		return r.Commit.P99, r.Commit.N > 0
	case "others.p50":
		return r.Others.P50, r.Others.N > 0
	case "others.p95":
		return r.Others.P95, r.Others.N > 0
	case "others.p99":
		return r.Others.P99, r.Others.N > 0
	case "errors":
		return float64(r.Errors), true
	case "join.s":
		return r.JoinSeconds, r.JoinSeconds > 0
	case "kb/conn":
		return r.KBPerConn, r.memory
	case "rss.mb":
		return r.RSSMB, r.memory
	}
	return 0, false
}

// EditsPerSecond is acknowledged edits per second of typing.
func (r *Result) EditsPerSecond() float64 {
	if r.Seconds <= 0 {
		return 0
	}
	return float64(r.Acked) / r.Seconds
}

// judge fills Missed from the scenario's targets.
func (r *Result) judge(targets []Target) {
	r.Missed = nil
	for _, t := range targets {
		if ok, got := t.check(r); !ok {
			r.Missed = append(r.Missed, got)
		}
	}
}
