package backup

import (
	"bytes"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// archive writes a small archive with two files, encrypted when pass is not empty (low scrypt work).
func archive(t testing.TB, pass string) []byte {
	t.Helper()
	var buf bytes.Buffer
	w, err := newWriter(&buf, pass, 10)
	if err != nil {
		t.Fatal(err)
	}
	files := map[string]string{"config/porchlight.yml": "version: 1\n", "data/identity.key": "secret key"}
	for _, name := range []string{"config/porchlight.yml", "data/identity.key"} {
		if err := w.Add(name, 0o600, int64(len(files[name])), strings.NewReader(files[name])); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.AddFunc("data/sub/index.db", 0o644, 4, func(w2 io.Writer) error {
		_, err := w2.Write([]byte("bolt"))
		return err
	}); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(Manifest{Node: "Elm", PeerID: "12D3KooTest"}); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func TestRoundTrip(t *testing.T) {
	for _, pass := range []string{"", "correct horse"} {
		dir := t.TempDir()
		m, err := Extract(bytes.NewReader(archive(t, pass)), pass, dir)
		if err != nil {
			t.Fatalf("passphrase %q: %v", pass, err)
		}
		if m.Node != "Elm" || m.PeerID != "12D3KooTest" || len(m.Files) != 3 {
			t.Errorf("got manifest %+v, want node Elm with 3 files", m)
		}
		b, err := os.ReadFile(filepath.Join(dir, "data", "identity.key"))
		if err != nil || string(b) != "secret key" {
			t.Errorf("data/identity.key: got %q, %v, want the file", b, err)
		}
		if b, _ := os.ReadFile(filepath.Join(dir, "data", "sub", "index.db")); string(b) != "bolt" {
			t.Errorf("data/sub/index.db: got %q, want bolt", b)
		}
		if fi, _ := os.Stat(filepath.Join(dir, "data", "sub", "index.db")); fi.Mode().Perm() != 0o644 {
			t.Errorf("data/sub/index.db: mode %v, want 0644 as archived", fi.Mode().Perm())
		}
	}
}

func TestRefused(t *testing.T) {
	enc := archive(t, "correct horse")
	plain := archive(t, "")
	flip := func(b []byte, i int) []byte {
		c := bytes.Clone(b)
		c[i] ^= 0x40
		return c
	}
	for _, tc := range []struct {
		name string
		b    []byte
		pass string
		want error
	}{
		{"wrong passphrase", enc, "wrong", ErrPassphrase},
		{"no passphrase", enc, "", ErrEncrypted},
		{"truncated encrypted", enc[:len(enc)-20], "correct horse", ErrCorrupt},
		{"truncated plain", plain[:len(plain)-20], "", ErrCorrupt},
		{"flipped byte encrypted", flip(enc, len(enc)-100), "correct horse", ErrCorrupt},
		{"flipped byte plain", flip(plain, len(plain)/2), "", ErrCorrupt},
		{"empty", nil, "", ErrCorrupt},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Extract(bytes.NewReader(tc.b), tc.pass, t.TempDir())
			if !errors.Is(err, tc.want) {
				t.Errorf("got %v, want %v", err, tc.want)
			}
		})
	}
}

func TestCheckName(t *testing.T) {
	for name, ok := range map[string]bool{
		"data/identity.key": true, "config/porchlight.yml": true, "data/recordings/front/main/1.mp4": true,
		"../x": false, "data/../../x": false, "/etc/passwd": false, "data": false, "other/x": false,
		"data/./x": false, "data//x": false, "MANIFEST.json": false, `data\x`: false,
	} {
		if err := CheckName(name); (err == nil) != ok {
			t.Errorf("CheckName(%q): got %v, want ok=%v", name, err, ok)
		}
	}
}

// FuzzExtract feeds arbitrary bytes to the archive reader: it must return an error or a manifest whose
// files all exist under the directory, and never write outside it.
func FuzzExtract(f *testing.F) {
	f.Add(archive(f, ""))
	f.Add(archive(f, "p"))
	f.Add([]byte("age-encryption.org/v1\n-> scrypt x 10\n"))
	f.Add([]byte{0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 0xff})
	f.Fuzz(func(t *testing.T, b []byte) {
		parent := t.TempDir()
		dir := filepath.Join(parent, "x")
		if err := os.Mkdir(dir, 0o700); err != nil {
			t.Fatal(err)
		}
		m, err := extract(bytes.NewReader(b), "p", dir, 12) // a mutated header may ask for more: refused
		if err == nil {
			for _, file := range m.Files {
				if _, err := os.Stat(filepath.Join(dir, filepath.FromSlash(file.Name))); err != nil {
					t.Errorf("manifest lists %s: %v", file.Name, err)
				}
			}
		}
		entries, _ := os.ReadDir(parent)
		if len(entries) != 1 {
			t.Errorf("Extract wrote beside its directory: %v", entries)
		}
	})
}

// FuzzDecodeManifest: any manifest either decodes to files with valid, distinct names or is an error
// wrapping ErrCorrupt.
func FuzzDecodeManifest(f *testing.F) {
	f.Add([]byte(`{"format":1,"node":"Elm","files":[{"name":"data/identity.key","size":3,"mode":384,"sha256":"` + strings.Repeat("a", 64) + `"}]}`))
	f.Add([]byte(`{"format":1,"files":[{"name":"../x","size":1,"sha256":""}]}`))
	f.Add([]byte(`{"format":2}`))
	f.Add([]byte(`[]`))
	f.Fuzz(func(t *testing.T, b []byte) {
		m, err := decodeManifest(b)
		if err != nil {
			if !errors.Is(err, ErrCorrupt) {
				t.Errorf("got %v, want an error wrapping ErrCorrupt", err)
			}
			return
		}
		seen := map[string]bool{}
		for _, file := range m.Files {
			if CheckName(file.Name) != nil || seen[file.Name] {
				t.Errorf("accepted file name %q", file.Name)
			}
			seen[file.Name] = true
		}
	})
}
