package keyframe

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"sync"
	"testing"
	"time"
)

// needFFmpeg skips a test on a machine without ffmpeg (CI installs it: .ci/deps).
func needFFmpeg(t testing.TB) {
	t.Helper()
	if _, err := exec.LookPath("ffmpeg"); err != nil {
		t.Skip("ffmpeg not installed")
	}
}

// clip describes a synthetic camera: a still test-card scene with temporal sensor noise, and a white
// box that jumps between keyframes (keyframes every 2 s) to x = X0 + Step·(t mod 3) pixels.
type clip struct {
	Codec      string // "H264" or "H265"
	Size       string // "1280x720"
	Seconds    int
	BoxX, BoxY int // 0 BoxX and BoxY: no box
	Step       int
	Ramp       bool   // brightness rises over the clip (auto exposure, dusk)
	Bitrate    string // e.g. "4M": capped like a camera's CBR-ish stream; "" = x264's CRF default
}

// keyframes encodes c with ffmpeg's x264/x265 (AUDs on, GOP 2 s, no B-frames) and returns its
// keyframes as the recorder would hold them.
func (c clip) keyframes(t testing.TB) []Keyframe {
	t.Helper()
	needFFmpeg(t)
	if kfs, ok := clips.Load(c); ok {
		return kfs.([]Keyframe) // tests only read them
	}
	out := filepath.Join(t.TempDir(), "clip.es")
	src := "smptehdbars=size=" + c.Size + ":rate=25,noise=alls=12:allf=t"
	if c.Ramp {
		src += ",eq=brightness='0.04*t':eval=frame"
	}
	args := []string{"-hide_banner", "-loglevel", "error", "-y", "-f", "lavfi", "-i", src}
	if c.BoxX > 0 {
		args = append(args, "-f", "lavfi", "-i", "color=c=white:size=120x120:rate=25",
			"-filter_complex", "[0][1]overlay=x='"+itoa(c.BoxX)+"+"+itoa(c.Step)+"*mod(floor(t),3)':y="+itoa(c.BoxY)+":shortest=1")
	}
	args = append(args, "-t", itoa(c.Seconds), "-pix_fmt", "yuv420p", "-g", "50", "-bf", "0")
	if c.Bitrate != "" {
		args = append(args, "-b:v", c.Bitrate, "-maxrate", c.Bitrate, "-bufsize", c.Bitrate)
	}
	if c.Codec == "H265" {
		args = append(args, "-c:v", "libx265", "-preset", "ultrafast", "-x265-params", "aud=1:scenecut=0:log-level=error", "-f", "hevc", out)
	} else {
		args = append(args, "-c:v", "libx264", "-preset", "veryfast", "-x264-params", "aud=1:scenecut=0", "-f", "h264", out)
	}
	if b, err := exec.Command("ffmpeg", args...).CombinedOutput(); err != nil {
		t.Fatalf("ffmpeg %v: %v: %s", args, err, b)
	}
	es, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	kfs := splitKeyframes(es, c.Codec)
	if want := (c.Seconds + 1) / 2; len(kfs) != want {
		t.Fatalf("clip has %d keyframes, want %d", len(kfs), want)
	}
	clips.Store(c, kfs)
	return kfs
}

// clips caches encoded clips by description: several tests use the same one.
var clips sync.Map

func itoa(i int) string { return strconv.Itoa(i) }

// splitKeyframes cuts an Annex-B stream with AUDs into access units and returns the keyframes, parameter
// sets apart as Keyframe.Params.
func splitKeyframes(es []byte, codec string) []Keyframe {
	var (
		kfs []Keyframe
		cur Keyframe
		key bool
	)
	flush := func() {
		if key {
			kfs = append(kfs, cur)
		}
		cur, key = Keyframe{Time: time.Unix(int64(2*len(kfs)), 0)}, false
	}
	for _, n := range splitNALUs(es) {
		var typ int
		if codec == "H265" {
			typ = int(n[0]>>1) & 0x3f
		} else {
			typ = int(n[0]) & 0x1f
		}
		switch {
		case codec == "H264" && typ == 9, codec == "H265" && typ == 35: // AUD
			flush()
		case codec == "H264" && (typ == 7 || typ == 8), codec == "H265" && typ >= 32 && typ <= 34:
			cur.Params = append(cur.Params, n)
		default:
			if codec == "H264" && typ == 5 || codec == "H265" && typ >= 16 && typ <= 21 {
				key = true
			}
			cur.NALUs = append(cur.NALUs, n)
		}
	}
	flush()
	return kfs
}

func splitNALUs(b []byte) [][]byte {
	var out [][]byte
	start := -1
	for i := 0; i+2 < len(b); i++ {
		if b[i] == 0 && b[i+1] == 0 && b[i+2] == 1 {
			if start >= 0 {
				out = append(out, bytes.TrimRight(b[start:i], "\x00"))
			}
			start = i + 3
			i += 2
		}
	}
	if start >= 0 && start < len(b) {
		out = append(out, b[start:])
	}
	return out
}
