//go:build !race

package sync_test

// raceEnabled shortens the randomized tests under the race detector.
const raceEnabled = false
