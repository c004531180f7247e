package recorder_test

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/porchlight/porchlight/internal/testutil"
	"github.com/porchlight/porchlight/recorder"
)

// TestReady: the recorder is ready only while Run records, and never with its index closed.
func TestReady(t *testing.T) {
	r, err := recorder.New(recorder.Config{DataDir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	if err := r.Ready(); !errors.Is(err, recorder.ErrNotRunning) {
		t.Errorf("before Run: got %v, want ErrNotRunning", err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	var wg sync.WaitGroup
	wg.Go(func() { _ = r.Run(ctx) })
	testutil.WaitFor(t, 10*time.Second, "ready", func() bool { return r.Ready() == nil })
	cancel()
	wg.Wait()
	if err := r.Ready(); !errors.Is(err, recorder.ErrNotRunning) {
		t.Errorf("after Run: got %v, want ErrNotRunning", err)
	}
	if err := r.Close(); err != nil {
		t.Fatal(err)
	}
	if err := r.Ready(); err == nil {
		t.Error("after Close: got ready")
	}
}
