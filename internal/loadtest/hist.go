package loadtest

import (
	"math/bits"
	"sync/atomic"
	"time"
)

// subBits gives 2^subBits buckets per power of two: under 3.2% error.
const subBits = 5

// hist is a lock-free log-linear histogram of durations in microseconds,
// for millions of samples from many goroutines.
type hist struct {
	counts [64 + 40<<subBits]atomic.Int64
	n      atomic.Int64
}

func bucketOf(us int64) int {
	if us < 0 {
		us = 0
	}
	if us < 2<<subBits {
		return int(us)
	}
	shift := bits.Len64(uint64(us)) - (subBits + 1)
	top := us >> shift // in [32, 64)
	i := 2<<subBits + (shift-1)<<subBits + int(top-1<<subBits)
	return min(i, len(hist{}.counts)-1)
}

// bucketValue is the middle of bucket i, in microseconds.
func bucketValue(i int) float64 {
	if i < 2<<subBits {
		return float64(i)
	}
	j := i - 2<<subBits
	shift := j>>subBits + 1
	top := int64(j&(1<<subBits-1)) + 1<<subBits
	lo := top << shift
	return float64(lo) + float64(int64(1)<<shift)/2
}

func (h *hist) add(d time.Duration) {
	h.counts[bucketOf(d.Microseconds())].Add(1)
	h.n.Add(1)
}

// quantile returns the q-quantile (0 < q <= 1) in milliseconds, 0 when empty.
func (h *hist) quantile(q float64) float64 {
	n := h.n.Load()
	if n == 0 {
		return 0
	}
	rank := int64(q*float64(n) + 0.999999)
	rank = min(max(rank, 1), n)
	var seen int64
	for i := range h.counts {
		seen += h.counts[i].Load()
		if seen >= rank {
			return bucketValue(i) / 1000
		}
	}
	return bucketValue(len(h.counts)-1) / 1000
}

// Latency is a latency distribution's summary, in milliseconds.
type Latency struct {
	N             int64
	P50, P95, P99 float64
}

func (h *hist) summary() Latency {
	return Latency{N: h.n.Load(), P50: h.quantile(0.50), P95: h.quantile(0.95), P99: h.quantile(0.99)}
}
