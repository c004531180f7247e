package nvr_test

import (
	"encoding/json"
	"os"
	"path/filepath"
	"testing"

	"github.com/porchlight/porchlight/nvr"
	"github.com/porchlight/porchlight/nvr/notify"
)

// TestServeMakesMissingVAPIDKey: a node initialised before Web Push existed (no vapid.key) gets its key,
// 0600, when it starts, and serves its public key; the next start keeps the same key.
func TestServeMakesMissingVAPIDKey(t *testing.T) {
	dir := t.TempDir()
	res, err := nvr.Init(dir, nvr.RoleHousehold, "Elm Street 12")
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(res.DataDir, notify.VAPIDFile)
	if err := os.Remove(path); err != nil {
		t.Fatalf("init made no %s: %v", notify.VAPIDFile, err)
	}
	base, password := runInitNode(t, res, nil)
	fi, err := os.Stat(path)
	if err != nil || fi.Mode().Perm() != 0o600 {
		t.Fatalf("after start: %v, mode %v; want %s with 0600", err, fi.Mode().Perm(), notify.VAPIDFile)
	}
	s := apiLogin(t, base, "admin", password)
	code, b, _ := s.do("GET", "/api/v1/push/key", nil)
	var got struct {
		PublicKey string `json:"public_key"`
	}
	if err := json.Unmarshal(b, &got); code != 200 || err != nil {
		t.Fatalf("GET /api/v1/push/key: %d %s", code, b)
	}
	k, created, err := notify.LoadVAPIDKey(res.DataDir)
	if err != nil || created || k.PublicKey() != got.PublicKey {
		t.Errorf("served key %s, file's %v (created %v, %v)", got.PublicKey, k, created, err)
	}
}
