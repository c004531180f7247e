package nvr

import (
	"errors"
	"time"

	"github.com/porchlight/porchlight/recorder"
	"github.com/porchlight/porchlight/ui"
)

// cameraAPI adapts the recorder to what the HTTP API needs (ui.Cameras).
type cameraAPI struct {
	rec *recorder.Recorder
}

func (a cameraAPI) Cameras() []ui.Camera {
	var out []ui.Camera
	for _, s := range a.rec.Status() {
		c := ui.Camera{Name: s.Camera, Stream: s.Stream, State: string(s.State), LastError: s.LastError,
			Codecs: s.Codecs, BitrateBps: s.BitrateBps, FPS: s.FPS, LastFrame: s.LastFrame,
			Reconnects: s.Reconnects, Dropped: s.Dropped, Bytes: s.DiskBytes, Oldest: s.Oldest}
		if k := s.Keyframe; k != nil {
			c.Pictures = &ui.CameraPictures{SnapshotSource: k.SnapshotSource, NoSnapshotReason: k.NoSnapshotReason,
				ZonesChecked: k.ZonesChecked, ZonesNote: k.ZonesNote, KeyframesNote: k.KeyframesNote, SnapshotsTaken: k.SnapshotsTaken,
				SnapshotsFailed: k.SnapshotsFailed, SnapshotError: k.SnapshotError, KeyframeError: k.LastError}
		}
		if len(s.Codecs) > 0 {
			c.Codec = s.Codecs[0]
		}
		if c.Codecs == nil {
			c.Codecs = []string{}
		}
		out = append(out, c)
	}
	if out == nil {
		out = []ui.Camera{}
	}
	return out
}

func (a cameraAPI) Recordings(camera, stream string, start, end time.Time) ([]ui.Span, error) {
	spans, err := a.rec.Spans(camera, stream, start, end)
	if err != nil {
		return nil, apiErr(err)
	}
	out := make([]ui.Span, len(spans))
	for i, s := range spans {
		out[i] = ui.Span{Start: s.Start, End: s.End}
	}
	return out, nil
}

func (a cameraAPI) Export(camera, stream string, start, end time.Time) (ui.Clip, error) {
	clip, err := a.rec.Export(camera, stream, start, end)
	if err != nil {
		return nil, apiErr(err)
	}
	return clip, nil
}

func (a cameraAPI) Live(camera, stream string) (ui.LiveFeed, error) {
	l, err := a.rec.LiveStream(camera, stream)
	if err != nil {
		return nil, apiErr(err)
	}
	return l, nil
}

// apiErr maps the recorder's sentinel errors to the API's.
func apiErr(err error) error {
	switch {
	case errors.Is(err, recorder.ErrUnknownCamera):
		return ui.WrapError(ui.ErrNotFound, err)
	case errors.Is(err, recorder.ErrNoRecording):
		return ui.WrapError(ui.ErrNoRecording, err)
	case errors.Is(err, recorder.ErrRangeTooLong):
		return ui.WrapError(ui.ErrBadRequest, err)
	}
	return err
}

// Storage reports the recorder's disk usage for GET /api/v1/storage (ui.StorageReporter).
func (a cameraAPI) Storage() (ui.StorageReport, error) {
	fs, err := a.rec.Filesystem()
	if err != nil {
		return ui.StorageReport{}, err
	}
	global, cams, minFree := a.rec.RetentionLimits()
	rep := ui.StorageReport{Filesystem: ui.Filesystem{Total: fs.Total, Free: fs.Free},
		Limits:       ui.Limits{MaxAge: global.MaxAge, MaxBytes: global.MaxBytes, MinFree: minFree},
		CameraLimits: make(map[string]ui.Limits, len(cams)), Warning: a.rec.DiskWarning()}
	for name, l := range cams {
		rep.CameraLimits[name] = ui.Limits{MaxAge: l.MaxAge, MaxBytes: l.MaxBytes}
	}
	for _, s := range a.rec.UsageHistory() {
		rep.History = append(rep.History, ui.UsagePoint{Time: s.Time, Bytes: s.Bytes, Free: s.Free, Cameras: s.Cameras})
	}
	return rep, nil
}
