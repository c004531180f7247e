// Package debpkg builds Porchlight's Debian packages: static binaries for amd64, arm64 and armhf (GOARM=7),
// each wrapped with nfpm (as a library) into dist/porchlight_<version>_<arch>.deb, and a SHA256SUMS file
// beside them. `make package` runs it through internal/cmd/porchlight-package.
//
// What a package holds and does:
//
//	/usr/bin/porchlight                        the static binary; `porchlight version` prints the package version
//	/lib/systemd/system/porchlight.service     configs/porchlight.service, enabled by postinst
//	/usr/share/doc/porchlight/{copyright,changelog.gz}
//	/usr/share/lintian/overrides/porchlight    configs/deb/lintian-overrides: each tag with its reason
//	postinst, prerm, postrm                    configs/deb: the porchlight user, `porchlight init` on the
//	                                           first install, /etc/porchlight and /var/lib/porchlight kept
//	                                           on remove and deleted on purge
//
// The config /etc/porchlight/porchlight.yml is made by `porchlight init` in postinst, not shipped: it
// carries the node's name and data dir, and the node rewrites it when cameras are edited in the UI. It is
// therefore a configuration file the maintainer scripts own (Debian policy 10.7.3), not a dpkg conffile:
// postinst never touches an existing one, so upgrades keep it without a conffile prompt, and only purge
// removes it.
//
// Versions come from `git describe --tags --always --dirty`, mapped to a Debian version (see
// DebianVersion); the binary is linked with the same string.
//
// The package does not own the tests' Debian roots; those live in its _test.go files, which need root,
// mmdebstrap, lintian, qemu-user-static and binfmt_misc and skip without them.
package debpkg
