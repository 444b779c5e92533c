package sync

import (
	"testing"
	"time"
)

func TestFanOutEvery(t *testing.T) {
	for _, tc := range []struct {
		people int
		want   time.Duration
	}{
		{1, 75 * time.Microsecond},
		{4, 300 * time.Microsecond},
		{200, 15 * time.Millisecond},
		{400, FanOutTick},
		{10000, FanOutTick},
	} {
		if got := fanOutEvery(tc.people); got != tc.want {
			t.Errorf("fanOutEvery(%d) = %v, want %v", tc.people, got, tc.want)
		}
	}
}
