package debpkg

import (
	"bufio"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
)

// debRoot is a throwaway Debian bookworm root (mmdebstrap --variant=minbase): with /proc mounted, in
// which commands run with chroot, or booted by systemd-nspawn (bootedRoot), in which they run with nsenter.
type debRoot struct {
	dir  string
	pid1 int // the booted root's systemd, as the host sees it; 0: not booted
}

// debRootCache is where the roots' tarballs are kept between runs: building one takes a minute (amd64)
// to several (arm64, under qemu); each test extracts a fresh copy.
func debRootCache(t testing.TB) string {
	t.Helper()
	base := os.Getenv("XDG_CACHE_HOME")
	if base == "" {
		home, err := os.UserHomeDir()
		if err != nil {
			t.Fatal(err)
		}
		base = filepath.Join(home, ".cache")
	}
	return filepath.Join(base, "porchlight-testdata", "debroot")
}

// hostMirror is the Debian mirror the machine's apt uses for bookworm (its sources.list or deb822
// sources), else deb.debian.org.
func hostMirror() string {
	files, _ := filepath.Glob("/etc/apt/sources.list.d/*.sources")
	files = append(files, "/etc/apt/sources.list")
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			continue
		}
		for _, l := range strings.Split(string(b), "\n") {
			fields := strings.Fields(l)
			var uri string
			switch {
			case len(fields) >= 2 && fields[0] == "URIs:":
				uri = fields[1]
			case len(fields) >= 3 && fields[0] == "deb" && !strings.HasPrefix(fields[1], "["):
				uri = fields[1]
			}
			if strings.HasSuffix(strings.TrimSuffix(uri, "/"), "/debian") {
				return uri
			}
		}
	}
	return "http://deb.debian.org/debian"
}

// newDebRoot extracts the cached minbase root of arch (amd64, arm64 or armhf), building the cache with
// mmdebstrap on first use, and mounts /proc in it. The mount goes when the test ends, then the root.
func newDebRoot(t *testing.T, arch string) *debRoot {
	t.Helper()
	r := extractDebRoot(t, "bookworm-"+arch, arch)
	command(t, "mount", "-t", "proc", "proc", r.path("/proc"))
	t.Cleanup(func() {
		if out, err := exec.Command("umount", "-l", r.path("/proc")).CombinedOutput(); err != nil {
			t.Errorf("umount %s: %v: %s", r.path("/proc"), err, out)
		}
	})
	return r
}

// extractDebRoot extracts a fresh copy of the cached root name: bookworm minbase of arch with the
// packages include added, built once with mmdebstrap into name.tar. The copy goes when the test ends,
// unless something is still mounted in it.
func extractDebRoot(t *testing.T, name, arch string, include ...string) *debRoot {
	t.Helper()
	cache := debRootCache(t)
	if err := os.MkdirAll(cache, 0o755); err != nil {
		t.Fatal(err)
	}
	tarball := filepath.Join(cache, name+".tar")
	lock, err := os.OpenFile(filepath.Join(cache, "lock"), os.O_CREATE|os.O_RDWR, 0o644)
	if err != nil {
		t.Fatal(err)
	}
	if err := syscall.Flock(int(lock.Fd()), syscall.LOCK_EX); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(tarball); err != nil {
		tmp := filepath.Join(cache, name+".tmp.tar") // mmdebstrap picks the format from the name
		t.Logf("building the %s Debian root once into %s", name, tarball)
		args := []string{"--quiet", "--variant=minbase", "--architectures=" + arch}
		if len(include) > 0 {
			args = append(args, "--include="+strings.Join(include, ","))
		}
		command(t, "mmdebstrap", append(args, "bookworm", tmp, hostMirror())...)
		if err := os.Rename(tmp, tarball); err != nil {
			t.Fatal(err)
		}
	}
	lock.Close()

	dir, err := os.MkdirTemp("", "porchlight-debroot-")
	if err != nil {
		t.Fatal(err)
	}
	r := &debRoot{dir: dir}
	t.Cleanup(func() {
		if r.mounted() {
			t.Errorf("%s still has mounts; leaving it in place", dir)
			return
		}
		os.RemoveAll(dir)
	})
	command(t, "tar", "-C", dir, "-xpf", tarball)
	return r
}

// mounted reports whether anything is mounted at or below the root.
func (r *debRoot) mounted() bool {
	f, err := os.Open("/proc/self/mountinfo")
	if err != nil {
		return true
	}
	defer f.Close()
	s := bufio.NewScanner(f)
	for s.Scan() {
		fields := strings.Fields(s.Text())
		if len(fields) > 4 && (fields[4] == r.dir || strings.HasPrefix(fields[4], r.dir+"/")) {
			return true
		}
	}
	return false
}

// path is the host path of p inside the root.
func (r *debRoot) path(p string) string { return filepath.Join(r.dir, p) }

// cmd is a command run in the root: with chroot, or in every namespace of the booted root's systemd.
func (r *debRoot) cmd(args ...string) *exec.Cmd {
	c := exec.Command("chroot", append([]string{r.dir}, args...)...)
	if r.pid1 != 0 {
		c = exec.Command("nsenter", append([]string{"--target", strconv.Itoa(r.pid1), "--all", "--root", "--wd"}, args...)...)
	}
	c.Env = []string{"PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin", "LANG=C.UTF-8", "DEBIAN_FRONTEND=noninteractive"}
	return c
}

// run runs args in the root and returns the combined output, failing the test on error.
func (r *debRoot) run(t testing.TB, args ...string) string {
	t.Helper()
	out, err := r.cmd(args...).CombinedOutput()
	if err != nil {
		t.Fatalf("in the root: %s: %v\n%s", strings.Join(args, " "), err, out)
	}
	return string(out)
}

// asPorchlight is args run as the porchlight user, as the unit runs it.
func asPorchlight(args ...string) []string {
	return append([]string{"setpriv", "--reuid=porchlight", "--regid=porchlight", "--clear-groups"}, args...)
}

// install copies deb into the root's /var/tmp and installs it with dpkg -i, stdin /dev/null (a conffile prompt would
// fail it), returning dpkg's output.
func (r *debRoot) install(t testing.TB, deb string) string {
	t.Helper()
	return r.installWith(t, deb)
}

// installWith is install with dpkg options before -i (--force-confold).
func (r *debRoot) installWith(t testing.TB, deb string, opts ...string) string {
	t.Helper()
	command(t, "cp", deb, r.path("/var/tmp")) // not /tmp: a tmpfs of its own in a booted root
	return r.run(t, append(append([]string{"dpkg"}, opts...), "-i", "/var/tmp/"+filepath.Base(deb))...)
}
