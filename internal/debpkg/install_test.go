package debpkg

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/porchlight/porchlight/recorder/mediatest"
)

// TestInstallAmd64 installs the amd64 package with dpkg -i into a fresh Debian root and follows its life:
// the conffile /etc/porchlight/porchlight.yml, made the porchlight user's by postinst, which sets up the
// data dir (init --config) and the root-only login file; the unit's ExecStart, run by hand as the
// porchlight user on the edited config, serves /healthz and records a camera on the host; an upgrade to a
// newer package with the same shipped config keeps the admin's edited config without a prompt (stdin is
// /dev/null), the data and that recording (exported after the upgrade); an upgrade whose shipped config
// changed keeps the admin's with --force-confold and leaves the new one as .dpkg-dist; remove keeps config
// and data, which an install after it takes up again; purge deletes them and the statoverrides; and an
// unedited config is replaced by a changed one on upgrade, still the porchlight user's.
func TestInstallAmd64(t *testing.T) {
	requireRootAndTools(t, "mmdebstrap", "chroot", "mount", "ffprobe", "ffmpeg")
	deb1, deb2 := debFor(t, testV1, "amd64"), debFor(t, testV2, "amd64")
	camera := mediatest.StartGstCamera(t) + "/h264"
	r := newDebRoot(t, "amd64")

	start := time.Now()
	out := r.install(t, deb1)
	t.Logf("dpkg -i %s:\n%s", deb1, out)
	checkFirstInstall(t, r, out, testV1)

	addr := r.configureNode(t, "Elm Street 12", camera)
	n := r.startNode(t, addr, 60*time.Second)
	t.Logf("figure: dpkg -i to /healthz answering ok (amd64 root, serve started by hand): %v", time.Since(start).Round(10*time.Millisecond))
	rec := n.waitRecorded(6*time.Second, 90*time.Second)
	n.stop()

	conf := readFile(t, r.path(confPath))
	identity := readFile(t, r.path(dataDir+"/identity.key"))
	login := readFile(t, r.path(loginPath))

	out = r.install(t, deb2)
	t.Logf("upgrade, dpkg -i %s:\n%s", deb2, out)
	if got := r.run(t, "dpkg-query", "-W", "-f", "${Version}", "porchlight"); got != testV2 {
		t.Errorf("after the upgrade: got package version %q, want %q", got, testV2)
	}
	if got := r.run(t, "porchlight", "version"); !strings.HasPrefix(got, "porchlight "+testV2+" ") {
		t.Errorf("after the upgrade: porchlight version printed %q, want version %s", got, testV2)
	}
	for _, f := range []struct {
		path string
		was  []byte
	}{{confPath, conf}, {dataDir + "/identity.key", identity}, {loginPath, login}} {
		if got := readFile(t, r.path(f.path)); !bytes.Equal(got, f.was) {
			t.Errorf("the upgrade changed %s", f.path)
		}
	}
	n = r.startNode(t, addr, 60*time.Second)
	spans, err := n.recordings()
	if err != nil {
		t.Fatal(err)
	}
	if !covered(spans, rec) {
		t.Errorf("after the upgrade: got spans %v, want one covering the recording made before it %v", spans, rec)
	}
	n.exportClip(rec.Start.Add(time.Second), rec.End.Add(-time.Second))
	n.stop()

	conf = readFile(t, r.path(confPath)) // as the node left it

	// An upgrade whose shipped config changed keeps the admin's (--force-confold, apt's noninteractive
	// choice) and leaves the new one beside it.
	deb3, conf3 := debChangedConffile(t)
	out = r.installWith(t, deb3, "--force-confold")
	t.Logf("upgrade with a changed conffile, dpkg -i --force-confold %s:\n%s", deb3, out)
	if got := readFile(t, r.path(confPath)); !bytes.Equal(got, conf) {
		t.Errorf("the upgrade with a changed conffile replaced the admin's %s:\n%s", confPath, got)
	}
	if got := readFile(t, r.path(confPath+".dpkg-dist")); !bytes.Equal(got, conf3) {
		t.Errorf("%s.dpkg-dist: got\n%s\nwant the new package's config\n%s", confPath, got, conf3)
	}
	n = r.startNode(t, addr, 60*time.Second)
	n.stop()

	r.run(t, "dpkg", "--remove", "porchlight")
	if _, err := os.Stat(r.path(BinaryPath)); !os.IsNotExist(err) {
		t.Errorf("after remove: got %s (stat err %v), want it gone", BinaryPath, err)
	}
	for _, p := range []string{confPath, dataDir + "/identity.key", loginPath} {
		if _, err := os.Stat(r.path(p)); err != nil {
			t.Errorf("after remove: %v, want %s kept", err, p)
		}
	}
	if got := readFile(t, r.path(confPath)); !bytes.Equal(got, conf) {
		t.Errorf("remove changed %s", confPath)
	}
	out = r.install(t, deb3) // installing again after remove takes up the kept node and config
	if strings.Contains(out, "initialised a new node") {
		t.Errorf("install after remove ran init again:\n%s", out)
	}
	if got := readFile(t, r.path(dataDir+"/identity.key")); !bytes.Equal(got, identity) {
		t.Errorf("install after remove changed the node identity")
	}
	if got := readFile(t, r.path(confPath)); !bytes.Equal(got, conf) {
		t.Errorf("install after remove changed %s", confPath)
	}
	r.purge(t)

	// A config nobody edited is replaced by the new package's on upgrade, silently, and stays the
	// porchlight user's (dpkg applies the statoverride to the new file).
	out = r.install(t, deb2)
	checkFirstInstall(t, r, out, testV2)
	out = r.install(t, deb3)
	if got := readFile(t, r.path(confPath)); !bytes.Equal(got, conf3) {
		t.Errorf("upgrade of an unedited config: got\n%s\nwant the new package's\n%s", got, conf3)
	}
	uid, _ := r.porchlightIDs(t)
	checkOwnerMode(t, r.path(confPath), 0o600, uid)
	if _, err := os.Stat(r.path(confPath + ".dpkg-dist")); !os.IsNotExist(err) {
		t.Errorf("upgrade of an unedited config left %s.dpkg-dist (stat err %v)", confPath, err)
	}
	r.purge(t)
}

// purge purges the package and checks that config, data, the unit's enablement and postinst's
// statoverrides are gone.
func (r *debRoot) purge(t *testing.T) {
	t.Helper()
	r.run(t, "dpkg", "--purge", "porchlight")
	for _, p := range []string{"/etc/porchlight", dataDir, "/etc/systemd/system/multi-user.target.wants/porchlight.service"} {
		if _, err := os.Lstat(r.path(p)); !os.IsNotExist(err) {
			t.Errorf("after purge: got %s (stat err %v), want it gone", p, err)
		}
	}
	// dpkg-statoverride --list exits 1 when it lists nothing
	if got, _ := r.cmd("dpkg-statoverride", "--list").CombinedOutput(); strings.Contains(string(got), "/etc/porchlight") {
		t.Errorf("after purge: statoverrides left:\n%s", got)
	}
}

// checkFirstInstall checks what postinst did on a first install: the porchlight system user, its config
// (data_dir /var/lib/porchlight) and data dir, the login file for root alone, the message saying where it
// is without the password, the unit enabled, and the binary reporting the package's version.
func checkFirstInstall(t *testing.T, r *debRoot, dpkgOut, version string) {
	t.Helper()
	pw := strings.Split(strings.TrimSpace(r.run(t, "getent", "passwd", "porchlight")), ":")
	if len(pw) != 7 || pw[5] != dataDir || pw[6] != "/usr/sbin/nologin" {
		t.Errorf("getent passwd porchlight: got %q, want home %s and shell /usr/sbin/nologin", pw, dataDir)
	}
	uid, _ := r.porchlightIDs(t)
	if uid >= 1000 {
		t.Errorf("porchlight uid %d: want a system user (below 1000)", uid)
	}
	for _, f := range []struct {
		path  string
		mode  os.FileMode
		owner int
	}{
		{"/etc/porchlight", os.ModeDir | 0o700, uid},
		{dataDir, os.ModeDir | 0o700, uid},
		{confPath, 0o600, uid},
		{dataDir + "/identity.key", 0o600, uid},
		{dataDir + "/api.token", 0o600, uid},
		{loginPath, 0o600, 0},
	} {
		checkOwnerMode(t, r.path(f.path), f.mode, f.owner)
	}
	if got := r.run(t, "dpkg-query", "-W", "-f", "${Conffiles}", "porchlight"); !strings.HasPrefix(strings.TrimSpace(got), confPath+" ") {
		t.Errorf("dpkg-query ${Conffiles}: got %q, want %s", got, confPath)
	}
	if got := r.run(t, "dpkg-statoverride", "--list"); !strings.Contains(got, "porchlight porchlight 600 "+confPath+"\n") ||
		!strings.Contains(got, "porchlight porchlight 700 /etc/porchlight\n") {
		t.Errorf("dpkg-statoverride --list: got\n%s\nwant %s (0600) and /etc/porchlight (0700) the porchlight user's", got, confPath)
	}
	if conf := string(readFile(t, r.path(confPath))); !strings.Contains(conf, "\ndata_dir: "+dataDir) {
		t.Errorf("config: want data_dir: %s, got:\n%s", dataDir, conf)
	}
	login := string(readFile(t, r.path(loginPath)))
	var password string
	for _, l := range strings.Split(login, "\n") {
		if p, ok := strings.CutPrefix(l, "admin password: "); ok {
			password = p
		}
	}
	if password == "" || !strings.Contains(login, "admin user: admin") {
		t.Errorf("%s: want the admin user and password, got:\n%s", loginPath, login)
	}
	if !strings.Contains(dpkgOut, loginPath) {
		t.Errorf("dpkg -i output does not say where the login is (%s):\n%s", loginPath, dpkgOut)
	}
	if password != "" && strings.Contains(dpkgOut, password) {
		t.Errorf("dpkg -i output shows the admin password; want only where it is")
	}
	if _, err := os.Lstat(r.path("/etc/systemd/system/multi-user.target.wants/porchlight.service")); err != nil {
		t.Errorf("unit not enabled: %v", err)
	}
	if got := r.run(t, "porchlight", "version"); !strings.HasPrefix(got, "porchlight "+version+" ") {
		t.Errorf("porchlight version printed %q, want the package version %s", got, version)
	}
}

func checkOwnerMode(t *testing.T, path string, mode os.FileMode, owner int) {
	t.Helper()
	fi, err := os.Stat(path)
	if err != nil {
		t.Error(err)
		return
	}
	if fi.Mode() != mode {
		t.Errorf("%s: got mode %v, want %v", path, fi.Mode(), mode)
	}
	if uid := int(fi.Sys().(*syscall.Stat_t).Uid); uid != owner {
		t.Errorf("%s: got owner uid %d, want %d", path, uid, owner)
	}
}

func readFile(t testing.TB, path string) []byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// covered reports whether one of spans covers s.
func covered(spans []span, s span) bool {
	for _, sp := range spans {
		if !sp.Start.After(s.Start) && !sp.End.Before(s.End) {
			return true
		}
	}
	return false
}

// testV3 is a package whose shipped config differs from testV2's (see debChangedConffile).
const testV3 = "1.0.0~test3"

// debChangedConffile returns an amd64 package of version testV3 whose conffile is configs/deb/porchlight.yml
// with a line added, and that content: the repository's package files in a copy with the changed config,
// packaged with writeDeb around testV2's binary (what is tested is dpkg's handling of the conffile).
func debChangedConffile(t *testing.T) (deb string, conf []byte) {
	t.Helper()
	repo := t.TempDir()
	command(t, "cp", "-a", filepath.Join(repoRoot(t), "configs"), repo)
	conf = append(readFile(t, filepath.Join(repo, confSource)), "# a line the package's next version adds\n"...)
	if err := os.WriteFile(filepath.Join(repo, confSource), conf, 0o644); err != nil {
		t.Fatal(err)
	}
	x := t.TempDir()
	command(t, "dpkg-deb", "-x", debFor(t, testV2, "amd64"), x)
	as, err := LookupArches([]string{"amd64"})
	if err != nil {
		t.Fatal(err)
	}
	deb = filepath.Join(t.TempDir(), FileName(testV3, as[0]))
	if err := writeDeb(repo, t.TempDir(), as[0], testV3, testDate, filepath.Join(x, BinaryPath), deb); err != nil {
		t.Fatal(err)
	}
	return deb, conf
}
