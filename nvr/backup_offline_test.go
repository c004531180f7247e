package nvr_test

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/porchlight/porchlight/internal/testutil"
	"github.com/porchlight/porchlight/recorder/democam"
)

// TestBackupStoppedNodeWithRecordings backs up a stopped node (the databases opened read-only), without
// encryption (a warning says so) and with its recordings; the restore has the segment files; a second
// restore into the same directory is refused, and with --force the first is moved aside.
func TestBackupStoppedNodeWithRecordings(t *testing.T) {
	cam := startClipCamera(t, democam.Default())
	h := newHoodNode(t, "h", "household", func(cfg map[string]any) {
		cfg["cameras"] = []map[string]any{{"name": "front", "url": cam.URL()}}
	})
	h.start(t)
	testutil.WaitForState(t, 30*time.Second, "a finished segment of front", func() (bool, string) {
		segs, _ := filepath.Glob(filepath.Join(h.dir, "data", "recordings", "front", "*", "*"))
		return len(segs) >= 2, strings.Join(segs, " ")
	})
	h.stop(t)
	segs, _ := filepath.Glob(filepath.Join(h.dir, "data", "recordings", "front", "*", "*"))

	archive := filepath.Join(t.TempDir(), "h.tar.gz")
	cmd := exec.Command(porchlightBin(t), "backup", "--config", h.cfg, "-o", archive, "--no-encrypt", "--with-recordings")
	var stderr strings.Builder
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("backup: %v: %s", err, stderr.String())
	}
	if !strings.Contains(string(out), "read from the files (the node is not running)") {
		t.Errorf("backup printed %q, want the databases read from the files", out)
	}
	if !strings.Contains(stderr.String(), "WARNING: the archive is NOT encrypted") {
		t.Errorf("backup --no-encrypt warned %q, want a warning that the archive is not encrypted", stderr.String())
	}

	dir := filepath.Join(t.TempDir(), "node")
	run(t, "restore", "--dir", dir, "-i", archive)
	for _, seg := range segs {
		rel, _ := filepath.Rel(h.dir, seg)
		want, _ := os.ReadFile(seg)
		got, err := os.ReadFile(filepath.Join(dir, rel))
		if err != nil || string(got) != string(want) {
			t.Errorf("restored %s: %v, want the recorded segment (%d bytes, got %d)", rel, err, len(want), len(got))
		}
	}
	if b, _ := os.ReadFile(filepath.Join(dir, "porchlight.yml")); !strings.Contains(string(b), "data_dir: data") {
		t.Errorf("restored config lacks data_dir: data:\n%s", b)
	}

	cmd = exec.Command(porchlightBin(t), "restore", "--dir", dir, "-i", archive)
	stderr.Reset()
	cmd.Stderr = &stderr
	if err := cmd.Run(); err == nil || !strings.Contains(stderr.String(), "refusing to restore over it") {
		t.Errorf("restore over a restored node: got %v, %q, want a refusal", err, stderr.String())
	}
	forced := run(t, "restore", "--dir", dir, "-i", archive, "--force")
	aside, _ := filepath.Glob(dir + ".replaced-*")
	if len(aside) != 1 || !strings.Contains(forced, aside[0]) {
		t.Fatalf("restore --force printed %q, left %v; want the old node moved aside and named", forced, aside)
	}
	if _, err := os.Stat(filepath.Join(aside[0], "data", "identity.key")); err != nil {
		t.Errorf("the node moved aside lost its identity: %v", err)
	}
	if _, err := os.Stat(filepath.Join(dir, "data", "identity.key")); err != nil {
		t.Errorf("forced restore: %v", err)
	}
}

// TestBackupMadePassphrase: without --passphrase-file or --no-encrypt, backup encrypts with a passphrase
// it makes and prints once; restore refuses the archive without it and accepts it with it.
func TestBackupMadePassphrase(t *testing.T) {
	h := newHoodNode(t, "h", "household", nil)
	archive := filepath.Join(t.TempDir(), "h.tar.gz.age")
	out := run(t, "backup", "--config", h.cfg, "-o", archive)
	_, pass, ok := strings.Cut(out, "passphrase (shown once; keep it apart from the archive, restore needs it): ")
	pass = strings.TrimSpace(pass)
	if !ok || len(pass) < 20 {
		t.Fatalf("backup printed %q, want a made passphrase", out)
	}
	cmd := exec.Command(porchlightBin(t), "restore", "--dir", filepath.Join(t.TempDir(), "n"), "-i", archive)
	var stderr strings.Builder
	cmd.Stderr = &stderr
	if err := cmd.Run(); err == nil || !strings.Contains(stderr.String(), "encrypted: a passphrase is needed") {
		t.Errorf("restore without the passphrase: got %v, %q, want a refusal saying a passphrase is needed", err, stderr.String())
	}
	passFile := filepath.Join(t.TempDir(), "pass")
	os.WriteFile(passFile, []byte(pass+"\n"), 0o600)
	run(t, "restore", "--dir", filepath.Join(t.TempDir(), "n"), "-i", archive, "--passphrase-file", passFile)
}
