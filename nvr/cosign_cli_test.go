package nvr_test

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/porchlight/porchlight/internal/testutil"
)

// TestCosignCLI runs a hood of two stewards (separate processes, CLI only): founded with a co-steward, its
// agency invite is refused until the co-steward cosigns it, and then the same invite admits the agency.
func TestCosignCLI(t *testing.T) {
	a := newHoodNode(t, "Steward A", "household", nil)
	b := newHoodNode(t, "Steward B", "household", nil)
	agency := newHoodNode(t, "Metro PD", "agency", nil)
	nodes := []*hoodNode{a, b, agency}
	for _, n := range nodes {
		n.start(t)
	}

	bID := strings.Fields(b.cli(t, "hood id"))[0] // the peer ID, then the addresses
	if _, errOut, err := a.try(t, "hood create", "--name", "Elm Street", "--co-steward", bID, "--agency-quorum", "3"); err == nil {
		t.Errorf("hood create with a quorum of 3 out of 2 stewards: got exit 0, stderr %q; want a refusal", errOut)
	}
	a.line(t, "hood create", "--name", "Elm Street", "--co-steward", bID)
	b.cli(t, "hood join", a.line(t, "hood invite"))
	code := a.line(t, "hood invite", "--role", "agency", "--scope-lat", ftoa(latA), "--scope-lon", ftoa(lonA),
		"--scope-radius", "2000")
	wantRefused(t, agency, code, "needs 1 more steward cosignatures: another steward cosigns the code (Neighborhood page, or `porchlight hood cosign`)")

	// B reviews the scope on stderr; stdout is the new code alone.
	out, review, err := b.try(t, "hood cosign", code)
	cosigned := strings.TrimSpace(out)
	if err != nil || cosigned == "" || strings.Contains(cosigned, "\n") || cosigned == code {
		t.Fatalf("B: hood cosign: got exit %v, stdout %q, stderr %q; want a new code on one line", err, out, review)
	}
	for _, want := range []string{"Elm Street", "radius 2000 m", "signed by 2 of the 2 stewards"} {
		if !strings.Contains(review, want) {
			t.Errorf("B: hood cosign review on stderr: got %q, want it to mention %q", review, want)
		}
	}
	if _, errOut, err := a.try(t, "hood cosign", code); err == nil {
		t.Errorf("A cosigns its own invite: got exit 0, want a refusal (stderr %q)", errOut)
	}

	agency.cli(t, "hood join", cosigned)
	want := map[string]hoodMember{}
	for _, n := range nodes {
		want[n.id(t)] = hoodMember{Name: n.name, Role: map[bool]string{true: "agency", false: "household"}[n == agency],
			Steward: n != agency}
	}
	for _, n := range nodes {
		testutil.WaitForState(t, 20*time.Second, n.name+" to list all 3 members, A and B stewards", func() (bool, string) {
			got := n.members(t)
			err := checkRoster(got, want, n.id(t))
			return err == nil, fmt.Sprintf("%v (%+v)", err, got)
		})
	}
	var dir []struct {
		Name     string   `json:"name"`
		SignedBy []string `json:"signed_by"`
	}
	testutil.WaitForState(t, 10*time.Second, "B's agency directory to name both stewards", func() (bool, string) {
		dir = nil
		err := json.Unmarshal(b.get(t, "/api/v1/agencies"), &dir)
		return err == nil && len(dir) == 1 && strings.Join(dir[0].SignedBy, ",") == "Steward A,Steward B",
			fmt.Sprintf("%+v (%v)", dir, err)
	})
}
