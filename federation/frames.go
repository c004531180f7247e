package federation

import (
	"github.com/porchlight/porchlight/federation/wire"
)

// Stream protocols. Each stream carries varint-length-prefixed CBOR frames (wire.WriteFrame).
const (
	protoJoin = "/porchlight/join/1.0.0"
	protoSync = "/porchlight/sync/1.0.0"
	protoClip = "/porchlight/clip/1.0.0"
)

// maxFrame bounds one frame read from a peer.
const maxFrame = 4 << 20

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
