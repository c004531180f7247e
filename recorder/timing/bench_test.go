package timing_test

import (
	"math/rand/v2"
	"testing"
	"time"

	"github.com/porchlight/porchlight/recorder/timing"
)

// BenchmarkMap measures one Map call on a 25 frames/s stream with 0..50 ms of jitter.
func BenchmarkMap(b *testing.B) {
	rng := rand.New(rand.NewPCG(1, 2))
	var jitter [4096]time.Duration
	for i := range jitter {
		jitter[i] = time.Duration(rng.Int64N(int64(50 * time.Millisecond)))
	}
	m := &timing.Mapper{ClockRate: 90000}
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		m.Map(uint32(i*3600), t0.Add(time.Duration(i)*40*time.Millisecond+jitter[i%len(jitter)]))
		i++
	}
}
