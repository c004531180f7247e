// Command porchlight is Porchlight, a local-first self-hosted home NVR: it records RTSP cameras to disk,
// serves a web UI and JSON API, and lets neighbors share footage only with the owner's approval.
//
// Run "porchlight help" for the subcommands; the work is done by package nvr.
package main

import (
	"os"

	"github.com/porchlight/porchlight/nvr"
)

func main() {
	os.Exit(nvr.Main(os.Args[1:], os.Stdout, os.Stderr))
}
