package notify

import (
	"math/rand/v2"
	"time"
)

// backoff returns the wait before retry number attempt (1 = after the first failure): base doubled per
// attempt, capped at max, then jittered to between half and all of it, so channels that fail together do
// not retry in lockstep.
func backoff(attempt int, base, max time.Duration) time.Duration {
	d := base
	for i := 1; i < attempt && d < max; i++ {
		d *= 2
	}
	d = min(d, max)
	if d <= 1 {
		return d
	}
	return d/2 + rand.N(d/2+1)
}
