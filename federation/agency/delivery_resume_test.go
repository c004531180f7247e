package agency

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/porchlight/porchlight/federation"
	"github.com/porchlight/porchlight/internal/testutil"
)

// A 100 MB approved clip whose connection is cut mid-transfer is resumed at once, where the agency's copy
// stopped, not sent again from the start, and arrives whole.
func TestDeliveryResumesAfterCut(t *testing.T) {
	if testing.Short() {
		t.Skip("100 MB")
	}
	const size = 100 << 20
	cams := camerasAt("porch", 0)
	// Home A would wait an hour before retrying an attempt that moved nothing: the resumption after the
	// cut must come from the attempt having moved data (as each connection through a relay with a data
	// limit does), not from the retry timer.
	ah := startAgencyHoodWith(t, elm, func(fc *federation.Config, ac *Config) {
		fc.Clips, ac.DeliverRetry = &fakeClips{Size: size}, time.Hour
	}, cams)
	a := ah.homes[0]
	r, err := ah.agency.PostRequest(context.Background(), draft(20, 100))
	if err != nil {
		t.Fatal(err)
	}
	testutil.WaitFor(t, 10*time.Second, "the request reaches home A", func() bool {
		in, _ := a.Requests(true)
		return len(in) == 1
	})
	if _, err := a.Approve(context.Background(), r.ID, Approval{Camera: "porch"}); err != nil {
		t.Fatal(err)
	}
	dir := filepath.Join(ah.agency.cfg.DataDir, submissionsDir)
	partSize := func() int64 {
		ms, _ := filepath.Glob(filepath.Join(dir, "*.part"))
		for _, m := range ms {
			if fi, err := os.Stat(m); err == nil {
				return fi.Size()
			}
		}
		return 0
	}
	testutil.WaitFor(t, time.Minute, "the agency holds 40 MB of the clip", func() bool { return partSize() >= 40<<20 })
	if err := a.Host().Network().ClosePeer(ah.agency.ID()); err != nil {
		t.Fatal(err)
	}
	cut := partSize()
	testutil.WaitFor(t, 2*time.Minute, "the delivery completes after the cut", func() bool {
		got, _ := a.Request(r.ID)
		return got.Status == StatusDelivered
	})
	ds, _ := a.Deliveries()
	if len(ds) != 1 || !strings.Contains(ds[0].Status, StatusDelivered) {
		t.Fatalf("deliveries %+v", ds)
	}
	subs, _ := ah.agency.Submissions()
	if len(subs) != 1 {
		t.Fatalf("agency holds %d submissions, want 1", len(subs))
	}
	var got bytes.Buffer
	if _, err := ah.agency.OpenSubmission(subs[0].ID, &got); err != nil {
		t.Fatal(err)
	}
	if want := (&fakeClips{Size: size}).Footage("porch", ds[0].Start, ds[0].End); !bytes.Equal(got.Bytes(), want) {
		t.Fatalf("the agency decrypted %d bytes that are not the clip", got.Len())
	}
	// Resumed, not restarted: what home A sent in all is the clip once plus what was in flight at the cut.
	var sent int64
	testutil.WaitFor(t, 5*time.Second, "home A's meters catch up", func() bool {
		sent = a.SentBytes(protoDeliver)
		return sent >= size
	})
	if sent >= size+cut {
		t.Fatalf("home A sent %d bytes for a %d-byte clip cut after %d: it started over", sent, size, cut)
	}
	t.Logf("cut after %d MB; home A sent %d MB in all for the %d MB clip", cut>>20, sent>>20, size>>20)
}
