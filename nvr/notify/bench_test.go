package notify_test

import (
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/porchlight/porchlight/internal/testutil"
	"github.com/porchlight/porchlight/nvr/notify"
	"github.com/porchlight/porchlight/nvr/notify/notifytest"
)

// BenchmarkNotifyLatency measures, over 100 motion notifications sent one after another, the time from
// Notify (what nvr calls when it sees an event open) to the notification received by a local ntfy
// endpoint (Go) and by the Python webhook receiver, and reports p50 and p99 of each in ms.
//
//	go test -run '^$' -bench BenchmarkNotifyLatency -benchtime 1x ./nvr/notify/
func BenchmarkNotifyLatency(b *testing.B) {
	const events = 100
	nt := notifytest.StartNtfy(b)
	wh := notifytest.StartWebhook(b)
	got := make(chan time.Time, events)
	nt.Got = func(notifytest.NtfyMessage) { got <- time.Now() }
	cfg := fastConfig(b.TempDir(),
		notify.ChannelConfig{Name: "ntfy", Kind: notify.KindNtfy, URL: nt.URL + "/bench"},
		notify.ChannelConfig{Name: "hook", Kind: notify.KindWebhook, URL: wh.URL, Secret: wh.Secret})
	n, err := notify.New(cfg)
	if err != nil {
		b.Fatal(err)
	}
	done := make(chan struct{})
	go func() { _ = n.Run(b.Context()); close(done) }()
	b.Cleanup(func() { <-done; _ = n.Close() })

	var ntfyLat, hookLat []time.Duration
	for b.Loop() {
		for i := range events {
			before := len(wh.Deliveries(b))
			t0 := time.Now()
			if err := n.Notify(notify.Notification{Type: notify.TypeMotion, Camera: "front", EventID: uint64(i + 1),
				Title: "Motion: front", Message: fmt.Sprintf("event %d", i), Link: "https://nvr.example/#/events"}); err != nil {
				b.Fatal(err)
			}
			ntfyLat = append(ntfyLat, (<-got).Sub(t0))
			var d []notifytest.WebhookDelivery
			testutil.WaitFor(b, 10*time.Second, "the webhook delivery", func() bool {
				d = wh.Deliveries(b)
				return len(d) > before
			})
			at := time.Unix(0, int64(d[len(d)-1].Received*1e9))
			hookLat = append(hookLat, at.Sub(t0))
		}
	}
	for _, s := range []struct {
		name string
		lat  []time.Duration
	}{{"ntfy", ntfyLat}, {"webhook", hookLat}} {
		slices.Sort(s.lat)
		p := func(q float64) float64 { return float64(s.lat[int(q*float64(len(s.lat)-1))]) / 1e6 }
		b.ReportMetric(p(0.5), s.name+"-p50-ms")
		b.ReportMetric(p(0.99), s.name+"-p99-ms")
	}
}
