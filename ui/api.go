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
	// Pictures is where the camera's event snapshots come from, and whether its zones are checked; nil
	// for a sub-stream.
	Pictures *CameraPictures `json:"pictures,omitempty"`
}

// CameraPictures says where a camera's event snapshots come from and whether its zones and masks are
// checked, and in plain words why not, for the UI to show beside the camera.
type CameraPictures struct {
	// SnapshotSource: "ffmpeg" (the keyframe stage), "snapshot_url", "onvif" (the camera's ONVIF
	// GetSnapshotUri), or "" when events have no picture; NoSnapshotReason then says why.
	SnapshotSource   string `json:"snapshot_source"`
	NoSnapshotReason string `json:"no_snapshot_reason,omitempty"`
	// ZonesChecked: the camera has zones or masks and the keyframe stage checks them; ZonesNote says why
	// configured zones are not checked.
	ZonesChecked    bool   `json:"zones_checked"`
	ZonesNote       string `json:"zones_note,omitempty"`
	KeyframesNote   string `json:"keyframes_note,omitempty"` // why motion.decode_keyframes has no effect
	SnapshotsTaken  uint64 `json:"snapshots_taken"`
	SnapshotsFailed uint64 `json:"snapshots_failed"`
	SnapshotError   string `json:"snapshot_error,omitempty"` // the latest failure
	KeyframeError   string `json:"keyframe_error,omitempty"` // the keyframe stage's latest failure, with what ffmpeg said
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
