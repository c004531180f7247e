package federation

import (
	"context"
	"log/slog"
	"path/filepath"
	"testing"
	"time"

	"github.com/porchlight/porchlight/internal/testutil"
)

// A received alert is listed as soon as subscribers have it (c), and a node that stops right after it
// was handed out keeps it (b): the writer's batching is invisible to readers and to a restart.
func TestReceivedAlertsListedAndKept(t *testing.T) {
	a := testNode(t, "Oak 1", nil)
	cfgB := testConfig(t, "Oak 3", nil)
	b, stopB := runNode(t, cfgB)
	c := testNode(t, "Oak 5", nil)
	h, err := a.CreateHood("Oak Street")
	if err != nil {
		t.Fatal(err)
	}
	join(t, a, b, "household")
	join(t, a, c, "household")
	waitMembers(t, h.ID, 3, a, b, c)
	waitOnline(t, a, b, c)
	chB, cancelB := b.SubscribeAlerts()
	defer cancelB()
	chC, cancelC := c.SubscribeAlerts()
	defer cancelC()
	testutil.WaitFor(t, 10*time.Second, "a shares the topic with b and c", func() bool {
		a.mu.RLock()
		defer a.mu.RUnlock()
		return len(a.hoods[h.ID].topic.ListPeers()) == 2
	})

	var ids []string
	for i := range 5 {
		al, err := a.PostAlert(context.Background(), AlertDraft{Text: "van circling, pass " + string(rune('1'+i))})
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, al.ID)
	}
	for range ids {
		select {
		case <-chB:
		case <-time.After(10 * time.Second):
			t.Fatal("b did not receive every alert")
		}
	}
	stopB()
	for range ids {
		select {
		case got := <-chC:
			if !hasAlert(c, got.ID) {
				t.Errorf("c handed out alert %s but does not list it", got.ID)
			}
		case <-time.After(10 * time.Second):
			t.Fatal("c did not receive every alert")
		}
	}
	st, err := openStore(filepath.Join(cfgB.DataDir, "federation.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer st.close()
	for _, id := range ids {
		if st.alertByID(h.ID, id) == nil {
			t.Errorf("alert %s was handed out by b but is not on its disk after close", id)
		}
	}
}

// When the commit fails the claims are released, so a later sync can store the alerts.
func TestAlertWriterReleasesFailedClaims(t *testing.T) {
	st, err := openStore(filepath.Join(t.TempDir(), "federation.db"))
	if err != nil {
		t.Fatal(err)
	}
	w := startAlertWriter(st, slog.New(slog.DiscardHandler))
	defer w.close()
	ok := storedAlert{hood: "h", id: "00112233445566778899aabbccddeeff", time: 1, rec: []byte("first")}
	if !st.claim(ok.hood, ok.id) || !w.add(ok) {
		t.Fatal("claim and queue failed")
	}
	w.flush()
	if st.alertByID("h", ok.id) == nil {
		t.Fatal("flushed alert not stored")
	}
	if st.claim(ok.hood, ok.id) {
		t.Fatal("a stored alert could be claimed again")
	}

	st.close() // every later commit fails
	bad := storedAlert{hood: "h", id: "ffeeddccbbaa99887766554433221100", time: 2, rec: []byte("second")}
	if !st.claim(bad.hood, bad.id) || !w.add(bad) {
		t.Fatal("claim and queue failed")
	}
	w.flush()
	if st.seenAlert(bad.hood, bad.id) {
		t.Fatal("the claim of an alert that was not stored is still held")
	}
}
