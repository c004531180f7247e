// Package motion finds motion in a compressed H.264/H.265 video stream without decoding it.
//
// A Detector sees each access unit as the recorder received it (Frame: wall time, keyframe flag, coded
// size and NAL units) and never reconstructs pixels. A moving subject makes the encoder spend more bits
// on the frames that follow a reference; a still scene, even a noisy one, costs a steady amount per frame
// type and place in the GOP. The detector keeps that baseline per camera and reports when frames cost more
// than it for long enough (Change: an event opens) and when they have cost about the baseline for the
// post-roll (the event closes).
//
// The package is pure: no goroutines, no I/O, no clock of its own. The recorder feeds it off the recording
// path and stores what it reports.
package motion
