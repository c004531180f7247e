// Package restream serves the recorder's cameras again over RTSP, so that Home Assistant's generic
// camera, VLC or another NVR can watch them without an HTTP Bearer header:
//
//	rtsp://NODE:8554/{camera}       the main stream
//	rtsp://NODE:8554/{camera}/sub   the sub-stream, where the camera has one
//
// It uses gortsplib's own server. A stream is fed from the recorder's live hub (recorder.Hub): the fMP4
// parts the recorder already cuts from the frames it receives, so there is no second connection to the
// camera and no re-encoding. Each part's samples go back into RTP with gortsplib's packetizers, with
// timestamps from the part's decode times and RTCP sender reports carrying the wall time the recorder
// gave each frame:
//
//	recorder ─► Hub ─► parts ─► feed (one per watched camera stream) ─► ServerStream ─► RTSP readers
//
// A feed starts with the first DESCRIBE or SETUP of its path, subscribes to the hub, and builds the
// stream's SDP from the first part's init (H.264, H.265, AAC, Opus, 16-bit PCM); when the codec
// configuration changes, the stream is replaced and its readers reconnect. A feed that has had no reader
// for IdleTimeout ends, so an unwatched camera costs nothing. Parts reach a feed at most 250 ms apart
// (the recorder's fragment duration), which is the restream's added latency.
//
// Clients authenticate with RTSP Basic authentication as a web user (Digest would need the plaintext
// password, which the user store does not keep); the Authenticator that nvr passes decides, with the web
// login's limits on failures. DESCRIBE and SETUP are both checked, and the credentials of the sessions
// reading are checked again every RecheckInterval: a session whose user was removed, whose password
// changed or whose camera was taken away ends.
//
// Only RTP over the RTSP connection (TCP) is offered: one port to open, and the transport players fall
// back to when UDP is refused.
package restream
