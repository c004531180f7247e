package nvr_test

import (
	"strings"
	"testing"
	"time"

	"github.com/porchlight/porchlight/internal/testutil"
	"github.com/porchlight/porchlight/nvr/notify/notifytest"
)

// TestServeNotifiesHood: two real `porchlight serve` households on loopback. h1 founds a hood and has
// an ntfy channel and a webhook (the Python receiver checking the HMAC); h2 joins, which h1 is told of,
// then posts an alert, which reaches both of h1's channels with a link to the alert, and only its text.
func TestServeNotifiesHood(t *testing.T) {
	nt := notifytest.StartNtfy(t)
	wh := notifytest.StartWebhook(t)
	h1 := newHoodNode(t, "h1", "household", func(cfg map[string]any) {
		subMap(cfg, "http")["public_url"] = "https://h1.example"
		cfg["notify"] = []map[string]any{
			{"type": "ntfy", "url": nt.URL + "/h1"},
			{"type": "webhook", "url": wh.URL, "secret_file": wh.SecretFile(), "events": []string{"alert"}},
		}
	})
	h2 := newHoodNode(t, "h2", "household", nil)
	h1.start(t)
	h2.start(t)
	h1.line(t, "hood create", "--name", "Elm Street")
	h2.cli(t, "hood join", h1.line(t, "hood invite"))

	testutil.WaitFor(t, 30*time.Second, "h1 told of h2 joining", func() bool {
		for _, m := range nt.Messages() {
			if m.Title == "New neighbor in Elm Street" && strings.HasPrefix(m.Message, "h2 (household)") &&
				m.Click == "https://h1.example/#/hood" {
				return true
			}
		}
		return false
	})

	id := h2.line(t, "alert post", "--text", "Package taken from a porch", "--category", "theft")
	link := "https://h1.example/#/hood?alert=" + id
	testutil.WaitForState(t, 30*time.Second, "the alert on both of h1's channels", func() (bool, string) {
		var gotN, gotW bool
		for _, m := range nt.Messages() {
			gotN = gotN || (m.Title == "Neighbor alert from h2" && m.Message == "theft: Package taken from a porch" &&
				m.Click == link && m.Filename == "")
		}
		for _, d := range wh.Deliveries(t) {
			if d.Bad != "" {
				t.Fatalf("webhook refused a delivery: %s", d.Bad)
			}
			gotW = gotW || (d.Body["type"] == "alert" && d.Body["link"] == link && d.Body["snapshot"] == nil)
		}
		return gotN && gotW, ""
	})
	for _, d := range wh.Deliveries(t) {
		if d.Body["type"] != "alert" {
			t.Errorf("webhook (events: [alert]) got a %v notification", d.Body["type"])
		}
	}
	h1.stop(t)
	h2.stop(t)
}
