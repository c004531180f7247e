package formats

import (
	"errors"
	"fmt"
)

// ErrTooNew is wrapped by every error for a file whose format is newer than this build knows.
var ErrTooNew = errors.New("format newer than this porchlight knows")

// TooNewError says which file has which format, and the newest this build knows.
type TooNewError struct {
	File       string
	Have, Know int
}

func (e *TooNewError) Error() string {
	return fmt.Sprintf("%s has format %d; this porchlight knows up to %d: upgrade porchlight", e.File, e.Have, e.Know)
}

// Unwrap makes errors.Is(err, ErrTooNew) hold.
func (e *TooNewError) Unwrap() error { return ErrTooNew }

// TooNew returns the error for file at format have when this build knows up to know.
func TooNew(file string, have, know int) error {
	return &TooNewError{File: file, Have: have, Know: know}
}
