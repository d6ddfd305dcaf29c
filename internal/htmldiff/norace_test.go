//go:build !race

package htmldiff

const raceEnabled = false
