package hls

import "errors"

// Errors callers branch on (the HTTP API maps them to status codes).
var (
	// ErrNotFound: the resource is not (or no longer) in the window.
	ErrNotFound = errors.New("no such HLS resource")
	// ErrBadRequest: a blocking request for a segment or part too far in the future (RFC 8216bis
	// 6.2.5.2), or a resource name that is not the window's.
	ErrBadRequest = errors.New("bad HLS request")
	// ErrNotReady: the stream produced nothing in time (no video from the camera yet, or a blocking
	// request waited three target durations), or it ended.
	ErrNotReady = errors.New("no live video from this camera yet")
	// ErrUnknownStream wraps the Source's error for a camera stream it does not have.
	ErrUnknownStream = errors.New("unknown camera stream")
)
