package recorder

import (
	"fmt"
	"slices"

	"github.com/bluenviron/gortsplib/v4/pkg/base"
	"github.com/bluenviron/gortsplib/v4/pkg/headers"
	"github.com/bluenviron/mediacommon/v2/pkg/codecs/h264"
	"github.com/bluenviron/mediacommon/v2/pkg/codecs/h265"
	"github.com/pion/rtp"
)

// The media fast path. gortsplib's reader handles every RTP packet on its own: it allocates the packet's
// payload and an rtp.Packet, and its RTCP receiver a one-element slice: ~3 of the recorder's ~5 heap
// allocations per packet (BENCHMARKS.md). On a plain-RTSP TCP
// session the frames of the recorded tracks' RTP channels are taken out of each batch of bytes instead
// (frameFilter) and handled here, on the same goroutine (gortsplib's reader, inside batchConn.Read),
// with the same decoders and muxer calls as gortsplib's OnPacketRTP callbacks; gortsplib keeps the RTSP
// requests and responses, keepalives, RTCP (sender reports reach the muxer as before), its read timeout,
// UDP sessions and RTSPS (whose bytes are TLS, which the filter cannot read).
//
// What gortsplib did per packet and the recording relies on is done here too: payload type and SSRC checks
// (a packet of another SSRC than the track's first is dropped, like gortsplib's RTCP receiver does), loss
// counting from sequence gaps (TCP does not reorder), packet and byte counts. Its read timeout counts only
// frames that reach it: without the media it would end a session after ReadTimeout even while media
// flows. batchConn therefore passes it one small frame of its own once a second while media flows (in
// the first read of a second that follows media and leaves no passed-through frame half-read): an empty
// RTCP receiver report on the first track's RTCP channel, which gortsplib decodes (and hands to the
// OnPacketRTCP callback, which ignores it). gortsplib keeps the time of the last frame in whole seconds,
// so one a second leaves it where the media frames would have (a second later at most): its timeout
// means what it did — no media (nor RTCP) for ReadTimeout ends the session — without a second timer.
//
// What changes for cameras: nothing on the wire. gortsplib v4.16.2 sends receiver reports only over UDP,
// so a TCP camera got none before either; gortsplib's own statistics (Client.Stats) no longer count the
// media packets, and the recorder does not read them.

// fastPath maps a session's interleaved RTP channels to its recorded tracks.
type fastPath struct {
	tracks    [256]*fastTrack
	keepalive []byte // an interleaved empty RTCP receiver report for gortsplib's read timeout
	stats     *streamStats
	// per batch, reused
	batch uint64    // batches delivered
	runOf []int     // per frame: its unit run, -1 for none
	runs  []unitRun // unit runs
}

func (fp *fastPath) has(ch byte) bool { return fp.tracks[ch] != nil }

// deliver hands a batch's frames (valid only until the next read) to their tracks.
//
// Audio frames and whole NAL units, which the decoders hand on as slices of their input and the muxer,
// the disk queue and the live hub keep, are copied into one arena per batch, allocated at its exact size.
// Fragments of fragmented NAL units (FU-A, H.265 FU) are copied by the decoders when they join them, so
// they are handed on uncopied once their unit's last fragment is in the batch. A unit the batch cuts is
// held back instead: its fragments are copied into the track's held buffer, reused from unit to unit, and
// handed on, in order, before the track's next frame (with the rest of the unit, once it came). A
// decoder's list of fragments keeps pointing at the last ones of a long unit (a key frame) until a unit as
// long comes; this way it points into the read buffer or the held buffer, which are kept anyway, not at
// copies of a key frame made for it.
func (fp *fastPath) deliver(frames []fastFrame) {
	fp.batch++
	fp.runOf, fp.runs = fp.runOf[:0], fp.runs[:0]
	keptBytes := 0
	for _, f := range frames {
		t := fp.tracks[f.ch]
		fu, end := t.unit(f.payload)
		switch {
		case fu == notUnit:
			fp.runOf = append(fp.runOf, -1)
			keptBytes += len(f.payload)
			continue
		case fu == unitStart || t.runBatch != fp.batch:
			t.run, t.runBatch = len(fp.runs), fp.batch
			fp.runs = append(fp.runs, unitRun{track: t})
		}
		fp.runOf = append(fp.runOf, t.run)
		fp.runs[t.run].ended = end
	}
	for i := range fp.runs {
		r := &fp.runs[i]
		r.open = r.track.run == i && !r.ended // its track's last unit in the batch, not ended yet
	}
	kept := arena(keptBytes)
	for i, f := range frames {
		t := fp.tracks[f.ch]
		r := fp.runOf[i]
		if r >= 0 && fp.runs[r].open {
			t.hold(f.payload)
			continue
		}
		t.release(fp.stats)
		b := f.payload[:len(f.payload):len(f.payload)] // a fragment: joined by the decoder within the batch
		if r < 0 {
			kept, b = carve(kept, f.payload)
		}
		t.packet(b, fp.stats)
	}
	fp.stats.fast.Add(uint64(len(frames)))
}

// hold keeps a copy of the frame b of a unit that is not complete yet, to be handed on by release.
func (t *fastTrack) hold(b []byte) {
	t.held = append(t.held, b...)
	t.heldEnds = append(t.heldEnds, len(t.held))
}

// release hands on the frames held back, in order, and empties the held buffer for reuse: the decoder
// has joined or dropped their unit once it has seen the track's next frame after them.
func (t *fastTrack) release(st *streamStats) {
	if len(t.heldEnds) == 0 {
		return
	}
	start := 0
	for _, end := range t.heldEnds {
		t.packet(t.held[start:end:end], st)
		start = end
	}
	t.held, t.heldEnds = t.held[:0], t.heldEnds[:0]
}

// unitRun is the fragments of one fragmented NAL unit in a batch.
type unitRun struct {
	track *fastTrack
	ended bool // its last fragment so far is the unit's end
	open  bool // the unit goes on past the batch
}

// fuKind tells whether an RTP packet carries a fragment of a NAL unit, and whether the first.
type fuKind uint8

const (
	notUnit fuKind = iota
	unitStart
	unitNext
)

func arena(n int) []byte {
	if n == 0 {
		return nil
	}
	return make([]byte, 0, n)
}

// carve appends p to the arena a and returns the copy, capped so that an append to it cannot reach the
// next one.
func carve(a, p []byte) ([]byte, []byte) {
	start := len(a)
	a = append(a, p...)
	return a, a[start:len(a):len(a)]
}

// fastTrack turns one recorded track's RTP payloads into packets for the session's handler.
type fastTrack struct {
	pt     uint8   // the recorded format's payload type
	others []uint8 // the media's other formats: their packets are not recorded
	onRTP  func(*rtp.Packet)
	// fragment, for video, tells a fragmentation unit's packet from its payload.
	fragment func(payload []byte) (kind fuKind, end bool)
	run      int    // the unit run of the fragments in fastPath.runs
	runBatch uint64 // the batch of run

	pkt rtp.Packet // reused: rtp.Packet.Unmarshal does not copy the payload, and no decoder keeps it
	// held is the frames of a unit cut by the end of a batch (copies, ends at heldEnds), until release.
	held     []byte
	heldEnds []int
	started  bool
	ssrc     uint32
	seq      uint16
}

// unit tells whether the RTP packet b carries a fragment of a video NAL unit, whether the first, and
// whether the last.
func (t *fastTrack) unit(b []byte) (fuKind, bool) {
	if t.fragment == nil || t.pkt.Unmarshal(b) != nil {
		return notUnit, false
	}
	return t.fragment(t.pkt.Payload)
}

func (t *fastTrack) packet(b []byte, st *streamStats) {
	pkt := &t.pkt
	if err := pkt.Unmarshal(b); err != nil {
		st.invalid()
		return
	}
	if pkt.PayloadType != t.pt {
		if !slices.Contains(t.others, pkt.PayloadType) {
			st.invalid()
		}
		return
	}
	switch {
	case !t.started:
		t.started, t.ssrc = true, pkt.SSRC
	case pkt.SSRC != t.ssrc:
		st.invalid()
		return
	default:
		// As gortsplib's RTCP receiver counts on a reliable transport.
		if lost := pkt.SequenceNumber - t.seq - 1; lost != 0 {
			st.lost(uint64(lost))
		}
	}
	t.seq = pkt.SequenceNumber
	t.onRTP(pkt)
}

// rtpChannel returns the interleaved RTP channel a SETUP response assigned, as gortsplib reads it (the
// first of a pair of interleaved ids), or false when the response sets up no plain TCP transport.
func rtpChannel(res *base.Response) (byte, bool) {
	if res == nil {
		return 0, false
	}
	var th headers.Transport
	if err := th.Unmarshal(res.Header["Transport"]); err != nil {
		return 0, false
	}
	if th.Protocol != headers.TransportProtocolTCP || th.Secure || th.InterleavedIDs == nil {
		return 0, false
	}
	ids := *th.InterleavedIDs
	if ids[0] < 0 || ids[0] > 254 || ids[1] != ids[0]+1 {
		return 0, false
	}
	return byte(ids[0]), true
}

// keepaliveFrame returns an interleaved frame carrying an empty RTCP receiver report on channel ch.
func keepaliveFrame(ch byte) []byte {
	// $ ch len=8 | V=2 RC=0, PT=201 (RR), length=1 (words-1), SSRC=0
	return []byte{'$', ch, 0, 8, 0x80, 201, 0, 1, 0, 0, 0, 0}
}

// fastPathTrack describes one recorded track for newFastPath.
type fastPathTrack struct {
	ch     byte // interleaved RTP channel
	pt     uint8
	others []uint8
	onRTP  func(*rtp.Packet)
	codec  string // "H264", "H265", or an audio codec
}

// newFastPath returns the fast path of a session's tracks; st counts packets, losses and invalid packets.
func newFastPath(tracks []fastPathTrack, st *streamStats) (*fastPath, error) {
	if len(tracks) == 0 {
		return nil, fmt.Errorf("fast path: no tracks")
	}
	fp := &fastPath{keepalive: keepaliveFrame(tracks[0].ch + 1), stats: st}
	for _, t := range tracks {
		if fp.tracks[t.ch] != nil {
			return nil, fmt.Errorf("fast path: channel %d set up twice", t.ch)
		}
		fp.tracks[t.ch] = &fastTrack{pt: t.pt, others: t.others, onRTP: t.onRTP,
			fragment: fragmentTest(t.codec)}
	}
	return fp, nil
}

// fragmentTest returns the test for fragmentation units of a video codec (RFC 6184 FU-A, RFC 7798 FU):
// the payload type, and the start and end bits of the FU header; nil for other codecs.
func fragmentTest(codec string) func([]byte) (fuKind, bool) {
	switch codec {
	case "H264":
		return func(p []byte) (fuKind, bool) {
			if len(p) < 2 || h264.NALUType(p[0]&0x1f) != h264.NALUTypeFUA {
				return notUnit, false
			}
			return fuHeader(p[1])
		}
	case "H265":
		return func(p []byte) (fuKind, bool) {
			if len(p) < 3 || h265.NALUType((p[0]>>1)&0x3f) != h265.NALUType_FragmentationUnit {
				return notUnit, false
			}
			return fuHeader(p[2])
		}
	}
	return nil
}

// fuHeader reads the start (S) and end (E) bits of an FU header, alike in RFC 6184 and RFC 7798.
func fuHeader(header byte) (fuKind, bool) {
	end := header&0x40 != 0
	if header&0x80 != 0 {
		return unitStart, end
	}
	return unitNext, end
}
