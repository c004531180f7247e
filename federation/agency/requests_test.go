package agency

import (
	"bytes"
	"context"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/porchlight/porchlight/internal/testutil"
)

// A request reaches every home; only the home whose camera sees the area with footage of the window has it
// in its inbox, and the public list on every home holds it.
func TestRequestMatchesInTheHome(t *testing.T) {
	ah := startAgencyHood(t, camerasAt("porch", 0), camerasAt("drive", 1500), nil)
	a, b, c := ah.homes[0], ah.homes[1], ah.homes[2]
	inbox, cancel := a.SubscribeRequests()
	defer cancel()

	r, err := ah.agency.PostRequest(context.Background(), draft(20, 100))
	if err != nil {
		t.Fatal(err)
	}
	if r.Status != StatusOpen || r.LogIndex != 0 {
		t.Fatalf("agency's view %+v, want open at log index 0", r)
	}
	select {
	case got := <-inbox:
		if got.ID != r.ID || !slices.Equal(got.Matches, []string{"porch"}) || got.AgencyName != "Springfield PD" {
			t.Fatalf("home A was told of %+v", got)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("home A was not told of the request")
	}
	for _, n := range []*node{a, b, c, ah.steward} {
		testutil.WaitFor(t, 10*time.Second, n.name+" lists the request", func() bool {
			_, err := n.Request(r.ID)
			return err == nil
		})
	}
	for _, tc := range []struct {
		n      *node
		status string
		inbox  int
	}{{a, StatusNew, 1}, {b, StatusNoMatch, 0}, {c, StatusNoMatch, 0}, {ah.steward, StatusNoMatch, 0}} {
		got, _ := tc.n.Request(r.ID)
		in, _ := tc.n.Requests(true)
		if got.Status != tc.status || len(in) != tc.inbox {
			t.Errorf("%s: status %q with %d in the inbox, want %q and %d", tc.n.name, got.Status, len(in), tc.status, tc.inbox)
		}
	}
}

// The owner approves a trimmed clip from the matching camera: it is sealed, delivered, verified and
// receipted; the agency decrypts exactly the approved footage, its log counts one submission, and the
// home that declined sent nothing.
func TestApproveDeliversToTheAgency(t *testing.T) {
	ah := startAgencyHood(t, camerasAt("porch", 0), camerasAt("gate", 10))
	a, b := ah.homes[0], ah.homes[1]
	r, err := ah.agency.PostRequest(context.Background(), draft(20, 100))
	if err != nil {
		t.Fatal(err)
	}
	for _, n := range []*node{a, b} {
		testutil.WaitFor(t, 10*time.Second, n.name+" has the request in its inbox", func() bool {
			in, _ := n.Requests(true)
			return len(in) == 1
		})
	}
	if err := b.Decline(r.ID); err != nil {
		t.Fatal(err)
	}
	start, end := r.Start.Add(10*time.Minute), r.Start.Add(20*time.Minute)
	d, err := a.Approve(context.Background(), r.ID, Approval{Camera: "porch", Start: start, End: end, Note: "the van"})
	if err != nil {
		t.Fatal(err)
	}
	testutil.WaitFor(t, 30*time.Second, "the delivery is receipted", func() bool {
		got, _ := a.Request(r.ID)
		return got.Status == StatusDelivered
	})
	subs, err := ah.agency.Submissions()
	if err != nil || len(subs) != 1 {
		t.Fatalf("agency holds %d submissions (%v), want 1", len(subs), err)
	}
	s := subs[0]
	if s.ID != d.ID || s.Camera != "porch" || !s.Start.Equal(start) || !s.End.Equal(end) || s.Note != "the van" {
		t.Fatalf("submission %+v, want approval %s of porch %s–%s", s, d.ID, start, end)
	}
	var got bytes.Buffer
	if _, err := ah.agency.OpenSubmission(s.ID, &got); err != nil {
		t.Fatal(err)
	}
	want := (&fakeClips{Size: 1 << 20}).Footage("porch", start, end)
	if !bytes.Equal(got.Bytes(), want) {
		t.Fatalf("decrypted %d bytes that are not the approved clip (%d bytes)", got.Len(), len(want))
	}
	if info, _ := ah.agency.Request(r.ID); info.Submissions != 1 {
		t.Fatalf("agency counts %d submissions, want 1", info.Submissions)
	}
	cust, err := ah.agency.SubmissionCustody(s.ID)
	if err != nil || cust.SubmissionNo != 1 || cust.SubmissionIdx != 1 || cust.RequestIndex != 0 {
		t.Fatalf("custody %+v (%v)", cust, err)
	}
	if ds, _ := b.Deliveries(); len(ds) != 0 {
		t.Fatalf("home B, which declined, has deliveries %+v", ds)
	}
	// The egress rule, counted on the wire: A's clip went out on the delivery protocol; B, which holds the
	// same matching request and declined, sent no byte on any footage protocol and only metadata in all.
	// (libp2p's meters add up once a second.)
	testutil.WaitFor(t, 5*time.Second, "home A's clip is counted on "+protoDeliver, func() bool {
		return a.SentBytes(protoDeliver) >= int64(len(want))
	})
	if got := b.SentBytes(protoDeliver) + b.SentBytes("/porchlight/clip/1.0.0"); got != 0 {
		t.Fatalf("home B sent %d bytes on footage protocols", got)
	}
	if got := b.SentBytes(""); got > int64(len(want))/8 {
		t.Fatalf("home B sent %d bytes in all, more than metadata (the clip is %d)", got, len(want))
	}
	if _, err := b.Approve(context.Background(), r.ID, Approval{Camera: "gate"}); err == nil {
		t.Fatal("a declined request could still be approved")
	}

	// Every member audits the agency's log: the request and one submission, nothing else.
	for _, n := range []*node{a, b, ah.steward, ah.agency} {
		reps, err := n.VerifyLogs(context.Background())
		if err != nil || len(reps) != 1 || !reps[0].OK() || reps[0].Size != 2 || reps[0].Requests != 1 {
			t.Fatalf("%s audits %+v (%v), want one clean log of 2 entries holding its 1 request", n.name, reps, err)
		}
	}
	months, err := b.Transparency(context.Background())
	if err != nil || len(months) != 1 || months[0].Requests != 1 || months[0].Submissions != 1 || !months[0].LogVerified {
		t.Fatalf("transparency on home B: %+v (%v), want 1 request and 1 submission", months, err)
	}
	if _, err := ah.agency.CloseRequest(r.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := b.VerifyLogs(context.Background()); err != nil {
		t.Fatal(err)
	}
	if got, _ := b.Request(r.ID); got.Status != StatusClosed {
		t.Fatalf("home B shows the closed request as %q", got.Status)
	}
	if months, _ := b.Transparency(context.Background()); months[0].Closed != 1 || months[0].RequestsOpen != 0 {
		t.Fatalf("transparency after close: %+v", months[0])
	}
}

// A home follows the agency's log from the notices alone: each carries the proof that its checkpoint
// extends the previous notice's, so the home need not reach the agency's log protocol.
func TestNoticesCarryConsistency(t *testing.T) {
	ah := startAgencyHood(t, camerasAt("porch", 0))
	home := ah.homes[0]
	ah.agency.Host().RemoveStreamHandler(protoLog) // the agency answers no log questions
	origin := logOrigin(ah.agency.ID())
	for i := range 3 {
		if _, err := ah.agency.PostRequest(context.Background(), draft(float64(i), 100)); err != nil {
			t.Fatal(err)
		}
		want := int64(i + 1)
		testutil.WaitFor(t, 10*time.Second, fmt.Sprintf("home accepts checkpoint %d", want), func() bool {
			cp, ok := home.witness.Latest(origin)
			return ok && cp.Size == want
		})
	}
}
