package loadtest

import (
	"math"
	"testing"
	"time"
)

func TestBucketRoundTrip(t *testing.T) {
	for _, us := range []int64{0, 1, 63, 64, 65, 100, 999, 1000, 1500, 20_000, 123_456, 10_000_000, 3_600_000_000} {
		got := bucketValue(bucketOf(us))
		if us > 0 && math.Abs(got-float64(us))/float64(us) > 0.033 {
			t.Errorf("%dµs lands in a bucket worth %.0fµs", us, got)
		}
	}
	for us := int64(0); us < 100_000; us += 7 {
		if bucketOf(us) > bucketOf(us+7) {
			t.Fatalf("buckets not monotonic at %d", us)
		}
	}
}

func TestQuantiles(t *testing.T) {
	tests := []struct {
		name    string
		samples []time.Duration
		q       float64
		wantMS  float64
	}{
		{"empty", nil, 0.5, 0},
		{"one", []time.Duration{5 * time.Millisecond}, 0.99, 5},
		{"median", []time.Duration{1 * time.Millisecond, 2 * time.Millisecond, 3 * time.Millisecond}, 0.5, 2},
		{"tail", append(repeat(time.Millisecond, 99), 100*time.Millisecond), 0.99, 1},
		{"tail beyond", append(repeat(time.Millisecond, 98), 100*time.Millisecond, 100*time.Millisecond), 0.99, 100},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var h hist
			for _, d := range tt.samples {
				h.add(d)
			}
			got := h.quantile(tt.q)
			if math.Abs(got-tt.wantMS) > tt.wantMS*0.033+1e-9 {
				t.Errorf("quantile(%v) = %.3f ms, want %.3f", tt.q, got, tt.wantMS)
			}
		})
	}
}

func repeat(d time.Duration, n int) []time.Duration {
	out := make([]time.Duration, n)
	for i := range out {
		out[i] = d
	}
	return out
}
