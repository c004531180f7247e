// Package recorder records RTSP cameras to local disk and answers what it recorded.
//
// Each camera stream (a main stream and an optional sub-stream) runs a gortsplib client on the network
// side and a segment writer on the disk side, joined by a bounded queue:
//
//	camera ─RTSP─► session ─► muxer ──queue──► writer ─► segment files + index (bbolt)
//	                            ├──────────► live hub ─► subscribers (the UI's live view)
//	                            └─ frame summaries (main stream; a full channel sheds, counted)
//	                                 ──► detector (per stream, one wake-up per 250 ms tick, package motion)
//	                                       ├─ keyframes, while needed ─► keyframe stage (ffmpeg, zones/masks)
//	                                       └─ snapshot goroutine (ffmpeg one-shot, snapshot_url, ONVIF)
//	                                 ──► events in the index's buckets ─► SubscribeEvents, Events
//
// A camera's TCP connection is read in batches, on a 50 ms tick shared by all cameras (readbatch.go).
// On a plain RTSP session over TCP (the default transport), the session takes the RTP frames of the
// recorded tracks out of each batch itself (framefilter.go, fastpath.go) and decodes them with the same
// depacketizers and muxer calls: gortsplib keeps the RTSP exchange, keepalives, RTCP (sender reports),
// its read timeout, UDP and RTSPS, but no longer reads each media packet, whose allocations and wake-ups
// were most of the recorder's CPU. Nothing changes on the wire for cameras: gortsplib sends RTCP receiver
// reports only over UDP, so TCP cameras got none before either; gortsplib's own statistics (which the
// recorder does not use) no longer count the media packets.
//
// The muxer assigns every frame a wall-clock time (package timing), cuts fragmented-MP4 parts of at most
// one second and segments of about a minute at keyframes, and never blocks on the disk: when the queue is
// full it drops whole GOPs and counts them. When a camera's timestamps jump, the track's clock re-anchors
// at the frame's arrival and the open segment goes on, the frame before the jump lasting its usual
// duration (or until the new frame's arrival, when frames were lost); only a gap in wall time, or a
// timeline more than a second off wall time, ends the segment and starts a new run. Such unscheduled
// segment starts are bounded per stream (muxer_jumps.go: ten a minute); refused ones are counted and
// logged, and their frames dropped, so a broken camera cannot make a file and an index row per frame.
//
// The writer appends each part with one write, fsyncs by policy and only then records the part in the
// index, so the index never points at bytes that a power loss could take. On start-up, recovery scans
// segment files the index does not fully know and cuts torn tails, so kill -9 loses at most the part
// being assembled (at most one second).
//
// Motion detection never slows recording: the muxer hands each video frame's summary (wall time, key,
// NAL units shared read-only) to its stream's detector with a send that never blocks, and the detector
// drains what arrived once per tick (detect.go). An event opens and closes with one index write each;
// subscribers that fall behind miss events rather than hold detection up. After a crash, recovery closes
// the events left open at the last recorded frame of their camera (events_recover.go).
//
// The detector hands keyframes it already holds, with their parameter sets, to the camera's keyframe
// stage (package keyframe: ffmpeg -skip_frame nokey over a pipe, never a second connection) only while
// they are needed: the camera has zones or masks and the compressed stage suspects motion. The stage's
// queue sheds (counted) rather than wait. On such a camera an event opens only once the stage found
// motion inside a zone and outside the masks (detect_gate.go, which also says what happens before the
// first keyframe, and when ffmpeg is missing or failing). Each event gets a snapshot from a goroutine of
// its own per camera: a one-shot ffmpeg JPEG of its keyframe, else snapshot_url, else the camera's ONVIF
// snapshot URI (detect_snapshot.go); StreamStatus.Keyframe says plainly why there is none.
//
// A camera with an ONVIF device whose events are on (CameraConfig.ONVIF) also has its own motion
// detection followed: its main stream runs a PullPoint subscription beside its session (camera_events.go,
// on package onvif, which also finds cameras on the LAN), and motion the camera reports opens and closes
// events of kind "camera" in the same store; their snapshot comes from snapshot_url (or the ONVIF snapshot
// URI), there being no keyframe of theirs to decode.
//
// Listing and export read only the index (package index); export muxes a progressive MP4 from index rows
// and segment bytes (package export). Retention deletes the oldest whole segments by age, size, and a
// free-space floor, never the open segment nor a held range. For free space it frees only what recording
// wrote meanwhile and keeps each stream's newest KeepRecent, so another program filling the disk cannot
// empty it of footage; a shortfall that lasts raises the disk warning (retention_space.go).
//
// Footage inside events is kept longer. The event store reports the spans events keep (each event with
// its pre- and post-roll; an open one up to now), and a segment that overlaps one, even by a frame, is an
// event segment, kept whole: segments are whole files of about a minute. Event segments outlive MaxAge
// until EventsMaxAge; for max_bytes and free space, continuous segments go first, oldest first across
// cameras, and event segments only when none is left, with holds, the open segment, KeepRecent and the
// credit as above. A pass reads each stream's oldest segments and its oldest continuous ones, the latter
// from a mark past the event segments earlier passes found, so old event footage is not read again every
// pass (retention_scan.go).
//
// The package does not know about the HTTP API, the neighborhood, or the config file: nvr wires it.
package recorder
