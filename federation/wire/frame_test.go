package wire

import (
	"bytes"
	"testing"
)

// Frames follow one another on a stream; a frame over the reader's bound is an error, not a huge read.
func TestFrames(t *testing.T) {
	type msg struct {
		A string `cbor:"1,keyasint"`
		B []byte `cbor:"2,keyasint,omitempty"`
	}
	var buf bytes.Buffer
	for _, m := range []msg{{A: "one"}, {A: "two", B: []byte{1, 2, 3}}} {
		if err := WriteFrame(&buf, &m); err != nil {
			t.Fatal(err)
		}
	}
	if err := WriteFrame(&buf, &msg{B: make([]byte, 100)}); err != nil {
		t.Fatal(err)
	}
	r := NewFrameReader(&buf, 64)
	for _, want := range []string{"one", "two"} {
		var got msg
		if err := r.Read(&got); err != nil || got.A != want {
			t.Fatalf("read %+v, %v; want %q", got, err, want)
		}
	}
	if err := r.Read(new(msg)); err == nil {
		t.Fatal("a 100-byte frame passed a reader bounded at 64")
	}
}
