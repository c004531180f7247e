package nvr

import (
	"fmt"
	"runtime"
	"runtime/debug"

	"github.com/porchlight/porchlight/federation"
	"github.com/porchlight/porchlight/nvr/notify"
	"github.com/porchlight/porchlight/recorder"
	"github.com/porchlight/porchlight/recorder/index"
	"github.com/porchlight/porchlight/ui"
)

// version is set at link time by `make build`:
//
//	-ldflags "-X github.com/porchlight/porchlight/nvr.version=$(git describe --always --dirty)"
var version string

// Version returns the version of this build: the value set at link time, else the module version or VCS
// revision that the go command recorded, else "devel".
func Version() string {
	if version != "" {
		return version
	}
	bi, ok := debug.ReadBuildInfo()
	if !ok {
		return "devel"
	}
	return versionFromBuildInfo(bi)
}

func versionFromBuildInfo(bi *debug.BuildInfo) string {
	if v := bi.Main.Version; v != "" && v != "(devel)" {
		return v
	}
	var rev, dirty string
	for _, s := range bi.Settings {
		switch {
		case s.Key == "vcs.revision":
			rev = s.Value
		case s.Key == "vcs.modified" && s.Value == "true":
			dirty = "-dirty"
		}
	}
	if rev == "" {
		return "devel"
	}
	return rev[:min(len(rev), 12)] + dirty
}

// Formats returns the format version of every file this build keeps on disk: the newest it reads.
func Formats() map[string]int {
	return map[string]int{
		"config":      CurrentVersion,
		"index":       index.FormatVersion,
		"segments":    recorder.SegmentLayoutVersion,
		"federation":  federation.FormatVersion,
		"notify":      notify.FormatVersion,
		"users":       ui.UsersFormat,
		"tokens":      ui.TokensFormat,
		"alert_reads": alertReadsVersion,
	}
}

// buildInfo is what `porchlight version --json` prints and GET /api/v1/version answers.
func buildInfo() ui.BuildInfo {
	var commit string
	if bi, ok := debug.ReadBuildInfo(); ok {
		for _, s := range bi.Settings {
			if s.Key == "vcs.revision" {
				commit = s.Value
			}
		}
	}
	return ui.BuildInfo{Version: Version(), Commit: commit, Go: runtime.Version(), Formats: Formats()}
}

// versionLine is what `porchlight version` prints.
func versionLine() string {
	return fmt.Sprintf("porchlight %s %s/%s %s", Version(), runtime.GOOS, runtime.GOARCH, runtime.Version())
}
