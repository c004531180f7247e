package recorder_test

import (
	"math/rand/v2"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/pion/rtp"

	"github.com/porchlight/porchlight/recorder"
)

// jumpingTimestamps returns a democam filter that moves a track's RTP timestamps to a random place every
// n-th frame of that track (video payload type 96, audio 97), as a camera with a broken clock does.
func jumpingTimestamps(n int) func(*rtp.Packet) bool {
	var mu sync.Mutex
	type track struct {
		last   uint32
		frames int
		shift  uint32
	}
	tracks := map[uint8]*track{}
	return func(p *rtp.Packet) bool {
		mu.Lock()
		defer mu.Unlock()
		tr := tracks[p.PayloadType]
		if tr == nil {
			tr = &track{last: p.Timestamp}
			tracks[p.PayloadType] = tr
		}
		if p.Timestamp != tr.last { // a new frame
			tr.last = p.Timestamp
			if tr.frames++; tr.frames%n == 0 {
				// Far, either way: minutes at any clock rate, which the clock tells from arrival times.
				j := int32(0)
				for j > -1<<24 && j < 1<<24 {
					j = int32(rand.Uint32())
				}
				tr.shift += uint32(j)
			}
		}
		p.Timestamp += tr.shift
		return true
	}
}

func segmentFiles(t *testing.T, dir, camera string) int {
	t.Helper()
	files, err := filepath.Glob(filepath.Join(dir, "recordings", camera, "main", "*.mp4"))
	if err != nil {
		t.Fatal(err)
	}
	return len(files)
}

// TestJumpingTimestamps: a camera whose timestamps jump every fifth video frame records into the same
// segment and run, all but the frames of the first GOP kept, and removing it stops it promptly: the files
// it leaves are the ones it was writing (the camera made a file per jump: 66,091 in 50 s, and
// its removal waited for the writer to create the thousands it had queued).
func TestJumpingTimestamps(t *testing.T) {
	cam := startCamera(t, nil, jumpingTimestamps(5))
	dir := t.TempDir()
	r := startRecorder(t, recorder.Config{DataDir: dir, SegmentDuration: time.Minute,
		Cameras: []recorder.CameraConfig{{Name: "jumpy", URL: cam.URL()}}})
	start, _ := waitRecorded(t, r, "jumpy", 10*time.Second)
	st := status(r, "jumpy")
	if st.Discont < 20 {
		t.Fatalf("discontinuities: got %d, want the camera's jumps (one every 5 frames)", st.Discont)
	}
	if n := segmentFiles(t, dir, "jumpy"); n != 1 {
		t.Errorf("segment files after 10 s of a camera that jumps 5 times a second: got %d, want 1", n)
	}
	spans, err := r.Spans("jumpy", "", start.Add(-time.Minute), time.Now())
	if err != nil || len(spans) != 1 {
		t.Errorf("recorded spans: got %v (%v), want one run", spans, err)
	}
	// Frames before the first keyframe aside, nothing was dropped.
	if st.Dropped > 50 || st.SegmentsRefused != 0 {
		t.Errorf("dropped %d frames, refused %d segment starts; want at most the first GOP and none",
			st.Dropped, st.SegmentsRefused)
	}
	from := start.Add(time.Second)
	checkExport(t, exportFile(t, r, "jumpy", from, from.Add(6*time.Second)), "h264", "aac", 6*time.Second, 25)

	// Removal: the writer has only the open segment to close, however often the camera jumped.
	before := segmentFiles(t, dir, "jumpy")
	if err := r.SetCameras(nil); err != nil {
		t.Fatal(err)
	}
	if after := segmentFiles(t, dir, "jumpy"); after > before {
		t.Errorf("segment files: %d before removing the camera, %d after, want no new ones", before, after)
	}
}
