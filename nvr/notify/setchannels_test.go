package notify_test

import (
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/porchlight/porchlight/internal/testutil"
	"github.com/porchlight/porchlight/nvr/notify"
	"github.com/porchlight/porchlight/nvr/notify/notifytest"
)

// TestSetChannelsWhileRunning: channels change under a running notifier: a changed channel keeps its
// waiting notification and sends it with its new settings, an added one takes the next notifications, a
// removed one's waiting notifications are dropped and counted, and an invalid set changes nothing.
func TestSetChannelsWhileRunning(t *testing.T) {
	down := notifytest.StartNtfy(t)
	down.SetFail(true)
	up := notifytest.StartNtfy(t)
	a := notify.ChannelConfig{Name: "a", Kind: notify.KindNtfy, URL: down.URL + "/a"}
	n := start(t, fastConfig(t.TempDir(), a))
	if err := n.Notify(notify.Notification{Type: notify.TypeAlert, Title: "first"}); err != nil {
		t.Fatal(err)
	}
	testutil.WaitFor(t, 10*time.Second, "a failed attempt", func() bool {
		return metric(t, n.Notifier, "porchlight_notify_failed_total", "channel", "a", "type", "alert") >= 1
	})

	// a moves to the working server: its waiting notification goes there.
	a.URL = up.URL + "/a"
	if err := n.SetChannels([]notify.ChannelConfig{a}); err != nil {
		t.Fatal(err)
	}
	testutil.WaitFor(t, 10*time.Second, "the waiting notification on a's new URL", func() bool { return len(up.Messages()) == 1 })
	if m := up.Messages()[0]; m.Title != "first" || m.Topic != "a" {
		t.Errorf("got %+v", m)
	}

	// An invalid set changes nothing.
	if err := n.SetChannels([]notify.ChannelConfig{a, {Name: "a", Kind: notify.KindNtfy, URL: up.URL + "/b"}}); err == nil {
		t.Error("two channels named a: no error")
	}
	// b is added and a goes back to the failing server with one waiting notification, then is removed.
	b := notify.ChannelConfig{Name: "b", Kind: notify.KindNtfy, URL: up.URL + "/b"}
	a.URL = down.URL + "/a"
	if err := n.SetChannels([]notify.ChannelConfig{a, b}); err != nil {
		t.Fatal(err)
	}
	if err := n.Notify(notify.Notification{Type: notify.TypeMotion, Camera: "front", Title: "second"}); err != nil {
		t.Fatal(err)
	}
	testutil.WaitFor(t, 10*time.Second, "b's message", func() bool { return len(up.Messages()) == 2 })
	if err := n.SetChannels([]notify.ChannelConfig{b}); err != nil {
		t.Fatal(err)
	}
	if d := metric(t, n.Notifier, "porchlight_notify_dropped_total", "channel", "a", "type", "motion"); d != 1 {
		t.Errorf("a's waiting notification: dropped_total %v, want 1", d)
	}
	if err := n.Test(t.Context(), "a", notify.Notification{Title: "x"}); !errors.Is(err, notify.ErrNoChannel) {
		t.Errorf("Test of a removed channel: %v, want ErrNoChannel", err)
	}
	if err := n.Test(t.Context(), "b", notify.Notification{Type: notify.TypeTest, Title: "test"}); err != nil {
		t.Errorf("Test of b: %v", err)
	}
	if m := up.Messages(); len(m) != 3 || m[2].Title != "test" || m[1].Title != "second" || m[1].Topic != "b" {
		t.Errorf("messages %+v", m)
	}
}

// TestSetChannelsKeepsPushSubscriptions: the admin editing the configured channels leaves the users'
// push subscriptions running: a push still arrives after the channels were replaced and then emptied.
func TestSetChannelsKeepsPushSubscriptions(t *testing.T) {
	ps := notifytest.StartPushService(t)
	nt := notifytest.StartNtfy(t)
	cfg := pushConfig(t, t.TempDir(), ps)
	cfg.Channels = []notify.ChannelConfig{{Name: "a", Kind: notify.KindNtfy, URL: nt.URL + "/a"}}
	n := start(t, cfg)
	subscribe(t, n.Notifier, "alice", ps.Subscribe(t, "phone"), notify.TypeAlert)
	for i, chans := range [][]notify.ChannelConfig{{{Name: "b", Kind: notify.KindNtfy, URL: nt.URL + "/b"}}, nil} {
		if err := n.SetChannels(chans); err != nil {
			t.Fatal(err)
		}
		if err := n.Notify(notify.Notification{Type: notify.TypeAlert, Title: fmt.Sprint("alert ", i)}); err != nil {
			t.Fatal(err)
		}
		testutil.WaitFor(t, 20*time.Second, fmt.Sprint("push ", i+1), func() bool { return len(good(t, ps, "phone")) == i+1 })
	}
	if got := len(nt.Messages()); got != 1 {
		t.Errorf("ntfy got %d messages, want 1 (b's, before the channels were emptied)", got)
	}
}
