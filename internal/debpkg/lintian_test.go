package debpkg

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// TestLintian: lintian --pedantic reports nothing on any of the three packages; the tags that do not
// apply are overridden in configs/deb/lintian-overrides, each with its reason.
func TestLintian(t *testing.T) {
	requireRootAndTools(t, "lintian")
	for _, a := range Arches {
		t.Run(a.Deb, func(t *testing.T) {
			deb := debFor(t, testV1, a.Deb)
			out, err := exec.Command("lintian", "--pedantic", "--fail-on", "error,warning,info,pedantic", deb).CombinedOutput()
			var tags []string
			for _, l := range strings.Split(string(out), "\n") {
				if l != "" && !strings.Contains(l, "running with root privileges") {
					tags = append(tags, l)
				}
			}
			if err != nil || len(tags) > 0 {
				t.Errorf("lintian %s: err %v, got tags (want none):\n%s", filepath.Base(deb), err, strings.Join(tags, "\n"))
			}
		})
	}
}

// TestSystemdAnalyzeVerify: systemd-analyze verify accepts the unit as installed by the package, in a root
// holding the package's files and the host's system units (the targets it is ordered after). Any message
// is a failure: verify warns about unknown keys and still exits 0.
func TestSystemdAnalyzeVerify(t *testing.T) {
	requireRootAndTools(t, "systemd-analyze", "dpkg-deb")
	root := t.TempDir()
	command(t, "dpkg-deb", "-x", debFor(t, testV1, "amd64"), root)
	units := filepath.Join(root, "usr", "lib", "systemd")
	if err := os.MkdirAll(units, 0o755); err != nil {
		t.Fatal(err)
	}
	command(t, "cp", "-a", "/usr/lib/systemd/system", units)
	out, err := exec.Command("systemd-analyze", "verify", "--root="+root, filepath.Join(root, UnitPath)).CombinedOutput()
	if err != nil || len(strings.TrimSpace(string(out))) > 0 {
		t.Errorf("systemd-analyze verify %s: err %v, output (want none):\n%s", UnitPath, err, out)
	}
}
