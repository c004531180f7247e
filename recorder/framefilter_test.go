package recorder

import (
	"bytes"
	"fmt"
	"io"
	"testing"

	"github.com/bluenviron/gortsplib/v4/pkg/base"
	"github.com/bluenviron/gortsplib/v4/pkg/conn"
)

// chans is a channelSet of the listed channels.
type chans []byte

func (c chans) has(ch byte) bool { return bytes.IndexByte(c, ch) >= 0 }

func frame(ch byte, payload string) []byte {
	return append([]byte{'$', ch, byte(len(payload) >> 8), byte(len(payload))}, payload...)
}

func join(parts ...[]byte) []byte { return bytes.Join(parts, nil) }

const (
	describeRes = "RTSP/1.0 200 OK\r\nCSeq: 2\r\nContent-Type: application/sdp\r\nContent-Length: 20\r\n\r\n" +
		"v=0\r\n$\x00\x00\x04abcd\r\nm=x\r\n" // a body that looks like a frame
	keepaliveRes = "RTSP/1.0 200 OK\r\nCSeq: 7\r\nsession: 1234\r\n\r\n"
	serverReq    = "GET_PARAMETER rtsp://cam/live RTSP/1.0\r\nCSeq: 1\r\ncontent-length: 4\r\n\r\nping"
)

// filterResult is what a filter made of a stream fed in chunks.
type filterResult struct {
	pass   []byte
	frames []fastFrame
}

func runFilter(stream []byte, fast channelSet, chunks ...int) filterResult {
	var f frameFilter
	var res filterResult
	for len(stream) > 0 {
		n := len(stream)
		if len(chunks) > 0 {
			n, chunks = min(max(chunks[0], 1), n), chunks[1:]
		}
		pass, frames := f.feed(stream[:n], fast)
		res.pass = append(res.pass, pass...)
		for _, fr := range frames { // valid until the next feed
			res.frames = append(res.frames, fastFrame{fr.ch, bytes.Clone(fr.payload)})
		}
		stream = stream[n:]
	}
	return res
}

func TestFrameFilterSplitsTheStream(t *testing.T) {
	rtp0a, rtp0b, rtp2 := frame(0, "video packet 1"), frame(0, "video packet 2"), frame(2, "audio")
	rtcp1, other := frame(1, "sender report"), frame(6, "unknown channel")
	tests := []struct {
		name       string
		stream     []byte
		wantPass   []byte
		wantFrames []fastFrame
	}{
		{"frames and messages",
			join([]byte(describeRes), rtp0a, rtcp1, rtp0b, []byte(keepaliveRes), other, rtp2, []byte(serverReq), frame(0, "")),
			join([]byte(describeRes), rtcp1, []byte(keepaliveRes), other, []byte(serverReq)),
			[]fastFrame{{0, []byte("video packet 1")}, {0, []byte("video packet 2")}, {2, []byte("audio")}, {0, []byte{}}}},
		{"a byte gortsplib skips",
			join(rtp0a, []byte("\x00x"), rtp2),
			[]byte("\x00x"),
			[]fastFrame{{0, []byte("video packet 1")}, {2, []byte("audio")}}},
		{"a header the filter cannot frame turns it off",
			join(rtp0a, []byte("RTSP/1.0 200 OK\r\nCSeq 3\r\n\r\n"), rtp0b),
			join([]byte("RTSP/1.0 200 OK\r\nCSeq 3\r\n\r\n"), rtp0b),
			[]fastFrame{{0, []byte("video packet 1")}}},
		{"Content-Length twice turns it off",
			join([]byte("RTSP/1.0 200 OK\r\nContent-Length: 1\r\ncontent-length: 1\r\n\r\n"), rtp0b),
			join([]byte("RTSP/1.0 200 OK\r\nContent-Length: 1\r\ncontent-length: 1\r\n\r\n"), rtp0b),
			nil},
		{"a bare LF turns it off",
			join([]byte("RTSP/1.0 200 OK\nCSeq: 3\r\n\r\n"), rtp0b),
			join([]byte("RTSP/1.0 200 OK\nCSeq: 3\r\n\r\n"), rtp0b),
			nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			check := func(t *testing.T, got filterResult) {
				t.Helper()
				if !bytes.Equal(got.pass, tt.wantPass) {
					t.Errorf("passed through %q, want %q", got.pass, tt.wantPass)
				}
				if fmt.Sprint(got.frames) != fmt.Sprint(tt.wantFrames) {
					t.Errorf("got frames %q, want %q", got.frames, tt.wantFrames)
				}
			}
			check(t, runFilter(tt.stream, chans{0, 2}))
			for at := 1; at < len(tt.stream); at++ {
				t.Run(fmt.Sprintf("split at %d", at), func(t *testing.T) {
					check(t, runFilter(tt.stream, chans{0, 2}, at))
				})
			}
			t.Run("byte by byte", func(t *testing.T) {
				chunks := make([]int, len(tt.stream))
				for i := range chunks {
					chunks[i] = 1
				}
				check(t, runFilter(tt.stream, chans{0, 2}, chunks...))
			})
			checkAgainstGortsplib(t, tt.stream, chans{0, 2}, 7, 1, 30)
		})
	}
}

// Without fast channels everything passes through unchanged, however it is cut.
func TestFrameFilterWithoutFastPath(t *testing.T) {
	stream := join([]byte(describeRes), frame(0, "video"), []byte(keepaliveRes))
	for at := 1; at < len(stream); at++ {
		if got := runFilter(stream, nil, at, 3); !bytes.Equal(got.pass, stream) || len(got.frames) != 0 {
			t.Fatalf("split at %d: passed %q and %d frames, want the stream unchanged", at, got.pass, len(got.frames))
		}
	}
}

// RTSP message framing follows gortsplib's for every header the filter accepts.
func TestMessageBodyLen(t *testing.T) {
	tests := []struct {
		header string
		want   int
		ok     bool
	}{
		{"RTSP/1.0 200 OK\r\n\r\n", 0, true},
		{"RTSP/1.0 200 OK\r\nContent-Length: 12\r\n\r\n", 12, true},
		{"RTSP/1.0 200 OK\r\nCONTENT-LENGTH:   3\r\n\r\n", 3, true},
		{"RTSP/1.0 200 OK\r\nContent-Length : 3\r\n\r\n", 0, true}, // another key to gortsplib
		{"RTSP/1.0 200\r\n\r\n", 0, false},
		{"RTSP/1.0 200 OK\r\nContent-Length: x\r\n\r\n", 0, false},
		{"RTSP/1.0 200 OK\r\nContent-Length: 200000\r\n\r\n", 0, false},
		{"RTSP/1.0 200 OK\r\n: x\r\n\r\n", 0, false},
		{"RTSP/1.0 200 OK\r\nA: b\rc\r\n\r\n", 0, false},
	}
	for _, tt := range tests {
		n, ok := messageBodyLen([]byte(tt.header))
		if n != tt.want || ok != tt.ok {
			t.Errorf("messageBodyLen(%q) = %d, %v; want %d, %v", tt.header, n, ok, tt.want, tt.ok)
		}
	}
}

func FuzzFrameFilter(f *testing.F) {
	f.Add(join([]byte(describeRes), frame(0, "video"), frame(1, "rtcp"), []byte(keepaliveRes), frame(2, "audio")), uint8(5))
	f.Add(join(frame(0, "a"), []byte("junk"), []byte(serverReq), frame(3, "other"), frame(2, "b")), uint8(1))
	f.Add([]byte("RTSP/1.0 200 OK\r\nContent-Length: 4\r\n\r\n$\x00\x00\x01x$\x00\x00\x01y"), uint8(3))
	f.Fuzz(func(t *testing.T, stream []byte, cut uint8) {
		chunk := int(cut%64) + 1
		var chunks []int
		for i := 0; i < len(stream); i += chunk {
			chunks = append(chunks, chunk+i%3)
		}
		whole, cutUp := runFilter(stream, chans{0, 2}), runFilter(stream, chans{0, 2}, chunks...)
		if !bytes.Equal(whole.pass, cutUp.pass) || fmt.Sprint(whole.frames) != fmt.Sprint(cutUp.frames) {
			t.Fatalf("fed whole and in chunks of %d: results differ", chunk)
		}
		checkAgainstGortsplib(t, stream, chans{0, 2}, chunks...)
	})
}

// item is one thing gortsplib's connection reader read.
type item struct {
	kind string // "frame", "response", "request"
	ch   int
	data []byte
}

// gortsplibItems returns what gortsplib's reader (pkg/conn, as the client uses it) reads from b, up to
// its first error.
func gortsplibItems(b []byte) []item {
	c := conn.NewConn(struct {
		io.Reader
		io.Writer
	}{bytes.NewReader(b), io.Discard})
	var out []item
	for {
		v, err := c.Read()
		if err != nil {
			return out
		}
		switch v := v.(type) {
		case *base.InterleavedFrame:
			out = append(out, item{"frame", v.Channel, bytes.Clone(v.Payload)})
		case *base.Response:
			m, _ := v.Marshal()
			out = append(out, item{kind: "response", data: m})
		case *base.Request:
			m, _ := v.Marshal()
			out = append(out, item{kind: "request", data: m})
		}
	}
}

// checkAgainstGortsplib checks that everything gortsplib's reader reads from the stream, in order, is
// either the next fast frame the filter took (from the chunks) or the next thing gortsplib reads from the
// bytes the filter passed through.
func checkAgainstGortsplib(t *testing.T, stream []byte, fast chans, chunks ...int) {
	t.Helper()
	got := runFilter(stream, fast, chunks...)
	passed := gortsplibItems(got.pass)
	fi, pi := 0, 0
	for i, want := range gortsplibItems(stream) {
		switch {
		case want.kind == "frame" && fast.has(byte(want.ch)) && fi < len(got.frames) &&
			int(got.frames[fi].ch) == want.ch && bytes.Equal(got.frames[fi].payload, want.data):
			fi++
		case pi < len(passed) && passed[pi].kind == want.kind && passed[pi].ch == want.ch &&
			bytes.Equal(passed[pi].data, want.data):
			pi++
		default:
			t.Fatalf("item %d gortsplib reads (%s on channel %d, %q) is neither the filter's next fast frame "+
				"nor the next item read from what it passed", i, want.kind, want.ch, want.data)
		}
	}
}
