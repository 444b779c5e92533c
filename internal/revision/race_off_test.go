//go:build !race

package revision

// raceEnabled shortens the randomized tests under the race detector.
const raceEnabled = false
