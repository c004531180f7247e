package federation

import (
	"context"
	"testing"
	"time"

	"github.com/porchlight/porchlight/internal/testutil"
)

func TestCreateInviteJoinPost(t *testing.T) {
	a := testNode(t, "Elm 12", nil)
	b := testNode(t, "Elm 14", nil)
	c := testNode(t, "Elm 16", nil)
	h, err := a.CreateHood("Elm Street")
	if err != nil {
		t.Fatal(err)
	}
	if !h.Steward || h.Members != 1 {
		t.Fatalf("created hood %+v, want steward with 1 member", h)
	}
	if got := join(t, a, b, "household"); got.ID != h.ID || got.Steward {
		t.Fatalf("b joined %+v, want member of %s", got, h.ID)
	}
	join(t, a, c, "household")
	for _, n := range []*Node{a, b, c} {
		testutil.WaitFor(t, 10*time.Second, n.cfg.Name+" sees 3 members", func() bool {
			ms, _ := n.Members(h.ID)
			return len(ms) == 3
		})
	}
	al, err := b.PostAlert(context.Background(), AlertDraft{Text: "package taken from porch", Category: "theft"})
	if err != nil {
		t.Fatal(err)
	}
	for _, n := range []*Node{a, c} {
		testutil.WaitFor(t, 10*time.Second, n.cfg.Name+" receives the alert", func() bool { return hasAlert(n, al.ID) })
	}
	as, _ := c.Alerts(h.ID, time.Time{})
	if as[0].AuthorName != "Elm 14" || as[0].Text != "package taken from porch" || as[0].Author != b.ID() {
		t.Fatalf("c holds %+v", as[0])
	}
}
