package recorder

import "time"

// How an event opens on a camera with zones or masks. The compressed stage sees whole frames, so its
// event waits (pending) for the keyframe stage to find motion inside a zone and outside the masks in a
// keyframe no older than suspectWindow before the motion began; the event then opens with the compressed
// stage's start and score. Before the first keyframe after the motion began has been compared, nothing
// opens; if the compressed stage's motion ends first, nothing opens at all (counted as vetoed). When the
// stage cannot answer (ffmpeg failed to start, crashed or hung since the motion began) the event opens
// unchecked rather than be lost (counted): its latest attempt failed, or it failed since the motion
// began. Without ffmpeg the compressed stage decides alone, and the status says zones are not checked.

// keyframe hands a keyframe to the keyframe stage (while needed) and to a snapshot that waits for one.
func (d *detector) keyframe(f frameSummary) {
	last := d.det.LastMotion()
	suspected := d.pending != nil || (d.open.ID == 0 && !last.IsZero() && f.wall.Sub(last) <= suspectWindow)
	k := d.vis.keyframe(f, suspected)
	if d.snapFor != 0 {
		d.snaps.queue(snapJob{id: d.snapFor, key: k, stage: d.vis.stage.Load()})
		d.snapFor = 0
	}
}

// settle opens the pending event once the keyframe stage confirmed it, or once the stage failed.
func (d *detector) settle() {
	c := d.pending
	if c == nil {
		return
	}
	switch {
	case !d.vis.gates(): // zones and masks were removed meanwhile
	case d.vis.confirmed(c.Start):
	case d.vis.failing || d.vis.failures() > d.pendingFails:
		d.vis.unconfirmed.Add(1)
		d.log.Warn("keyframe stage failing: motion event opens without zone check")
	default:
		return
	}
	d.pending = nil
	d.openEvent(c.Start, c.Score)
}

// openEvent stores a new motion event and asks for its snapshot: with ffmpeg, from the latest keyframe
// when it came after the motion began, else from the event's first keyframe (or its last before it, if
// it ends first); from a snapshot URL at once.
func (d *detector) openEvent(start time.Time, score float64) {
	e, err := d.events.open(d.camera, "motion", start, score)
	if err != nil {
		d.log.Warn("motion event not stored", "err", err)
		return
	}
	d.open = e
	switch d.snaps.source() {
	case "":
	case SourceFFmpeg:
		if k := d.vis.last; k.NALUs != nil && !k.Time.Before(start) {
			d.snaps.queue(snapJob{id: e.ID, key: k, stage: d.vis.stage.Load()})
		} else {
			d.snapFor = e.ID
		}
	default:
		d.snaps.queue(snapJob{id: e.ID})
	}
}
