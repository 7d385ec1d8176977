//go:build faults

package tests

// The fault suite at full size, in make test-faults: a hundred hosts'
// cron runs landing on a hub at once, two hundred kills, ten million
// records through one run.
var scale = faultScale{
	writers: 100,
	kills:   200,
	records: 10_000_000,
	series:  1_000_000,
}
