package wire

import (
	"fmt"
	"io"

	"github.com/libp2p/go-msgio"
)

// Streams carry records and protocol messages as frames: a varint length, then the CBOR encoding.

// WriteFrame writes v as one frame.
func WriteFrame(w io.Writer, v any) error {
	b, err := Marshal(v)
	if err != nil {
		return err
	}
	return msgio.NewVarintWriter(w).WriteMsg(b)
}

// A FrameReader reads frames from one stream; it may read ahead, so a stream has one FrameReader.
type FrameReader struct{ r msgio.Reader }

// NewFrameReader reads frames of at most max bytes from r.
func NewFrameReader(r io.Reader, max int) *FrameReader {
	return &FrameReader{r: msgio.NewVarintReaderSize(r, max)}
}

// Read decodes the next frame into v.
func (f *FrameReader) Read(v any) error {
	b, err := f.r.ReadMsg()
	if err != nil {
		return err
	}
	defer f.r.ReleaseMsg(b)
	if err := Unmarshal(b, v); err != nil {
		return fmt.Errorf("frame: %w", err)
	}
	return nil
}
