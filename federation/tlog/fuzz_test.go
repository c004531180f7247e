package tlog_test

import (
	"bytes"
	"testing"

	"golang.org/x/mod/sumdb/note"

	"github.com/porchlight/porchlight/federation/tlog"
)

// FuzzParseCheckpoint feeds input both as a whole signed note and as checkpoint text that the log's
// key signs (so the strict text parser is reached, not just the signature check). Whatever is
// accepted must re-encode to exactly the text that was signed.
func FuzzParseCheckpoint(f *testing.F) {
	s, v := testKeys(f, testOrigin, "agency")
	l := openLog(f, tempDB(f), s)
	f.Add(l.Checkpoint())
	appendN(f, l, v, "req", 3)
	f.Add(l.Checkpoint())
	f.Add([]byte(testOrigin + "\n3\nAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=\n"))
	f.Add([]byte(testOrigin + "\n-0\n\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		check := func(signed []byte) {
			cp, err := tlog.ParseCheckpoint(signed, v)
			if err != nil {
				return
			}
			n, err := note.Open(signed, note.VerifierList(v))
			if err != nil {
				t.Fatalf("accepted a note that note.Open refuses: %v", err)
			}
			if got := cp.Text(); string(got) != n.Text {
				t.Fatalf("re-encoded %q, signed text %q", got, n.Text)
			}
			if !bytes.Equal(cp.Signed, signed) || cp.Origin != v.Name() {
				t.Fatalf("accepted checkpoint does not keep its note or origin")
			}
		}
		check(data)
		if signed, err := note.Sign(&note.Note{Text: string(data)}, s); err == nil {
			check(signed)
		}
	})
}

// FuzzDecodeProof checks that DecodeProof never panics and that what it accepts re-encodes identically.
func FuzzDecodeProof(f *testing.F) {
	f.Add([]byte{})
	f.Add(bytes.Repeat([]byte{1}, 32))
	f.Add(bytes.Repeat([]byte{2}, 33))
	f.Add(bytes.Repeat([]byte{3}, 64*32))
	f.Add(bytes.Repeat([]byte{4}, 65*32))
	f.Fuzz(func(t *testing.T, data []byte) {
		p, err := tlog.DecodeProof(data)
		if err != nil {
			if len(data)%32 == 0 && len(data)/32 <= 64 {
				t.Fatalf("refused %d bytes: %v", len(data), err)
			}
			return
		}
		if got := tlog.EncodeProof(p); !bytes.Equal(got, data) {
			t.Fatalf("re-encoded %x, want %x", got, data)
		}
	})
}
