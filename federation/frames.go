package federation

import (
	"fmt"
	"io"

	"github.com/libp2p/go-msgio"

	"github.com/porchlight/porchlight/federation/wire"
)

// Stream protocols. Each stream carries varint-length-prefixed CBOR frames.
const (
	protoJoin = "/porchlight/join/1.0.0"
	protoSync = "/porchlight/sync/1.0.0"
	protoClip = "/porchlight/clip/1.0.0"
)

// maxFrame bounds one frame read from a peer.
const maxFrame = 4 << 20

func writeFrame(w io.Writer, v any) error {
	b, err := wire.Marshal(v)
	if err != nil {
		return err
	}
	return msgio.NewVarintWriter(w).WriteMsg(b)
}

// frameReader reads frames of at most maxFrame bytes.
type frameReader struct{ r msgio.Reader }

func newFrameReader(r io.Reader) *frameReader {
	return &frameReader{r: msgio.NewVarintReaderSize(r, maxFrame)}
}

func (f *frameReader) read(v any) error {
	b, err := f.r.ReadMsg()
	if err != nil {
		return err
	}
	defer f.r.ReleaseMsg(b)
	if err := wire.Unmarshal(b, v); err != nil {
		return fmt.Errorf("frame: %w", err)
	}
	return nil
}

// decodeRecords decodes a list of encoded records, skipping none: any bad one is an error.
func decodeRecords(raw [][]byte) ([]wire.Signed, error) {
	out := make([]wire.Signed, 0, len(raw))
	for _, b := range raw {
		s, err := wire.Decode(b)
		if err != nil {
			return nil, err
		}
		out = append(out, s)
	}
	return out, nil
}

func encodeRecords(recs []wire.Signed) [][]byte {
	out := make([][]byte, len(recs))
	for i, r := range recs {
		out[i] = r.Marshal()
	}
	return out
}
