// Package motiontest measures a motion detector against real footage with ground truth by construction.
//
// It is a test helper (like net/http/httptest): shipped code must not import it. Its parts are usable on
// their own, so the end-to-end test (footage served by gst-rtsp-server, recorded by a real porchlight
// serve) scores its events the same way:
//
//   - [Footage] finds real surveillance-like clips nobody here shot: the Debian package opencv-doc's
//     sample videos, extracted into a cache directory (.ci/deps fetches them; a test fetches them
//     itself when it can, and skips with the reason when it cannot).
//   - [Build] cuts a clip into stretches of a frozen frame (no motion) and of the real footage (motion),
//     adds the same synthetic sensor noise over all of it, applies a hard-negative treatment (a slow
//     brightness ramp, a dark night look) and encodes it with ffmpeg (x264 or x265, CRF or CBR, any frame
//     rate, GOP and B-frames) into an Annex-B elementary stream. The truth intervals follow from the cut.
//   - [Clip] builds a scene in an encoding into the cache (or finds it there) for a test, skipping it
//     without ffmpeg or footage; [ClipMP4] copies it into an MP4 that a streaming server plays (the
//     end-to-end test in nvr serves those with gst-rtsp-server).
//   - [AccessUnits] splits an Annex-B stream into access units.
//   - [Score] compares events with the truth: recall and precision over event-seconds, false events per
//     hour of still footage, and latency from motion start to event open.
package motiontest
