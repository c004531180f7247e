package recorder

import (
	"bytes"
	"fmt"
	"io"
	"testing"
	"time"

	"github.com/bluenviron/gortsplib/v4/pkg/base"
	"github.com/bluenviron/gortsplib/v4/pkg/format"
	"github.com/bluenviron/gortsplib/v4/pkg/format/rtph264"
	"github.com/pion/rtp"
)

func rtpFrame(t *testing.T, ch byte, seq uint16, ssrc uint32, pt uint8, payload []byte) []byte {
	t.Helper()
	b, err := (&rtp.Packet{Header: rtp.Header{Version: 2, PayloadType: pt, SequenceNumber: seq, SSRC: ssrc},
		Payload: payload}).Marshal()
	if err != nil {
		t.Fatal(err)
	}
	return frame(ch, string(b))
}

// testFastPath is a fast path with an H.264 track on channel 0 (payload type 96; 97 is another format
// of its media) that keeps every payload it is handed.
func testFastPath(t *testing.T) (*fastPath, *streamStats, *[][]byte) {
	t.Helper()
	var kept [][]byte
	st := &streamStats{}
	fp, err := newFastPath([]fastPathTrack{{ch: 0, pt: 96, others: []uint8{97}, codec: "H264",
		onRTP: func(pkt *rtp.Packet) {
			st.packet(len(pkt.Payload))
			kept = append(kept, pkt.Payload)
		}}}, st)
	if err != nil {
		t.Fatal(err)
	}
	return fp, st, &kept
}

// Whole NAL units handed on stay as they were while later batches are read into the same buffer (decoders,
// the muxer and the live hub keep them), and cannot be appended to over their neighbours. A fragmented
// unit cut by a batch's end is held back and handed on, intact and in order, before the track's next
// frame (the decoder copies fragments when it joins them, so they need not outlive that).
func TestFastPathPayloadsAreNotReused(t *testing.T) {
	fp, _, kept := testFastPath(t)
	var seen [][]byte // copies of the payloads as they were handed on
	onRTP := fp.tracks[0].onRTP
	fp.tracks[0].onRTP = func(pkt *rtp.Packet) {
		seen = append(seen, append([]byte(nil), pkt.Payload...))
		onRTP(pkt)
	}
	var f frameFilter
	single := []byte{0x41, 1, 2, 3}                                         // a whole NAL unit
	fuStart := append([]byte{0x7c, 0x85}, bytes.Repeat([]byte{9}, 2000)...) // FU-A start of an IDR
	fuEnd := append([]byte{0x7c, 0x45}, bytes.Repeat([]byte{8}, 700)...)    // and its end
	reads := [][]byte{join(rtpFrame(t, 0, 1, 7, 96, single), rtpFrame(t, 0, 2, 7, 96, fuStart)),
		join(rtpFrame(t, 0, 3, 7, 96, fuEnd), rtpFrame(t, 0, 4, 7, 96, single))}
	split := len(reads[0]) - 500
	reads = [][]byte{reads[0][:split], append(reads[0][split:], reads[1]...)}
	for _, r := range reads {
		buf := append([]byte(nil), r...)
		_, frames := f.feed(buf, fp)
		fp.deliver(frames)
		for i := range buf {
			buf[i] = 'x' // the connection's read buffer, reused
		}
	}
	want := [][]byte{single, fuStart, fuEnd, single}
	if len(seen) != len(want) {
		t.Fatalf("got %d packets, want %d", len(seen), len(want))
	}
	for i := range want {
		if !bytes.Equal(seen[i], want[i]) {
			t.Errorf("packet %d: got %d bytes %.8x…, want %d bytes %.8x…", i, len(seen[i]), seen[i], len(want[i]), want[i])
		}
	}
	for _, i := range []int{0, 3} {
		if p := (*kept)[i]; !bytes.Equal(p, single) || cap(p) != len(p) {
			t.Errorf("whole unit %d: %x (capacity %d) after later reads, want %x", i, p, cap(p), single)
		}
	}
}

// A fragmented NAL unit whose fragments are all in one batch is handed to the decoder as slices of the
// read buffer, not copied first (the decoder joins it into memory of its own before the next read): the
// fragments read what the buffer holds later, and the unit the decoder made stays whole.
func TestFastPathWholeUnitsAreNotCopied(t *testing.T) {
	var dec rtph264.Decoder
	if err := dec.Init(); err != nil {
		t.Fatal(err)
	}
	var handed, units [][]byte
	fp, err := newFastPath([]fastPathTrack{{ch: 0, pt: 96, codec: "H264", onRTP: func(pkt *rtp.Packet) {
		handed = append(handed, pkt.Payload)
		if au, err := dec.Decode(pkt); err == nil {
			units = append(units, au...)
		}
	}}}, &streamStats{})
	if err != nil {
		t.Fatal(err)
	}
	body := bytes.Repeat([]byte{1, 2, 3}, 1000)
	fu := func(seq uint16, header byte, part []byte, marker bool) []byte {
		b, err := (&rtp.Packet{Header: rtp.Header{Version: 2, PayloadType: 96, SequenceNumber: seq, SSRC: 7,
			Marker: marker}, Payload: append([]byte{0x7c, header}, part...)}).Marshal()
		if err != nil {
			t.Fatal(err)
		}
		return frame(0, string(b))
	}
	// FU-A of an IDR (type 5): start, middle, end.
	buf := join(fu(1, 0x85, body[:1000], false), fu(2, 0x05, body[1000:2000], false), fu(3, 0x45, body[2000:], true))
	var f frameFilter
	_, frames := f.feed(buf, fp)
	fp.deliver(frames)
	for i := range buf {
		buf[i] = 'x' // the connection's read buffer, reused
	}
	if len(units) != 1 || !bytes.Equal(units[0], append([]byte{0x65}, body...)) {
		t.Fatalf("decoder made %d units (first %d bytes), want the IDR of %d bytes", len(units), lenOfFirst(units), 1+len(body))
	}
	for i, p := range handed {
		if !bytes.Equal(p, bytes.Repeat([]byte{'x'}, len(p))) {
			t.Errorf("fragment %d was copied before the decoder got it", i)
		}
	}
}

func lenOfFirst(b [][]byte) int {
	if len(b) == 0 {
		return 0
	}
	return len(b[0])
}

// As gortsplib did for the recorded format: sequence gaps count as lost, a packet of another SSRC than the
// first or of an unknown payload type is dropped and counted invalid, one of the media's other formats is
// dropped silently.
func TestFastPathPacketChecks(t *testing.T) {
	fp, st, kept := testFastPath(t)
	var f frameFilter
	nal := []byte{0x41, 1}
	stream := join(
		rtpFrame(t, 0, 65534, 7, 96, nal),
		rtpFrame(t, 0, 65535, 7, 96, nal),
		rtpFrame(t, 0, 2, 7, 96, nal), // 0 and 1 lost across the wrap
		rtpFrame(t, 0, 3, 8, 96, nal), // another SSRC
		rtpFrame(t, 0, 4, 7, 97, nal), // another format of the media
		rtpFrame(t, 0, 5, 7, 99, nal), // unknown
		frame(0, "short"),             // not RTP
		rtpFrame(t, 0, 6, 7, 96, nal), // 3 (the other SSRC's), 4 and 5 lost
	)
	_, frames := f.feed(stream, fp)
	fp.deliver(frames)
	s := st.snapshot()
	if len(*kept) != 4 || s.RTPPackets != 4 {
		t.Errorf("got %d packets handed on (%d counted), want 4", len(*kept), s.RTPPackets)
	}
	if s.RTPLost != 5 {
		t.Errorf("got %d lost, want 5", s.RTPLost)
	}
	if s.RTPInvalid != 3 {
		t.Errorf("got %d invalid, want 3", s.RTPInvalid)
	}
	if got := st.fast.Load(); got != 8 {
		t.Errorf("got %d frames on the fast path, want 8", got)
	}
}

func TestRTPChannel(t *testing.T) {
	tests := []struct {
		transport string
		want      int // -1: no fast path
	}{
		{"RTP/AVP/TCP;unicast;interleaved=0-1", 0},
		{"RTP/AVP/TCP;unicast;interleaved=4-5;ssrc=1234ABCD", 4},
		{"RTP/AVP/TCP;unicast;interleaved=1-2", 1},
		{"RTP/AVP/TCP;unicast;interleaved=254-255", 254},
		{"RTP/AVP/TCP;unicast", -1},
		{"RTP/SAVP/TCP;unicast;interleaved=0-1", -1},
		{"RTP/AVP;unicast;client_port=5000-5001;server_port=6000-6001", -1},
		{"garbage", -1},
	}
	for _, tt := range tests {
		res := &base.Response{StatusCode: base.StatusOK, Header: base.Header{"Transport": base.HeaderValue{tt.transport}}}
		ch, ok := rtpChannel(res)
		got := int(ch)
		if !ok {
			got = -1
		}
		if got != tt.want {
			t.Errorf("rtpChannel(%q) = %d, want %d", tt.transport, got, tt.want)
		}
	}
}

// Through batchConn, a stream of media, RTCP and a response split across reads: the caller gets every
// byte but the media, whole, plus one keepalive frame (an empty receiver report on the track's RTCP
// channel) per second that had media, never inside a frame it passes through.
func TestBatchConnFastPath(t *testing.T) {
	nal := bytes.Repeat([]byte{0x41}, 300)
	rtcp := frame(1, string(bytes.Repeat([]byte{0x81}, 200)))
	var stream, want []byte
	stream = append(stream, keepaliveRes...)
	want = append(want, keepaliveRes...)
	for i := range 200 {
		stream = append(stream, rtpFrame(t, 0, uint16(i), 7, 96, nal)...)
		// Frames passed through, after every packet: most reads end inside one.
		pass := rtcp
		if i%50 != 10 {
			pass = frame(6, string(bytes.Repeat([]byte{6}, 150)))
		}
		stream = append(stream, pass...)
		want = append(want, pass...)
	}
	// 100 bytes a tick of 50 ms: 64 s of stream, media in every second.
	bc, _, _ := newTestBatchConn(stream, 100, time.Unix(1700000000, int64(10*time.Millisecond)))
	bc.filter = &frameFilter{}
	fp, st, kept := testFastPath(t)
	bc.setFastPath(fp)
	bc.enable()
	got, err := io.ReadAll(struct{ io.Reader }{bc})
	if err != nil {
		t.Fatal(err)
	}
	if len(*kept) != 200 || st.fast.Load() != 200 {
		t.Fatalf("got %d packets on the fast path, want 200", len(*kept))
	}
	var keepalives int
	var rest []item
	for _, it := range gortsplibItems(got) {
		if it.kind == "frame" && it.ch == 1 && bytes.Equal(it.data, fp.keepalive[4:]) {
			keepalives++
		} else {
			rest = append(rest, it)
		}
	}
	if fmt.Sprint(rest) != fmt.Sprint(gortsplibItems(want)) {
		t.Errorf("passed through %d items besides keepalives, want the response and the frames of other channels", len(rest))
	}
	if len(got) != len(want)+keepalives*len(fp.keepalive) {
		t.Errorf("read %d bytes, want %d and %d keepalives: something gortsplib could not read", len(got), len(want), keepalives)
	}
	if secs := len(stream) / 100 / 20; keepalives < secs-1 || keepalives > secs+2 {
		t.Errorf("got %d keepalive frames over %d s of media, want one a second", keepalives, secs)
	}
}

// Fragmented NAL units (FU-A) spanning reads, decoded by gortsplib's H.264 decoder as the session does:
// every access unit comes out whole and stays so while later reads reuse the read buffer.
func TestFastPathFragmentedUnits(t *testing.T) {
	forma := &format.H264{PayloadTyp: 96, PacketizationMode: 1}
	enc, err := forma.CreateEncoder()
	if err != nil {
		t.Fatal(err)
	}
	dec, err := forma.CreateDecoder()
	if err != nil {
		t.Fatal(err)
	}
	var aus [][][]byte
	st := &streamStats{}
	fp, err := newFastPath([]fastPathTrack{{ch: 0, pt: 96, codec: "H264", onRTP: func(pkt *rtp.Packet) {
		if au, err := dec.Decode(pkt); err == nil {
			aus = append(aus, au)
		}
	}}}, st)
	if err != nil {
		t.Fatal(err)
	}
	var want [][][]byte
	var stream []byte
	for i := range 12 {
		size := 500 + i*i*900 // whole NAL units, then units of 2 to 80 fragments
		nal := bytes.Repeat([]byte{byte(i + 1)}, size)
		nal[0] = 0x65 // IDR slice
		pkts, err := enc.Encode([][]byte{nal})
		if err != nil {
			t.Fatal(err)
		}
		for _, p := range pkts {
			b, _ := p.Marshal()
			stream = append(stream, frame(0, string(b))...)
		}
		want = append(want, [][]byte{nal})
	}
	var f frameFilter
	buf := make([]byte, 3000)
	for len(stream) > 0 {
		n := copy(buf, stream)
		stream = stream[n:]
		_, frames := f.feed(buf[:n], fp)
		fp.deliver(frames)
		for i := range buf {
			buf[i] = 0xee // the read buffer, reused
		}
	}
	if fmt.Sprint(aus) != fmt.Sprint(want) {
		t.Errorf("decoded %d access units that differ from the %d sent", len(aus), len(want))
	}
	if s := st.snapshot(); s.RTPLost != 0 || s.RTPInvalid != 0 {
		t.Errorf("got %d lost and %d invalid, want none", s.RTPLost, s.RTPInvalid)
	}
}
