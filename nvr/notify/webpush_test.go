package notify_test

import (
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/porchlight/porchlight/internal/testutil"
	"github.com/porchlight/porchlight/nvr/notify"
	"github.com/porchlight/porchlight/nvr/notify/notifytest"
)

// pushConfig is fastConfig with a fresh VAPID key in dir; the push service checks pushes against it.
func pushConfig(t *testing.T, dir string, ps *notifytest.PushService) notify.Config {
	t.Helper()
	key, created, err := notify.LoadVAPIDKey(dir)
	if err != nil || !created {
		t.Fatalf("LoadVAPIDKey: created %v, %v", created, err)
	}
	ps.SetVAPIDKey(t, key.PublicKey())
	cfg := fastConfig(dir)
	cfg.VAPID, cfg.PushContact = key, "https://nvr.example"
	return cfg
}

func subscribe(t *testing.T, n *notify.Notifier, user string, s *notifytest.PushSub, events ...notify.Type) notify.Subscription {
	t.Helper()
	got, err := n.Subscribe(notify.Subscription{User: user, Endpoint: s.Endpoint,
		Keys: notify.PushKeys{P256dh: s.P256dh, Auth: s.Auth}, Events: events})
	if err != nil {
		t.Fatal(err)
	}
	return got
}

// good returns the deliveries the push service accepted, failing the test on any it refused.
func good(t *testing.T, ps *notifytest.PushService, name string) []notifytest.PushDelivery {
	t.Helper()
	var out []notifytest.PushDelivery
	for _, d := range ps.Deliveries(t) {
		if d.Bad != "" {
			t.Fatalf("the push service refused a push: %s", d.Bad)
		}
		if d.Name == name && d.Status == 201 {
			out = append(out, d)
		}
	}
	return out
}

// TestWebPushDecryptedByHTTPECE: a push reaches a node.js push service, which verifies the VAPID JWT
// (ES256 with the node's public key; aud the service's origin, exp, sub) and decrypts the payload with
// http_ece and the subscription's private key. Only the types the device chose are pushed.
func TestWebPushDecryptedByHTTPECE(t *testing.T) {
	ps := notifytest.StartPushService(t)
	n := start(t, pushConfig(t, t.TempDir(), ps))
	phone := ps.Subscribe(t, "phone")
	sub := subscribe(t, n.Notifier, "alice", phone, notify.TypeAlert, notify.TypeMotion)
	if sub.ID == "" || len(sub.Events) != 2 {
		t.Fatalf("Subscribe returned %+v", sub)
	}
	for _, x := range []notify.Notification{
		{Type: notify.TypeMember, Title: "New neighbor", Message: "not chosen on this device"},
		{Type: notify.TypeAlert, Priority: 4, Title: "Neighbor alert from Oak Lane 3", Message: "suspicious: a van, twice",
			Link: "https://nvr.example/#/hood?alert=a1"},
		{Type: notify.TypeMotion, Camera: "front", EventID: 7, Snapshot: true, Title: "Motion: front", Message: "Motion on front",
			Link: "https://nvr.example/#/events?camera=front&event=7"},
	} {
		if err := n.Notify(x); err != nil {
			t.Fatal(err)
		}
	}
	testutil.WaitFor(t, 20*time.Second, "two pushes", func() bool { return len(good(t, ps, "phone")) >= 2 })
	ds := good(t, ps, "phone")
	if len(ds) != 2 {
		t.Fatalf("got %d pushes, want 2 (the member notification was not chosen)", len(ds))
	}
	a, m := ds[0], ds[1]
	if a.Payload["type"] != "alert" || a.Payload["title"] != "Neighbor alert from Oak Lane 3" ||
		a.Payload["body"] != "suspicious: a van, twice" || a.Payload["url"] != "https://nvr.example/#/hood?alert=a1" ||
		a.Payload["id"] == "" || a.Payload["image"] != nil {
		t.Errorf("alert payload = %v", a.Payload)
	}
	if a.Headers["urgency"] != "high" || a.Headers["ttl"] != "86400" {
		t.Errorf("alert headers = %v, want urgency high and a TTL of a day", a.Headers)
	}
	if a.Claims["aud"] != ps.URL || a.Claims["sub"] != "https://nvr.example" {
		t.Errorf("VAPID claims = %v, want aud %s and sub https://nvr.example", a.Claims, ps.URL)
	}
	if m.Payload["type"] != "motion" || m.Payload["image"] != "https://nvr.example/api/v1/events/7/snapshot.jpg" {
		t.Errorf("motion payload = %v, want the snapshot's URL (not its bytes)", m.Payload)
	}
	// The service records a push before it answers; the worker counts it after the answer.
	testutil.WaitForState(t, 10*time.Second, "sent_total{motion} 1", func() (bool, string) {
		got := metric(t, n.Notifier, "porchlight_notify_sent_total", "channel", "push-"+sub.ID, "type", "motion")
		return got == 1, fmt.Sprint(got)
	})
}

// TestWebPushGoneRemovesSubscription: a push service that answers 410 ends the subscription: it is no
// longer listed, its queued pushes are dropped and counted, and the user's other device still gets pushes.
func TestWebPushGoneRemovesSubscription(t *testing.T) {
	ps := notifytest.StartPushService(t)
	cfg := pushConfig(t, t.TempDir(), ps)
	old, phone := ps.Subscribe(t, "old"), ps.Subscribe(t, "phone")
	ps.SetStatus(t, "old", http.StatusGone)
	// Three requests are queued for both before the notifier runs.
	idle, err := notify.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	gone := subscribe(t, idle, "alice", old, notify.TypeRequest)
	subscribe(t, idle, "alice", phone)
	for i := range 3 {
		if err := idle.Notify(notify.Notification{Type: notify.TypeRequest, Title: fmt.Sprint("request ", i)}); err != nil {
			t.Fatal(err)
		}
	}
	if err := idle.Close(); err != nil {
		t.Fatal(err)
	}
	n := start(t, cfg)
	testutil.WaitFor(t, 20*time.Second, "3 pushes to the phone", func() bool { return len(good(t, ps, "phone")) == 3 })
	testutil.WaitForState(t, 20*time.Second, "the gone subscription removed", func() (bool, string) {
		subs, err := n.Subscriptions("alice")
		if err != nil {
			t.Fatal(err)
		}
		return len(subs) == 1 && subs[0].Endpoint == phone.Endpoint, fmt.Sprintf("%+v", subs)
	})
	ch := "push-" + gone.ID
	testutil.WaitForState(t, 10*time.Second, "the gone subscription's 3 pushes counted as dropped (one refused, two queued)", func() (bool, string) {
		d := metric(t, n.Notifier, "porchlight_notify_dropped_total", "channel", ch, "type", "request")
		return d == 3, fmt.Sprint(d)
	})
	var toOld int
	for _, d := range ps.Deliveries(t) {
		if d.Name == "old" {
			toOld++
		}
	}
	if toOld != 1 {
		t.Errorf("the gone endpoint got %d pushes, want 1", toOld)
	}
	if err := n.Notify(notify.Notification{Type: notify.TypeRequest, Title: "after"}); err != nil {
		t.Fatal(err)
	}
	testutil.WaitFor(t, 20*time.Second, "a 4th push to the phone", func() bool { return len(good(t, ps, "phone")) == 4 })
}

// TestWebPushDownThenBackAcrossRestart: the push service is down while three notifications are queued
// and retried; the node restarts (the subscription is read back from notify.db); the service comes back
// on its port; all three arrive, in order, once each.
func TestWebPushDownThenBackAcrossRestart(t *testing.T) {
	ps := notifytest.StartPushService(t)
	dir := t.TempDir()
	cfg := pushConfig(t, dir, ps)
	phone := ps.Subscribe(t, "phone")
	ps.Stop()
	n := start(t, cfg)
	sub := subscribe(t, n.Notifier, "alice", phone, notify.TypeCamera)
	for _, title := range []string{"one", "two", "three"} {
		if err := n.Notify(notify.Notification{Type: notify.TypeCamera, Camera: "front", Title: title}); err != nil {
			t.Fatal(err)
		}
	}
	testutil.WaitFor(t, 10*time.Second, "failed attempts", func() bool {
		return metric(t, n.Notifier, "porchlight_notify_failed_total", "channel", "push-"+sub.ID, "type", "camera") >= 2
	})
	n.stop()

	ps.Start(t, ps.Port)
	key, created, err := notify.LoadVAPIDKey(dir)
	if err != nil || created {
		t.Fatalf("reload VAPID key: created %v, %v", created, err)
	}
	cfg.VAPID = key
	n2 := start(t, cfg)
	testutil.WaitFor(t, 20*time.Second, "3 pushes after the restart", func() bool { return len(good(t, ps, "phone")) >= 3 })
	var got []string
	for _, d := range good(t, ps, "phone") {
		got = append(got, d.Payload["title"].(string))
	}
	if strings.Join(got, ",") != "one,two,three" {
		t.Errorf("pushed %q, want one,two,three", got)
	}
	if subs, _ := n2.Subscriptions("alice"); len(subs) != 1 || subs[0].ID != sub.ID {
		t.Errorf("subscriptions after the restart = %+v, want %s", subs, sub.ID)
	}
}
