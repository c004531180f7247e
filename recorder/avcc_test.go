package recorder

import (
	"bytes"
	"testing"

	"github.com/bluenviron/mediacommon/v2/pkg/codecs/h264"
)

// appendAVCC gives the bytes AVCC.Marshal gives, in pieces, and never rewrites a prefix it handed out.
func TestAppendAVCCMatchesMarshal(t *testing.T) {
	var a prefixArena
	var held [][]byte
	var want []byte
	for i := range 3000 { // more NAL units than one arena block holds
		nalus := [][]byte{bytes.Repeat([]byte{byte(i)}, i%7+1), bytes.Repeat([]byte{0x65}, i%300+1)}
		m, _ := h264.AVCC(nalus).Marshal()
		want = append(want, m...)
		var size int
		held, size = a.appendAVCC(held, nalus)
		if size != len(m) {
			t.Fatalf("access unit %d: got size %d, want %d", i, size, len(m))
		}
	}
	if got := bytes.Join(held, nil); !bytes.Equal(got, want) {
		t.Fatalf("got %d bytes that differ from AVCC.Marshal's %d", len(got), len(want))
	}
}
