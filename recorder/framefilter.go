package recorder

import (
	"bytes"
	"strconv"
)

// frameFilter splits the byte stream of an RTSP connection over TCP (read in batches, see batchConn) into
// the interleaved frames of the channels the fast path takes ($ channel length payload: the RTP of the
// recorded tracks) and everything else — RTSP responses and requests, RTCP, frames of other channels —
// which passes through to gortsplib's reader byte for byte, in order.
//
// It follows the stream from its first byte, so it always knows where the next frame or message starts,
// and decides as gortsplib's reader does (pkg/conn: '$' starts a frame, "RT" a response, a method's first
// two letters a request, any other byte is skipped). An RTSP message passes through as its bytes arrive
// while its header is scanned for Content-Length; a header the filter cannot frame exactly as gortsplib
// would (a line without a colon, a bare CR or LF, Content-Length twice, a header over maxMessageHeader)
// turns the filter off for the rest of the connection: everything passes through from there, and
// gortsplib reads the media itself (its OnPacketRTP callbacks stay registered), as it does without the
// fast path.
//
// A fast frame is handed on only when complete; its start may come in one batch and its end in a later
// one (the bytes so far wait in carry). Its payload is valid until the next feed: the fast path copies it
// into memory that is never reused (decoders return NAL units that alias their input, and the muxer, the
// disk queue and the live hub keep them).
type frameFilter struct {
	state    filterState
	head     [4]byte // lookahead at a boundary: a frame header or the two bytes that tell a message
	nhead    int
	left     int       // bytes left of the frame or body being passed or collected
	ch       byte      // channel of the fast frame being collected
	carry    [2][]byte // carry[cur]: the bytes so far of a fast frame begun in an earlier batch; the
	cur      int       // other may hold the payload of a frame handed out by the last feed
	carrying bool      // carry[cur] holds the start of the frame being collected
	msg      []byte    // header so far of the RTSP message being passed through

	// results of the last feed, reused between batches
	pass   []byte
	frames []fastFrame
}

type filterState uint8

const (
	atBoundary    filterState = iota // the next byte starts a frame or a message (head holds its lookahead)
	inPassFrame                      // passing through the rest of a frame (left bytes)
	inFastFrame                      // collecting a fast frame's payload (left bytes)
	inMessageHead                    // passing through an RTSP message's header, scanning it into msg
	inMessageBody                    // passing through an RTSP message's body (left bytes)
	filterOff                        // gave up: everything passes through
)

// maxMessageHeader bounds the RTSP header the filter scans; a longer one turns the filter off.
const maxMessageHeader = 8 << 10

// rtspMaxBody is gortsplib's limit on an RTSP message body (pkg/base: rtspMaxContentLength); a larger
// Content-Length makes its reader fail, and the filter off.
const rtspMaxBody = 128 << 10

// fastFrame is a complete interleaved frame on a fast channel.
type fastFrame struct {
	ch      byte
	payload []byte // valid until the next feed
}

// channelSet is the set of interleaved channels the fast path takes.
type channelSet interface{ has(ch byte) bool }

// feed takes the next bytes of the connection. It returns the bytes to pass through and the fast frames
// completed in p, all valid until the next feed. fast may be nil: nothing is taken.
func (f *frameFilter) feed(p []byte, fast channelSet) (pass []byte, frames []fastFrame) {
	f.pass, f.frames = f.pass[:0], f.frames[:0]
	for i := 0; i < len(p); {
		switch f.state {
		case filterOff:
			f.pass = append(f.pass, p[i:]...)
			i = len(p)
		case atBoundary:
			f.head[f.nhead] = p[i]
			f.nhead++
			i++
			f.decide(fast)
		case inPassFrame, inMessageBody:
			k := min(f.left, len(p)-i)
			f.pass = append(f.pass, p[i:i+k]...)
			i += k
			f.left -= k
			if f.left == 0 {
				f.state = atBoundary
			}
		case inFastFrame:
			k := min(f.left, len(p)-i)
			f.collect(p[i : i+k])
			i += k
		case inMessageHead:
			i += f.scanHeader(p[i:])
		}
	}
	return f.pass, f.frames
}

// collect takes the next bytes b of the fast frame being collected.
func (f *frameFilter) collect(b []byte) {
	f.left -= len(b)
	switch {
	case f.left == 0 && !f.carrying:
		f.frames = append(f.frames, fastFrame{ch: f.ch, payload: b})
	case f.left == 0:
		payload := append(f.carry[f.cur], b...)
		f.carry[f.cur], f.cur, f.carrying = payload[:0], f.cur^1, false
		f.frames = append(f.frames, fastFrame{ch: f.ch, payload: payload})
	case f.carrying:
		f.carry[f.cur] = append(f.carry[f.cur], b...)
	default:
		f.carry[f.cur], f.carrying = append(f.carry[f.cur][:0], b...), true
	}
	if f.left == 0 {
		f.state = atBoundary
	}
}

// decide acts on the lookahead at a boundary once it holds enough bytes: a frame header (4 bytes) or the
// two bytes gortsplib's reader looks at before anything else.
func (f *frameFilter) decide(fast channelSet) {
	if f.head[0] == '$' {
		if f.nhead < 4 {
			return
		}
		f.nhead = 0
		ch, n := f.head[1], int(f.head[2])<<8|int(f.head[3])
		if fast != nil && fast.has(ch) {
			f.ch, f.left, f.carrying, f.state = ch, n, false, inFastFrame
			if n == 0 {
				f.collect(nil)
			}
			return
		}
		f.pass = append(f.pass, f.head[:4]...)
		if f.left = n; n > 0 {
			f.state = inPassFrame
		}
		return
	}
	if f.nhead < 2 {
		return
	}
	if startsMessage(f.head[0], f.head[1]) {
		f.pass = append(f.pass, f.head[:2]...)
		f.msg = append(f.msg[:0], f.head[:2]...)
		f.nhead, f.state = 0, inMessageHead
		return
	}
	// gortsplib's reader skips a byte that starts nothing it knows, and looks again from the next one.
	f.pass = append(f.pass, f.head[0])
	f.head[0], f.nhead = f.head[1], 1
	f.decide(fast)
}

// startsMessage reports whether gortsplib's reader (pkg/conn) reads a response or a request at a stream
// position starting with a, b.
func startsMessage(a, b byte) bool {
	switch string([]byte{a, b}) {
	case "RT", "AN", "DE", "GE", "OP", "PA", "PL", "RE", "SE", "TE":
		return true
	}
	return false
}

// atFrameBoundary reports whether the bytes passed through so far end at the end of a frame or message,
// so that a frame of the filter's own may be passed after them.
func (f *frameFilter) atFrameBoundary() bool {
	return f.state == atBoundary || f.state == inFastFrame
}

// scanHeader passes through the bytes of an RTSP message header at the start of q, up to the header's
// end, and returns how many it took.
func (f *frameFilter) scanHeader(q []byte) int {
	for i, b := range q {
		f.msg = append(f.msg, b)
		if b != '\n' {
			if len(f.msg) > maxMessageHeader {
				return f.giveUp(q, i)
			}
			continue
		}
		if !bytes.HasSuffix(f.msg, []byte("\r\n")) {
			return f.giveUp(q, i) // a bare LF: gortsplib would read the line differently
		}
		if !bytes.HasSuffix(f.msg, []byte("\r\n\r\n")) {
			continue
		}
		body, ok := messageBodyLen(f.msg)
		if !ok {
			return f.giveUp(q, i)
		}
		f.pass = append(f.pass, q[:i+1]...)
		if f.left, f.state = body, inMessageBody; body == 0 {
			f.state = atBoundary
		}
		return i + 1
	}
	f.pass = append(f.pass, q...)
	return len(q)
}

// giveUp turns the filter off after q[i]: it passes through q[:i+1], and everything after it.
func (f *frameFilter) giveUp(q []byte, i int) int {
	f.pass = append(f.pass, q[:i+1]...)
	f.state = filterOff
	f.msg = nil
	return i + 1
}

// messageBodyLen returns the body length of the RTSP message whose header (first line, header lines,
// empty line) is h, and whether gortsplib's reader (pkg/base) is sure to frame the message the same
// way: a first line with at least two spaces, header lines with a colon after a key, no CR or LF inside a line, at
// most one Content-Length, a decimal one within gortsplib's limit.
func messageBodyLen(h []byte) (int, bool) {
	lines := bytes.Split(h[:len(h)-4], []byte("\r\n"))
	if bytes.Count(lines[0], []byte(" ")) < 2 {
		return 0, false
	}
	body, seen := 0, false
	for i, line := range lines {
		if bytes.ContainsAny(line, "\r\n") {
			return 0, false
		}
		if i == 0 {
			continue
		}
		colon := bytes.IndexByte(line, ':')
		if colon < 1 { // gortsplib reads a key's first byte before looking for the colon

			return 0, false
		}
		if !bytes.EqualFold(line[:colon], []byte("content-length")) {
			continue
		}
		if seen {
			return 0, false
		}
		n, err := strconv.ParseUint(string(bytes.TrimLeft(line[colon+1:], " ")), 10, 64)
		if err != nil || n > rtspMaxBody {
			return 0, false
		}
		body, seen = int(n), true
	}
	return body, true
}
