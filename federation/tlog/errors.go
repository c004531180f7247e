package tlog

import "errors"

// Errors callers branch on. Functions wrap them with the context (origin, index, size) a person needs.
var (
	// ErrMalformedCheckpoint means a checkpoint's text is not exactly origin, size and hash lines.
	ErrMalformedCheckpoint = errors.New("tlog: malformed checkpoint")
	// ErrWrongOrigin means a checkpoint names a log other than the one expected.
	ErrWrongOrigin = errors.New("tlog: wrong origin")
	// ErrBadSignature means a checkpoint does not carry a valid signature by the log's key.
	ErrBadSignature = errors.New("tlog: checkpoint not signed by the log's key")
	// ErrOutOfRange means an index or tree size is negative or beyond the log (or the checkpoint).
	ErrOutOfRange = errors.New("tlog: index or size out of range")
	// ErrProof means a proof did not verify.
	ErrProof = errors.New("tlog: proof does not verify")
	// ErrMalformedProof means encoded proof bytes are not a whole number of hashes or too many of them.
	ErrMalformedProof = errors.New("tlog: malformed proof")
	// ErrShrunk means a newer checkpoint claims a smaller tree than an older one.
	ErrShrunk = errors.New("tlog: log shrank")
)
