package debpkg

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

// The package versions the tests build: an upgrade goes from testV1 to testV2.
const (
	testV1 = "1.0.0~test1"
	testV2 = "1.0.0~test2"
)

var testDate = time.Date(2026, 12, 6, 12, 0, 0, 0, time.UTC)

// pkgDir holds the packages built during this test run, shared by the tests (a build takes minutes).
var (
	pkgDir  string
	pkgMu   sync.Mutex
	pkgDone = map[string]string{} // version/arch -> path
)

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "porchlight-debpkg-test-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	pkgDir = dir
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

// repoRoot is the module's root, two levels above this package.
func repoRoot(t testing.TB) string {
	t.Helper()
	abs, err := filepath.Abs(filepath.Join("..", ".."))
	if err != nil {
		t.Fatal(err)
	}
	return abs
}

// debFor returns the package of version for the Debian architecture arch, building it on first use.
func debFor(t testing.TB, version, arch string) string {
	t.Helper()
	pkgMu.Lock()
	defer pkgMu.Unlock()
	key := version + "/" + arch
	if p, ok := pkgDone[key]; ok {
		return p
	}
	as, err := LookupArches([]string{arch})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
	defer cancel()
	res, err := Build(ctx, Options{Repo: repoRoot(t), Out: filepath.Join(pkgDir, version), Version: version, Date: testDate, Arches: as})
	if err != nil {
		t.Fatalf("Build %s %s: %v", version, arch, err)
	}
	pkgDone[key] = res.Debs[0]
	return res.Debs[0]
}

// requireRootAndTools skips the test when it is not root or a tool is missing; in CI (CI set), where
// .ci/deps installs the tools and the job runs as root, it fails instead: a skip there is a test nobody
// runs.
func requireRootAndTools(t *testing.T, tools ...string) {
	t.Helper()
	var missing []string
	if os.Geteuid() != 0 {
		missing = append(missing, "root")
	}
	for _, tool := range tools {
		if _, err := exec.LookPath(tool); err != nil {
			if _, err := os.Stat("/usr/sbin/" + tool); err != nil {
				missing = append(missing, tool)
			}
		}
	}
	if len(missing) == 0 {
		return
	}
	msg := fmt.Sprintf("needs %s (.ci/deps installs the Debian packages: lintian mmdebstrap qemu-user-static binfmt-support systemd systemd-container)",
		strings.Join(missing, ", "))
	if os.Getenv("CI") != "" {
		t.Fatalf("CI is set but this test %s", msg)
	}
	t.Skip(msg)
}

// command runs name with args and fails the test with its output on error; it returns the output.
func command(t testing.TB, name string, args ...string) string {
	t.Helper()
	out, err := exec.Command(name, args...).CombinedOutput()
	if err != nil {
		t.Fatalf("%s %s: %v\n%s", name, strings.Join(args, " "), err, out)
	}
	return string(out)
}
