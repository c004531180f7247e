package agency

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"path/filepath"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"

	"github.com/porchlight/porchlight/federation"
	"github.com/porchlight/porchlight/federation/roster"
	"github.com/porchlight/porchlight/federation/tlog"
	"github.com/porchlight/porchlight/federation/wire"
)

// Fuzz targets for what a peer sends about agency requests: a notice (gossip or sync) and a question to an
// agency's log. Each runs on a real node, seeded with valid encodings.

// fuzzAgencyHood is a steward node with a hood and an agency node admitted with a scope around Elm
// Street, and a log of the agency's (in its own store) to make valid notices from.
type fuzzAgencyHood struct {
	s      *node
	hood   string
	key    ed25519.PrivateKey // the agency's
	log    *tlog.Log
	notice wire.Signed // a valid notice, not yet held by s
}

func newFuzzAgencyHood(f *testing.F) *fuzzAgencyHood {
	f.Helper()
	fa := &fuzzAgencyHood{s: testNode(f, "steward", nil, nil)}
	h, err := fa.s.CreateHood("Fuzz Lane")
	if err != nil {
		f.Fatal(err)
	}
	fa.hood = h.ID
	info, err := fa.s.InviteAgency(h.ID, time.Hour, nil, elm)
	if err != nil {
		f.Fatal(err)
	}
	pd := testNode(f, "PD", func(c *federation.Config) { c.Role = wire.RoleAgency }, nil)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if _, err := pd.Join(ctx, info.Code); err != nil {
		f.Fatalf("the agency joins: %v", err)
	}
	fa.key = pd.cfg.Key
	signer, err := tlog.NewSigner(logOrigin(pd.ID()), fa.key)
	if err != nil {
		f.Fatal(err)
	}
	db, err := bolt.Open(filepath.Join(f.TempDir(), "agency.db"), 0o600, nil)
	if err != nil {
		f.Fatal(err)
	}
	f.Cleanup(func() { db.Close() })
	if fa.log, err = tlog.Open(db, bAgencyLog, signer); err != nil {
		f.Fatal(err)
	}
	fa.notice = fa.logNotice(f, draft(0, 100))
	return fa
}

// logNotice signs a request from d by the agency, appends it to the agency's log and wraps it.
func (fa *fuzzAgencyHood) logNotice(f *testing.F, d RequestDraft) wire.Signed {
	f.Helper()
	pub := fa.key.Public().(ed25519.PublicKey)
	now := time.Now()
	r := wire.Request{Hood: fa.hood, Agency: pub, Case: d.Case, Reason: d.Reason,
		Area: wire.Area{Center: roster.Microdegrees(d.Lat, d.Lon), Radius: uint32(d.Radius)}, Start: d.Start.UnixMilli(),
		End: d.End.UnixMilli(), Expires: now.Add(time.Hour).UnixMilli(), Time: now.UnixMilli(), Nonce: make([]byte, 8)}
	rand.Read(r.Nonce)
	rec, err := wire.Sign(wire.KindRequest, &r, fa.key)
	if err != nil {
		f.Fatal(err)
	}
	entry, _ := requestEntry(rec)
	index, cp, err := fa.log.Append(entry)
	if err != nil {
		f.Fatal(err)
	}
	proof, err := fa.log.InclusionProof(index, index+1)
	if err != nil {
		f.Fatal(err)
	}
	nt, err := wire.Sign(wire.KindNotice, &wire.Notice{Request: rec.Marshal(), Index: index, Checkpoint: cp,
		Proof: tlog.EncodeProof(proof)}, fa.key)
	if err != nil {
		f.Fatal(err)
	}
	return nt
}

// FuzzNotice feeds request notices (as gossip and sync deliver them) to a home's validator: nothing may
// panic, and what it accepts is a request of the hood's agency inside its scope and in its log.
func FuzzNotice(f *testing.F) {
	fa := newFuzzAgencyHood(f)
	f.Add(fa.notice.Marshal())
	f.Add(fa.logNotice(f, draft(5000, 100)).Marshal()) // outside the scope
	f.Add(fa.logNotice(f, draft(0, 900)).Marshal())    // over the area cap
	bad := fa.notice
	bad.Sig = bytes.Clone(bad.Sig)
	bad.Sig[0] ^= 1
	f.Add(bad.Marshal())
	f.Add([]byte{0xa4, 0x01, 0x01, 0x02, 0x08, 0x03, 0x41, 0xa0, 0x04, 0x40})
	f.Fuzz(func(t *testing.T, in []byte) {
		rec, err := wire.Decode(in)
		if err != nil || rec.Kind != wire.KindNotice {
			return
		}
		c, err := fa.s.checkNotice(fa.hood, rec, "", MaxRequestLife)
		if err != nil {
			return
		}
		if !bytes.Equal(c.req.Agency, fa.key.Public().(ed25519.PublicKey)) || c.rec.Verify(c.req.Agency) != nil {
			t.Fatalf("accepted a request not signed by the agency: %+v", c.req)
		}
		if err := roster.CheckRequest(&c.req, c.scope); err != nil {
			t.Fatalf("accepted a request that breaks a guardrail: %v", err)
		}
	})
}

// FuzzLogRequest feeds questions to an agency's log: nothing may panic, and no answer exceeds its bounds.
func FuzzLogRequest(f *testing.F) {
	n := testNode(f, "agency", func(c *federation.Config) { c.Role = wire.RoleAgency }, nil)
	l, err := n.agencyLog()
	if err != nil {
		f.Fatal(err)
	}
	for i := range 5 {
		if _, _, err := l.Append([]byte{byte(i)}); err != nil {
			f.Fatal(err)
		}
	}
	f.Add([]byte{})
	f.Add([]byte{0x00})
	f.Add([]byte{0xff, 0xff, 0xff, 0x7f}) // a 256 MiB length prefix
	f.Add([]byte{0x80, 0x80, 0x80, 0x02}) // a maxFrame length prefix, then nothing
	for _, q := range []logRequest{{Op: "checkpoint"}, {Op: "consistency", Old: 2, New: 5}, {Op: "entries", From: 1, Count: 3},
		{Op: "entries", From: -1, Count: 1 << 40}, {Op: "consistency", Old: 5, New: 2}, {Op: "nope"}} {
		var buf bytes.Buffer
		if err := wire.WriteFrame(&buf, &q); err != nil {
			f.Fatal(err)
		}
		f.Add(buf.Bytes())
	}
	f.Fuzz(func(t *testing.T, in []byte) {
		var req logRequest
		if wire.NewFrameReader(bytes.NewReader(in), maxFrame).Read(&req) != nil {
			return
		}
		resp, err := n.answerLog(req)
		if err != nil {
			return
		}
		if len(resp.Entries) > maxLogEntries || int64(len(resp.Entries)) > l.Size() {
			t.Fatalf("answered %d entries of a log of %d", len(resp.Entries), l.Size())
		}
		if req.Op == "consistency" {
			if _, err := tlog.DecodeProof(resp.Proof); err != nil {
				t.Fatalf("answered a proof that does not decode: %v", err)
			}
		}
	})
}
