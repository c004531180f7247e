package deliver

import (
	"bytes"
	"crypto/sha256"
	"errors"
	"io"
	"testing"

	"filippo.io/age"
)

func TestSealUnsealRoundTrip(t *testing.T) {
	for _, n := range []int64{0, 1, 1<<20 + 7} {
		t.Run("", func(t *testing.T) {
			want, _ := io.ReadAll(plain(n, 7))
			id, err := age.GenerateX25519Identity()
			if err != nil {
				t.Fatal(err)
			}
			var sealed bytes.Buffer
			s, err := Seal(&sealed, bytes.NewReader(want), id.Recipient())
			if err != nil {
				t.Fatal(err)
			}
			if s.PlainSize != n || s.PlainSHA256 != sha256.Sum256(want) {
				t.Errorf("plain sums: got %d %x, want %d %x", s.PlainSize, s.PlainSHA256, n, sha256.Sum256(want))
			}
			if s.CipherSize != int64(sealed.Len()) || s.CipherSHA256 != sha256.Sum256(sealed.Bytes()) {
				t.Errorf("cipher sums: got %d %x, want %d %x", s.CipherSize, s.CipherSHA256, sealed.Len(), sha256.Sum256(sealed.Bytes()))
			}
			if n >= 64 && bytes.Contains(sealed.Bytes(), want[:64]) {
				t.Error("ciphertext contains the plaintext")
			}

			var got bytes.Buffer
			u, err := Unseal(&got, bytes.NewReader(sealed.Bytes()), id)
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(got.Bytes(), want) {
				t.Errorf("unsealed %d bytes, want the %d sealed", got.Len(), n)
			}
			if u != s {
				t.Errorf("unseal sums: got %+v, want %+v", u, s)
			}

			other, _ := age.GenerateX25519Identity()
			var none bytes.Buffer
			_, err = Unseal(&none, bytes.NewReader(sealed.Bytes()), other)
			var noMatch *age.NoIdentityMatchError
			if !errors.As(err, &noMatch) {
				t.Errorf("unseal with another identity: got %v, want a NoIdentityMatchError", err)
			}
		})
	}
}

// A Sealer takes the plaintext in writes of any size (an exporter's) and gives the sums Seal gives.
func TestSealerTakesWrites(t *testing.T) {
	want, _ := io.ReadAll(plain(3<<20+5, 9))
	id, err := age.GenerateX25519Identity()
	if err != nil {
		t.Fatal(err)
	}
	var sealed bytes.Buffer
	s, err := NewSealer(&sealed, id.Recipient())
	if err != nil {
		t.Fatal(err)
	}
	for rest, size := want, 1; len(rest) > 0; size = size*3 + 1 {
		k := min(size, len(rest))
		if n, err := s.Write(rest[:k]); n != k || err != nil {
			t.Fatalf("Write(%d bytes) = %d, %v", k, n, err)
		}
		rest = rest[k:]
	}
	sums, err := s.Finish()
	if err != nil {
		t.Fatal(err)
	}
	if sums.PlainSize != int64(len(want)) || sums.PlainSHA256 != sha256.Sum256(want) ||
		sums.CipherSize != int64(sealed.Len()) || sums.CipherSHA256 != sha256.Sum256(sealed.Bytes()) {
		t.Errorf("sums %+v do not describe the %d bytes written and the %d sealed", sums, len(want), sealed.Len())
	}
	var got bytes.Buffer
	if _, err := Unseal(&got, &sealed, id); err != nil || !bytes.Equal(got.Bytes(), want) {
		t.Errorf("unsealed %d bytes (%v), want the %d written", got.Len(), err, len(want))
	}
}

func TestSealIsRandomised(t *testing.T) {
	// The reason a delivery must be sealed once and resent from the same file.
	id, _ := age.GenerateX25519Identity()
	a, err := Seal(io.Discard, plain(1000, 1), id.Recipient())
	if err != nil {
		t.Fatal(err)
	}
	b, err := Seal(io.Discard, plain(1000, 1), id.Recipient())
	if err != nil {
		t.Fatal(err)
	}
	if a.PlainSHA256 != b.PlainSHA256 || a.CipherSHA256 == b.CipherSHA256 {
		t.Errorf("two seals of one plaintext: plain equal %v (want true), cipher equal %v (want false)",
			a.PlainSHA256 == b.PlainSHA256, a.CipherSHA256 == b.CipherSHA256)
	}
}

func TestUnsealTampered(t *testing.T) {
	id, _ := age.GenerateX25519Identity()
	var sealed bytes.Buffer
	if _, err := Seal(&sealed, plain(200_000, 2), id.Recipient()); err != nil {
		t.Fatal(err)
	}
	for name, edit := range map[string]func([]byte) []byte{
		"flipped": func(b []byte) []byte { b[len(b)/2] ^= 1; return b },
		"cut":     func(b []byte) []byte { return b[:len(b)-100] },
		"trailer": func(b []byte) []byte { return append(b, 0) },
	} {
		t.Run(name, func(t *testing.T) {
			bad := edit(bytes.Clone(sealed.Bytes()))
			if _, err := Unseal(io.Discard, bytes.NewReader(bad), id); err == nil {
				t.Error("unseal: got no error, want one")
			}
		})
	}
}
