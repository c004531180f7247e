package nvr

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"runtime"
	"runtime/debug"
	"strings"
	"testing"

	"github.com/porchlight/porchlight/ui"
)

// runMain runs Main in-process and returns its exit code and output.
func runMain(args ...string) (code int, stdout, stderr string) {
	var out, errOut bytes.Buffer
	code = Main(args, &out, &errOut)
	return code, out.String(), errOut.String()
}

func TestMainUsageAndErrors(t *testing.T) {
	tests := []struct {
		name       string
		args       []string
		wantCode   int
		wantStdout string // substring
		wantStderr string // exact
	}{
		{"no arguments", nil, 2, "", ""},
		{"help", []string{"help"}, 0, "usage: porchlight <command>", ""},
		{"-h", []string{"-h"}, 0, "  export   ", ""},
		{"help of a command", []string{"help", "init"}, 0, "usage: porchlight init --dir DIR", ""},
		{"help of an unknown command", []string{"help", "frobnicate"}, 2, "", "porchlight: help: unknown command \"frobnicate\"\n"},
		{"unknown command", []string{"frobnicate"}, 2, "",
			"porchlight: unknown command \"frobnicate\" (run \"porchlight help\" for the list)\n"},
		{"version with arguments", []string{"version", "extra"}, 2, "", "porchlight: version: unexpected argument \"extra\"\n"},
		{"init without --dir", []string{"init"}, 2, "", "porchlight: init: --dir or --config is required\n"},
		{"init bad role names the flag", []string{"init", "--dir", "x", "--role", "boss"}, 2, "",
			"porchlight: init: --role: invalid role \"boss\" (want household or agency)\n"},
		{"init bad name names the flag", []string{"init", "--dir", "x", "--name", ""}, 2, "", "porchlight: init: --name: required\n"},
		{"init unknown flag", []string{"init", "--force"}, 2, "",
			"porchlight: init: flag provided but not defined: -force (run \"porchlight init -h\" for usage)\n"},
		{"init -h", []string{"init", "-h"}, 0, "-role string", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, stdout, stderr := runMain(tt.args...)
			if code != tt.wantCode {
				t.Errorf("got exit code %d, want %d (stderr %q)", code, tt.wantCode, stderr)
			}
			if !strings.Contains(stdout, tt.wantStdout) {
				t.Errorf("got stdout %q, want it to contain %q", stdout, tt.wantStdout)
			}
			if tt.args == nil {
				if !strings.Contains(stderr, "usage: porchlight") {
					t.Errorf("got stderr %q, want the usage", stderr)
				}
			} else if stderr != tt.wantStderr {
				t.Errorf("got stderr %q, want %q", stderr, tt.wantStderr)
			}
		})
	}
}

func TestMainVersion(t *testing.T) {
	code, stdout, stderr := runMain("version")
	if code != 0 || stderr != "" {
		t.Fatalf("got code %d stderr %q, want 0 and nothing", code, stderr)
	}
	want := regexp.MustCompile(`^porchlight \S+ ` + runtime.GOOS + "/" + runtime.GOARCH + " " + regexp.QuoteMeta(runtime.Version()) + "\n$")
	if !want.MatchString(stdout) {
		t.Errorf("got %q, want a match of %s", stdout, want)
	}
}

func TestVersionFromBuildInfo(t *testing.T) {
	tests := []struct {
		name string
		bi   debug.BuildInfo
		want string
	}{
		{"module version", debug.BuildInfo{Main: debug.Module{Version: "v1.2.3"}}, "v1.2.3"},
		{"vcs revision", debug.BuildInfo{Main: debug.Module{Version: "(devel)"}, Settings: []debug.BuildSetting{
			{Key: "vcs.revision", Value: "0123456789abcdef0123"}, {Key: "vcs.modified", Value: "false"}}}, "0123456789ab"},
		{"dirty tree", debug.BuildInfo{Settings: []debug.BuildSetting{
			{Key: "vcs.revision", Value: "abc"}, {Key: "vcs.modified", Value: "true"}}}, "abc-dirty"},
		{"nothing recorded", debug.BuildInfo{Main: debug.Module{Version: "(devel)"}}, "devel"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := versionFromBuildInfo(&tt.bi); got != tt.want {
				t.Errorf("got %q, want %q", got, tt.want)
			}
		})
	}
}

func TestMainInit(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "home")
	code, stdout, stderr := runMain("init", "--dir", dir, "--role", "agency", "--name", "Elm Street 12")
	if code != 0 || stderr != "" {
		t.Fatalf("got code %d stderr %q, want 0 and nothing", code, stderr)
	}
	m := regexp.MustCompile(`(?m)^admin password: (\S+)$`).FindAllStringSubmatch(stdout, -1)
	if len(m) != 1 {
		t.Fatalf("got %d \"admin password:\" lines in %q, want exactly 1", len(m), stdout)
	}
	dataDir := filepath.Join(dir, "data")
	if ok, err := ui.Verify(dataDir, "admin", m[0][1]); !ok || err != nil {
		t.Errorf("printed password does not verify: (%v, %v)", ok, err)
	}
	for _, f := range []struct {
		path string
		mode os.FileMode
	}{
		{filepath.Join(dir, "porchlight.yml"), 0o600},
		{dataDir, 0o700 | os.ModeDir},
		{filepath.Join(dataDir, "identity.key"), 0o600},
		{filepath.Join(dataDir, "users.json"), 0o600},
		{filepath.Join(dataDir, "api.token"), 0o600},
	} {
		checkMode(t, f.path, f.mode)
	}
	cfg, err := Load(filepath.Join(dir, "porchlight.yml"))
	if err != nil {
		t.Fatalf("Load: %v", err)
	}
	if cfg.Role != RoleAgency || cfg.Name != "Elm Street 12" {
		t.Errorf("got role %q name %q, want agency and Elm Street 12", cfg.Role, cfg.Name)
	}

	code, stdout, stderr = runMain("init", "--dir", dir)
	if code == 0 {
		t.Errorf("second init: got exit code 0, want non-zero")
	}
	wantErr := "porchlight: init: " + filepath.Join(dir, "porchlight.yml") + ": config already exists; refusing to overwrite\n"
	if stderr != wantErr || stdout != "" {
		t.Errorf("second init: got stdout %q stderr %q, want nothing and %q", stdout, stderr, wantErr)
	}
}

func TestMainErrorIsOneLine(t *testing.T) {
	code, _, stderr := runMain("serve", "--config", filepath.Join(t.TempDir(), "missing.yml"))
	if code == 0 {
		t.Errorf("got exit code 0, want non-zero")
	}
	if !strings.HasPrefix(stderr, "porchlight: ") || strings.Count(stderr, "\n") != 1 {
		t.Errorf("got stderr %q, want one line starting with \"porchlight: \"", stderr)
	}
}

// `porchlight version --json` prints the build and the format of every file it keeps on disk.
func TestMainVersionJSON(t *testing.T) {
	code, stdout, stderr := runMain("version", "--json")
	if code != 0 || stderr != "" {
		t.Fatalf("got code %d stderr %q, want 0 and nothing", code, stderr)
	}
	var got struct {
		Version, Commit, Go string
		Formats             map[string]int
	}
	if err := json.Unmarshal([]byte(stdout), &got); err != nil {
		t.Fatalf("%q: %v", stdout, err)
	}
	if got.Version != Version() || got.Go != runtime.Version() {
		t.Errorf("version %q go %q, want %q %q", got.Version, got.Go, Version(), runtime.Version())
	}
	want := map[string]int{"config": CurrentVersion, "index": 1, "segments": 1, "federation": 1, "notify": 1, "users": 1, "tokens": 1, "alert_reads": 1}
	if !reflect.DeepEqual(got.Formats, want) {
		t.Errorf("formats %v, want %v", got.Formats, want)
	}
}
