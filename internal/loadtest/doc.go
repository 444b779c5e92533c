// Package loadtest drives a running Brief Studio server with simulated
// people: they sign in with API tokens, join briefs over the live-sync
// websocket, type in bursts, comment and reconnect, for a bounded time.
// It measures what the people would feel (how long an edit takes to reach
// the others, how long a commit takes to be acknowledged), how many edits
// the server accepts, the errors, and the server's memory, and prints one
// table with a row per scenario and the scenario's targets met or missed.
//
// Scenarios are data (scenario.go). Without a server URL, Run starts the
// same binary's `serve` on a fresh data directory for every scenario.
//
// Every typed word is a unique marker "w<client>x<seq>" whose send time is
// kept in a table; the other clients of the brief find the markers in the
// inserts of the update messages they receive (markers.go) and record the
// delay.
package loadtest
