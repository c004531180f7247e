package backup

import "errors"

// Errors of Extract, for callers that branch on them.
var (
	// ErrCorrupt: the archive is damaged, truncated or altered, or its manifest does not match its files.
	ErrCorrupt = errors.New("backup archive is damaged or incomplete")
	// ErrPassphrase: the archive is encrypted and the passphrase given does not open it.
	ErrPassphrase = errors.New("wrong passphrase for the backup archive")
	// ErrEncrypted: the archive is encrypted and no passphrase was given.
	ErrEncrypted = errors.New("backup archive is encrypted: a passphrase is needed")
)
