package tlog_test

import (
	"bytes"
	"crypto/ed25519"
	"encoding/base64"
	"errors"
	"strings"
	"testing"

	"golang.org/x/mod/sumdb/note"

	"github.com/porchlight/porchlight/federation/tlog"
)

// signText signs arbitrary checkpoint text, as a log operator (honest or not) could.
func signText(t *testing.T, text string, signers ...note.Signer) []byte {
	t.Helper()
	msg, err := note.Sign(&note.Note{Text: text}, signers...)
	if err != nil {
		t.Fatalf("note.Sign(%q): %v", text, err)
	}
	return msg
}

func TestParseCheckpoint(t *testing.T) {
	s, v := testKeys(t, testOrigin, "agency")
	impostor, _ := testKeys(t, testOrigin, "impostor")
	cosigner, _ := testKeys(t, "witness.example/home7", "home7")
	hash := bytes.Repeat([]byte{0xab}, 32)
	h64 := base64.StdEncoding.EncodeToString(hash)
	good := testOrigin + "\n42\n" + h64 + "\n"
	goodSigned := signText(t, good, s)
	badSig := bytes.Clone(goodSigned)
	badSig[len(badSig)-6] ^= 'A' ^ 'B' // inside the base64 signature, after the key hash
	if bytes.Equal(badSig, goodSigned) {
		badSig[len(badSig)-6] = 'C'
	}
	crlf := bytes.Replace(goodSigned, []byte(testOrigin+"\n"), []byte(testOrigin+"\r\n"), 1)

	for _, tc := range []struct {
		name   string
		signed []byte
		want   error // nil: accepted
	}{
		{"valid", goodSigned, nil},
		{"cosigned by a witness", signText(t, good, s, cosigner), nil},
		{"wrong origin", signText(t, "porchlight.log/hood1/other\n42\n"+h64+"\n", s), tlog.ErrWrongOrigin},
		{"signed by another key of the same name", signText(t, good, impostor), tlog.ErrBadSignature},
		{"only a cosigner", signText(t, good, cosigner), tlog.ErrBadSignature},
		{"corrupt signature", badSig, tlog.ErrBadSignature},
		{"extension line", signText(t, good+"extra\n", s), tlog.ErrMalformedCheckpoint},
		{"missing hash line", signText(t, testOrigin+"\n42\n", s), tlog.ErrMalformedCheckpoint},
		{"empty origin", signText(t, "\n42\n"+h64+"\n", s), tlog.ErrMalformedCheckpoint},
		{"negative size", signText(t, testOrigin+"\n-1\n"+h64+"\n", s), tlog.ErrMalformedCheckpoint},
		{"plus size", signText(t, testOrigin+"\n+42\n"+h64+"\n", s), tlog.ErrMalformedCheckpoint},
		{"leading zero", signText(t, testOrigin+"\n042\n"+h64+"\n", s), tlog.ErrMalformedCheckpoint},
		{"size overflow", signText(t, testOrigin+"\n9223372036854775808\n"+h64+"\n", s), tlog.ErrMalformedCheckpoint},
		{"size with space", signText(t, testOrigin+"\n42 \n"+h64+"\n", s), tlog.ErrMalformedCheckpoint},
		{"hex hash", signText(t, testOrigin+"\n42\n"+strings.Repeat("ab", 32)+"\n", s), tlog.ErrMalformedCheckpoint},
		{"bad base64", signText(t, testOrigin+"\n42\n!!!!\n", s), tlog.ErrMalformedCheckpoint},
		{"short hash", signText(t, testOrigin+"\n42\n"+base64.StdEncoding.EncodeToString(hash[:31])+"\n", s), tlog.ErrMalformedCheckpoint},
		{"unpadded hash", signText(t, testOrigin+"\n42\n"+strings.TrimRight(h64, "=")+"\n", s), tlog.ErrMalformedCheckpoint},
		{"url base64 hash", signText(t, testOrigin+"\n42\n"+base64.URLEncoding.EncodeToString(bytes.Repeat([]byte{0xff}, 32))+"\n", s), tlog.ErrMalformedCheckpoint},
		{"non-canonical base64 bits", signText(t, testOrigin+"\n42\n"+h64[:42]+"x=\n", s), tlog.ErrMalformedCheckpoint},
		{"size 0 with a non-empty hash", signText(t, testOrigin+"\n0\n"+h64+"\n", s), tlog.ErrMalformedCheckpoint},
		{"carriage return", crlf, tlog.ErrMalformedCheckpoint},
		{"not a note", []byte(good), tlog.ErrMalformedCheckpoint},
		{"empty", nil, tlog.ErrMalformedCheckpoint},
		{"oversized", signText(t, good, append([]note.Signer{s}, manySigners(t, 200)...)...), tlog.ErrMalformedCheckpoint},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cp, err := tlog.ParseCheckpoint(tc.signed, v)
			if tc.want == nil {
				if err != nil {
					t.Fatalf("got %v, want nil", err)
				}
				if cp.Origin != testOrigin || cp.Size != 42 || !bytes.Equal(cp.Hash[:], hash) || !bytes.Equal(cp.Signed, tc.signed) {
					t.Fatalf("got %q %d %v, want %q 42 %x", cp.Origin, cp.Size, cp.Hash, testOrigin, hash)
				}
				return
			}
			t.Logf("error: %v", err)
			if !errors.Is(err, tc.want) {
				t.Fatalf("got %v, want %v", err, tc.want)
			}
		})
	}
}

func manySigners(t *testing.T, n int) []note.Signer {
	out := make([]note.Signer, n)
	for i := range out {
		out[i], _ = testKeys(t, "cosigner.example/"+strings.Repeat("x", i), "cosigner")
	}
	return out
}

func TestKeys(t *testing.T) {
	key := testKey("agency")
	pub := key.Public().(ed25519.PublicKey)
	s, err := tlog.NewSigner(testOrigin, key)
	if err != nil {
		t.Fatal(err)
	}
	v, err := tlog.NewVerifier(testOrigin, pub)
	if err != nil {
		t.Fatal(err)
	}
	if s.KeyHash() != v.KeyHash() || s.Name() != v.Name() {
		t.Fatalf("signer %s/%08x, verifier %s/%08x: want equal", s.Name(), s.KeyHash(), v.Name(), v.KeyHash())
	}
	// The verifier key a home would be given round-trips through note's own parser.
	vkey, _ := note.NewEd25519VerifierKey(testOrigin, pub)
	nv, err := note.NewVerifier(vkey)
	if err != nil || nv.KeyHash() != s.KeyHash() {
		t.Fatalf("note.NewVerifier(%q): got %v hash mismatch, want %08x", vkey, err, s.KeyHash())
	}
	for _, tc := range []struct {
		name string
		err  error
	}{
		{"short private key", second(tlog.NewSigner(testOrigin, key[:10]))},
		{"short public key", second(tlog.NewVerifier(testOrigin, pub[:10]))},
		{"name with space", second(tlog.NewSigner("porchlight log", key))},
		{"name with plus", second(tlog.NewVerifier("a+b", pub))},
		{"empty name", second(tlog.NewVerifier("", pub))},
	} {
		if tc.err == nil {
			t.Errorf("%s: got nil error, want one", tc.name)
		}
	}
}
