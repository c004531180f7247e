package restream

import (
	"errors"
	"fmt"
	"time"
)

// Answers of an Authenticator that the server turns into RTSP status codes.
var (
	// ErrBadLogin: unknown user or wrong password (401).
	ErrBadLogin = errors.New("wrong user name or password")
	// ErrForbidden: the user may not watch the camera (403).
	ErrForbidden = errors.New("user may not watch this camera")
	// ErrUnknownPath: the path names no camera stream (404).
	ErrUnknownPath = errors.New("no such camera stream")
)

// ThrottledError is an Authenticator's answer while a client must wait before trying a password again
// (503 with Retry-After).
type ThrottledError struct {
	Wait time.Duration
}

func (e *ThrottledError) Error() string {
	return fmt.Sprintf("too many failed logins; retry in %s", e.Wait.Round(time.Second))
}
