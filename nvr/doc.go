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
// # MQTT
//
// The optional `mqtt` block starts nvr/mqtt's publisher beside the other components (mqttSource is its
// view of the node); it stops first, so the node says offline while everything else still runs.
package nvr
