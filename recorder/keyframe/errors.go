package keyframe

import "errors"

// Errors callers branch on.
var (
	// ErrNoFFmpeg: the ffmpeg binary was not found; the stage checks nothing and makes no snapshots.
	ErrNoFFmpeg = errors.New("ffmpeg not found on PATH: events have no snapshots and zones are not checked")
	// ErrClosed: the stage was closed, or its Run ended.
	ErrClosed = errors.New("keyframe stage closed")
	// ErrBusy: the stage's queue is full; the keyframe was shed (the recorder never waits on the stage).
	ErrBusy = errors.New("keyframe stage busy: keyframe shed")
	// ErrNotJPEG: a snapshot body is not a complete baseline/progressive JPEG image.
	ErrNotJPEG = errors.New("not a JPEG image")
	// ErrTooLarge: a response or output passed its size cap.
	ErrTooLarge = errors.New("response larger than its cap")
	// ErrNoSnapshotURI: the ONVIF device offers no media profile or no snapshot URI.
	ErrNoSnapshotURI = errors.New("onvif: device offers no snapshot URI")
)
