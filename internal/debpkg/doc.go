// Package debpkg builds Porchlight's Debian packages: static binaries for amd64, arm64 and armhf (GOARM=7),
// each wrapped with nfpm (as a library) into dist/porchlight_<version>_<arch>.deb, and a SHA256SUMS file
// beside them. `make package` runs it through internal/cmd/porchlight-package.
//
// What a package holds and does:
//
//	/usr/bin/porchlight                        the static binary; `porchlight version` prints the package version
//	/lib/systemd/system/porchlight.service     configs/porchlight.service, enabled by postinst
//	/etc/porchlight/porchlight.yml             configs/deb/porchlight.yml, the one conffile
//	/usr/share/doc/porchlight/{copyright,changelog.gz}
//	/usr/share/doc/porchlight/porchlight.yml.example   configs/porchlight.yml: every key, commented
//	/usr/share/lintian/overrides/porchlight    configs/deb/lintian-overrides: each tag with its reason
//	postinst, prerm, postrm                    configs/deb: the porchlight user, `porchlight init --config`
//	                                           when the data dir holds no node, /etc/porchlight and
//	                                           /var/lib/porchlight kept on remove and deleted on purge
//
// The config /etc/porchlight/porchlight.yml is a dpkg conffile holding only what every packaged node
// shares (version, data_dir /var/lib/porchlight, name "" which the node reads as its hostname), so that
// the shipped file rarely changes between versions. Nothing per node is written into it by the package:
// postinst runs `porchlight init --config` on it, which makes the identity, admin, token and Web Push key
// in the data dir and leaves the file alone (policy 10.7.3: maintainer scripts do not edit conffiles).
// The node itself rewrites it when cameras or notification channels are edited in the UI, so postinst
// gives it and /etc/porchlight to the porchlight user (0600, 0700) with dpkg-statoverride, which dpkg
// applies again whenever it installs a new version of the file; postrm removes the overrides on purge.
// On upgrade dpkg keeps an edited config without asking when the shipped one did not change; when both
// changed it asks, or with --force-confold (apt's noninteractive choice) keeps the admin's and leaves the
// new one as porchlight.yml.dpkg-dist. An unedited config is replaced silently. Only purge removes it.
//
// Versions come from `git describe --tags --always --dirty`, mapped to a Debian version (see
// DebianVersion); the binary is linked with the same string.
//
// The package does not own the tests' Debian roots; those live in its _test.go files, which need root,
// mmdebstrap, lintian, qemu-user-static and binfmt_misc, and systemd-nspawn to boot a root with systemd,
// and skip without them.
package debpkg
