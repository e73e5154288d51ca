//go:build race

package web_test

// raceEnabled: the race detector slows the server several times over, so
// the speed test only reports its figures then.
const raceEnabled = true
