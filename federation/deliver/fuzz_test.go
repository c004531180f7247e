package deliver

import (
	"bytes"
	"crypto/sha256"
	"errors"
	"io"
	"os"
	"path/filepath"
	"testing"
)

// Fuzz targets for every frame a peer sends, and for Serve on a whole stream of arbitrary bytes. Seeds
// are valid encodings.

// frame returns v as a frame's bytes.
func frame(tb testing.TB, v any) []byte {
	tb.Helper()
	var b bytes.Buffer
	if err := writeFrame(&b, v); err != nil {
		tb.Fatal(err)
	}
	return b.Bytes()
}

func seedOffer() Offer {
	var sum [32]byte
	sum[0] = 0xab
	return Offer{ID: IDOf(sum), Manifest: []byte("manifest"), Size: 5, SHA256: sum[:]}
}

func FuzzReadOffer(f *testing.F) {
	f.Add(frame(f, seedOffer()))
	f.Add(frame(f, Offer{}))
	f.Add([]byte{0x80, 0x80, 0x04})
	f.Fuzz(func(t *testing.T, b []byte) {
		o, err := readOffer(bytes.NewReader(b))
		if err != nil {
			return
		}
		if o.Check(0) == nil {
			// A valid offer survives a round trip unchanged.
			o2, err := readOffer(bytes.NewReader(frame(t, o)))
			if err != nil || o2.ID != o.ID || o2.Size != o.Size || !bytes.Equal(o2.SHA256, o.SHA256) {
				t.Errorf("round trip: got %+v, %v; want %+v", o2, err, o)
			}
		}
	})
}

func FuzzReadResume(f *testing.F) {
	f.Add(frame(f, reply{Resume: &Resume{Have: 3}}), int64(5))
	f.Add(frame(f, reply{Refuse: &Refuse{Reason: "busy"}}), int64(5))
	f.Add(frame(f, reply{Resume: &Resume{}, Done: &Done{}}), int64(5))
	f.Fuzz(func(t *testing.T, b []byte, size int64) {
		have, err := readResume(bytes.NewReader(b), size)
		if err == nil && (have < 0 || have > size) {
			t.Errorf("readResume: got have %d for size %d without error", have, size)
		}
	})
}

func FuzzReadDone(f *testing.F) {
	f.Add(frame(f, reply{Done: &Done{Receipt: []byte("r")}}))
	f.Add(frame(f, reply{Refuse: &Refuse{Reason: "sha256 mismatch"}}))
	f.Fuzz(func(t *testing.T, b []byte) {
		receipt, err := readDone(bytes.NewReader(b))
		if err != nil && receipt != nil {
			t.Errorf("readDone: got receipt %q with error %v", receipt, err)
		}
	})
}

// FuzzServe feeds Serve a whole stream (offer, body, anything after) from a peer, into a real directory.
func FuzzServe(f *testing.F) {
	body := []byte("hello")
	o := NewOffer([]byte("m"), Sums{CipherSize: 5, CipherSHA256: sha256.Sum256(body)})
	f.Add(append(frame(f, o), body...))
	f.Add(append(frame(f, o), "hellx"...))
	f.Add(frame(f, o)[:10])
	dir := f.TempDir()
	f.Fuzz(func(t *testing.T, b []byte) {
		r := &Receiver{Dir: dir, MaxSize: 1 << 20, Accept: func(Offer) error { return nil }}
		var out bytes.Buffer
		err := r.Serve(struct {
			io.Reader
			io.Writer
		}{bytes.NewReader(b), &out})
		if err == nil {
			// Serve kept a file: it must have the offered hash.
			in := bytes.NewReader(b)
			got, _ := readOffer(in)
			n, sum, herr := hashFile(filepath.Join(dir, got.ID+".age"))
			if herr != nil || n != got.Size || !bytes.Equal(sum[:], got.SHA256) {
				t.Errorf("Serve kept %s: %d bytes %x, %v; want %d bytes %x", got.ID, n, sum, herr, got.Size, got.SHA256)
			}
		} else if errors.Is(err, ErrMismatch) {
			// A mismatch leaves no part file behind.
			got, _ := readOffer(bytes.NewReader(b))
			if _, err := os.Stat(filepath.Join(dir, got.ID+".part")); !errors.Is(err, os.ErrNotExist) {
				t.Errorf("part file after a mismatch: got %v, want not exist", err)
			}
		}
	})
}
