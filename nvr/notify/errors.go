package notify

import "errors"

// Errors of the package; callers branch on them with errors.Is.
var (
	// ErrBadType is wrapped by errors for a notification type that does not exist.
	ErrBadType = errors.New("unknown notification type")
	// ErrBadQuietHours is wrapped by errors for quiet hours that are not HH:MM-HH:MM.
	ErrBadQuietHours = errors.New("quiet hours must be HH:MM-HH:MM")
	// ErrRejected is wrapped by send errors the receiver will answer the same way however often the job is
	// retried (a 4xx other than 408 and 429): such a job is dropped.
	ErrRejected = errors.New("rejected by the receiver")
	// ErrNoChannel is wrapped by Test's error for a channel name that is not configured.
	ErrNoChannel = errors.New("no such channel")
	// ErrClosed is returned by Notify after Close.
	ErrClosed = errors.New("notifier closed")
)
