package motiontest

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
)

// The sample videos of Debian's opencv-doc package, by file name: vtest.avi is outdoor pedestrians seen
// from above (768x576, 10 fps, 79.5 s); tree.avi is foliage moving in the wind behind a window
// (320x240, 15 fps, 29.6 s).
const (
	Pedestrians = "vtest.avi"
	Tree        = "tree.avi"
)

// footagePkg is the Debian package that ships the clips, and footageDir where they are in it.
const (
	footagePkg = "opencv-doc"
	footageDir = "usr/share/doc/opencv-doc/examples/data"
)

// CacheDir is where the footage and encoded clips are kept between runs:
// $XDG_CACHE_HOME/porchlight-testdata (os.UserCacheDir). .ci/deps fills the same directory.
func CacheDir() (string, error) {
	base, err := os.UserCacheDir()
	if err != nil {
		return "", err
	}
	return filepath.Join(base, "porchlight-testdata"), nil
}

// Footage returns the path of the named sample clip (Pedestrians, Tree), fetching the Debian package
// into the cache on first use. Without it and without a way to fetch it, the test is skipped with the
// reason; under CI (CI set) it fails instead, since .ci/deps must have fetched it.
func Footage(t testing.TB, name string) string {
	t.Helper()
	p, err := FetchFootage(name)
	if err != nil {
		if os.Getenv("CI") != "" {
			t.Fatalf("footage %s: %v (.ci/deps fetches it)", name, err)
		}
		t.Skipf("footage %s not available: %v", name, err)
	}
	return p
}

// FetchFootage is Footage without a test: the path of the named clip, fetched if needed.
func FetchFootage(name string) (string, error) {
	cache, err := CacheDir()
	if err != nil {
		return "", err
	}
	dir := filepath.Join(cache, footagePkg)
	p := filepath.Join(dir, name)
	if _, err := os.Stat(p); err == nil {
		return p, nil
	}
	if _, err := exec.LookPath("apt-get"); err != nil {
		return "", errors.New("apt-get not found to download " + footagePkg)
	}
	tmp, err := os.MkdirTemp("", "porchlight-footage-")
	if err != nil {
		return "", err
	}
	defer os.RemoveAll(tmp)
	dl := exec.Command("apt-get", "download", footagePkg)
	dl.Dir = tmp
	if out, err := dl.CombinedOutput(); err != nil {
		return "", fmt.Errorf("apt-get download %s: %v: %s", footagePkg, err, out)
	}
	debs, _ := filepath.Glob(filepath.Join(tmp, footagePkg+"_*.deb"))
	if len(debs) != 1 {
		return "", fmt.Errorf("apt-get download %s: got %d .deb files", footagePkg, len(debs))
	}
	x := filepath.Join(tmp, "x")
	if out, err := exec.Command("dpkg", "-x", debs[0], x).CombinedOutput(); err != nil {
		return "", fmt.Errorf("dpkg -x %s: %v: %s", debs[0], err, out)
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return "", err
	}
	for _, n := range []string{Pedestrians, Tree} {
		b, err := os.ReadFile(filepath.Join(x, footageDir, n))
		if err != nil {
			return "", err
		}
		// Write then rename, so a concurrent or interrupted fetch never leaves half a clip.
		if err := os.WriteFile(filepath.Join(dir, n+".tmp"), b, 0o644); err != nil {
			return "", err
		}
		if err := os.Rename(filepath.Join(dir, n+".tmp"), filepath.Join(dir, n)); err != nil {
			return "", err
		}
	}
	return p, nil
}
