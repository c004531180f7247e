package recorder

import (
	"context"
	"errors"
	"log/slog"
	"os/exec"
	"sync"
	"sync/atomic"
	"time"

	"github.com/porchlight/porchlight/recorder/keyframe"
)

// The keyframe stage (package keyframe) as a stream's detector uses it. The detector goroutine hands it
// keyframes it already holds (never a second connection to the camera), with a Submit that never waits;
// a full queue sheds the keyframe (counted by the stage). Keyframes go to the stage only while they are
// needed: the camera has zones or masks and the compressed stage suspects motion (it saw some within
// suspectWindow, or an event waits for confirmation), or the camera asks for every keyframe to be decoded
// (MotionConfig.DecodeKeyframes; detect_pixels.go). The first keyframe handed over after a quiet spell
// is preceded by the keyframe before it, the reference from before the motion, whose own answer is not
// used. Snapshots (snapshotter) take the running decoder's picture of their keyframe when it decoded
// that keyframe or is about to, and a one-shot ffmpeg otherwise (no zones: the decoder never runs).

// suspectWindow: keyframes go to the stage while the compressed stage saw motion this recently.
const suspectWindow = 2 * time.Second

// thinAfter: once the stage has found no motion in the zones in this many keyframes in a row while
// motion stays suspected (motion outside the zones, or inside a mask), only every other keyframe goes
// to it. That halves the cost of the worst case (BENCHMARKS.md) for one GOP more before a subject that
// enters a zone late is confirmed.
const thinAfter = 3

// vision owns a stream's keyframe stage: made at the first keyframe (its codec), closed when detection
// ends. Only the detector goroutine calls its methods, except status.
type vision struct {
	camera string
	log    *slog.Logger
	ffmpeg string // ffmpeg's path; "" when it is not on PATH

	stage atomic.Pointer[keyframe.Stage]
	codec string
	runs  sync.WaitGroup
	ctx   context.Context
	stop  context.CancelFunc

	gated               bool          // the camera has zones or masks: events wait for the stage
	every               bool          // every keyframe is decoded (MotionConfig.DecodeKeyframes)
	gop                 time.Duration // time between the last two keyframes
	zones, masks        []keyframe.Polygon
	sensitivity         float64
	last                keyframe.Keyframe // the latest keyframe, shared read-only with the recording path
	checking            bool              // keyframes go to the stage (no new reference needed)
	negatives           int               // answers in a row without motion in a zone
	skipped             bool              // the previous keyframe was left out (thinAfter)
	refs                map[time.Time]bool
	lastPositive        time.Time // the latest keyframe in which the stage found motion in a zone
	lastScore           float64   // its score
	seenDecoded         uint64    // the stage's counters at the last results call
	seenFailures        uint64
	failing             bool // the stage's latest attempt failed (no keyframe decoded since)
	vetoed, unconfirmed atomic.Uint64
	retiredCPU          atomic.Int64 // nanoseconds of stages replaced on a codec change
}

func newVision(camera string, log *slog.Logger) *vision {
	v := &vision{camera: camera, log: log, refs: map[time.Time]bool{}}
	if p, err := exec.LookPath("ffmpeg"); err == nil {
		v.ffmpeg = p
	}
	return v
}

// start ties the stage's life to ctx.
func (v *vision) start(ctx context.Context) { v.ctx, v.stop = context.WithCancel(ctx) }

// close ends the stage and waits for its ffmpeg processes to be reaped.
func (v *vision) close() {
	if st := v.stage.Load(); st != nil {
		st.Close()
	}
	if v.stop != nil {
		v.stop()
	}
	v.runs.Wait()
}

// configure applies a camera's motion settings (zones, masks, sensitivity) from the next keyframe on.
func (v *vision) configure(m *MotionConfig) {
	v.zones, v.masks = kfPolygons(m.Zones), kfPolygons(m.Masks)
	v.sensitivity = m.Settings.Sensitivity
	v.gated = len(v.zones)+len(v.masks) > 0
	v.every = m.DecodeKeyframes
	if st := v.stage.Load(); st != nil {
		if err := st.SetZones(v.zones, v.masks, v.sensitivity); err != nil {
			v.log.Warn("keyframe stage: zones not applied", "err", err)
		}
	}
}

func kfPolygons(ps []Polygon) []keyframe.Polygon {
	var out []keyframe.Polygon
	for _, p := range ps {
		kp := make(keyframe.Polygon, len(p))
		for i, pt := range p {
			kp[i] = [2]float64{pt.X, pt.Y}
		}
		out = append(out, kp)
	}
	return out
}

// ensureStage returns the stage for codec, making it (and starting its Run) the first time or when the
// codec changed; nil without ffmpeg.
func (v *vision) ensureStage(codec string) *keyframe.Stage {
	if v.ffmpeg == "" || v.ctx == nil {
		return nil
	}
	st := v.stage.Load()
	if st != nil && v.codec == codec {
		return st
	}
	if st != nil {
		st.Close()
		v.retiredCPU.Add(int64(st.CPU()))
	}
	st, err := keyframe.New(keyframe.Config{Camera: v.camera, Codec: codec, FFmpeg: v.ffmpeg, Zones: v.zones,
		Masks: v.masks, Sensitivity: v.sensitivity, Logger: v.log})
	if err != nil {
		v.log.Warn("keyframe stage not started", "err", err)
		return nil
	}
	v.stage.Store(st)
	v.codec, v.checking, v.failing, v.seenDecoded, v.seenFailures = codec, false, false, 0, 0
	v.runs.Go(func() { _ = st.Run(v.ctx) })
	return st
}

// keyframe takes the stream's next keyframe; suspected says the compressed stage suspects motion.
func (v *vision) keyframe(f frameSummary, suspected bool) keyframe.Keyframe {
	codec := "H264"
	if f.h265 {
		codec = "H265"
	}
	k := keyframe.Keyframe{Time: f.wall, Params: f.params, NALUs: f.nalus}
	st := v.ensureStage(codec)
	prev := v.last
	v.last = k
	if !prev.Time.IsZero() && k.Time.After(prev.Time) {
		v.gop = k.Time.Sub(prev.Time)
	}
	if st == nil || !(v.every || v.gated && suspected) {
		v.checking, v.negatives, v.skipped = false, 0, false
		return k
	}
	if !v.every && v.checking && v.negatives >= thinAfter {
		if v.skipped = !v.skipped; v.skipped {
			return k
		}
	}
	if !v.checking && prev.NALUs != nil {
		if v.submit(st, prev) {
			v.refs[prev.Time] = true
		}
	}
	v.checking = v.submit(st, k)
	return k
}

func (v *vision) submit(st *keyframe.Stage, k keyframe.Keyframe) bool {
	err := st.Submit(k)
	if err != nil && !errors.Is(err, keyframe.ErrBusy) {
		v.log.Debug("keyframe not checked", "err", err)
	}
	return err == nil
}

// results takes the stage's answers that have come, and notes the latest keyframe with motion in a zone.
func (v *vision) results() {
	st := v.stage.Load()
	if st == nil {
		return
	}
	ks := st.Status()
	switch {
	case ks.Decoded > v.seenDecoded:
		v.failing = false
	case ks.Failures > v.seenFailures:
		v.failing = true
	}
	v.seenDecoded, v.seenFailures = ks.Decoded, ks.Failures
	if len(v.refs) > 8 { // references whose answers were dropped (the stage fell behind)
		clear(v.refs)
	}
	for {
		select {
		case c := <-st.Results():
			if v.refs[c.Time] {
				delete(v.refs, c.Time)
				continue
			}
			if !c.Result.Motion {
				v.negatives++
				continue
			}
			v.negatives = 0
			if c.Time.After(v.lastPositive) {
				v.lastPositive, v.lastScore = c.Time, c.Result.Score
			}
		default:
			return
		}
	}
}

// pixels reports whether the stage sees every keyframe and its answers open events of their own.
func (v *vision) pixels() bool { return v.every && v.ffmpeg != "" }

// gates reports whether an event must wait for the stage: zones or masks are set, or every keyframe is
// decoded (the pixels decide), and a stage can check them. Without ffmpeg the compressed stage decides
// alone (status: zones not checked, keyframes not decoded).
func (v *vision) gates() bool { return (v.gated || v.every) && v.ffmpeg != "" }

// confirmed reports whether the stage found motion in a zone in a keyframe no older than suspectWindow
// before start.
func (v *vision) confirmed(start time.Time) bool {
	return !v.lastPositive.IsZero() && !v.lastPositive.Before(start.Add(-suspectWindow))
}

// failures is the stage's failure count (starts, crashes, hangs).
func (v *vision) failures() uint64 {
	if st := v.stage.Load(); st != nil {
		return st.Status().Failures
	}
	return 0
}
