// Command porchlight-package builds Porchlight's Debian packages (`make package`): for each architecture a
// static binary and dist/porchlight_<version>_<arch>.deb, then dist/SHA256SUMS. Run it from the module's
// root. The version defaults to `git describe --tags --always --dirty` mapped to a Debian version; see
// package debpkg.
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"strings"

	"github.com/porchlight/porchlight/internal/debpkg"
)

func main() {
	out := flag.String("out", "dist", "directory for the packages and SHA256SUMS")
	version := flag.String("version", "", "package version (default: from git describe)")
	arches := flag.String("arch", "", "comma-separated Debian architectures (default: amd64,arm64,armhf)")
	flag.Parse()
	var names []string
	if *arches != "" {
		names = strings.Split(*arches, ",")
	}
	as, err := debpkg.LookupArches(names)
	if err == nil {
		_, err = debpkg.Build(context.Background(), debpkg.Options{
			Repo: ".", Out: *out, Version: *version, Arches: as, Log: os.Stdout,
		})
	}
	if err != nil {
		fmt.Fprintf(os.Stderr, "porchlight-package: %v\n", err)
		os.Exit(1)
	}
}
