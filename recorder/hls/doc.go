// Package hls serves the recorder's live streams as Low-Latency HLS (RFC 8216bis), for players that
// have no Media Source Extensions (iPhone Safari) and for HLS clients such as ffmpeg:
//
//	recorder ─► Hub ─► parts ─► window (one per watched camera stream) ─► playlist, init, parts, segments
//
// A window subscribes to the camera stream's live hub (recorder.Hub), the same fMP4 parts the live view
// and the RTSP restream get: no second connection to the camera, no re-encoding. Each part's decode
// times are moved onto one timeline that starts at the window's origin (recorder.LivePart.PlayerPart),
// so segments follow each other without EXT-X-DISCONTINUITY unless the stream really jumps (a skip
// after falling behind, a gap, a codec change).
//
// Parts are the recorder's (at most PartTarget, 250 ms by default, each keyframe starting one); HLS
// segments are groups of parts, cut at a keyframe part once the segment is at least MinSegment (1 s)
// long, or before a part that would make it last TargetDuration (2 s) + 0.5 s or more, which EXTINF
// rounding forbids (then the segment does not start with a keyframe, which LL-HLS allows and the
// playlist says by leaving out INDEPENDENT=YES on its first part). With a camera GOP of up to two
// seconds, the usual, every segment starts at a keyframe; a longer GOP makes every other segment start
// without one, which players handle, though a non-LL client that joins on such a segment (ffmpeg) may
// complain about its first frames. The target is short because players that do not speak LL-HLS
// (ffmpeg, Chromium's own HLS player) start three target durations behind the live edge.
//
// Resources of a window, all relative to the playlist's URL (with ?stream=sub on a sub-stream's, since a
// relative URI drops the playlist's query):
//
//	index.m3u8      the media playlist (blocking reload with _HLS_msn and _HLS_part)
//	init<N>.mp4     init segment N (ftyp+moov), a new N when the codec configuration changes
//	s<MSN>.m4s      the complete segment with media sequence number MSN
//	p<N>.m4s        part N, counted across segments, so the preload hint names the next part before
//	                the window knows which segment it will belong to
//
// There is no multivariant playlist: one URL carries one rendition (main or sub, chosen by the client
// with ?stream=sub), so there is nothing to choose between by BANDWIDTH, and a player would need one
// more round trip before its first frame. The codecs are in the init segment (and in the API's camera
// list); a player that cannot decode them reports a media error, which the web app shows.
//
// A plain playlist request (no _HLS_msn) is answered once the window holds three target durations of
// complete segments, where such a client joins; Chromium's player fails on less. LL-HLS clients then
// follow with blocking requests, answered as soon as the segment or part they name is there.
//
// Memory is bounded: a window keeps its last KeepSegments complete segments (and at least three target
// durations of them) and the open one, and ends IdleTimeout after its last request, unsubscribing from
// the hub.
package hls
