package nvr_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/porchlight/porchlight/internal/testutil"
	"github.com/porchlight/porchlight/nvr/notify/notifytest"
)

// withNotify adds an ntfy channel at url to a node's config, after edit.
func withNotify(edit func(cfg map[string]any), url string) func(cfg map[string]any) {
	return func(cfg map[string]any) {
		edit(cfg)
		subMap(cfg, "http")["public_url"] = "https://home.example"
		cfg["notify"] = []map[string]any{{"type": "ntfy", "url": url}}
	}
}

// TestServeNotifiesRequest: an agency posts a request over home A's camera; A (on by default: no events
// key) is told, with a link to the request; home C, whose camera is 1.1 km away, is not.
func TestServeNotifiesRequest(t *testing.T) {
	ntA, ntC := notifytest.StartNtfy(t), notifytest.StartNtfy(t)
	agency := newHoodNode(t, "Metro PD", "agency", nil)
	a := newHoodNode(t, "Elm Street 12", "household", withNotify(withCamera(t, latA, lonA), ntA.URL+"/a"))
	c := newHoodNode(t, "Oak Lane 3", "household", withNotify(withCamera(t, latC, lonC), ntC.URL+"/c"))
	nodes := []*hoodNode{agency, a, c}
	for _, n := range nodes {
		n.start(t)
	}
	a.line(t, "hood create", "--name", "Elm Street")
	c.cli(t, "hood join", a.line(t, "hood invite"))
	agency.cli(t, "hood join", a.line(t, "hood invite", "--role", "agency", "--scope-lat", ftoa(latA),
		"--scope-lon", ftoa(lonA), "--scope-radius", "2000"))
	for _, n := range nodes {
		testutil.WaitForState(t, 20*time.Second, n.name+" to list all 3 members", func() (bool, string) {
			m := n.members(t)
			return len(m) == 3, fmt.Sprintf("%d members: %+v", len(m), m)
		})
	}
	start, end := recordedSpan(t, a, 6*time.Second)
	end = end.Add(-time.Second).Truncate(time.Second)
	start = end.Add(-4 * time.Second)
	id := agency.line(t, "request post", "--case", "2026-000124", "--reason", "Package theft on Elm Street",
		"--category", "theft", "--lat", ftoa(latA), "--lon", ftoa(lonA), "--radius", "100",
		"--start", start.Format(time.RFC3339), "--end", end.Format(time.RFC3339))

	testutil.WaitForState(t, 30*time.Second, "A told of the request", func() (bool, string) {
		for _, m := range ntA.Messages() {
			if m.Title == "Footage request from Metro PD" && m.Click == "https://home.example/#/requests?id="+id &&
				strings.Contains(m.Message, "case 2026-000124") && strings.Contains(m.Message, "It matches front.") {
				return true, ""
			}
		}
		return false, fmt.Sprintf("%+v", ntA.Messages())
	})
	testutil.WaitForState(t, 20*time.Second, "C to hold the request", func() (bool, string) {
		rs := requestList(t, c, "--all")
		return hasRequest(rs, id), fmt.Sprintf("%+v", rs)
	})
	for _, m := range ntC.Messages() {
		if strings.Contains(m.Title, "request") || strings.Contains(m.Click, "requests") {
			t.Errorf("C (no camera in the area) was told of the request: %+v", m)
		}
	}
}
