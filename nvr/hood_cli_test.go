package nvr_test

import (
	"fmt"
	"math"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/porchlight/porchlight/internal/testutil"
)

// TestHoodCLI runs a neighborhood of separate processes on 127.0.0.1, driven through the CLI only: a
// federation node and three households join by invite, an alert reaches every node, used and expired
// invites are refused, and a revoked household is cut off.
func TestHoodCLI(t *testing.T) {
	fed := newHoodNode(t, "fed", "agency", nil)
	h1 := newHoodNode(t, "h1", "household", nil)
	h2 := newHoodNode(t, "h2", "household", nil)
	h3 := newHoodNode(t, "h3", "household", nil)
	nodes := []*hoodNode{fed, h1, h2, h3}
	for _, n := range nodes {
		n.start(t)
	}

	h1.line(t, "hood create", "--name", "Elm Street")
	fed.cli(t, "hood join", h1.line(t, "hood invite", "--role", "agency"))
	code2 := h1.line(t, "hood invite")
	h2.cli(t, "hood join", code2)

	// h3 is not a member yet, so the only thing wrong with these codes is the code.
	wantRefused(t, h3, code2, "used")
	issued := time.Now()
	short := h1.line(t, "hood invite", "--ttl", "1s")
	time.Sleep(time.Until(issued.Add(2 * time.Second))) // the code must be past its expiry: nothing to poll for
	wantRefused(t, h3, short, "expired")
	h3.cli(t, "hood join", h1.line(t, "hood invite"))

	want := map[string]hoodMember{}
	for _, n := range nodes {
		role := map[bool]string{true: "agency", false: "household"}[n == fed]
		want[n.id(t)] = hoodMember{Name: n.name, Role: role, Steward: n == h1}
	}
	for _, n := range nodes {
		testutil.WaitForState(t, 20*time.Second, n.name+" to list all 4 members", func() (bool, string) {
			got := n.members(t)
			err := checkRoster(got, want, n.id(t))
			return err == nil, fmt.Sprintf("%v (%+v)", err, got)
		})
	}

	h2ID := h2.id(t)
	posted := h2.line(t, "alert post", "--text", "Package taken from a porch", "--category", "theft",
		"--lat", "40.7128", "--lon", "-74.006")
	testutil.WaitForState(t, 10*time.Second, "every node to list h2's alert", func() (bool, string) {
		for _, n := range nodes {
			if _, ok := n.alert(t, posted); !ok {
				return false, n.name + " lacks it"
			}
		}
		return true, ""
	})
	for _, n := range nodes {
		a, _ := n.alert(t, posted)
		if a.Text != "Package taken from a porch" || a.Author != h2ID || a.AuthorName != "h2" || a.Category != "theft" ||
			!near(a.Lat, 40.7128) || !near(a.Lon, -74.006) || a.Time.IsZero() {
			t.Errorf("%s: got alert %+v, want h2's (author %s) with its text, category and location", n.name, a, h2ID)
		}
	}

	h3ID := h3.id(t)
	h1.cli(t, "hood revoke", h3ID)
	rest := []*hoodNode{fed, h1, h2}
	for _, n := range rest {
		testutil.WaitForState(t, 20*time.Second, n.name+" to drop or mark revoked h3", func() (bool, string) {
			for _, m := range n.members(t) {
				if m.ID == h3ID && !m.Revoked {
					return false, fmt.Sprintf("%+v", m)
				}
			}
			return true, ""
		})
	}
	const cutText = "posted by h3 after its revocation"
	out, errOut, err := h3.try(t, "alert post", "--text", cutText)
	t.Logf("h3 posting after its revocation: exit %v, stdout %q, stderr %q", err, out, errOut)
	// An alert the steward posts later is the marker: once it has arrived, h3's would have too.
	later := h1.line(t, "alert post", "--text", "posted by h1 after the revocation")
	testutil.WaitForState(t, 10*time.Second, "fed and h2 to list h1's later alert", func() (bool, string) {
		for _, n := range rest {
			if _, ok := n.alert(t, later); !ok {
				return false, n.name + " lacks it"
			}
		}
		return true, ""
	})
	for _, n := range rest {
		for _, a := range n.alerts(t) {
			if a.Text == cutText || (err == nil && a.ID == strings.TrimSpace(out)) {
				t.Errorf("%s lists alert %+v that revoked h3 posted, want it dropped", n.name, a)
			}
		}
	}

	var wg sync.WaitGroup
	for _, n := range nodes {
		wg.Go(func() { n.stop(t) })
	}
	wg.Wait()
}

// near says whether a coordinate of an alert is the posted one as the federation coarsens it (to 150 m by
// default: about 0.002 degrees at New York's latitude).
func near(got *float64, posted float64) bool {
	return got != nil && math.Abs(*got-posted) <= 0.0025
}

// wantRefused expects `hood join code` on n to fail with a one-line reason that contains word.
func wantRefused(t *testing.T, n *hoodNode, code, word string) {
	t.Helper()
	_, errOut, err := n.try(t, "hood join", code)
	if msg := strings.TrimSpace(errOut); err == nil || !strings.HasPrefix(msg, "porchlight: ") ||
		strings.Contains(msg, "\n") || !strings.Contains(msg, word) {
		t.Errorf("%s: hood join with a %s invite: got exit %v, stderr %q; want a non-zero exit and one line "+
			"\"porchlight: ...%s...\"", n.name, word, err, errOut, word)
	}
}

// checkRoster compares a member list with the wanted members by ID (name, role, steward; none revoked) and
// checks that exactly self is marked self.
func checkRoster(got []hoodMember, want map[string]hoodMember, self string) error {
	if len(got) != len(want) {
		return fmt.Errorf("got %d members, want %d", len(got), len(want))
	}
	for _, m := range got {
		w, ok := want[m.ID]
		switch {
		case !ok:
			return fmt.Errorf("unknown member %s", m.ID)
		case m.Name != w.Name || m.Role != w.Role || m.Steward != w.Steward:
			return fmt.Errorf("member %s: got name %q role %q steward %v, want %q %q %v", m.ID, m.Name, m.Role,
				m.Steward, w.Name, w.Role, w.Steward)
		case m.Revoked:
			return fmt.Errorf("member %s (%s) is revoked", m.ID, m.Name)
		case m.Self != (m.ID == self):
			return fmt.Errorf("member %s (%s): got self %v, want %v", m.ID, m.Name, m.Self, m.ID == self)
		}
	}
	return nil
}
