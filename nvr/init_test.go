package nvr

import (
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/porchlight/porchlight/configs"
	"github.com/porchlight/porchlight/nvr/notify"
	"github.com/porchlight/porchlight/ui"
)

func TestInit(t *testing.T) {
	tests := []struct {
		role Role
		name string
	}{
		{RoleHousehold, "Porchlight"},
		{RoleAgency, "Riverside PD"},
		{RoleHousehold, "123"},           // would read as a number unquoted
		{RoleHousehold, "a: b # c"},      // would break the mapping unquoted
		{RoleHousehold, "Élm Street 12"}, // non-ASCII
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := filepath.Join(t.TempDir(), "node")
			res, err := Init(dir, tt.role, tt.name)
			if err != nil {
				t.Fatalf("Init: %v", err)
			}
			cfg, err := Load(res.ConfigPath)
			if err != nil {
				t.Fatalf("Load(written config): %v", err)
			}
			want := Default()
			want.Name, want.Role, want.Path = tt.name, tt.role, filepath.Join(dir, ConfigFile)
			if !reflect.DeepEqual(cfg, want) {
				t.Errorf("written config is not the defaults with name and role set:\ngot  %+v\nwant %+v", cfg, want)
			}
			if got, want := res.DataDir, filepath.Join(dir, "data"); got != want {
				t.Errorf("got data dir %q, want %q", got, want)
			}
			checkMode(t, dir, 0o700|os.ModeDir)
			checkMode(t, res.DataDir, 0o700|os.ModeDir)
			checkMode(t, res.ConfigPath, 0o600)
			checkMode(t, filepath.Join(res.DataDir, IdentityFile), 0o600)
			checkMode(t, filepath.Join(res.DataDir, ui.UsersFile), 0o600)
			checkMode(t, res.TokenPath, 0o600)
			checkMode(t, filepath.Join(res.DataDir, notify.VAPIDFile), 0o600)

			b, err := os.ReadFile(res.ConfigPath)
			if err != nil {
				t.Fatal(err)
			}
			if got, want := strings.Count(string(b), "#"), strings.Count(string(configs.PorchlightYML), "#"); got < want {
				t.Errorf("got %d '#' in the written config, want at least the template's %d (comments kept)", got, want)
			}
			if _, err := LoadIdentity(res.DataDir); err != nil {
				t.Errorf("LoadIdentity: %v", err)
			}
			if ok, err := ui.Verify(res.DataDir, res.AdminUser, res.AdminPassword); !ok || err != nil {
				t.Errorf("Verify(admin, printed password): got (%v, %v), want (true, nil)", ok, err)
			}
			if _, err := ui.ReadToken(res.DataDir); err != nil {
				t.Errorf("ReadToken: %v", err)
			}
		})
	}
}

func TestInitRefuses(t *testing.T) {
	t.Run("existing config", func(t *testing.T) {
		dir := t.TempDir()
		if _, err := Init(dir, RoleHousehold, "a"); err != nil {
			t.Fatal(err)
		}
		before, err := os.ReadFile(filepath.Join(dir, ConfigFile))
		if err != nil {
			t.Fatal(err)
		}
		if _, err := Init(dir, RoleAgency, "b"); !errors.Is(err, ErrConfigExists) {
			t.Fatalf("got error %v, want ErrConfigExists", err)
		}
		after, err := os.ReadFile(filepath.Join(dir, ConfigFile))
		if err != nil || string(after) != string(before) {
			t.Errorf("second Init changed the config (err %v)", err)
		}
	})
	t.Run("data dir not empty", func(t *testing.T) {
		dir := t.TempDir()
		keep := filepath.Join(dir, "data", "recording.mp4")
		if err := os.MkdirAll(filepath.Dir(keep), 0o700); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(keep, []byte("x"), 0o600); err != nil {
			t.Fatal(err)
		}
		if _, err := Init(dir, RoleHousehold, "a"); !errors.Is(err, ErrDataDirNotEmpty) {
			t.Fatalf("got error %v, want ErrDataDirNotEmpty", err)
		}
		if _, err := os.Stat(filepath.Join(dir, ConfigFile)); !os.IsNotExist(err) {
			t.Errorf("got config file (stat err %v), want none", err)
		}
	})
	t.Run("invalid arguments", func(t *testing.T) {
		dir := t.TempDir()
		if _, err := Init(dir, "boss", "a"); err == nil || !strings.Contains(err.Error(), `invalid role "boss"`) {
			t.Errorf("got error %v, want invalid role", err)
		}
		if _, err := Init(dir, RoleHousehold, ""); err == nil || !strings.Contains(err.Error(), "name: required") {
			t.Errorf("got error %v, want name: required", err)
		}
		if entries, _ := os.ReadDir(dir); len(entries) != 0 {
			t.Errorf("got %d entries in the dir after failed Init, want 0", len(entries))
		}
	})
}

func TestUndoRemovesWhatWasCreated(t *testing.T) {
	base := t.TempDir()
	pre := filepath.Join(base, "pre-existing")
	if err := os.WriteFile(pre, []byte("keep"), 0o600); err != nil {
		t.Fatal(err)
	}
	var created []string
	deep := filepath.Join(base, "a", "b", "c")
	if err := mkdirAllTracked(deep, &created); err != nil {
		t.Fatal(err)
	}
	want := []string{filepath.Join(base, "a"), filepath.Join(base, "a", "b"), deep}
	if !reflect.DeepEqual(created, want) {
		t.Errorf("got created %v, want %v", created, want)
	}
	checkMode(t, filepath.Join(base, "a"), 0o700|os.ModeDir)
	file := filepath.Join(deep, "f")
	if err := os.WriteFile(file, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	created = append(created, file)
	undo(created)
	entries, err := os.ReadDir(base)
	if err != nil {
		t.Fatal(err)
	}
	if len(entries) != 1 || entries[0].Name() != "pre-existing" {
		t.Errorf("got %v left after undo, want only pre-existing", entries)
	}
	if err := mkdirAllTracked(pre, &created); err != nil {
		t.Errorf("mkdirAllTracked on an existing path: %v", err)
	}
}

func TestSetScalars(t *testing.T) {
	tests := []struct {
		name, src string
		values    map[string]string
		want      string
	}{
		{"in place keeps spacing and comment column", "a: x      # c\nb: yy\n", map[string]string{"a": "long value", "b": "z"},
			"a: long value # c\nb: z\n"},
		{"shorter value keeps comment column", "a: xxxx # c\n", map[string]string{"a": "z"}, "a: z    # c\n"},
		{"quoted where needed", "a: x\n", map[string]string{"a": "true"}, "a: \"true\"\n"},
		{"quoted source is re-encoded", "# head\na: \"x\"   # c\n", map[string]string{"a": "y"}, "# head\na: y # c\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := setScalars([]byte(tt.src), tt.values)
			if err != nil {
				t.Fatalf("setScalars: %v", err)
			}
			if string(got) != tt.want {
				t.Errorf("got %q, want %q", got, tt.want)
			}
		})
	}
	if _, err := setScalars([]byte("a: x\n"), map[string]string{"missing": "y"}); err == nil {
		t.Errorf("setScalars with a missing key: got nil error, want one")
	}
}

func checkMode(t *testing.T, path string, want os.FileMode) {
	t.Helper()
	fi, err := os.Stat(path)
	if err != nil {
		t.Errorf("stat: %v", err)
		return
	}
	if got := fi.Mode() & (os.ModeDir | os.ModePerm); got != want {
		t.Errorf("%s: got mode %v, want %v", filepath.Base(path), got, want)
	}
}
