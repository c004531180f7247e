package recorder

import (
	"time"

	"github.com/porchlight/porchlight/recorder/motion"
)

// Events from pixels. With MotionConfig.DecodeKeyframes the keyframe stage decodes and compares every
// keyframe, and its answers are motion in their own right, beside the compressed stage's: a keyframe
// with motion (inside a zone and outside the masks, when the camera has them) opens an event if none is
// open or waiting, back-dated by half a GOP (the motion began between the keyframe compared with and
// this one); later ones extend the open event, whichever stage opened it. The compressed stage's own
// events wait for the pixels' word as with zones (detect_gate.go): one the keyframes do not confirm does
// not open (counted as vetoed), which keeps a noisy or CBR stream's false motion out at no extra cost,
// since every keyframe is decoded anyway. An event in which the keyframe stage saw motion closes once
// neither stage has seen any for the post-roll (at least one and a half GOPs: the stage sees only
// keyframes), at the later of their last motions, and at once when decode_keyframes is turned off; an
// event only the compressed stage saw closes as before. This is what finds a person walking through a
// dark, noisy picture that the compressed stage cannot tell from the noise (BENCHMARKS.md), at the cost
// of a keyframe decode per GOP.

// pixelMotion takes the keyframe stage's latest motion into the open event, and closes that event once
// both stages have been quiet for the post-roll.
func (d *detector) pixelMotion(cfg *MotionConfig) {
	post := cfg.Settings.PostRoll
	if post <= 0 {
		post = motion.DefaultPostRoll
	}
	if p := d.vis.lastPositive; d.vis.pixels() && p.After(d.pixLast) {
		d.pixLast = p
		if d.open.ID == 0 && d.pending == nil && d.lastWall.Sub(p) < post {
			d.openEvent(p.Add(-d.vis.gop/2), d.vis.lastScore)
		}
	}
	if d.open.ID == 0 || d.compOpen || d.pending != nil || d.pixLast.Before(d.open.Start) {
		return // no event, or one the compressed stage holds or closes on its own
	}
	// The stage sees only keyframes: motion that goes on shows again at the next one, a GOP later, so
	// the event is held for at least one and a half GOPs; once keyframes are no longer all decoded (the
	// setting was turned off), nothing more will come to hold it.
	hold := max(post, d.vis.gop*3/2)
	if !d.vis.pixels() {
		hold = 0
	}
	if end := maxTime(d.pixLast, d.compEnd); d.lastWall.Sub(end) >= hold {
		d.closeOpen(end, d.open.Score)
	}
}

// pixelsHold reports whether the open event stays open when the compressed stage's motion in it ended
// at end: the keyframe stage saw motion in it too, so pixelMotion closes it once both are quiet.
func (d *detector) pixelsHold(end time.Time) bool {
	if !d.vis.pixels() || d.open.ID == 0 || d.pixLast.Before(d.open.Start) {
		return false
	}
	d.compEnd = maxTime(d.compEnd, end)
	return true
}
