package nvr

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestInitDataDir: --data-dir (the package's postinst passes /var/lib/porchlight) puts the data dir
// outside the config's directory and writes it to data_dir, so serve finds it again.
func TestInitDataDir(t *testing.T) {
	base := t.TempDir()
	confDir, dataDir := filepath.Join(base, "etc"), filepath.Join(base, "var", "lib", "porchlight")
	code, stdout, stderr := runMain("init", "--dir", confDir, "--data-dir", dataDir, "--name", "Elm Street 12")
	if code != 0 {
		t.Fatalf("init: got exit code %d, stderr %q", code, stderr)
	}
	if want := "data dir: " + dataDir + "\n"; !strings.Contains(stdout, want) {
		t.Errorf("got stdout %q, want it to contain %q", stdout, want)
	}
	cfg, err := Load(filepath.Join(confDir, ConfigFile))
	if err != nil {
		t.Fatal(err)
	}
	if got := cfg.DataDir(); got != dataDir {
		t.Errorf("got data dir %q from the written config, want %q", got, dataDir)
	}
	if _, err := LoadIdentity(dataDir); err != nil {
		t.Errorf("LoadIdentity(%s): %v", dataDir, err)
	}
	if _, err := os.Stat(filepath.Join(confDir, "data")); !os.IsNotExist(err) {
		t.Errorf("got %s (stat err %v), want no default data dir", filepath.Join(confDir, "data"), err)
	}
}

// TestInitDataDirRelative: a relative --data-dir is taken from the working directory, as a shell user
// expects, and written as an absolute path.
func TestInitDataDirRelative(t *testing.T) {
	base := t.TempDir()
	t.Chdir(base)
	if code, _, stderr := runMain("init", "--dir", "conf", "--data-dir", "state"); code != 0 {
		t.Fatalf("init: got exit code %d, stderr %q", code, stderr)
	}
	cfg, err := Load(filepath.Join(base, "conf", ConfigFile))
	if err != nil {
		t.Fatal(err)
	}
	if got, want := cfg.DataPath, filepath.Join(base, "state"); got != want {
		t.Errorf("got data_dir %q in the config, want %q", got, want)
	}
}
