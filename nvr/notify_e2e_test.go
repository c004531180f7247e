package nvr_test

import (
	"bytes"
	"encoding/base64"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/porchlight/porchlight/internal/testutil"
	"github.com/porchlight/porchlight/nvr/notify/notifytest"
)

// TestServeNotifiesMotion runs a real `porchlight serve` recording a camera that sees motion 4 s in
// every 10, with two channels: a local ntfy publish endpoint and a Python webhook receiver that checks
// the HMAC. Each motion event reaches both, linked to the event's view under http.public_url. Then the
// webhook goes down: ntfy keeps getting events (one channel failing does not hold the other), the node
// restarts while the webhook is still down, the webhook comes back, and every event ntfy got reaches it.
func TestServeNotifiesMotion(t *testing.T) {
	cam := startMotionCamera(t)
	nt := notifytest.StartNtfy(t)
	wh := notifytest.StartWebhook(t)
	cfgPath, base, tok := initNode(t, "    url: "+cam.URL()+"\n    motion: {post_roll: 2s}\n", func(cfg []byte) []byte {
		cfg = regexp.MustCompile(`(?m)^http:\n`).ReplaceAll(cfg, []byte("http:\n  public_url: https://nvr.example\n"))
		return append(cfg, fmt.Sprintf("notify:\n"+
			"  - {type: ntfy, url: %s/porch-topic, priority: 4, motion_cooldown: 0s}\n"+
			"  - {type: webhook, url: %s, secret_file: %s, events: [motion], motion_cooldown: 0s}\n",
			nt.URL, wh.URL, wh.SecretFile())...)
	})
	serve, _ := startServe(t, cfgPath)

	// The first motion event reaches both channels.
	testutil.WaitFor(t, 60*time.Second, "a motion notification on both channels", func() bool {
		return len(nt.Messages()) > 0 && len(wh.Deliveries(t)) > 0
	})
	m := nt.Messages()[0]
	linkRE := regexp.MustCompile(`^https://nvr\.example/#/events\?camera=front&day=\d{4}-\d\d-\d\d&event=(\d+)$`)
	if m.Title != "Motion: front" || m.Priority != 4 || !linkRE.MatchString(m.Click) || !strings.HasPrefix(m.Message, "Motion on front at ") {
		t.Errorf("ntfy message = %+v", m)
	}
	if m.Filename != "" && !bytes.HasPrefix(m.Attach, []byte{0xff, 0xd8}) {
		t.Errorf("ntfy attachment %q is not a JPEG", m.Filename)
	}
	d := wh.Deliveries(t)[0]
	if d.Bad != "" || d.Body["type"] != "motion" || d.Body["camera"] != "front" || !linkRE.MatchString(d.Body["link"].(string)) {
		t.Errorf("webhook delivery = %+v", d)
	}
	if s, ok := d.Body["snapshot"].(string); ok {
		if b, _ := base64.StdEncoding.DecodeString(s); !bytes.HasPrefix(b, []byte{0xff, 0xd8}) {
			t.Errorf("webhook snapshot is not a JPEG")
		}
	}

	// The webhook goes down; ntfy still gets the next event, and the webhook's job waits in the queue.
	wh.Stop()
	seen := len(nt.Messages())
	testutil.WaitFor(t, 60*time.Second, "another ntfy message while the webhook is down", func() bool {
		return len(nt.Messages()) > seen
	})
	testutil.WaitFor(t, 10*time.Second, "a webhook job queued", func() bool {
		_, b := apiGet(t, base, tok, "/metrics")
		return regexp.MustCompile(`(?m)^porchlight_notify_queue_depth\{channel="webhook"\} [1-9]`).Match(b)
	})
	_, metrics := apiGet(t, base, tok, "/metrics")
	if !regexp.MustCompile(`(?m)^porchlight_notify_failed_total\{channel="webhook",type="motion"\} [1-9]`).Match(metrics) {
		t.Errorf("/metrics has no failed webhook attempts:\n%s", grepLines(metrics, "porchlight_notify"))
	}
	if !regexp.MustCompile(`(?m)^porchlight_notify_sent_total\{channel="ntfy",type="motion"\} [2-9]`).Match(metrics) {
		t.Errorf("/metrics: ntfy sent fewer than 2:\n%s", grepLines(metrics, "porchlight_notify"))
	}
	if cfg, _ := os.ReadFile(cfgPath); bytes.Contains(metrics, wh.Secret) || bytes.Contains(cfg, wh.Secret) {
		t.Error("the webhook secret is in /metrics or the config file")
	}

	// Restart the node while the webhook is down, then bring the webhook back on its port.
	if err := serve.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	if err := serve.Wait(); err != nil {
		t.Fatalf("serve did not exit cleanly: %v", err)
	}
	events := ntfyEventIDs(t, nt, linkRE)
	startServe(t, cfgPath)
	wh.Start(t, wh.Port)
	testutil.WaitForState(t, 60*time.Second, "every event ntfy got before the restart at the webhook", func() (bool, string) {
		got := map[string]bool{}
		for _, d := range wh.Deliveries(t) {
			if d.Bad != "" {
				t.Fatalf("webhook refused a delivery: %s", d.Bad)
			}
			got[fmt.Sprint(d.Body["event_id"])] = true
		}
		for _, id := range events {
			if !got[id] {
				return false, fmt.Sprintf("ntfy %v, webhook %v", events, got)
			}
		}
		return true, ""
	})
	if log, err := os.ReadFile(filepath.Join(filepath.Dir(cfgPath), "data", "notify.db")); err != nil || len(log) == 0 {
		t.Errorf("no notify.db in the data dir: %v", err)
	}
}

// ntfyEventIDs returns the event IDs of the links in the ntfy messages so far.
func ntfyEventIDs(t *testing.T, nt *notifytest.Ntfy, linkRE *regexp.Regexp) []string {
	t.Helper()
	var ids []string
	for _, m := range nt.Messages() {
		sub := linkRE.FindStringSubmatch(m.Click)
		if sub == nil {
			t.Fatalf("ntfy link %q", m.Click)
		}
		ids = append(ids, sub[1])
	}
	return ids
}

// grepLines returns the lines of b that contain s.
func grepLines(b []byte, s string) string {
	var out []string
	for _, l := range strings.Split(string(b), "\n") {
		if strings.Contains(l, s) {
			out = append(out, l)
		}
	}
	return strings.Join(out, "\n")
}
