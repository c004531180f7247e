package index

import "errors"

// These errors are returned, wrapped with context, by the functions and methods of this package. Test for
// them with errors.Is.
var (
	// ErrNotFound is returned when a stream has no segment with the requested ID, or no segments at all.
	ErrNotFound = errors.New("index: not found")

	// ErrBadRecord is returned when stored bytes cannot be decoded: a truncated or corrupt record, or one
	// written in a format version this build does not know.
	ErrBadRecord = errors.New("index: bad record")

	// ErrClosed is returned by the methods of a DB after Close.
	ErrClosed = errors.New("index: database closed")
)
