package nvr

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/porchlight/porchlight/nvr/backup"
)

// TestWriteBackupContents: the archive of a stopped node holds the config, the data dir's secrets, the
// files the config names beside it, and nothing of an excluded directory (scheduled backups kept in the
// data dir) or of temp files; a file the config names outside its directory is a warning naming the key.
func TestWriteBackupContents(t *testing.T) {
	res, err := Init(t.TempDir(), RoleHousehold, "Elm Street 12")
	if err != nil {
		t.Fatal(err)
	}
	cfg, err := Load(res.ConfigPath)
	if err != nil {
		t.Fatal(err)
	}
	cfgDir := filepath.Dir(res.ConfigPath)
	outside := filepath.Join(t.TempDir(), "key.pem")
	for path, body := range map[string]string{
		filepath.Join(cfgDir, "certs", "cert.pem"): "cert",
		outside: "key",
		filepath.Join(res.DataDir, "webhook-x.key"):         "notify secret",
		filepath.Join(res.DataDir, "backups", "old.tar.gz"): "an older backup",
		filepath.Join(res.DataDir, ".users.json.tmp-1"):     "temp",
	} {
		os.MkdirAll(filepath.Dir(path), 0o700)
		if err := os.WriteFile(path, []byte(body), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	cfg.HTTP.TLSCert, cfg.HTTP.TLSKey = "certs/cert.pem", outside
	var buf bytes.Buffer
	m, warnings, err := writeBackup(context.Background(), cfg, &buf,
		backupOptions{Exclude: []string{filepath.Join(res.DataDir, "backups")}}, noSnapshots)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, f := range m.Files {
		names = append(names, f.Name)
	}
	slices.Sort(names)
	want := []string{"config/certs/cert.pem", "config/porchlight.yml", "data/api.token", "data/identity.key",
		"data/users.json", "data/vapid.key", "data/webhook-x.key"}
	if strings.Join(names, " ") != strings.Join(want, " ") {
		t.Errorf("archive holds %v, want %v", names, want)
	}
	if len(warnings) != 1 || !strings.HasPrefix(warnings[0], "http.tls_key: "+outside+" is outside") {
		t.Errorf("got warnings %q, want one naming http.tls_key", warnings)
	}
	if _, err := backup.Extract(&buf, "", t.TempDir()); err != nil {
		t.Errorf("the archive does not read back: %v", err)
	}
}
