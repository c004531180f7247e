package debpkg

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"strings"
)

// versionSymbol is the variable `porchlight version` prints (nvr/version.go).
const versionSymbol = "github.com/porchlight/porchlight/nvr.version"

// buildBinary builds cmd/porchlight of repo for a as a static, stripped binary at out, linked with
// version.
func buildBinary(ctx context.Context, repo string, a Arch, version, out string) error {
	cmd := exec.CommandContext(ctx, "go", "build", "-trimpath",
		"-ldflags", "-s -w -X "+versionSymbol+"="+version, "-o", out, "./cmd/porchlight")
	cmd.Dir = repo
	cmd.Env = append(os.Environ(), "CGO_ENABLED=0", "GOOS=linux", "GOARCH="+a.GOARCH, "GOARM="+a.GOARM)
	if b, err := cmd.CombinedOutput(); err != nil {
		return fmt.Errorf("go build for %s: %w: %s", a.Deb, err, strings.TrimSpace(string(b)))
	}
	return nil
}
