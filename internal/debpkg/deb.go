package debpkg

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"time"

	"github.com/goreleaser/nfpm/v2"
	"github.com/goreleaser/nfpm/v2/deb"
	"github.com/goreleaser/nfpm/v2/files"

	"github.com/porchlight/porchlight/internal/atomicfile"
)

// The package's control fields.
const (
	PackageName = "porchlight"
	maintainer  = "Porchlight maintainers <maintainers@porchlight.invalid>"
	homepage    = "https://github.com/porchlight/porchlight"
	description = "local-first home NVR with neighborhood sharing\n" +
		"Porchlight records RTSP cameras to disk, detects motion in the compressed\n" +
		"stream, and serves a web UI and JSON API. Neighbors form a neighborhood over\n" +
		"libp2p and share footage only with the owner's approval.\n" +
		"\n" +
		"One static binary: it runs as the porchlight service, with its config in\n" +
		"/etc/porchlight and recordings in /var/lib/porchlight. ffmpeg is used, when\n" +
		"installed, for snapshots and keyframe motion stages."
)

// Files the package takes from the repository.
const (
	unitSource     = "configs/porchlight.service"
	scriptsDir     = "configs/deb"
	confSource     = scriptsDir + "/porchlight.yml" // the conffile: only what a packaged node needs
	exampleSource  = "configs/porchlight.yml"       // every key with its default and comment
	UnitPath       = "/lib/systemd/system/porchlight.service"
	BinaryPath     = "/usr/bin/porchlight"
	ConfPath       = "/etc/porchlight/porchlight.yml"
	docDir         = "/usr/share/doc/porchlight"
	ExamplePath    = docDir + "/porchlight.yml.example"
	overridesPath  = "/usr/share/lintian/overrides/porchlight"
	debCompression = "xz"
)

// writeDeb packages binary (built for a) with the unit, maintainer scripts and docs from repo into out,
// as version. date is the changelog's date and every file's mtime, so that one commit gives the same
// package. work is a scratch directory for generated files.
func writeDeb(repo, work string, a Arch, version string, date time.Time, binary, out string) error {
	changelog := filepath.Join(work, "changelog.gz")
	if err := writeChangelog(changelog, version, date); err != nil {
		return err
	}
	src := func(rel string) string { return filepath.Join(repo, rel) }
	file := func(from, to string, mode os.FileMode) *files.Content {
		return &files.Content{Source: from, Destination: to, FileInfo: &files.ContentFileInfo{Mode: mode, MTime: date}}
	}
	// conffile is listed in DEBIAN/conffiles. It is shipped 0644 root; postinst's dpkg-statoverride makes it
	// the porchlight user's, 0600, from then on also when dpkg replaces it on an upgrade.
	conffile := func(from, to string) *files.Content {
		c := file(from, to, 0o644)
		c.Type = files.TypeConfig
		return c
	}
	info := &nfpm.Info{
		Name:          PackageName,
		Arch:          a.Deb,
		Platform:      "linux",
		Version:       version,
		VersionSchema: "none",
		Section:       "video",
		Priority:      "optional",
		Maintainer:    maintainer,
		Description:   description,
		Homepage:      homepage,
		MTime:         date,
		Overridables: nfpm.Overridables{
			Recommends: []string{"ffmpeg"},
			Contents: files.Contents{
				file(binary, BinaryPath, 0o755),
				file(src(unitSource), UnitPath, 0o644),
				conffile(src(confSource), ConfPath),
				file(src(exampleSource), ExamplePath, 0o644),
				file(src(filepath.Join(scriptsDir, "copyright")), docDir+"/copyright", 0o644),
				file(changelog, docDir+"/changelog.gz", 0o644),
				file(src(filepath.Join(scriptsDir, "lintian-overrides")), overridesPath, 0o644),
			},
			Scripts: nfpm.Scripts{
				PostInstall: src(filepath.Join(scriptsDir, "postinst")),
				PreRemove:   src(filepath.Join(scriptsDir, "prerm")),
				PostRemove:  src(filepath.Join(scriptsDir, "postrm")),
			},
			Deb: nfpm.Deb{Compression: debCompression},
		},
	}
	info = nfpm.WithDefaults(info)
	if err := nfpm.PrepareForPackager(info, "deb"); err != nil {
		return fmt.Errorf("package %s: %w", a.Deb, err)
	}
	_, err := atomicfile.WriteFrom(out, 0o644, func(w io.Writer) error { return deb.Default.Package(info, w) })
	if err != nil {
		return fmt.Errorf("package %s: %w", a.Deb, err)
	}
	return nil
}
