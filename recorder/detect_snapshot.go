package recorder

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/porchlight/porchlight/recorder/keyframe"
)

// Event snapshots come from one source per camera, in this order: the keyframe stage (the keyframe the
// event opened on, at the camera's full size) when ffmpeg is on PATH; else the camera's snapshot_url;
// else the snapshot URI an ONVIF camera gives (asked once per stream start); else none, and the status
// says why. The stage encodes the running decoder's picture of the keyframe in Go when the decoder
// decoded it or is about to (a camera with zones or masks, or decode_keyframes: the keyframe that
// confirmed the event), and starts a one-shot ffmpeg otherwise (a camera without zones, whose decoder
// never runs, or a keyframe it left out); KeyframeStatus counts both. When ffmpeg fails on a keyframe,
// the snapshot URL (if any) is tried before giving up. A goroutine per camera takes the snapshots, so a slow camera or ffmpeg never holds detection up;
// its queue is small and a snapshot that does not fit is counted as failed.

// Snapshot sources, as the status names them.
const (
	SourceFFmpeg      = "ffmpeg"
	SourceSnapshotURL = "snapshot_url"
	SourceONVIF       = "onvif"
)

// snapQueue is how many snapshots may wait for the camera's snapshot goroutine.
const snapQueue = 4

// onvifTimeout bounds the ONVIF GetSnapshotUri exchange at start.
const onvifTimeout = 10 * time.Second

type snapJob struct {
	id    uint64
	key   keyframe.Keyframe // NALUs nil: no keyframe (a URL source)
	stage *keyframe.Stage
}

// snapSources is what a camera's config says about snapshots; SetCameras replaces it.
type snapSources struct {
	url    string // snapshot_url
	camera string // the camera's RTSP URL, whose host is asked over ONVIF
}

// snapshotter takes a camera's event snapshots and attaches them to their events.
type snapshotter struct {
	log    *slog.Logger
	ffmpeg bool
	attach func(id uint64, jpeg []byte) error
	jobs   chan snapJob
	src    atomic.Pointer[snapSources]

	taken, failed atomic.Uint64

	mu       sync.Mutex
	onvifFor string // the camera URL ONVIF was asked about
	onvifURL string // what it answered; "" when it did not
	onvifErr string
	lastErr  string
}

func newSnapshotter(log *slog.Logger, ffmpeg bool, attach func(uint64, []byte) error) *snapshotter {
	s := &snapshotter{log: log, ffmpeg: ffmpeg, attach: attach, jobs: make(chan snapJob, snapQueue)}
	s.src.Store(&snapSources{})
	return s
}

// run takes snapshots until ctx ends; snapshots still queued then are dropped.
func (s *snapshotter) run(ctx context.Context) {
	s.askONVIF(ctx)
	for {
		select {
		case <-ctx.Done():
			return
		case j := <-s.jobs:
			s.take(ctx, j)
		}
	}
}

// queue hands a snapshot to the goroutine without waiting.
func (s *snapshotter) queue(j snapJob) {
	select {
	case s.jobs <- j:
	default:
		s.fail(errors.New("snapshot queue full"))
	}
}

// source is where this camera's snapshots come from ("" = none).
func (s *snapshotter) source() string {
	if s.ffmpeg {
		return SourceFFmpeg
	}
	if s.src.Load().url != "" {
		return SourceSnapshotURL
	}
	if s.onvif() != "" {
		return SourceONVIF
	}
	return ""
}

// reason says in plain words why events of this camera have no picture; "" when they can have one.
func (s *snapshotter) reason() string {
	if s.source() != "" {
		return ""
	}
	msg := "ffmpeg not found on PATH and no snapshot_url"
	s.mu.Lock()
	defer s.mu.Unlock()
	switch {
	case s.onvifErr != "":
		msg += " (ONVIF GetSnapshotUri: " + s.onvifErr + ")"
	case s.onvifFor == "":
		msg += " (asking the camera over ONVIF)"
	}
	return msg
}

func (s *snapshotter) onvif() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.onvifFor != s.src.Load().camera {
		return ""
	}
	return s.onvifURL
}

// askONVIF asks the camera for its snapshot URI when neither ffmpeg nor a snapshot_url gives pictures.
func (s *snapshotter) askONVIF(ctx context.Context) {
	src := s.src.Load()
	if s.ffmpeg || src.url != "" || src.camera == "" {
		return
	}
	s.mu.Lock()
	asked := s.onvifFor == src.camera
	s.mu.Unlock()
	if asked {
		return
	}
	ctx, cancel := context.WithTimeout(ctx, onvifTimeout)
	defer cancel()
	uri, err := keyframe.ONVIF{}.SnapshotURI(ctx, src.camera)
	if ctx.Err() != nil && err != nil && errors.Is(ctx.Err(), context.Canceled) {
		return // stopping
	}
	s.mu.Lock()
	s.onvifFor, s.onvifURL, s.onvifErr = src.camera, uri, ""
	if err != nil {
		s.onvifErr = oneLine(err.Error())
	}
	s.mu.Unlock()
	if err == nil {
		s.log.Info("event snapshots from the camera's ONVIF snapshot URI")
	}
}

// snapshotSlots bounds the ffmpeg snapshots made at once in the process: a one-shot ffmpeg costs ~100 ms
// of CPU, one from the decoder's picture ~16 ms at 720p (a JPEG encoded in Go), and a hundred cameras
// seeing motion at the same moment must not take the cores from recording. A camera waits for a slot;
// its later events queue behind (and past snapQueue are dropped and counted).
var snapshotSlots = make(chan struct{}, 2)

// decodeSnapshot takes the snapshot of a keyframe through the stage (from its decoder's picture, or a
// one-shot ffmpeg), one of snapshotSlots at a time.
func decodeSnapshot(ctx context.Context, j snapJob) ([]byte, error) {
	select {
	case snapshotSlots <- struct{}{}:
	case <-ctx.Done():
		return nil, ctx.Err()
	}
	defer func() { <-snapshotSlots }()
	return j.stage.Snapshot(ctx, j.key)
}

// take gets one snapshot from the first source that gives one and attaches it.
func (s *snapshotter) take(ctx context.Context, j snapJob) {
	var errs []error
	if j.stage != nil && j.key.NALUs != nil {
		b, err := decodeSnapshot(ctx, j)
		if err == nil {
			s.done(j.id, b)
			return
		}
		errs = append(errs, err)
	}
	s.askONVIF(ctx)
	url := s.src.Load().url
	if url == "" {
		url = s.onvif()
	}
	if url != "" {
		b, err := keyframe.FetchSnapshot(ctx, nil, url)
		if err == nil {
			s.done(j.id, b)
			return
		}
		errs = append(errs, err)
	}
	if ctx.Err() != nil {
		return // stopping: not a failure of the source
	}
	if len(errs) == 0 {
		errs = append(errs, errors.New("no snapshot source"))
	}
	s.fail(fmt.Errorf("event %d: %w", j.id, errors.Join(errs...)))
}

func (s *snapshotter) done(id uint64, jpeg []byte) {
	if err := s.attach(id, jpeg); err != nil {
		s.fail(err)
		return
	}
	s.taken.Add(1)
}

func (s *snapshotter) fail(err error) {
	s.failed.Add(1)
	s.mu.Lock()
	s.lastErr = oneLine(err.Error())
	s.mu.Unlock()
	s.log.Warn("event snapshot failed", "err", err)
}

func (s *snapshotter) lastError() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.lastErr
}

// oneLine keeps a message on one line and short enough for a status.
func oneLine(s string) string {
	s = strings.Join(strings.Fields(s), " ")
	if len(s) > 300 {
		s = s[:300] + "…"
	}
	return s
}
