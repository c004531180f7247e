package ui

import (
	"io"
	"time"
)

// Camera is one camera stream as the API lists it.
type Camera struct {
	Name       string    `json:"name"`
	Stream     string    `json:"stream"`
	State      string    `json:"state"`
	LastError  string    `json:"last_error,omitempty"`
	Codecs     []string  `json:"codecs"`
	Codec      string    `json:"codec"` // the video codec
	BitrateBps float64   `json:"bitrate_bps"`
	FPS        float64   `json:"fps"`
	LastFrame  time.Time `json:"last_frame,omitzero"`
	Reconnects uint64    `json:"reconnects"`
	Bytes      int64     `json:"bytes"` // footage on disk
	Oldest     time.Time `json:"oldest,omitzero"`
	Dropped    uint64    `json:"dropped_frames"`
	// NoPicture says why the camera's events have no snapshot, in plain words; empty when they can have one.
	NoPicture string `json:"no_picture,omitempty"`
}

// Span is a recorded time range without gaps.
type Span struct {
	Start time.Time `json:"start"`
	End   time.Time `json:"end"`
}

// Clip is an MP4 ready to serve with Range and ETag.
type Clip interface {
	io.ReadSeeker
	io.Closer
	Size() int64
	ETag() string
	ModTime() time.Time
}

// Cameras is what the API needs of the recorder.
type Cameras interface {
	Cameras() []Camera
	Recordings(camera, stream string, start, end time.Time) ([]Span, error)
	Export(camera, stream string, start, end time.Time) (Clip, error)
	Live(camera, stream string) (LiveFeed, error)
}
