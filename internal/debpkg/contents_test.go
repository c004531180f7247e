package debpkg

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/porchlight/porchlight/nvr"
)

// TestPackageContents reads the amd64 package with dpkg-deb (no root needed): the control fields (no
// dependencies, ffmpeg recommended, the version given), the files with their modes, the maintainer
// scripts as in configs/deb, /etc/porchlight/porchlight.yml its one conffile (configs/deb/porchlight.yml,
// a config nvr reads with data_dir /var/lib/porchlight and the hostname for a name), the full example
// config in the docs, and the binary linked with the package's version.
func TestPackageContents(t *testing.T) {
	if _, err := exec.LookPath("dpkg-deb"); err != nil {
		t.Skip("needs dpkg-deb (Debian's dpkg)")
	}
	deb := debFor(t, testV1, "amd64")
	if got, want := filepath.Base(deb), "porchlight_"+testV1+"_amd64.deb"; got != want {
		t.Errorf("got file name %q, want %q", got, want)
	}
	fields := map[string]string{}
	for _, l := range strings.Split(command(t, "dpkg-deb", "-f", deb), "\n") {
		if k, v, ok := strings.Cut(l, ": "); ok && !strings.HasPrefix(l, " ") {
			fields[k] = v
		}
	}
	for k, want := range map[string]string{
		"Package": "porchlight", "Version": testV1, "Architecture": "amd64", "Recommends": "ffmpeg",
		"Depends": "", "Pre-Depends": "",
	} {
		if got := fields[k]; got != want {
			t.Errorf("control field %s: got %q, want %q", k, got, want)
		}
	}

	want := map[string]string{ // path -> mode and owner as dpkg-deb -c prints them
		"./usr/bin/porchlight":                              "-rwxr-xr-x root/root",
		"./lib/systemd/system/porchlight.service":           "-rw-r--r-- root/root",
		"./etc/porchlight/porchlight.yml":                   "-rw-r--r-- root/root",
		"./usr/share/doc/porchlight/porchlight.yml.example": "-rw-r--r-- root/root",
		"./usr/share/doc/porchlight/copyright":              "-rw-r--r-- root/root",
		"./usr/share/doc/porchlight/changelog.gz":           "-rw-r--r-- root/root",
		"./usr/share/lintian/overrides/porchlight":          "-rw-r--r-- root/root",
	}
	for _, l := range strings.Split(command(t, "dpkg-deb", "-c", deb), "\n") {
		f := strings.Fields(l)
		if len(f) < 6 || strings.HasSuffix(f[5], "/") {
			continue
		}
		w, ok := want[f[5]]
		if !ok {
			t.Errorf("unexpected file in the package: %s", l)
			continue
		}
		if got := f[0] + " " + f[1]; got != w {
			t.Errorf("%s: got %q, want %q", f[5], got, w)
		}
		delete(want, f[5])
	}
	for p := range want {
		t.Errorf("package lacks %s", p)
	}

	ctrl := t.TempDir()
	command(t, "dpkg-deb", "-e", deb, ctrl)
	for _, s := range []string{"postinst", "prerm", "postrm"} {
		got := readFile(t, filepath.Join(ctrl, s))
		if wantB := readFile(t, filepath.Join(repoRoot(t), scriptsDir, s)); !bytes.Equal(got, wantB) {
			t.Errorf("control %s differs from %s/%s", s, scriptsDir, s)
		}
	}
	if got := string(readFile(t, filepath.Join(ctrl, "conffiles"))); got != ConfPath+"\n" {
		t.Errorf("got conffiles %q, want only %s", got, ConfPath)
	}

	data := t.TempDir()
	command(t, "dpkg-deb", "-x", deb, data)
	for _, f := range []struct{ path, source string }{{UnitPath, unitSource}, {ConfPath, confSource}, {ExamplePath, exampleSource}} {
		if got := readFile(t, filepath.Join(data, f.path)); !bytes.Equal(got, readFile(t, filepath.Join(repoRoot(t), f.source))) {
			t.Errorf("%s differs from %s", f.path, f.source)
		}
	}
	cfg, err := nvr.Parse(readFile(t, filepath.Join(data, ConfPath)))
	if err != nil {
		t.Fatalf("the packaged %s: %v", ConfPath, err)
	}
	if host, _ := os.Hostname(); cfg.DataPath != dataDir || cfg.Name != host {
		t.Errorf("the packaged %s: got data_dir %q and name %q, want %s and the hostname %q", ConfPath, cfg.DataPath, cfg.Name, dataDir, host)
	}
	if got := command(t, filepath.Join(data, BinaryPath), "version"); !strings.HasPrefix(got, "porchlight "+testV1+" linux/amd64 ") {
		t.Errorf("porchlight version printed %q, want the package version %s", got, testV1)
	}
}

// TestUnitPaths: the unit runs the packaged binary on the config postinst writes, as the user it
// creates, and may write the two directories the package owns (the node rewrites its config from the UI).
func TestUnitPaths(t *testing.T) {
	unit := string(readFile(t, filepath.Join(repoRoot(t), unitSource)))
	for _, want := range []string{
		"\nExecStart=" + BinaryPath + " serve --config " + confPath + "\n",
		"\nUser=porchlight\n", "\nGroup=porchlight\n",
		"\nStateDirectory=porchlight\n",
		"\nReadWritePaths=/etc/porchlight " + dataDir + "\n",
		"\nWantedBy=multi-user.target\n",
	} {
		if !strings.Contains(unit, want) {
			t.Errorf("%s lacks the line %q", unitSource, strings.TrimSpace(want))
		}
	}
}
