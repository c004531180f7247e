package debpkg

import (
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/porchlight/porchlight/recorder/mediatest"
)

// TestInstallArm64 installs the arm64 package into an arm64 Debian root run under qemu-aarch64-static
// (binfmt_misc): the Raspberry Pi's package. postinst runs there (porchlight init, emulated), the node
// serves /healthz, records a gst-rtsp-server camera on the host over loopback, and `porchlight export`
// writes a clip that the host's ffprobe and ffmpeg accept.
func TestInstallArm64(t *testing.T) {
	requireRootAndTools(t, "mmdebstrap", "chroot", "mount", "update-binfmts", "qemu-aarch64-static", "ffprobe", "ffmpeg")
	enableBinfmt(t, "qemu-aarch64")
	deb := debFor(t, testV1, "arm64")
	camera := mediatest.StartGstCamera(t) + "/h264"
	r := newDebRoot(t, "arm64")

	if got := strings.TrimSpace(r.run(t, "dpkg", "--print-architecture")); got != "arm64" {
		t.Fatalf("root architecture: got %q, want arm64", got)
	}
	out := r.install(t, deb)
	t.Logf("dpkg -i %s:\n%s", deb, out)
	checkFirstInstall(t, r, out, testV1)
	if got := r.run(t, "porchlight", "version"); !strings.Contains(got, " linux/arm64 ") {
		t.Errorf("porchlight version printed %q, want linux/arm64", got)
	}

	addr := r.configureNode(t, "Elm Street 12", camera)
	n := r.startNode(t, addr, 3*time.Minute)
	rec := n.waitRecorded(8*time.Second, 3*time.Minute)
	n.exportClip(rec.Start.Add(time.Second), rec.End.Add(-time.Second))
	n.stop()
}

// TestInstallArmhf installs the armhf package (GOARM=7: 32-bit Raspberry Pi OS) into an armhf Debian root
// run under qemu-arm-static: postinst runs there (porchlight init, emulated), the binary reports
// linux/arm, and the node serves /healthz.
func TestInstallArmhf(t *testing.T) {
	requireRootAndTools(t, "mmdebstrap", "chroot", "mount", "update-binfmts", "qemu-arm-static")
	enableBinfmt(t, "qemu-arm")
	deb := debFor(t, testV1, "armhf")
	r := newDebRoot(t, "armhf")

	if got := strings.TrimSpace(r.run(t, "dpkg", "--print-architecture")); got != "armhf" {
		t.Fatalf("root architecture: got %q, want armhf", got)
	}
	start := time.Now()
	out := r.install(t, deb)
	t.Logf("dpkg -i %s:\n%s", deb, out)
	checkFirstInstall(t, r, out, testV1)
	if got := r.run(t, "porchlight", "version"); !strings.Contains(got, " linux/arm ") {
		t.Errorf("porchlight version printed %q, want linux/arm", got)
	}
	addr := r.configureNode(t, "Elm Street 12", "rtsp://127.0.0.1:1/none") // no camera: serve alone
	n := r.startNode(t, addr, 3*time.Minute)
	t.Logf("figure: dpkg -i to /healthz answering ok (armhf root under qemu-arm-static, serve started by hand): %v",
		time.Since(start).Round(10*time.Millisecond))
	n.stop()
}

// enableBinfmt mounts binfmt_misc when it is not mounted and enables the interpreter name (qemu-aarch64,
// qemu-arm: Debian's binfmt-support and qemu-user-static), so that binaries of its architecture run here;
// it fails with the exact error when the kernel or container refuses.
func enableBinfmt(t *testing.T, name string) {
	t.Helper()
	const dir = "/proc/sys/fs/binfmt_misc"
	if _, err := os.Stat(dir + "/register"); err != nil {
		if out, err := exec.Command("mount", "-t", "binfmt_misc", "binfmt_misc", dir).CombinedOutput(); err != nil {
			t.Fatalf("mount binfmt_misc on %s: %v: %s", dir, err, out)
		}
	}
	if out, err := exec.Command("update-binfmts", "--enable", name).CombinedOutput(); err != nil {
		t.Fatalf("update-binfmts --enable %s: %v: %s", name, err, out)
	}
	b, err := os.ReadFile(dir + "/" + name)
	if err != nil || !strings.HasPrefix(string(b), "enabled") {
		t.Fatalf("%s/%s: got %q (err %v), want it enabled", dir, name, b, err)
	}
}
