//go:build race

package htmldiff

// raceEnabled: the race detector makes sync.Pool drop items at random.
const raceEnabled = true
