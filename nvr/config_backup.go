package nvr

import (
	"fmt"
	"time"
)

// BackupConfig is the `backup` block: the node writes a backup archive (as `porchlight backup` does,
// without recordings unless asked) into Dir every Every, keeping the newest Keep. Empty Dir: off.
type BackupConfig struct {
	Dir   string   `yaml:"dir"`   // e.g. a USB stick or NAS mount; relative to the config file; empty = off
	Every Duration `yaml:"every"` // at least 1m
	Keep  int      `yaml:"keep"`  // archives kept in Dir, the newest; 1..1000
	// Encrypt encrypts the archives with the passphrase in PassphraseFile (age, scrypt). false writes them
	// unencrypted: whoever reads one has the node's identity, users and secrets.
	Encrypt        bool   `yaml:"encrypt"`
	PassphraseFile string `yaml:"passphrase_file"` // relative to the config file; its first line is the passphrase
	WithRecordings bool   `yaml:"with_recordings"` // also the recorded segments (large)
}

// DefaultBackup returns the values the `backup` block starts from.
func DefaultBackup() BackupConfig {
	return BackupConfig{Every: Duration(24 * time.Hour), Keep: 7, Encrypt: true}
}

// validate checks the block. The passphrase file is read when the node starts (newScheduledBackup), once
// the config's path is known.
func (b BackupConfig) validate() error {
	switch {
	case b.Every < Duration(time.Minute):
		return fmt.Errorf("backup.every: must be at least 1m, got %s", time.Duration(b.Every))
	case b.Keep < 1 || b.Keep > 1000:
		return fmt.Errorf("backup.keep: must be 1..1000, got %d", b.Keep)
	case b.Dir == "":
		return nil
	case b.Encrypt && b.PassphraseFile == "":
		return fmt.Errorf("backup.passphrase_file: required when backup.dir is set (or backup.encrypt: false for unencrypted archives)")
	case !b.Encrypt && b.PassphraseFile != "":
		return fmt.Errorf("backup.passphrase_file: set, but backup.encrypt is false")
	}
	return nil
}
