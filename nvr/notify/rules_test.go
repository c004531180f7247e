package notify_test

import (
	"errors"
	"sync/atomic"
	"testing"
	"time"

	"github.com/porchlight/porchlight/nvr/notify"
)

// TestRules: which notifications a channel queues, by its events, quiet hours and motion cooldown.
func TestRules(t *testing.T) {
	quiet, err := notify.ParseQuietHours("22:00-07:00")
	if err != nil {
		t.Fatal(err)
	}
	day := time.Date(2026, 6, 1, 12, 0, 0, 0, time.Local)
	night := time.Date(2026, 6, 1, 23, 30, 0, 0, time.Local)
	motion := func(cam string) notify.Notification { return notify.Notification{Type: notify.TypeMotion, Camera: cam} }
	type step struct {
		after time.Duration // since the first step
		n     notify.Notification
	}
	tests := []struct {
		name  string
		ch    notify.ChannelConfig
		start time.Time
		steps []step
		want  int // jobs queued
	}{
		{"all events by default", notify.ChannelConfig{}, day,
			[]step{{0, motion("a")}, {0, notify.Notification{Type: notify.TypeRequest}}, {0, notify.Notification{Type: notify.TypeMember}}}, 3},
		{"events filter", notify.ChannelConfig{Events: []notify.Type{notify.TypeRequest, notify.TypeAlert}}, day,
			[]step{{0, motion("a")}, {0, notify.Notification{Type: notify.TypeRequest}}, {0, notify.Notification{Type: notify.TypeDisk}}}, 1},
		{"quiet hours hold motion, camera and disk back", notify.ChannelConfig{Quiet: quiet}, night,
			[]step{{0, motion("a")}, {0, notify.Notification{Type: notify.TypeCamera}}, {0, notify.Notification{Type: notify.TypeDisk}}}, 0},
		{"quiet hours let requests, alerts and members through", notify.ChannelConfig{Quiet: quiet}, night,
			[]step{{0, notify.Notification{Type: notify.TypeRequest}}, {0, notify.Notification{Type: notify.TypeAlert}}, {0, notify.Notification{Type: notify.TypeMember}}}, 3},
		{"outside quiet hours", notify.ChannelConfig{Quiet: quiet}, day, []step{{0, motion("a")}}, 1},
		{"motion cooldown per camera", notify.ChannelConfig{MotionCooldown: time.Minute}, day,
			[]step{{0, motion("a")}, {10 * time.Second, motion("a")}, {20 * time.Second, motion("b")}, {61 * time.Second, motion("a")}}, 3},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var now atomic.Int64
			now.Store(tt.start.UnixNano())
			ch := tt.ch
			ch.Name, ch.Kind, ch.URL = "c", notify.KindNtfy, "http://127.0.0.1:9/t"
			cfg := fastConfig(t.TempDir(), ch)
			cfg.Now = func() time.Time { return time.Unix(0, now.Load()).In(time.Local) }
			n, err := notify.New(cfg) // not running: jobs stay queued
			if err != nil {
				t.Fatal(err)
			}
			defer n.Close()
			for _, s := range tt.steps {
				now.Store(tt.start.Add(s.after).UnixNano())
				if err := n.Notify(s.n); err != nil {
					t.Fatal(err)
				}
			}
			if got := metric(t, n, "porchlight_notify_queue_depth", "channel", "c"); got != float64(tt.want) {
				t.Errorf("queued %v, want %d", got, tt.want)
			}
		})
	}
}

func TestQuietHours(t *testing.T) {
	tests := []struct {
		in      string
		at      string // HH:MM
		want    bool
		wantErr bool
	}{
		{"22:00-07:00", "23:59", true, false},
		{"22:00-07:00", "06:59", true, false},
		{"22:00-07:00", "07:00", false, false},
		{"22:00-07:00", "21:59", false, false},
		{"01:30-02:00", "01:45", true, false},
		{"01:30-02:00", "02:00", false, false},
		{"", "01:00", false, false},
		{"24:00-01:00", "", false, true},
		{"7:00-8:00", "", false, true},
		{"07:00-08:00x", "", false, true},
		{"07:60-08:00", "", false, true},
	}
	for _, tt := range tests {
		q, err := notify.ParseQuietHours(tt.in)
		if (err != nil) != tt.wantErr {
			t.Errorf("ParseQuietHours(%q) error = %v, want error %v", tt.in, err, tt.wantErr)
			continue
		}
		if err != nil {
			if !errors.Is(err, notify.ErrBadQuietHours) {
				t.Errorf("ParseQuietHours(%q) error %v does not wrap ErrBadQuietHours", tt.in, err)
			}
			continue
		}
		at, _ := time.Parse("15:04", tt.at)
		if got := q.Contains(at); got != tt.want {
			t.Errorf("%q contains %s = %v, want %v", tt.in, tt.at, got, tt.want)
		}
		if b, _ := q.MarshalText(); string(b) != tt.in {
			t.Errorf("MarshalText = %q, want %q", b, tt.in)
		}
	}
}

// FuzzParseQuietHours: whatever the config holds, parsing does not panic, and what parses writes back to
// the same text.
func FuzzParseQuietHours(f *testing.F) {
	for _, s := range []string{"22:00-07:00", "", "00:00-00:00", "23:59-00:01", "7:00-8:00", "aa:bb-cc:dd", "22:00-07:00 "} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		q, err := notify.ParseQuietHours(s)
		if err != nil {
			return
		}
		b, _ := q.MarshalText()
		if q.From != q.To && string(b) != s {
			t.Errorf("ParseQuietHours(%q) writes back as %q", s, b)
		}
	})
}

func TestValidate(t *testing.T) {
	ok := notify.ChannelConfig{Name: "x", Kind: notify.KindNtfy, URL: "https://ntfy.example/topic"}
	tests := []struct {
		name string
		edit func(c *notify.ChannelConfig)
		want string
	}{
		{"ok", func(*notify.ChannelConfig) {}, ""},
		{"no url", func(c *notify.ChannelConfig) { c.URL = "" }, "url: missing"},
		{"scheme", func(c *notify.ChannelConfig) { c.URL = "ftp://u:pw@h/t" }, "url: scheme must be http or https"},
		{"no topic", func(c *notify.ChannelConfig) { c.URL = "https://ntfy.example/" }, "url: must name a topic (https://ntfy.example/TOPIC)"},
		{"priority", func(c *notify.ChannelConfig) { c.Priority = 6 }, "priority: must be 1 (min) to 5 (max), or 0 for each notification's own"},
		{"cooldown", func(c *notify.ChannelConfig) { c.MotionCooldown = -1 }, "motion_cooldown: must not be negative"},
		{"event", func(c *notify.ChannelConfig) { c.Events = []notify.Type{"motion", "cats"} }, `events[1]: unknown notification type "cats"`},
	}
	for _, tt := range tests {
		c := ok
		tt.edit(&c)
		err := c.Validate()
		if got := ""; err != nil {
			got = err.Error()
			if got != tt.want {
				t.Errorf("%s: Validate() = %q, want %q", tt.name, got, tt.want)
			}
		} else if tt.want != "" {
			t.Errorf("%s: Validate() = nil, want %q", tt.name, tt.want)
		}
	}
}

func TestNewWebhookNeedsSecret(t *testing.T) {
	_, err := notify.New(notify.Config{DataDir: t.TempDir(), Channels: []notify.ChannelConfig{
		{Name: "hook", Kind: notify.KindWebhook, URL: "http://127.0.0.1:9/x"}}})
	if want := `notify channel "hook": secret_file: a webhook needs a secret to sign with`; err == nil || err.Error() != want {
		t.Errorf("New() error = %v, want %q", err, want)
	}
}
