package notify_test

import (
	"bytes"
	"encoding/base64"
	"slices"
	"testing"
	"time"

	"github.com/porchlight/porchlight/internal/testutil"
	"github.com/porchlight/porchlight/nvr/notify"
	"github.com/porchlight/porchlight/nvr/notify/notifytest"
)

// TestDeliverToNtfyAndWebhook sends a motion event with a snapshot and a neighbor alert to a local ntfy
// endpoint and to a Python receiver that checks the webhook's HMAC signature with Python's hmac module.
func TestDeliverToNtfyAndWebhook(t *testing.T) {
	nt := notifytest.StartNtfy(t)
	wh := notifytest.StartWebhook(t)
	leaks := testutil.Goroutines()
	n := start(t, fastConfig(t.TempDir(),
		notify.ChannelConfig{Name: "phone", Kind: notify.KindNtfy, URL: nt.URL + "/porch-x1", Tags: []string{"house"},
			Secret: []byte("tk_token\n")},
		notify.ChannelConfig{Name: "hook", Kind: notify.KindWebhook, URL: wh.URL, Secret: wh.Secret}))

	motion := notify.Notification{Type: notify.TypeMotion, Title: "Motion: front", Message: "Motion on front — 12:00",
		Link: "http://node.example/#/events?camera=front", Camera: "front", EventID: 7, Priority: 3}
	alert := notify.Notification{Type: notify.TypeAlert, Title: "Neighbor alert: Ünter den Linden",
		Message: "Someone tried car doors", Link: "http://node.example/#/hood?alert=a1", Priority: 4}
	for _, x := range []notify.Notification{motion, alert} {
		if err := n.Notify(x); err != nil {
			t.Fatal(err)
		}
	}
	testutil.WaitFor(t, 10*time.Second, "2 messages at each receiver", func() bool {
		return len(nt.Messages()) == 2 && len(wh.Deliveries(t)) == 2
	})

	msgs := nt.Messages()
	m := msgs[0]
	if m.Topic != "porch-x1" || m.Title != motion.Title || m.Message != motion.Message || m.Click != motion.Link ||
		m.Priority != 3 || m.Filename != "snapshot.jpg" || !bytes.Equal(m.Attach, jpeg) || m.Auth != "Bearer tk_token" {
		t.Errorf("ntfy motion message = %+v", m)
	}
	if want := []string{"house", "motion"}; !slices.Equal(m.Tags, want) {
		t.Errorf("ntfy tags = %q, want %q", m.Tags, want)
	}
	if a := msgs[1]; a.Title != alert.Title || a.Message != alert.Message || a.Filename != "" || a.Priority != 4 {
		t.Errorf("ntfy alert message = %+v (non-ASCII title must arrive decoded)", a)
	}

	ds := wh.Deliveries(t)
	for _, d := range ds {
		if d.Bad != "" {
			t.Fatalf("webhook receiver refused a delivery: %s", d.Bad)
		}
	}
	b := ds[0].Body
	if b["type"] != "motion" || b["title"] != motion.Title || b["link"] != motion.Link || b["camera"] != "front" ||
		b["id"] != ds[0].Delivery {
		t.Errorf("webhook motion body = %v", b)
	}
	if got, _ := base64.StdEncoding.DecodeString(b["snapshot"].(string)); !bytes.Equal(got, jpeg) {
		t.Errorf("webhook snapshot = %q, want the event's JPEG", got)
	}
	if ds[1].Body["type"] != "alert" || ds[1].Body["snapshot"] != nil {
		t.Errorf("webhook alert body = %v, want an alert with no picture", ds[1].Body)
	}
	for _, ch := range []string{"phone", "hook"} {
		// the receiver records before it answers: wait for the answer to be taken
		testutil.WaitFor(t, 5*time.Second, ch+" sent_total{type=alert}", func() bool {
			return metric(t, n.Notifier, "porchlight_notify_sent_total", "channel", ch, "type", "alert") == 1
		})
		if got := metric(t, n.Notifier, "porchlight_notify_sent_total", "channel", ch, "type", "motion"); got != 1 {
			t.Errorf("sent_total{channel=%s,type=motion} = %v, want 1", ch, got)
		}
		if got := metric(t, n.Notifier, "porchlight_notify_queue_depth", "channel", ch); got != 0 {
			t.Errorf("queue_depth{channel=%s} = %v, want 0", ch, got)
		}
	}
	n.stop()
	// the ntfy test server's side of a connection ends when the server closes, after the test
	leaks.CheckEnded(t, 5*time.Second, "net/http.(*conn).serve")
}

// TestWebhookWrongSecretRefused: a receiver holding another secret refuses the signature (401); the job
// is dropped at once and counted, not retried for a day.
func TestWebhookWrongSecretRefused(t *testing.T) {
	wh := notifytest.StartWebhook(t)
	n := start(t, fastConfig(t.TempDir(),
		notify.ChannelConfig{Name: "hook", Kind: notify.KindWebhook, URL: wh.URL, Secret: []byte("not the secret")}))
	if err := n.Notify(notify.Notification{Type: notify.TypeDisk, Title: "Disk nearly full"}); err != nil {
		t.Fatal(err)
	}
	testutil.WaitFor(t, 10*time.Second, "the job dropped", func() bool {
		return metric(t, n.Notifier, "porchlight_notify_dropped_total", "channel", "hook", "type", "disk") == 1
	})
	ds := wh.Deliveries(t)
	if len(ds) != 1 || ds[0].Bad != "signature" {
		t.Errorf("receiver recorded %+v, want one refusal for the signature", ds)
	}
	if got := metric(t, n.Notifier, "porchlight_notify_sent_total", "channel", "hook", "type", "disk"); got != 0 {
		t.Errorf("sent_total = %v, want 0", got)
	}
}
