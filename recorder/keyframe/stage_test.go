package keyframe

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/porchlight/porchlight/internal/testutil"
)

// runStage starts a stage on cfg and ends it with the test.
func runStage(t *testing.T, cfg Config) *Stage {
	t.Helper()
	s, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- s.Run(ctx) }()
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("Run: %v", err)
		}
		s.Close()
	})
	return s
}

// check submits each keyframe in turn and returns the stage's answers.
func check(t *testing.T, s *Stage, kfs []Keyframe) []Result {
	t.Helper()
	var out []Result
	for i, k := range kfs {
		if err := s.Submit(k); err != nil {
			t.Fatalf("Submit keyframe %d: %v", i, err)
		}
		select {
		case c := <-s.Results():
			if !c.Time.Equal(k.Time) {
				t.Fatalf("result for keyframe at %v, want %v", c.Time, k.Time)
			}
			out = append(out, c.Result)
		case <-time.After(20 * time.Second):
			t.Fatalf("no result for keyframe %d; status %+v", i, s.Status())
		}
	}
	return out
}

func TestStageZonesAndMasksOnRealFrames(t *testing.T) {
	right := Polygon{{0.55, 0}, {1, 0}, {1, 1}, {0.55, 1}}
	left := Polygon{{0, 0}, {0.5, 0}, {0.5, 1}, {0, 1}}
	tests := []struct {
		name         string
		clip         clip
		zones, masks []Polygon
		want         bool
	}{
		{"still scene with sensor noise", clip{Codec: "H264", Size: "1280x720", Seconds: 6}, nil, nil, false},
		{"brightness ramp", clip{Codec: "H264", Size: "1280x720", Seconds: 6, Ramp: true}, nil, nil, false},
		{"box moves, whole frame", clip{Codec: "H264", Size: "1280x720", Seconds: 6, BoxX: 800, BoxY: 300, Step: 100}, nil, nil, true},
		{"box moves only inside the mask", clip{Codec: "H264", Size: "1280x720", Seconds: 6, BoxX: 800, BoxY: 300, Step: 100}, nil, []Polygon{right}, false},
		{"box moves inside a zone", clip{Codec: "H264", Size: "1280x720", Seconds: 6, BoxX: 100, BoxY: 300, Step: 100}, []Polygon{left}, nil, true},
		{"box moves outside the zone", clip{Codec: "H264", Size: "1280x720", Seconds: 6, BoxX: 800, BoxY: 300, Step: 100}, []Polygon{left}, nil, false},
		{"H.265 box moves inside a zone", clip{Codec: "H265", Size: "1280x720", Seconds: 6, BoxX: 100, BoxY: 300, Step: 100}, []Polygon{left}, nil, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			kfs := tt.clip.keyframes(t)
			s := runStage(t, Config{Camera: "front", Codec: tt.clip.Codec, Zones: tt.zones, Masks: tt.masks})
			res := check(t, s, kfs)
			if !res[0].Reference {
				t.Errorf("first keyframe: got %+v, want a reference", res[0])
			}
			t.Logf("results %+v", res)
			for i, r := range res[1:] {
				if r.Motion != tt.want {
					t.Errorf("keyframe %d: got motion %v (score %.3f, zones %+v), want %v", i+1, r.Motion, r.Score, r.Zones, tt.want)
				}
			}
			if st := s.Status(); st.Decoded != uint64(len(kfs)) || st.Failures != 0 || !st.Running {
				t.Errorf("status %+v: want %d decoded, no failures, running", st, len(kfs))
			}
		})
	}
}

func TestStageWithoutFFmpeg(t *testing.T) {
	s := runStage(t, Config{Camera: "front", Codec: "H264", FFmpeg: "porchlight-no-such-ffmpeg"})
	st := s.Status()
	if st.Available || st.Reason != "ffmpeg not found on PATH: events have no snapshots and zones are not checked" {
		t.Errorf("status %+v: want unavailable with the plain reason", st)
	}
	if err := s.Submit(Keyframe{}); !errors.Is(err, ErrNoFFmpeg) {
		t.Errorf("Submit: got %v, want ErrNoFFmpeg", err)
	}
	if _, err := s.Snapshot(context.Background(), Keyframe{}); !errors.Is(err, ErrNoFFmpeg) {
		t.Errorf("Snapshot: got %v, want ErrNoFFmpeg", err)
	}
}

func TestStageStopsWhenIdleAndStartsAgain(t *testing.T) {
	kfs := clip{Codec: "H264", Size: "640x360", Seconds: 4}.keyframes(t)
	s := runStage(t, Config{Camera: "front", Codec: "H264", IdleStop: 300 * time.Millisecond})
	if st := s.Status(); st.Running {
		t.Fatalf("status before any keyframe %+v: want no ffmpeg (started lazily)", st)
	}
	check(t, s, kfs[:1])
	pid := s.Status().PID
	if pid == 0 || !alive(pid) {
		t.Fatalf("after a keyframe: pid %d, want a running ffmpeg", pid)
	}
	testutil.WaitFor(t, 10*time.Second, "the idle ffmpeg to stop", func() bool { return !s.Status().Running })
	if alive(pid) {
		t.Errorf("ffmpeg %d still alive after idle stop", pid)
	}
	// The new ffmpeg's first picture is compared with the last one before the stop: a reference keyframe
	// taken now and then keeps its worth across idle stops.
	res := check(t, s, kfs[1:])
	if res[0].Reference || res[0].Motion {
		t.Errorf("first keyframe after a restart: got %+v, want a comparison with no motion", res[0])
	}
	if st := s.Status(); st.Failures != 0 || st.PID == pid {
		t.Errorf("status %+v: want a new ffmpeg and no failures", st)
	}
}

func TestStageRestartsCrashedFFmpeg(t *testing.T) {
	kfs := clip{Codec: "H264", Size: "640x360", Seconds: 6}.keyframes(t)
	s := runStage(t, Config{Camera: "front", Codec: "H264", BackoffMin: time.Millisecond, BackoffMax: 2 * time.Millisecond})
	check(t, s, kfs[:1])
	pid := s.Status().PID
	kill(t, pid)
	// The next keyframe finds the pipe broken; the one after starts a new ffmpeg.
	testutil.WaitForState(t, 20*time.Second, "a new ffmpeg decoding", func() (bool, string) {
		_ = s.Submit(kfs[1])
		select {
		case <-s.Results():
			return true, ""
		case <-time.After(100 * time.Millisecond):
		}
		st := s.Status()
		return false, st.LastError
	})
	st := s.Status()
	if st.Restarts == 0 || st.PID == pid || st.LastError == "" {
		t.Errorf("status after a crash %+v: want a restart, a new pid, the error", st)
	}
	if alive(pid) {
		t.Errorf("the crashed ffmpeg %d was not reaped", pid)
	}
}

func TestStageKillsHungFFmpeg(t *testing.T) {
	kfs := clip{Codec: "H264", Size: "640x360", Seconds: 2}.keyframes(t)
	s := runStage(t, Config{Camera: "front", Codec: "H264", Deadline: 2 * time.Second, BackoffMin: time.Millisecond})
	check(t, s, kfs[:1])
	pid := s.Status().PID
	stopProcess(t, pid) // SIGSTOP: alive, but answers nothing
	if err := s.Submit(kfs[0]); err != nil {
		t.Fatal(err)
	}
	testutil.WaitFor(t, 10*time.Second, "the hung ffmpeg killed", func() bool { return s.Status().Failures == 1 && !alive(pid) })
	if st := s.Status(); st.Running || !contains(st.LastError, "hung") {
		t.Errorf("status %+v: want no ffmpeg and a hang in the error", st)
	}
}

func TestStageLeavesNothingRunning(t *testing.T) {
	kfs := clip{Codec: "H264", Size: "640x360", Seconds: 2}.keyframes(t)
	snap := testutil.Goroutines()
	s, err := New(Config{Camera: "front", Codec: "H264"})
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- s.Run(context.Background()) }()
	check(t, s, kfs)
	pid := s.Status().PID
	if _, err := s.Snapshot(context.Background(), kfs[0]); err != nil {
		t.Fatal(err)
	}
	s.Close()
	if err := <-done; err != nil {
		t.Errorf("Run: %v", err)
	}
	if alive(pid) {
		t.Errorf("ffmpeg %d alive after Close", pid)
	}
	if err := s.Submit(kfs[0]); !errors.Is(err, ErrClosed) {
		t.Errorf("Submit after Close: got %v, want ErrClosed", err)
	}
	snap.CheckEnded(t, 5*time.Second)
}

func TestStageSetZonesAppliesFromTheNextKeyframe(t *testing.T) {
	kfs := clip{Codec: "H264", Size: "640x360", Seconds: 6, BoxX: 300, BoxY: 100, Step: 100}.keyframes(t)
	everything := Polygon{{0, 0}, {1, 0}, {1, 1}, {0, 1}}
	s := runStage(t, Config{Camera: "front", Codec: "H264", Masks: []Polygon{everything}})
	res := check(t, s, kfs[:2])
	if res[1].Motion {
		t.Errorf("everything masked: got %+v, want no motion", res[1])
	}
	if err := s.SetZones([]Polygon{{{0, 0}, {1, 0}, {1.5, 1}}}, nil, 0.5); err == nil || err.Error() != "motion.zones[0][2]: coordinates must be in 0..1 frame units, got [1.5, 1]" {
		t.Errorf("SetZones with a bad point: got %v", err)
	}
	if err := s.SetZones(nil, nil, 0.5); err != nil {
		t.Fatal(err)
	}
	res = check(t, s, kfs[2:])
	if !res[0].Motion {
		t.Errorf("mask removed: got %+v, want motion", res[0])
	}
}

func TestStageReportsWhatFFmpegSaid(t *testing.T) {
	// A stand-in ffmpeg that fails the way a broken install does: a message on stderr, then exit 1.
	bin := filepath.Join(t.TempDir(), "ffmpeg")
	script := "#!/bin/sh\nhead -c 100000 /dev/zero | tr '\\0' 'x' >&2\necho 'error while loading shared libraries: libavcodec.so.59' >&2\nexit 1\n"
	if err := os.WriteFile(bin, []byte(script), 0o755); err != nil {
		t.Fatal(err)
	}
	s := runStage(t, Config{Camera: "front", Codec: "H264", FFmpeg: bin, BackoffMin: time.Hour})
	if err := s.Submit(Keyframe{NALUs: [][]byte{{0x65, 0x88}}}); err != nil {
		t.Fatal(err)
	}
	testutil.WaitFor(t, 10*time.Second, "the failure reported", func() bool { return s.Status().Failures == 1 })
	st := s.Status()
	if !strings.HasSuffix(st.LastError, "error while loading shared libraries: libavcodec.so.59") || len(st.LastError) > stderrCap+200 {
		t.Errorf("LastError %q (%d bytes): want the end of ffmpeg's stderr, bounded", st.LastError[max(0, len(st.LastError)-120):], len(st.LastError))
	}
	if st.Running {
		t.Errorf("status %+v: want no process", st)
	}
	// Within the backoff, keyframes are shed, not queued behind a broken decoder.
	if err := s.Submit(Keyframe{}); err != nil {
		t.Fatal(err)
	}
	testutil.WaitFor(t, 10*time.Second, "the keyframe shed", func() bool { return s.Status().Shed == 1 })
}

func TestStageCloseDoesNotWaitForAHungKeyframe(t *testing.T) {
	kfs := clip{Codec: "H264", Size: "640x360", Seconds: 2}.keyframes(t)
	s, err := New(Config{Camera: "front", Codec: "H264", Deadline: time.Hour})
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- s.Run(context.Background()) }()
	check(t, s, kfs)
	pid := s.Status().PID
	stopProcess(t, pid)
	if err := s.Submit(kfs[0]); err != nil {
		t.Fatal(err)
	}
	testutil.WaitFor(t, 5*time.Second, "Run to take the keyframe", func() bool { return len(s.in) == 0 })
	closed := make(chan struct{})
	go func() { s.Close(); close(closed) }()
	testutil.WaitFor(t, 20*time.Second, "Close, well before the hour's deadline", func() bool {
		select {
		case <-closed:
			return true
		default:
			return false
		}
	})
	if err := <-done; err != nil {
		t.Errorf("Run: %v", err)
	}
	if st := s.Status(); alive(pid) || st.Failures != 0 {
		t.Errorf("after Close: ffmpeg %d alive %v, status %+v; want it killed and no failure counted", pid, alive(pid), st)
	}
}
