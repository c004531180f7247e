package federation

import (
	"bytes"
	"crypto/ed25519"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"io"
	"testing"
	"time"

	"github.com/libp2p/go-libp2p/core/peer"
	ma "github.com/multiformats/go-multiaddr"

	"github.com/porchlight/porchlight/federation/roster"
	"github.com/porchlight/porchlight/federation/wire"
)

// Fuzz targets for every frame a peer sends this package: each runs the frame reader and then the code
// that acts on the frame, on a real node, seeded with valid encodings.

// fuzzHood is a steward node with a hood and a member ("joiner") that was admitted through admit.
type fuzzHood struct {
	s       *Node
	hood    string
	inv     wire.Invite
	invRec  wire.Signed
	key     ed25519.PrivateKey // the joiner's
	joiner  peer.ID
	req     joinRequest
	resp    joinResponse
	alert   wire.Signed // a valid alert by the joiner, not yet held by s
	peerOut peerAddr
}

func newFuzzHood(f *testing.F, edit func(*Config)) *fuzzHood {
	f.Helper()
	fh := &fuzzHood{s: testNode(f, "steward", edit)}
	h, err := fh.s.CreateHood("Fuzz Lane")
	if err != nil {
		f.Fatal(err)
	}
	fh.hood = h.ID
	info, err := fh.s.Invite(h.ID, wire.RoleHousehold, time.Hour, nil)
	if err != nil {
		f.Fatal(err)
	}
	if fh.invRec, fh.inv, err = wire.ParseInviteCode(info.Code); err != nil {
		f.Fatal(err)
	}
	var pub ed25519.PublicKey
	pub, fh.key, _ = ed25519.GenerateKey(rand.Reader)
	if fh.joiner, err = roster.PeerOf(pub); err != nil {
		f.Fatal(err)
	}
	claim, err := wire.Sign(wire.KindClaim, &wire.Claim{Hood: h.ID, Invite: fh.inv.ID, Member: pub, Name: "joiner",
		Time: time.Now().UnixMilli()}, fh.key)
	if err != nil {
		f.Fatal(err)
	}
	fh.req = joinRequest{Invite: fh.invRec.Marshal(), Claim: claim.Marshal()}
	if fh.resp, err = fh.s.admit(fh.joiner, fh.req); err != nil {
		f.Fatalf("admit the seed claim: %v", err)
	}
	a := wire.Alert{Hood: h.ID, Author: pub, Time: time.Now().UnixMilli(), Text: "seed", Nonce: make([]byte, 8)}
	if fh.alert, err = wire.Sign(wire.KindAlert, &a, fh.key); err != nil {
		f.Fatal(err)
	}
	fh.peerOut = peerAddr{ID: []byte(fh.joiner), Addrs: [][]byte{ma.StringCast("/ip4/127.0.0.1/tcp/4001").Bytes()}}
	return fh
}

// frameOf is v as a peer sends it: one length-prefixed frame.
func frameOf(t testing.TB, v any) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := wire.WriteFrame(&buf, v); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func addCommonSeeds(f *testing.F) {
	f.Add([]byte{})
	f.Add([]byte{0x00})
	f.Add([]byte{0x05, 0xa1, 0x01, 0x40})
	f.Add([]byte{0xff, 0xff, 0xff, 0x7f}) // a 256 MiB length prefix
	f.Add([]byte{0x80, 0x80, 0x80, 0x02}) // a maxFrame length prefix, then nothing
}

func FuzzJoinRequest(f *testing.F) {
	fh := newFuzzHood(f, nil)
	addCommonSeeds(f)
	f.Add(frameOf(f, &fh.req))
	f.Add(frameOf(f, &joinRequest{Invite: fh.req.Invite}))
	f.Add(frameOf(f, &joinRequest{Invite: fh.req.Claim, Claim: fh.req.Invite}))
	f.Fuzz(func(t *testing.T, in []byte) {
		var req joinRequest
		if wire.NewFrameReader(bytes.NewReader(in), maxFrame).Read(&req) != nil {
			return
		}
		resp, err := fh.s.admit(fh.joiner, req)
		if err != nil {
			return
		}
		// Admitted: only the seed's joiner can be, with a steward-signed certificate for the seed invite.
		fh.s.mu.RLock()
		r := fh.s.hoods[fh.hood].r
		rec, derr := wire.Decode(resp.Cert)
		var c wire.Cert
		var id peer.ID
		if derr == nil {
			c, id, derr = r.CheckCert(rec)
		}
		fh.s.mu.RUnlock()
		if derr != nil || id != fh.joiner || !bytes.Equal(c.Invite, fh.inv.ID) {
			t.Fatalf("admit accepted %x: cert for %s (invite %x), err %v; want the seed joiner %s", in, id, c.Invite, derr, fh.joiner)
		}
	})
}

func FuzzJoinResponse(f *testing.F) {
	fh := newFuzzHood(f, nil)
	j := testNode(f, "joiner", func(c *Config) { c.Key = fh.key })
	addCommonSeeds(f)
	f.Add(frameOf(f, &fh.resp))
	f.Add(frameOf(f, &joinResponse{Error: "no", Code: "used"}))
	f.Add(frameOf(f, &joinResponse{Genesis: fh.resp.Genesis, Cert: fh.resp.Genesis, Roster: fh.resp.Roster}))
	f.Fuzz(func(t *testing.T, in []byte) {
		var resp joinResponse
		if wire.NewFrameReader(bytes.NewReader(in), maxFrame).Read(&resp) != nil || resp.Error != "" {
			return
		}
		h, err := j.acceptJoin(fh.inv, fh.s.ID(), resp)
		if err != nil {
			return
		}
		if h.ID != fh.inv.Hood || !j.isHoodMember(fh.inv.Hood, j.ID()) || !j.isHoodMember(fh.inv.Hood, fh.s.ID()) {
			t.Fatalf("acceptJoin(%x) = %+v; want hood %s with the joiner and the steward as members", in, h, fh.inv.Hood)
		}
	})
}

func FuzzSyncRequest(f *testing.F) {
	fh := newFuzzHood(f, nil)
	addCommonSeeds(f)
	f.Add(frameOf(f, &syncRequest{Hood: fh.hood, Since: time.Now().Add(-time.Hour).UnixMilli()}))
	f.Add(frameOf(f, &syncRequest{Hood: "", Since: -1 << 63}))
	f.Fuzz(func(t *testing.T, in []byte) {
		var req syncRequest
		if wire.NewFrameReader(bytes.NewReader(in), maxFrame).Read(&req) != nil {
			return
		}
		if !fh.s.isHoodMember(req.Hood, fh.joiner) {
			return // serveSync stops here
		}
		since := max(req.Since, time.Now().Add(-CatchUpWindow).UnixMilli())
		if err := fh.s.store.alertsSince(req.Hood, since, func([]byte) bool { return true }); err != nil {
			t.Fatalf("alertsSince(%q, %d): %v", req.Hood, since, err)
		}
	})
}

func FuzzSyncFrame(f *testing.F) {
	fh := newFuzzHood(f, nil)
	addCommonSeeds(f)
	f.Add(frameOf(f, &syncFrame{Roster: fh.resp.Roster, Alerts: [][]byte{fh.alert.Marshal()},
		Peers: []peerAddr{fh.peerOut}, Done: true}))
	f.Add(frameOf(f, &syncFrame{Alerts: [][]byte{fh.resp.Cert}, Peers: []peerAddr{{ID: []byte("x"), Addrs: [][]byte{{0}}}}}))
	f.Fuzz(func(t *testing.T, in []byte) {
		var fr syncFrame
		if wire.NewFrameReader(bytes.NewReader(in), maxFrame).Read(&fr) != nil {
			return
		}
		// What syncHood does with each frame.
		for _, b := range fr.Roster {
			if rec, err := wire.Decode(b); err == nil {
				fh.s.applyRecord(fh.hood, rec)
			}
		}
		decodeRecords(fr.Roster)
		fh.s.learnPeers(fr.Peers)
		for _, b := range fr.Alerts {
			fh.s.acceptSynced(fh.hood, fh.joiner, b)
		}

		if !fh.s.isHoodMember(fh.hood, fh.s.ID()) || !fh.s.isHoodMember(fh.hood, fh.joiner) {
			t.Fatalf("frame %x changed the roster: steward or joiner no longer a member", in)
		}
		for _, pa := range fr.Peers {
			id, err := peer.IDFromBytes(pa.ID)
			if err == nil && id != fh.s.ID() && !fh.s.isMember(id) && len(fh.s.host.Peerstore().Addrs(id)) > 0 {
				t.Fatalf("frame %x taught addresses of non-member %s", in, id)
			}
		}
		fh.s.store.alertsSince(fh.hood, 0, func(b []byte) bool {
			rec, a, err := openAlert(b)
			if err == nil {
				err = rec.Verify(a.Author)
			}
			if err != nil {
				t.Fatalf("frame %x left a stored alert that does not verify: %v", in, err)
			}
			return true
		})
	})
}

func FuzzClipRequest(f *testing.F) {
	clips := &fakeClips{Size: 1 << 10}
	fh := newFuzzHood(f, func(c *Config) { c.Clips = clips })
	start := time.Now().Add(-time.Minute).Truncate(time.Millisecond)
	al, err := fh.s.PostAlert(f.Context(), AlertDraft{Text: "clip", Camera: "porch", Start: start, End: start.Add(time.Second)})
	if err != nil {
		f.Fatal(err)
	}
	plain, err := fh.s.PostAlert(f.Context(), AlertDraft{Text: "no clip"})
	if err != nil {
		f.Fatal(err)
	}
	addCommonSeeds(f)
	f.Add(frameOf(f, &clipRequest{Hood: fh.hood, Alert: al.ID}))
	f.Add(frameOf(f, &clipRequest{Hood: fh.hood, Alert: plain.ID}))
	f.Add(frameOf(f, &clipRequest{Hood: fh.hood, Alert: al.ID[:10]}))
	f.Fuzz(func(t *testing.T, in []byte) {
		var req clipRequest
		if wire.NewFrameReader(bytes.NewReader(in), maxFrame).Read(&req) != nil {
			return
		}
		ref, _, err := fh.s.ownClip(req.Hood, req.Alert, fh.joiner)
		if err == nil && (req.Hood != fh.hood || req.Alert != al.ID || ref.Camera != "porch") {
			t.Fatalf("ownClip(%q, %q) served %+v; want only alert %s", req.Hood, req.Alert, ref, al.ID)
		}
	})
}

// FuzzClipStream feeds what an author sends back (header, then the clip) through OpenClip's checks: a read
// that ends without error must have produced exactly the bytes the alert's hash names.
func FuzzClipStream(f *testing.F) {
	body := []byte("a short clip, as the author hashed it")
	sum := sha256.Sum256(body)
	ref := &wire.ClipRef{Camera: "porch", Start: 1, End: 2, Size: int64(len(body)), SHA256: sum[:]}
	n := &Node{metrics: newMetrics(nil)}
	addCommonSeeds(f)
	f.Add(append(frameOf(f, &clipHeader{Size: ref.Size}), body...))
	f.Add(append(frameOf(f, &clipHeader{Size: ref.Size}), bytes.ToUpper(body)...))
	f.Add(frameOf(f, &clipHeader{Error: "no such alert"}))
	f.Fuzz(func(t *testing.T, in []byte) {
		s := bytes.NewReader(in)
		var hdr clipHeader
		if wire.NewFrameReader(s, maxFrame).Read(&hdr) != nil || hdr.Error != "" || hdr.Size != ref.Size {
			return
		}
		// As in OpenClip: the frame reader reads no further than the header, the clip follows.
		got, err := io.ReadAll(&clipReader{r: io.LimitReader(s, ref.Size), hash: sha256.New(), ref: ref, n: n})
		if err == nil && !bytes.Equal(got, body) {
			t.Fatalf("clip read without error as %s, want %s", hex.EncodeToString(got), hex.EncodeToString(body))
		}
	})
}
