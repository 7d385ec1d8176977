package main

import "time"

// atMost says whether sm's time is at most num/den times the peer's:
// atMost(sm, peer, 5, 2) is sm ≤ 2.5× peer, atMost(sm, peer, 1, 20) is
// sm at least 20 times faster. Whole numbers keep the boundary exact.
func atMost(sm, peer time.Duration, num, den int64) bool {
	return int64(sm)*den <= int64(peer)*num
}
