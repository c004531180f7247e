package nvr

import (
	"bytes"
	"crypto/ed25519"
	"errors"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/porchlight/porchlight/federation/roster"

	"github.com/porchlight/porchlight/nvr/backup"
)

// TestRestoreRefusesNewerFormat: an archive whose manifest records a format newer than this build reads,
// or one it does not know, is refused with the format, both versions and the porchlight that wrote it,
// and nothing is written; the same node's archive with this build's formats restores.
func TestRestoreRefusesNewerFormat(t *testing.T) {
	res, err := Init(filepath.Join(t.TempDir(), "node"), RoleHousehold, "Elm Street 12")
	if err != nil {
		t.Fatal(err)
	}
	archive := func(formats map[string]int) []byte {
		var buf bytes.Buffer
		w, err := backup.NewWriter(&buf, "")
		if err != nil {
			t.Fatal(err)
		}
		for name, path := range map[string]string{
			"config/" + ConfigFile: res.ConfigPath, "data/" + IdentityFile: filepath.Join(res.DataDir, IdentityFile),
		} {
			b, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			if err := w.Add(name, 0o600, int64(len(b)), bytes.NewReader(b)); err != nil {
				t.Fatal(err)
			}
		}
		key, err := LoadIdentity(res.DataDir)
		if err != nil {
			t.Fatal(err)
		}
		id, err := roster.PeerOf(key.Public().(ed25519.PublicKey))
		if err != nil {
			t.Fatal(err)
		}
		m := backup.Manifest{Created: time.Now(), Node: "Elm Street 12", Role: "household", Version: "9.9.9",
			PeerID: id.String(), Formats: formats}
		if err := w.Close(m); err != nil {
			t.Fatal(err)
		}
		return buf.Bytes()
	}
	newerIndex := Formats()
	newerIndex["index"]++
	for _, tc := range []struct {
		name    string
		formats map[string]int
		want    string
	}{
		{"newer index", newerIndex, "index " + strconv.Itoa(newerIndex["index"]) + " (this porchlight reads up to " + strconv.Itoa(Formats()["index"]) + ")"},
		{"unknown format", map[string]int{"config": CurrentVersion, "thumbnails": 1}, "thumbnails 1 (unknown here)"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := filepath.Join(t.TempDir(), "restored")
			_, err := Restore(dir, bytes.NewReader(archive(tc.formats)), "", false)
			if !errors.Is(err, ErrNewerFormat) || !strings.Contains(err.Error(), tc.want) || !strings.Contains(err.Error(), "porchlight 9.9.9") {
				t.Fatalf("got error %v, want ErrNewerFormat naming %q and porchlight 9.9.9", err, tc.want)
			}
			if entries, _ := os.ReadDir(filepath.Dir(dir)); len(entries) != 0 {
				t.Errorf("the refused restore left %d entries beside %s, want none", len(entries), dir)
			}
		})
	}
	if _, err := Restore(filepath.Join(t.TempDir(), "restored"), bytes.NewReader(archive(Formats())), "", false); err != nil {
		t.Errorf("restore of this build's formats: %v", err)
	}
}
