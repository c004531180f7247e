// Package configs holds the files shipped next to the binary: porchlight.yml (equal to the built-in
// defaults, which a test in nvr checks), agency.yml (an example federation node) and porchlight.service
// (a hardened systemd unit). The YAML files are embedded so that `porchlight init` can start from the
// commented file and tests can read them without knowing paths.
package configs

import _ "embed"

// PorchlightYML is configs/porchlight.yml: the default configuration with its comments.
//
//go:embed porchlight.yml
var PorchlightYML []byte

// AgencyYML is configs/agency.yml: an example configuration of an agency's federation node.
//
//go:embed agency.yml
var AgencyYML []byte
