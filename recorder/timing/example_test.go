package timing_test

import (
	"fmt"
	"time"

	"github.com/porchlight/porchlight/recorder/timing"
)

// A camera sends 25 frames/s at 90 kHz; then its encoder restarts with an unrelated timestamp.
func ExampleMapper() {
	m := &timing.Mapper{ClockRate: 90000}
	start := time.Date(2025, 6, 1, 12, 0, 0, 0, time.UTC)
	frames := []struct {
		ts      uint32
		arrival time.Duration
	}{
		{1000, 0},
		{4600, 41 * time.Millisecond},
		{8200, 80 * time.Millisecond},
		{3_000_000_000, 120 * time.Millisecond}, // restart at an unrelated value: a new run
		{3_000_003_600, 160 * time.Millisecond},
	}
	for _, f := range frames {
		ticks, wall, discont := m.Map(f.ts, start.Add(f.arrival))
		fmt.Println(ticks, wall.Format("15:04:05.000"), discont)
	}
	// Output:
	// 0 12:00:00.000 true
	// 3600 12:00:00.040 false
	// 7200 12:00:00.080 false
	// 0 12:00:00.120 true
	// 3600 12:00:00.160 false
}
