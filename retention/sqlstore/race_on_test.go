//go:build race

package sqlstore

// raceEnabled reports a -race build, whose tests use smaller data sets.
const raceEnabled = true
