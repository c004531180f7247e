package nvr

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/porchlight/porchlight/nvr/notify"
	"github.com/porchlight/porchlight/ui"
)

// packagedConfig is a config as the Debian package ships it: no per-node value, the name left to the
// hostname and the data dir outside the config's directory.
func packagedConfig(t *testing.T) (cfgPath, dataDir string) {
	t.Helper()
	base := t.TempDir()
	cfgPath, dataDir = filepath.Join(base, "etc", ConfigFile), filepath.Join(base, "var", "lib", "porchlight")
	if err := os.MkdirAll(filepath.Dir(cfgPath), 0o700); err != nil {
		t.Fatal(err)
	}
	src := "# shipped by the package\nversion: 1\nname: \"\"    # the hostname\ndata_dir: " + dataDir + "\n"
	if err := os.WriteFile(cfgPath, []byte(src), 0o600); err != nil {
		t.Fatal(err)
	}
	return cfgPath, dataDir
}

// TestInitConfig: `init --config FILE` sets up the data dir of an existing config (identity, admin with
// the printed password, token, VAPID key, all 0600 in a 0700 dir), leaves the config byte for byte as it
// was, names the node after the hostname the config leaves it to, and serve's Load finds it all.
func TestInitConfig(t *testing.T) {
	cfgPath, dataDir := packagedConfig(t)
	before, err := os.ReadFile(cfgPath)
	if err != nil {
		t.Fatal(err)
	}
	code, stdout, stderr := runMain("init", "--config", cfgPath)
	if code != 0 {
		t.Fatalf("init --config: got exit code %d, stderr %q", code, stderr)
	}
	after, err := os.ReadFile(cfgPath)
	if err != nil || string(after) != string(before) {
		t.Errorf("init --config changed the config (err %v):\n%s", err, after)
	}
	host, err := os.Hostname()
	if err != nil {
		t.Fatal(err)
	}
	var password string
	for _, l := range strings.Split(stdout, "\n") {
		if p, ok := strings.CutPrefix(l, "admin password: "); ok {
			password = p
		}
	}
	for _, want := range []string{`initialised household node "` + host + `"`, "config: " + cfgPath + "\n",
		"data dir: " + dataDir + "\n", "admin user: admin\n"} {
		if !strings.Contains(stdout, want) {
			t.Errorf("got stdout %q, want it to contain %q", stdout, want)
		}
	}
	checkMode(t, dataDir, 0o700|os.ModeDir)
	for _, f := range []string{IdentityFile, ui.UsersFile, ui.TokenFile, notify.VAPIDFile} {
		checkMode(t, filepath.Join(dataDir, f), 0o600)
	}
	if ok, err := ui.Verify(dataDir, AdminUser, password); !ok || err != nil {
		t.Errorf("Verify(admin, printed password %q): got (%v, %v), want (true, nil)", password, ok, err)
	}
	cfg, err := Load(cfgPath)
	if err != nil {
		t.Fatal(err)
	}
	if cfg.DataDir() != dataDir || cfg.Name != host {
		t.Errorf("Load: got data dir %q and name %q, want %q and %q", cfg.DataDir(), cfg.Name, dataDir, host)
	}
	if _, err := LoadIdentity(dataDir); err != nil {
		t.Errorf("LoadIdentity: %v", err)
	}
}

// TestInitConfigRefuses: init --config refuses a data dir that holds a node (any file init writes),
// touching nothing, but takes one that holds other files (a mounted disk's lost+found); it refuses an
// invalid or missing config, and --config with the flags of --dir.
func TestInitConfigRefuses(t *testing.T) {
	t.Run("node exists", func(t *testing.T) {
		for _, f := range []string{IdentityFile, ui.UsersFile, ui.TokenFile, notify.VAPIDFile} {
			cfgPath, dataDir := packagedConfig(t)
			if err := os.MkdirAll(dataDir, 0o700); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(filepath.Join(dataDir, f), []byte("kept"), 0o600); err != nil {
				t.Fatal(err)
			}
			if _, err := InitConfig(cfgPath); !errors.Is(err, ErrDataDirHasNode) || !strings.Contains(err.Error(), f) {
				t.Errorf("with %s: got error %v, want ErrDataDirHasNode naming it", f, err)
			}
			if entries, _ := os.ReadDir(dataDir); len(entries) != 1 {
				t.Errorf("with %s: got %d entries in the data dir, want only it", f, len(entries))
			}
			if b, _ := os.ReadFile(filepath.Join(dataDir, f)); string(b) != "kept" {
				t.Errorf("with %s: the file was changed to %q", f, b)
			}
		}
	})
	t.Run("other files", func(t *testing.T) {
		cfgPath, dataDir := packagedConfig(t)
		if err := os.MkdirAll(filepath.Join(dataDir, "lost+found"), 0o700); err != nil {
			t.Fatal(err)
		}
		if _, err := InitConfig(cfgPath); err != nil {
			t.Fatalf("InitConfig beside lost+found: %v", err)
		}
	})
	t.Run("bad config", func(t *testing.T) {
		cfgPath, dataDir := packagedConfig(t)
		if err := os.WriteFile(cfgPath, []byte("version: 1\ndata_dir: "+dataDir+"\nnmae: x\n"), 0o600); err != nil {
			t.Fatal(err)
		}
		if _, err := InitConfig(cfgPath); err == nil || !strings.Contains(err.Error(), cfgPath) || !strings.Contains(err.Error(), "nmae") {
			t.Errorf("got error %v, want one naming the file and the key nmae", err)
		}
		if _, err := os.Stat(dataDir); !os.IsNotExist(err) {
			t.Errorf("got a data dir (stat err %v), want none", err)
		}
		missing := filepath.Join(t.TempDir(), ConfigFile)
		if _, err := InitConfig(missing); err == nil || !strings.Contains(err.Error(), missing) {
			t.Errorf("missing config: got error %v, want one naming it", err)
		}
	})
	t.Run("flags of --dir", func(t *testing.T) {
		cfgPath, _ := packagedConfig(t)
		code, _, stderr := runMain("init", "--config", cfgPath, "--name", "x", "--dir", t.TempDir())
		if code != 2 || !strings.Contains(stderr, "drop --dir, --name") {
			t.Errorf("got exit code %d, stderr %q; want 2 and a message naming --dir and --name", code, stderr)
		}
	})
}

// TestEmptyNameIsHostname: name: "" names the node after the machine's hostname (the packaged config
// relies on it); a name that is set is kept, an omitted one keeps the default, and a hostname that is no
// valid name falls back to the default.
func TestEmptyNameIsHostname(t *testing.T) {
	host, err := os.Hostname()
	if err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct{ src, want string }{
		{"version: 1\nname: \"\"\n", host},
		{"version: 1\nname: ''\n", host},
		{"version: 1\nname: Elm Street 12\n", "Elm Street 12"},
		{"version: 1\n", Default().Name},
	} {
		cfg, err := Parse([]byte(tt.src))
		if err != nil {
			t.Fatalf("Parse(%q): %v", tt.src, err)
		}
		if cfg.Name != tt.want {
			t.Errorf("Parse(%q): got name %q, want %q", tt.src, cfg.Name, tt.want)
		}
	}
	if _, err := Parse([]byte("version: 1\nname: \" \"\n")); err == nil || !strings.Contains(err.Error(), "name: required") {
		t.Errorf("name of a blank: got error %v, want name: required", err)
	}

	orig := hostname
	t.Cleanup(func() { hostname = orig })
	hostname = func() (string, error) { return strings.Repeat("h", maxNameLen+1), nil }
	if got := defaultName(); got != Default().Name {
		t.Errorf("with a hostname too long for a name: got %q, want %q", got, Default().Name)
	}
}
