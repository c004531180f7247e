// Package keyframe is the optional second stage of motion detection: it decodes a camera's keyframes
// only, with ffmpeg, to confirm motion at pixel level inside the owner's zones and outside their masks,
// and it makes the JPEG snapshots of events.
//
// # Basics
//
// A Stage serves one camera. The recorder hands it keyframes it already holds (Keyframe: NAL units and
// the parameter sets in force) with Submit, which never blocks; Run writes each to one ffmpeg process
// as Annex-B on stdin:
//
//	ffmpeg -threads 1 -skip_frame nokey -probesize 32 -analyzeduration 0 -fpsprobesize 0 \
//	       -f h264|hevc -i pipe:0 -vf format=pix_fmts=yuv420p|yuvj420p \
//	       -fps_mode passthrough -f yuv4mpegpipe pipe:1
//
// and reads back one picture per keyframe at the camera's size, 8-bit 4:2:0 as decoded (YUV4MPEG2: the
// size, chroma layout and levels are in the stream's header, not guessed; ~1.4 MB per 720p keyframe). An
// access unit delimiter after each keyframe makes ffmpeg's parser finish the picture at once, so each
// answer comes before the next keyframe is written (measured: a few ms). The stage shrinks the picture's
// luma to a small gray frame (160 pixels wide by default, height by aspect, even) by area averaging, in Go
// (picture.gray: what ffmpeg's scale=160:-2:flags=area,format=gray gave, within rounding), and Compare
// sets it against the one decoded before it (Result, on Results()): brightness normalised by the ratio
// of means, a per-pixel threshold above the pair's median difference (the noise floor), isolated changed
// pixels dropped, and the changed fraction of each zone against MinArea(sensitivity). The area downscale
// (8×8 pixels per gray pixel at 720p) averages sensor noise away before anything is compared.
//
// Snapshots come from Stage.Snapshot, from a configured snapshot_url (FetchSnapshot: Basic or Digest auth
// from the URL's credentials, timeout, size cap, content type and JPEG checks), or from the URI an ONVIF
// camera gives (ONVIF.SnapshotURI: GetCapabilities or GetServices, GetProfiles, GetSnapshotUri,
// WS-Security UsernameToken digest). Stage.Snapshot of a keyframe the running decoder has decoded, or
// will (submitted, not yet through), encodes the decoder's picture of it in Go (image/jpeg, 4:2:0,
// quality 75: about the size of ffmpeg's mjpeg at -q:v 5) and starts no process; the stage keeps its
// latest two pictures for that while the decoder runs. Any other keyframe (no decoder running: a camera
// without zones; a keyframe left out, shed or failed) is encoded at full size by a short-lived ffmpeg of
// its own. Status counts both kinds.
//
// # Cost, and when to run
//
// Decoding a 720p keyframe at 4 Mbit/s costs ffmpeg ~10 ms of CPU, 1080p ~18 ms; starting ffmpeg
// ~100 ms; a one-shot snapshot ~100-130 ms, most of it ffmpeg's start-up; a snapshot from the decoder's
// picture ~16 ms at 720p, ~33 ms at 1080p (BENCHMARKS.md, BenchmarkKeyframeStage). Run continuously at a 2 s GOP the
// stage would cost ~5 ms per camera-second at 720p, more than the recorder itself: it must run only
// while the compressed stage (package motion) suspects motion. ffmpeg starts on the first keyframe and
// stops after Config.IdleStop without one (an idle decoder holds ~58 MiB; the stage then lets its held
// pictures go too).
//
// An event of a camera with zones opens on a keyframe the decoder has just decoded, so its snapshot
// costs a JPEG encode in Go instead of a second ffmpeg start: such an event costs one process start,
// not two. A JPEG of every decoded keyframe (a second ffmpeg output) would instead add ~6 ms (720p) to
// every keyframe checked, events or not.
//
// # Wiring (package recorder: detect_keyframe.go, detect_gate.go, detect_snapshot.go)
//
// The recorder's detection goroutine (off the recording path) makes a Stage per camera at the first
// keyframe (its codec), runs it for as long as the stream, and hands it keyframes with Submit only while
// the camera has zones or masks and the compressed stage suspects motion: first the keyframe before (the
// reference, whose own answer is ignored), then each keyframe while suspected (every other one after three
// answers in a row without motion in a zone, which bounds the worst case). An event of such a camera
// opens once a Result says Motion; it opens unchecked when the stage is failing. Snapshots: Snapshot on the
// event's keyframe when ffmpeg is present (from the decoder's picture when it has it), else FetchSnapshot(snapshot_url), else FetchSnapshot of
// ONVIF{}.SnapshotURI(ctx, camera url), asked once per stream start (a failure just means none; the
// result is not written back to the config file). Config changes reach SetZones; CPU (ffmpeg children
// included) and Status feed the recorder's metrics and the camera's status in the API.
//
// # Process hygiene
//
// Close (or the end of Run's context) kills ffmpeg by PID and reaps it; on Linux the child also gets
// SIGKILL if the thread that started it dies (Pdeathsig), so a crashed porchlight leaves no decoder. A
// keyframe not answered within Config.Deadline kills the process as hung; a crash or hang restarts it on
// a later keyframe after a jittered, doubling backoff (keyframes meanwhile are shed and counted).
// ffmpeg's stderr is kept (last 2 kB) and ends up in the error and Status.LastError.
//
// # Caveats
//
//   - Without ffmpeg on PATH the stage is unavailable, not an error: Status.Reason says "ffmpeg not found
//     on PATH: events have no snapshots and zones are not checked"; motion detection and snapshot_url
//     still work.
//   - The comparison is frame against previous keyframe (2-4 s apart), not a background model: something
//     that arrives and stops between two keyframes shows once, then no more. Suspected motion that
//     lasts without a pixel change (rain, an encoder hiccup) is vetoed, which is the point.
//   - Pdeathsig is tied to the starting OS thread; Go keeps threads alive, but code that locks a thread
//     and lets it exit could end a decoder early (it restarts).
//   - ONVIF is tested against a responder that serves hand-written responses in the schemas' shape
//     (recorder/onvif/testdata) and, in recorder/onvif, against the recorded device of the onvif npm
//     package's test server. Cameras that require HTTP Digest on top of
//     WS-Security are handled; cameras that reject the digest for clock skew beyond what
//     GetSystemDateAndTime corrects are not.
//   - Compared frames are Config.Width wide (160 by default; a narrower camera keeps its width), height by
//     aspect, even, as ffmpeg's scale=W:-2 gives; polygons are rasterised by pixel centre. The Go area
//     scaler matches ffmpeg's within rounding except along very sharp edges (a few levels more blur there
//     in ffmpeg's).
//   - Pictures pass through a pipe at full size: cameras up to 8K (maxPixels) are read; a larger one
//     fails the decoder (events then open unchecked). Formats other than 8-bit 4:2:0 are converted by
//     ffmpeg first (a cost per keyframe).
package keyframe
