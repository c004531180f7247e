package debpkg

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/porchlight/porchlight/internal/atomicfile"
)

// SumsFile is the name of the checksum file Build writes beside the packages (`sha256sum -c` reads it).
const SumsFile = "SHA256SUMS"

// Options says what Build builds.
type Options struct {
	Repo    string    // the module's root: cmd/porchlight and configs/ are read from it
	Out     string    // directory for the packages and SumsFile (created)
	Version string    // the Debian version; empty: GitVersion of Repo
	Date    time.Time // changelog date and file times; zero: HEAD's commit time (or now, with Version set)
	Arches  []Arch    // nil: all of Arches
	Log     io.Writer // a line per package; nil: none
}

// Result lists what Build wrote.
type Result struct {
	Version string
	Debs    []string // paths, in the order of Options.Arches
	Sums    string   // path of SumsFile
}

// Build builds a static binary per architecture linked with the version, packages each as
// Out/porchlight_<version>_<arch>.deb and writes Out/SHA256SUMS for them.
func Build(ctx context.Context, opts Options) (*Result, error) {
	repo, err := filepath.Abs(opts.Repo)
	if err != nil {
		return nil, err
	}
	version, date := opts.Version, opts.Date
	if version == "" {
		if version, date, err = GitVersion(ctx, repo); err != nil {
			return nil, err
		}
	} else if err := ValidVersion(version); err != nil {
		return nil, err
	}
	if date.IsZero() {
		date = time.Now().UTC().Truncate(time.Second)
	}
	arches := opts.Arches
	if arches == nil {
		arches = Arches
	}
	logw := opts.Log
	if logw == nil {
		logw = io.Discard
	}
	if err := os.MkdirAll(opts.Out, 0o755); err != nil {
		return nil, err
	}
	work, err := os.MkdirTemp("", "porchlight-package-")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(work)

	res := &Result{Version: version}
	var sums strings.Builder
	for _, a := range arches {
		dir := filepath.Join(work, a.Deb)
		if err := os.Mkdir(dir, 0o755); err != nil {
			return nil, err
		}
		bin := filepath.Join(dir, PackageName)
		if err := buildBinary(ctx, repo, a, version, bin); err != nil {
			return nil, err
		}
		out := filepath.Join(opts.Out, FileName(version, a))
		if err := writeDeb(repo, dir, a, version, date, bin, out); err != nil {
			return nil, err
		}
		sum, size, err := fileSHA256(out)
		if err != nil {
			return nil, err
		}
		fmt.Fprintf(&sums, "%s  %s\n", sum, filepath.Base(out))
		fmt.Fprintf(logw, "%s  %d bytes\n", out, size)
		res.Debs = append(res.Debs, out)
	}
	res.Sums = filepath.Join(opts.Out, SumsFile)
	if err := atomicfile.WriteFile(res.Sums, []byte(sums.String()), 0o644); err != nil {
		return nil, err
	}
	return res, nil
}

func fileSHA256(path string) (sum string, size int64, err error) {
	f, err := os.Open(path)
	if err != nil {
		return "", 0, err
	}
	defer f.Close()
	h := sha256.New()
	if size, err = io.Copy(h, f); err != nil {
		return "", 0, fmt.Errorf("%s: %w", path, err)
	}
	return hex.EncodeToString(h.Sum(nil)), size, nil
}
