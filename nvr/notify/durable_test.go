package notify_test

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/porchlight/porchlight/internal/testutil"
	"github.com/porchlight/porchlight/nvr/notify"
	"github.com/porchlight/porchlight/nvr/notify/notifytest"
)

// TestChannelDownThenBackAcrossRestart: the webhook receiver is down while three notifications are
// queued and retried; the node restarts; the receiver comes back on its port; all three arrive, in order,
// once each, and the failed attempts were counted.
func TestChannelDownThenBackAcrossRestart(t *testing.T) {
	wh := notifytest.StartWebhook(t)
	wh.Stop()
	dir := t.TempDir()
	var logs logBuffer
	cfg := fastConfig(dir, notify.ChannelConfig{Name: "hook", Kind: notify.KindWebhook, URL: wh.URL, Secret: wh.Secret})
	cfg.Logger = logs.logger()
	n := start(t, cfg)
	for _, title := range []string{"one", "two", "three"} {
		if err := n.Notify(notify.Notification{Type: notify.TypeAlert, Title: title}); err != nil {
			t.Fatal(err)
		}
	}
	testutil.WaitFor(t, 10*time.Second, "failed attempts", func() bool {
		return metric(t, n.Notifier, "porchlight_notify_failed_total", "channel", "hook", "type", "alert") >= 2
	})
	if got := metric(t, n.Notifier, "porchlight_notify_queue_depth", "channel", "hook"); got != 3 {
		t.Errorf("queue_depth while down = %v, want 3", got)
	}
	n.stop()
	if strings.Contains(logs.String(), string(wh.Secret)) {
		t.Errorf("the log holds the webhook secret:\n%s", logs.String())
	}

	wh.Start(t, wh.Port)
	n2 := start(t, cfg)
	testutil.WaitFor(t, 10*time.Second, "3 deliveries after the restart", func() bool { return len(wh.Deliveries(t)) >= 3 })
	var got []string
	for _, d := range wh.Deliveries(t) {
		if d.Bad != "" {
			t.Fatalf("receiver refused a delivery: %s", d.Bad)
		}
		got = append(got, d.Body["title"].(string))
	}
	if strings.Join(got, ",") != "one,two,three" {
		t.Errorf("delivered %q, want one,two,three", got)
	}
	// The receiver records a delivery before it answers, and the worker dequeues the job after the answer.
	testutil.WaitForState(t, 10*time.Second, "queue_depth 0 after delivery", func() (bool, string) {
		d := metric(t, n2.Notifier, "porchlight_notify_queue_depth", "channel", "hook")
		return d == 0, fmt.Sprint(d)
	})
}

// TestFailingChannelDoesNotDelayOther: one channel's receiver takes the request and never answers; the
// other channel gets every notification while the first is still stuck on its first.
func TestFailingChannelDoesNotDelayOther(t *testing.T) {
	release := make(chan struct{})
	var hung atomic.Int32
	stuck := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hung.Add(1)
		select {
		case <-release:
		case <-r.Context().Done():
		}
	}))
	t.Cleanup(stuck.Close)
	t.Cleanup(func() { close(release) })
	nt := notifytest.StartNtfy(t)
	cfg := fastConfig(t.TempDir(),
		notify.ChannelConfig{Name: "stuck", Kind: notify.KindNtfy, URL: stuck.URL + "/t"},
		notify.ChannelConfig{Name: "phone", Kind: notify.KindNtfy, URL: nt.URL + "/t"})
	cfg.SendTimeout = time.Hour
	n := start(t, cfg)
	for range 5 {
		if err := n.Notify(notify.Notification{Type: notify.TypeCamera, Title: "front offline"}); err != nil {
			t.Fatal(err)
		}
	}
	testutil.WaitFor(t, 10*time.Second, "5 messages on the working channel", func() bool { return len(nt.Messages()) == 5 })
	if h := hung.Load(); h != 1 {
		t.Errorf("the stuck receiver got %d requests, want 1 (still unanswered)", h)
	}
	if d := metric(t, n.Notifier, "porchlight_notify_queue_depth", "channel", "stuck"); d != 5 {
		t.Errorf("stuck channel's queue_depth = %v, want 5", d)
	}
}

// TestDroppedAfterMaxAge: a job older than MaxAge is dropped and counted, not sent when the channel
// comes back.
func TestDroppedAfterMaxAge(t *testing.T) {
	nt := notifytest.StartNtfy(t)
	nt.SetFail(true)
	var now atomic.Int64
	now.Store(time.Date(2026, 1, 1, 12, 0, 0, 0, time.UTC).UnixNano())
	cfg := fastConfig(t.TempDir(), notify.ChannelConfig{Name: "phone", Kind: notify.KindNtfy, URL: nt.URL + "/t"})
	cfg.Now = func() time.Time { return time.Unix(0, now.Load()) }
	n := start(t, cfg)
	if err := n.Notify(notify.Notification{Type: notify.TypeMotion, Camera: "front", Title: "old"}); err != nil {
		t.Fatal(err)
	}
	testutil.WaitFor(t, 10*time.Second, "a failed attempt", func() bool {
		return metric(t, n.Notifier, "porchlight_notify_failed_total", "channel", "phone", "type", "motion") >= 1
	})
	now.Add(int64(24*time.Hour + time.Second))
	nt.SetFail(false)
	testutil.WaitFor(t, 10*time.Second, "the job dropped", func() bool {
		return metric(t, n.Notifier, "porchlight_notify_dropped_total", "channel", "phone", "type", "motion") == 1
	})
	if err := n.Notify(notify.Notification{Type: notify.TypeMotion, Camera: "front", Title: "new"}); err != nil {
		t.Fatal(err)
	}
	testutil.WaitFor(t, 10*time.Second, "the new message", func() bool { return len(nt.Messages()) == 1 })
	if m := nt.Messages()[0]; m.Title != "new" {
		t.Errorf("sent %q, want only the new one", m.Title)
	}
}

// TestQueueBounded: a channel keeps at most MaxQueue jobs; the oldest go, counted.
func TestQueueBounded(t *testing.T) {
	nt := notifytest.StartNtfy(t)
	dir := t.TempDir()
	cfg := fastConfig(dir, notify.ChannelConfig{Name: "phone", Kind: notify.KindNtfy, URL: nt.URL + "/t"})
	cfg.MaxQueue = 3
	n, err := notify.New(cfg) // not running: the jobs wait
	if err != nil {
		t.Fatal(err)
	}
	for _, title := range []string{"1", "2", "3", "4", "5"} {
		if err := n.Notify(notify.Notification{Type: notify.TypeRequest, Title: title}); err != nil {
			t.Fatal(err)
		}
	}
	if d := metric(t, n, "porchlight_notify_dropped_total", "channel", "phone", "type", "request"); d != 2 {
		t.Errorf("dropped_total = %v, want 2", d)
	}
	if d := metric(t, n, "porchlight_notify_queue_depth", "channel", "phone"); d != 3 {
		t.Errorf("queue_depth = %v, want 3", d)
	}
	if err := n.Close(); err != nil {
		t.Fatal(err)
	}
	start(t, cfg)
	testutil.WaitFor(t, 10*time.Second, "3 messages", func() bool { return len(nt.Messages()) == 3 })
	var got []string
	for _, m := range nt.Messages() {
		got = append(got, m.Title)
	}
	if strings.Join(got, ",") != "3,4,5" {
		t.Errorf("sent %q, want the newest three", got)
	}
}

// TestSendErrorsHideURLAndToken: failures are logged with their cause, never the topic URL (a password
// on a public ntfy server) nor the access token.
func TestSendErrorsHideURLAndToken(t *testing.T) {
	closed := httptest.NewServer(http.NotFoundHandler())
	url := closed.URL + "/s3cr3t-topic"
	closed.Close() // connection refused from now on
	var logs logBuffer
	cfg := fastConfig(t.TempDir(), notify.ChannelConfig{Name: "phone", Kind: notify.KindNtfy, URL: url,
		Secret: []byte("tk_s3cr3t_token")})
	cfg.Logger = logs.logger()
	n := start(t, cfg)
	if err := n.Notify(notify.Notification{Type: notify.TypeAlert, Title: "x"}); err != nil {
		t.Fatal(err)
	}
	testutil.WaitFor(t, 10*time.Second, "two failed attempts", func() bool {
		return metric(t, n.Notifier, "porchlight_notify_failed_total", "channel", "phone", "type", "alert") >= 2
	})
	n.stop()
	out := logs.String()
	if !strings.Contains(out, "connection refused") || !strings.Contains(out, "channel=phone") {
		t.Errorf("log lacks the cause or the channel:\n%s", out)
	}
	for _, secret := range []string{"s3cr3t-topic", "tk_s3cr3t_token"} {
		if strings.Contains(out, secret) {
			t.Errorf("log holds %q:\n%s", secret, out)
		}
	}
}
