package debpkg

import (
	"fmt"
	"slices"
)

// Arch is one target: its Debian name and how Go builds for it.
type Arch struct {
	Deb    string // Debian architecture, in the package's file name
	GOARCH string
	GOARM  string // for arm only
}

// Arches are the targets `make package` builds: PCs and servers, 64-bit Raspberry Pi OS (Pi 3/4/5) and
// 32-bit Raspberry Pi OS (Pi 2/3/Zero 2; ARMv7 with hardware floating point, Debian's armhf).
var Arches = []Arch{
	{Deb: "amd64", GOARCH: "amd64"},
	{Deb: "arm64", GOARCH: "arm64"},
	{Deb: "armhf", GOARCH: "arm", GOARM: "7"},
}

// LookupArches returns the Arches named by their Debian names, all of them for none.
func LookupArches(names []string) ([]Arch, error) {
	if len(names) == 0 {
		return Arches, nil
	}
	var out []Arch
	for _, n := range names {
		i := slices.IndexFunc(Arches, func(a Arch) bool { return a.Deb == n })
		if i < 0 {
			return nil, fmt.Errorf("architecture %q: want one of amd64, arm64, armhf", n)
		}
		out = append(out, Arches[i])
	}
	return out, nil
}

// FileName is the guide's name of the package file: porchlight_<version>_<arch>.deb.
func FileName(version string, a Arch) string {
	return fmt.Sprintf("%s_%s_%s.deb", PackageName, version, a.Deb)
}
