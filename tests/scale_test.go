//go:build !faults

package tests

// scale is how hard the fault suite pushes: lightly in make test, at the
// full sizes of scale_faults_test.go in make test-faults.
var scale = faultScale{
	writers: 50,
	kills:   15,
	records: 300_000,
	series:  30_000,
}
