package recorder

import (
	"sync"
	"sync/atomic"
	"time"
)

// State is what a camera stream is doing.
type State string

// Stream states.
const (
	StateConnecting State = "connecting"
	StateRecording  State = "recording"
	StateError      State = "error"
	StateDisabled   State = "disabled"
)

// StreamStatus is a snapshot of one stream's health.
type StreamStatus struct {
	Camera      string    `json:"camera"`
	Stream      string    `json:"stream"` // "main" or "sub"
	State       State     `json:"state"`
	LastError   string    `json:"last_error,omitempty"`
	Codecs      []string  `json:"codecs,omitempty"`
	BitrateBps  float64   `json:"bitrate_bps"`
	FPS         float64   `json:"fps"`
	LastFrame   time.Time `json:"last_frame,omitzero"`
	Reconnects  uint64    `json:"reconnects"`
	Frames      uint64    `json:"frames"`
	RTPBytes    uint64    `json:"rtp_bytes"`     // RTP payload bytes received
	RTPPackets  uint64    `json:"rtp_packets"`   // RTP packets received
	RTPLost     uint64    `json:"rtp_lost"`      // RTP packets lost on the way (sequence gaps)
	RTPInvalid  uint64    `json:"rtp_invalid"`   // RTP and RTCP packets dropped: malformed, or a stray SSRC or payload type
	BytesIn     uint64    `json:"bytes_in"`      // bytes of the parts (media + moof) handed to the writer
	BytesOut    uint64    `json:"bytes_written"` // bytes written to segment files
	DroppedGOPs uint64    `json:"dropped_gops"`
	Dropped     uint64    `json:"dropped_frames"`
	DroppedAud  uint64    `json:"dropped_audio_frames"`
	Discont     uint64    `json:"discontinuities"`
	// SegmentsRefused counts segment starts refused because the stream's timeline broke too often (see
	// cutBudget); the frames until the next allowed start are dropped.
	SegmentsRefused uint64    `json:"segments_refused"`
	WriteNanos      uint64    `json:"write_nanos"`   // total time spent in write calls
	Deleted         uint64    `json:"deleted_bytes"` // bytes retention removed
	DiskBytes       int64     `json:"disk_bytes"`    // footage of this stream on disk
	Oldest          time.Time `json:"oldest,omitzero"`
	Writes          uint64    `json:"writes"`
	// MotionNanos is the wall time the motion detector spent observing this stream's frames, MotionCPUNanos
	// the CPU time it used for them (its thread's, Linux; 0 elsewhere); MotionShed the frames it did not
	// analyse because it fell behind (recording is unaffected).
	MotionNanos    uint64 `json:"motion_nanos"`
	MotionCPUNanos uint64 `json:"motion_cpu_nanos"`
	MotionShed     uint64 `json:"motion_frames_shed"`
	// Keyframe is the keyframe stage and the event snapshots of a main stream; nil for a sub-stream.
	Keyframe *KeyframeStatus `json:"keyframe,omitempty"`
}

// streamStats collects a stream's counters; every method is safe for concurrent use.
type streamStats struct {
	rtp  atomic.Uint64 // payload bytes; per packet, so kept off the mutex
	pkts atomic.Uint64 // packets
	lose atomic.Uint64 // packets lost
	bad  atomic.Uint64 // packets dropped as invalid
	fast atomic.Uint64 // RTP packets read on the fast path (fastpath.go)
	mu   sync.Mutex
	s    StreamStatus
	win  rateWindow
	// diskErr is the last write failure; frames arriving do not clear it, a successful write does.
	diskErr string
	dels    map[deletionKind]deletionCount // retention's deletions by reason
}

// rateWindow estimates bitrate and frame rate over the last few seconds.
type rateWindow struct {
	start  time.Time
	bytes  uint64
	frames uint64
}

const rateWindowLen = 5 * time.Second

func (st *streamStats) frame(at time.Time) {
	st.mu.Lock()
	st.s.Frames++
	st.s.LastFrame = at
	st.win.frames++
	if st.s.State != StateRecording {
		st.s.State = StateRecording
		st.s.LastError = ""
	}
	if w := at.Sub(st.win.start); w >= rateWindowLen {
		if !st.win.start.IsZero() {
			st.s.FPS = float64(st.win.frames) / w.Seconds()
			st.s.BitrateBps = float64(st.win.bytes) * 8 / w.Seconds()
		}
		st.win = rateWindow{start: at}
	}
	st.mu.Unlock()
}

// packet counts one RTP packet with n payload bytes.
func (st *streamStats) packet(n int) {
	st.rtp.Add(uint64(n))
	st.pkts.Add(1)
}

// lost counts RTP packets lost.
func (st *streamStats) lost(n uint64) { st.lose.Add(n) }

// invalid counts an RTP or RTCP packet dropped as invalid.
func (st *streamStats) invalid() { st.bad.Add(1) }

func (st *streamStats) part(n int) {
	st.mu.Lock()
	st.s.BytesIn += uint64(n)
	st.win.bytes += uint64(n)
	st.mu.Unlock()
}

func (st *streamStats) wrote(n int, took time.Duration) {
	st.mu.Lock()
	st.diskErr = ""
	st.s.BytesOut += uint64(n)
	st.s.Writes++
	st.s.WriteNanos += uint64(took)
	st.mu.Unlock()
}

func (st *streamStats) droppedGOP(frames int) {
	st.mu.Lock()
	st.s.DroppedGOPs++
	st.s.Dropped += uint64(frames)
	st.mu.Unlock()
}

func (st *streamStats) droppedFrame() { st.droppedFrames(1) }

func (st *streamStats) droppedAudio() {
	st.mu.Lock()
	st.s.DroppedAud++
	st.mu.Unlock()
}

// diskError records a failed write: the stream shows as failing until a write succeeds.
func (st *streamStats) diskError(err error) {
	st.mu.Lock()
	st.diskErr = "disk: " + err.Error()
	st.s.LastError = st.diskErr
	st.mu.Unlock()
}

func (st *streamStats) droppedFrames(n int) {
	st.mu.Lock()
	st.s.Dropped += uint64(n)
	st.mu.Unlock()
}

func (st *streamStats) discontinuity() {
	st.mu.Lock()
	st.s.Discont++
	st.mu.Unlock()
}

func (st *streamStats) refusedSegment() {
	st.mu.Lock()
	st.s.SegmentsRefused++
	st.mu.Unlock()
}

func (st *streamStats) setState(s State, err error, codecs []string) {
	st.mu.Lock()
	st.s.State = s
	if err != nil {
		st.s.LastError = err.Error()
	}
	if codecs != nil {
		st.s.Codecs = codecs
	}
	st.mu.Unlock()
}

func (st *streamStats) setError(err error) {
	st.mu.Lock()
	st.s.LastError = err.Error()
	st.mu.Unlock()
}

func (st *streamStats) reconnect() {
	st.mu.Lock()
	st.s.Reconnects++
	st.mu.Unlock()
}

func (st *streamStats) snapshot() StreamStatus {
	st.mu.Lock()
	defer st.mu.Unlock()
	s := st.s
	s.RTPBytes = st.rtp.Load()
	s.RTPPackets = st.pkts.Load()
	s.RTPLost = st.lose.Load()
	s.RTPInvalid = st.bad.Load()
	if st.diskErr != "" && s.State == StateRecording {
		s.State, s.LastError = StateError, st.diskErr
	}
	s.Codecs = append([]string(nil), s.Codecs...)
	return s
}
