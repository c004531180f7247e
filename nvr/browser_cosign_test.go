package nvr_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/porchlight/porchlight/internal/testutil"
	"github.com/porchlight/porchlight/nvr"
)

// TestBrowserCosign runs a hood of two stewards through their web pages, each in its own Chromium: S2's
// page shows its peer ID; S1 founds the hood from its page naming S2 as co-steward (quorum 2); S2 joins,
// and S1's agency invite is refused to the agency until S2 cosigns it on its page, which shows what the
// invite allows and the new code; the agency joins with that code and the directory names both stewards.
func TestBrowserCosign(t *testing.T) {
	const lat, lon = 40.7128, -74.0060
	baseS1, passwordS1 := startStewardNode(t, "Elm Street 12")
	baseS2, passwordS2 := startStewardNode(t, "Elm Street 14")
	baseA, passwordA := startAgencyNode(t, "Metro PD")
	apiS1, apiS2, apiA := apiLogin(t, baseS1, "admin", passwordS1), apiLogin(t, baseS2, "admin", passwordS2),
		apiLogin(t, baseA, "admin", passwordA)

	// S2's page shows the peer ID its owner hands to the founder.
	s2 := agencyBrowserLogin(t, baseS2, passwordS2)
	if err := chromedp.Do(s2, chromedp.Evaluate[chromedp.Void](`location.hash = "#/hood"`)); err != nil {
		t.Fatal(err)
	}
	var node struct{ ID string }
	if _, body, _ := apiS2.do("GET", "/api/v1/p2p", nil); json.Unmarshal(body, &node) != nil || node.ID == "" {
		t.Fatalf("S2: GET /api/v1/p2p: got %s, want its peer ID", body)
	}
	s2ID := pollText(t, s2, "#hood-peer-id", node.ID)
	if s2ID != node.ID {
		t.Fatalf("S2's page: got peer ID %q, want %q", s2ID, node.ID)
	}

	// S1 founds the hood from its page with S2 as co-steward; the quorum field appears with 2.
	s1 := agencyBrowserLogin(t, baseS1, passwordS1)
	err := chromedp.Do(s1,
		chromedp.Evaluate[chromedp.Void](`location.hash = "#/hood"`),
		chromedp.WaitVisible("#hood-create-name"),
		chromedp.SetValue("#hood-create-name", "Elm Street"),
	)
	if err != nil {
		t.Fatalf("S1: open the Neighborhood page: %v", err)
	}
	if !evalJS[bool](t, s1, `document.querySelector("#hood-create-quorum-label").hidden`) {
		t.Errorf("S1: the agency quorum shows with no co-steward; want it hidden")
	}
	evalJS[bool](t, s1, `(e => { e.value = `+jsString(s2ID)+`; e.dispatchEvent(new Event("input")); return true; })(
		document.querySelector("#hood-create-costewards"))`)
	if err := chromedp.Do(s1, chromedp.WaitVisible("#hood-create-quorum")); err != nil {
		t.Fatalf("S1: the agency quorum with a co-steward: %v", err)
	}
	if got := evalJS[string](t, s1, `document.querySelector("#hood-create-quorum").value`); got != "2" {
		t.Errorf("S1: agency quorum: got %q, want 2 by default", got)
	}
	if err := chromedp.Do(s1, chromedp.Click("#hood-create"), chromedp.WaitVisible("#invite-create")); err != nil {
		t.Fatalf("S1: create the hood: %v", err)
	}
	pollText(t, s1, "#hood-name", "Elm Street")

	// S2 joins by an ordinary invite, as a steward.
	code := inviteCode(t, apiS1, map[string]any{})
	if status, body, _ := apiS2.do("POST", "/api/v1/hoods/join", map[string]string{"code": code}); status != http.StatusOK {
		t.Fatalf("S2 joins: got status %d (%s), want 200", status, body)
	}
	var hoods []struct{ Steward bool }
	if _, body, _ := apiS2.do("GET", "/api/v1/hoods", nil); json.Unmarshal(body, &hoods) != nil || len(hoods) != 1 || !hoods[0].Steward {
		t.Fatalf("S2's hoods: got %s, want one where S2 is a steward (named so by S1's page)", body)
	}

	// S1 invites the agency on its page, which says the code needs another steward; alone it is refused.
	agencyCode := agencyInviteOnPage(t, s1, map[string]string{"#scope-lat": fmt.Sprint(lat), "#scope-lon": fmt.Sprint(lon),
		"#scope-radius": "2000", "#scope-window": "6h", "#scope-day": "5"})
	pollText(t, s1, "#invite-expires", "1 more steward cosigns this code")
	status, body, _ := apiA.do("POST", "/api/v1/hoods/join", map[string]string{"code": agencyCode})
	if status != http.StatusForbidden || !strings.Contains(string(body), "cosign") {
		t.Fatalf("the agency joins with S1's signature alone: got status %d (%s), want 403 asking for a cosignature", status, body)
	}

	// S2 cosigns on its page (reloaded: it was opened before S2 joined).
	err = chromedp.Do(s2,
		chromedp.Reload(),
		chromedp.WaitVisible("#cosign-code"),
		chromedp.SetValue("#cosign-code", agencyCode),
		chromedp.Click("#cosign-submit"),
	)
	if err != nil {
		t.Fatalf("S2: cosign on the page: %v", err)
	}
	cosigned := waitJS(t, s2, "the cosigned code", `(e => !e.closest("[hidden]") && e.value)(document.querySelector("#cosign-result"))`)
	if cosigned == agencyCode || len(cosigned) < len(agencyCode) {
		t.Errorf("S2: the cosigned code is the invite's or shorter (%d bytes, the invite's %d); want the invite with an endorsement", len(cosigned), len(agencyCode))
	}
	review := evalJS[string](t, s2, `document.querySelector("#cosign-review").textContent + " " + document.querySelector("#cosign-next").textContent`)
	for _, want := range []string{"Elm Street", "within 2000 m of 40.7128, -74.006", "windows up to 6h", "5 requests a day",
		"Credential expires", "2 of the 2 stewards needed: Elm Street 12, Elm Street 14", "give this code to the agency"} {
		if !strings.Contains(review, want) {
			t.Errorf("S2: the cosign review: got %q, want it to mention %q", review, want)
		}
	}
	screenshot(t, s2, "hood-cosign")
	// S2 may revoke households but not S1, a steward named in the genesis.
	revocable := evalJS[[]string](t, s2, `[...document.querySelectorAll("#member-list li")]
		.filter(li => li.querySelector(".member-revoke")).map(li => li.querySelector(".member-name").textContent)`)
	if slices.Contains(revocable, "Elm Street 12") {
		t.Errorf("S2's page offers to revoke %v, want no steward among them", revocable)
	}

	// Cosigning the new code again is refused, in the card's error element.
	err = chromedp.Do(s2, chromedp.SetValue("#cosign-code", cosigned), chromedp.Click("#cosign-submit"))
	if err != nil {
		t.Fatal(err)
	}
	msg := pollText(t, s2, "#cosign-error", "Not cosigned: ")
	if !evalJS[bool](t, s2, `document.querySelector("#cosign-new").hidden`) {
		t.Errorf("S2: a refused cosign (%q) left the previous code on show; want it hidden", msg)
	}

	// The agency joins with the cosigned code; the directory names both stewards.
	if status, body, _ := apiA.do("POST", "/api/v1/hoods/join", map[string]string{"code": cosigned}); status != http.StatusOK {
		t.Fatalf("the agency joins with the cosigned code: got status %d (%s), want 200", status, body)
	}
	var dir []struct {
		Name     string   `json:"name"`
		SignedBy []string `json:"signed_by"`
	}
	testutil.WaitForState(t, 20*time.Second, "S1's agency directory to name both stewards", func() (bool, string) {
		dir = nil
		_, body, _ := apiS1.do("GET", "/api/v1/agencies", nil)
		err := json.Unmarshal(body, &dir)
		return err == nil && len(dir) == 1 && dir[0].Name == "Metro PD" &&
			strings.Join(dir[0].SignedBy, ",") == "Elm Street 12,Elm Street 14", string(body)
	})
}

// startStewardNode runs an in-process household node without cameras (a steward needs none) and returns
// its UI's base URL and the admin password.
func startStewardNode(t *testing.T, name string) (string, string) {
	t.Helper()
	res, err := nvr.Init(t.TempDir(), nvr.RoleHousehold, name)
	if err != nil {
		t.Fatal(err)
	}
	return runInitNode(t, res, nil)
}

// inviteCode has the node's steward make an invite for its only hood and returns the code.
func inviteCode(t *testing.T, s *apiSession, req map[string]any) string {
	t.Helper()
	var inv struct{ Code string }
	status, body, _ := s.do("POST", "/api/v1/hoods/-/invites", req)
	if status != http.StatusCreated || json.Unmarshal(body, &inv) != nil || inv.Code == "" {
		t.Fatalf("invite %v: got status %d (%s), want 201 with a code", req, status, body)
	}
	return inv.Code
}
