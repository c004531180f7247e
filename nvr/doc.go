// Package nvr is the wiring of Porchlight: it loads, migrates and validates the config, creates a node's
// files (`porchlight init`), starts the recorder, federation and UI components in order, passes each the
// small interfaces it declares, and stops them in reverse order. It also holds the command-line interface
// that cmd/porchlight calls.
//
// nvr is the only package that imports recorder, federation and ui. Nothing but cmd/porchlight may import
// nvr: components that need something from another room declare an interface and nvr passes the
// implementation (a test, deps_test.go, enforces this).
//
// # Config
//
// The config is one versioned struct, Config, read from YAML by Load or Parse. Decoding is strict: an
// unknown key, a value of the wrong type and every failed check of Validate is an error that starts with
// the key path, e.g. `cameras[0].url: scheme must be rtsp or rtsps`. Omitted keys take the values of
// Default, which configs/porchlight.yml spells out. Documents of older versions are migrated step by step
// (see migrations) before decoding; newer versions are rejected.
//
// # On-disk formats
//
// Everything a node keeps carries a format version, so that an upgrade migrates it and an older binary
// refuses it (`porchlight version --json` and GET /api/v1/version list the versions this build knows;
// internal/formats holds the mechanics). The first release wrote every format at version 1;
// testdata/datadir-v1 is a data dir it wrote, which TestUpgradeFromDatadirV1 opens.
//
//	file (in data_dir)         format                                   version kept in      owner
//	porchlight.yml (config)    YAML                                     version:             nvr (migrations)
//	index.db                   bbolt: recording index and events        meta/version         recorder/index (Schema)
//	recordings/<cam>/<stream>/ fMP4 segment files %016x.mp4, each with  index.db             recorder
//	                           a JSON meta box ({"v":1,...})            meta/segments
//	federation.db              bbolt: hoods (genesis, certs, invites,   meta/version         federation (Schema)
//	                           alerts, replay store), peers, agency
//	                           requests, deliveries, submissions,
//	                           request logs (tlog), witness, policy
//	notify.db                  bbolt: notification queues ("ch/…"),     meta/version         nvr/notify (Schema)
//	                           Web Push subscriptions ("push")
//	users.json                 JSON {version, users}                    "version"            ui
//	tokens.json                JSON {version, tokens} (hashes only)     "version"            ui
//	alerts-read.json           JSON {version, read_until}               "version"            nvr
//	identity.key               PKCS#8 Ed25519 key, PEM                  its PEM type         nvr
//	vapid.key                  SEC 1 ECDSA P-256 key, PEM               its PEM type         nvr/notify
//	tls.key, tls.crt           PKCS#8 key and X.509 certificate, PEM    their PEM types      ui
//	agency-age.key             age X25519 identity (AGE-SECRET-KEY-1…)  its prefix           federation/agency
//	api.token                  64 hex digits                            —                    ui
//	notify-*.key               a channel's secret, one line             —                    nvr
//	outbox/, submissions/      age-sealed clips (sent, received)        age's header        federation/agency
//
// Each bbolt database is opened through a formats.Schema: in the transaction that opens it, a version
// above the build's stops the node with one line ("data/index.db has format 3; this porchlight knows up
// to 2: upgrade porchlight"), older versions go through the database's migration table ({from, to,
// func(tx)}) and the new version is written; a failing step rolls all of it back. A database without
// meta/version (federation.db and notify.db before versions were recorded) is version 1. The key files are
// standard formats whose PEM type or prefix says what they hold; a header of ours would break the tools
// that read them (openssl), so they carry none. When a format changes: raise its version, add the step to
// its table with a test, and capture the release before as testdata/datadir-vN.
//
// # MQTT
//
// The optional `mqtt` block starts nvr/mqtt's publisher beside the other components (mqttSource is its
// view of the node); it stops first, so the node says offline while everything else still runs.
package nvr
