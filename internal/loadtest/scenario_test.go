package loadtest

import (
	"testing"
	"time"
)

func TestScenarioSizes(t *testing.T) {
	tests := []struct {
		name            string
		scale           float64
		clients, briefs int
	}{
		{"realistic", 1, 2000, 500},
		{"realistic", 0.1, 199, 50}, // sizes 3,4,5,4 repeated
		{"team", 1, 10, 1},
		{"team", 0.1, 2, 1},
		{"throughput", 1, 200, 1},
		{"throughput", 0.5, 100, 1},
		{"stress", 1, 500, 1},
		{"idle", 1, 10000, 2500},
		{"idle", 0.01, 100, 25},
	}
	for _, tt := range tests {
		scs, err := Select(tt.name, tt.scale, 0)
		if err != nil || len(scs) != 1 {
			t.Fatalf("Select(%q) = %v, %v", tt.name, scs, err)
		}
		if got := scs[0].Clients(); got != tt.clients || scs[0].Briefs != tt.briefs {
			t.Errorf("%s at scale %g: %d clients in %d briefs, want %d in %d", tt.name, tt.scale, got, scs[0].Briefs, tt.clients, tt.briefs)
		}
	}
}

func TestSelect(t *testing.T) {
	all, err := Select("all", 1, 3*time.Second)
	if err != nil || len(all) != len(Scenarios) {
		t.Fatalf("all: %d scenarios, %v", len(all), err)
	}
	for _, sc := range all {
		if sc.Duration != 3*time.Second {
			t.Errorf("%s: duration %v, want the override", sc.Name, sc.Duration)
		}
	}
	if _, err := Select("nope", 1, 0); err == nil {
		t.Error("an unknown scenario is accepted")
	}
	two, err := Select("team,idle", 1, 0)
	if err != nil || len(two) != 2 || two[1].Name != "idle" {
		t.Errorf("team,idle: %v, %v", two, err)
	}
}

func TestTargets(t *testing.T) {
	r := &Result{Acked: 3000, Seconds: 2, Others: Latency{N: 10, P99: 31}, Errors: 0}
	tests := []struct {
		target Target
		ok     bool
	}{
		{atLeast("edits/s", 1000), true},
		{atLeast("edits/s", 2000), false},
		{atMost("others.p99", 29.999), false},
		{atMost("others.p99", 49.999), true},
		{atMost("errors", 0), true},
		{atMost("join.s", 15), false}, // not measured
	}
	for _, tt := range tests {
		if ok, got := tt.target.check(r); ok != tt.ok {
			t.Errorf("%v: ok=%v (%s), want %v", tt.target, ok, got, tt.ok)
		}
	}
}
