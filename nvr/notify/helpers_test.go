package notify_test

import (
	"bytes"
	"context"
	"log/slog"
	"sync"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/porchlight/porchlight/nvr/notify"
)

// jpeg stands in for an event snapshot.
var jpeg = []byte("\xff\xd8\xff\xe0 snapshot of event 7 \xff\xd9")

func snapshots(id uint64) ([]byte, error) {
	if id == 7 {
		return jpeg, nil
	}
	return nil, notify.ErrRejected // any error: the event has none
}

// fastConfig returns a config with short retries over dir.
func fastConfig(dir string, chans ...notify.ChannelConfig) notify.Config {
	return notify.Config{DataDir: dir, Channels: chans, Snapshot: snapshots,
		RetryBase: 20 * time.Millisecond, RetryMax: 100 * time.Millisecond, SendTimeout: 5 * time.Second}
}

// running is a notifier whose Run goroutine the test's cleanup stops.
type running struct {
	*notify.Notifier
	stop func()
}

func start(t *testing.T, cfg notify.Config) *running {
	t.Helper()
	n, err := notify.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { _ = n.Run(ctx); close(done) }()
	r := &running{Notifier: n}
	var once sync.Once
	r.stop = func() {
		once.Do(func() {
			cancel()
			<-done
			if err := n.Close(); err != nil {
				t.Error(err)
			}
		})
	}
	t.Cleanup(r.stop)
	return r
}

// metric returns the value of one of the notifier's series (0 when it has none yet); labels are pairs of
// name and value.
func metric(t *testing.T, n *notify.Notifier, name string, labels ...string) float64 {
	t.Helper()
	reg := prometheus.NewPedanticRegistry()
	reg.MustRegister(n.Collector())
	mfs, err := reg.Gather()
	if err != nil {
		t.Fatal(err)
	}
	for _, mf := range mfs {
		if mf.GetName() != name {
			continue
		}
	series:
		for _, m := range mf.GetMetric() {
			have := map[string]string{}
			for _, lp := range m.GetLabel() {
				have[lp.GetName()] = lp.GetValue()
			}
			for i := 0; i+1 < len(labels); i += 2 {
				if have[labels[i]] != labels[i+1] {
					continue series
				}
			}
			if m.Counter != nil {
				return m.GetCounter().GetValue()
			}
			return m.GetGauge().GetValue()
		}
	}
	return 0
}

// logBuffer is a logger whose output the test reads.
type logBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (l *logBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.buf.Write(p)
}

func (l *logBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.buf.String()
}

func (l *logBuffer) logger() *slog.Logger { return slog.New(slog.NewTextHandler(l, nil)) }
