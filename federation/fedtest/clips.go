package fedtest

import (
	"context"
	"crypto/sha256"
	"fmt"
	"io"
	mrand "math/rand/v2"
	"sync"
	"sync/atomic"
	"time"
)

// Clips is a clip source (federation.ClipSource) serving deterministic pseudo-random footage of Size
// bytes keyed by camera and range. With Tamper set it serves other footage than it would hash when an
// alert is posted.
type Clips struct {
	Size   int
	Tamper atomic.Bool
	mu     sync.Mutex
	holds  []Hold
}

// Hold is a range of a camera's footage that a clip source was asked to keep until a time.
type Hold struct {
	Camera            string
	Start, End, Until time.Time
}

// Footage is the untampered footage of the camera's range.
func (f *Clips) Footage(camera string, start, end time.Time) []byte {
	return f.footage(camera, start, end, false)
}

func (f *Clips) footage(camera string, start, end time.Time, tampered bool) []byte {
	// Keyed to the nanosecond, as a recorder's export is: a range that differs below the millisecond may
	// hold another frame.
	seed := sha256.Sum256(fmt.Appendf(nil, "%s|%d|%d|%t", camera, start.UnixNano(), end.UnixNano(), tampered))
	b := make([]byte, f.Size)
	mrand.NewChaCha8(seed).Read(b)
	return b
}

// WriteClip writes the footage of the camera's range, tampered with if Tamper is set.
func (f *Clips) WriteClip(_ context.Context, camera string, start, end time.Time, w io.Writer) (int64, error) {
	n, err := w.Write(f.footage(camera, start, end, f.Tamper.Load()))
	return int64(n), err
}

// Hold records the hold.
func (f *Clips) Hold(camera string, start, end, until time.Time) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.holds = append(f.holds, Hold{camera, start, end, until})
}

// Holds lists the holds recorded so far.
func (f *Clips) Holds() []Hold {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]Hold(nil), f.holds...)
}
