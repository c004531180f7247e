package motiontest

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"
)

// Stretch is one part of a clip: Seconds of the source from At on (Motion), or Seconds of the source's
// frame at At held still (a frozen frame; the noise added over the clip still changes every frame).
type Stretch struct {
	Motion  bool
	At      float64 // source second
	Seconds float64
}

// Scene is a clip to build from real footage: its stretches, the sensor noise over all of it, and a
// treatment.
type Scene struct {
	Name      string
	Source    string // a sample clip name (Pedestrians, Tree)
	Stretches []Stretch
	// Noise is the strength of ffmpeg's temporal noise filter (noise=alls=N:allf=t) over the whole clip.
	Noise int
	// Ramp, when non-zero, is how much the global brightness changes (ffmpeg eq, -1..1) linearly over
	// the whole clip: a slow change of light that must not count as motion.
	Ramp float64
	// Night darkens the clip and lowers its contrast before the noise, like a camera at night.
	Night bool
}

// Encoding is how a camera would encode a clip.
type Encoding struct {
	Codec   string // "H264" (libx264) or "H265" (libx265)
	CBR     bool   // constant bitrate at Kbps; otherwise CRF (x264 23, x265 28: the encoders' defaults)
	Kbps    int    // CBR rate; 0 = 1000
	FPS     int
	GOP     float64 // seconds between keyframes
	BFrames int
}

// String names an encoding in tables: "x264 crf 25fps gop1s" and the like.
func (e Encoding) String() string {
	enc := "x264"
	if e.Codec == "H265" {
		enc = "x265"
	}
	mode := "crf"
	if e.CBR {
		mode = fmt.Sprintf("cbr%dk", e.kbps())
	}
	s := fmt.Sprintf("%s %s %dfps gop%gs", enc, mode, e.FPS, e.GOP)
	if e.BFrames > 0 {
		s += fmt.Sprintf(" b%d", e.BFrames)
	}
	return s
}

func (e Encoding) kbps() int {
	if e.Kbps == 0 {
		return 1000
	}
	return e.Kbps
}

// Interval is a stretch of a clip, as offsets from its start.
type Interval struct {
	Start, End time.Duration
}

// Truth returns the motion intervals of the scene and its length. Adjacent motion stretches merge.
func (s Scene) Truth() ([]Interval, time.Duration) {
	var truth []Interval
	var at time.Duration
	for _, st := range s.Stretches {
		d := time.Duration(st.Seconds * float64(time.Second))
		if st.Motion {
			if n := len(truth); n > 0 && truth[n-1].End == at {
				truth[n-1].End = at + d
			} else {
				truth = append(truth, Interval{at, at + d})
			}
		}
		at += d
	}
	return truth, at
}

// Build encodes the scene from the footage file src into an Annex-B elementary stream in dir (kept
// there: a second Build of the same scene and encoding returns the file at once) and returns its path.
// Each stretch is decoded by its own ffmpeg into raw frames that are piped, a frozen frame repeated, into
// one encoding ffmpeg that adds the treatment and the noise: a linear pipeline whose frame count is
// exactly the scene's.
func Build(ctx context.Context, dir, src string, s Scene, e Encoding) (string, error) {
	w, h, err := frameSize(ctx, src)
	if err != nil {
		return "", err
	}
	args := encodeArgs(s, e, w, h)
	key := fmt.Sprint(src, s.Stretches, args)
	sum := sha256.Sum256([]byte(key))
	ext := ".h264"
	if e.Codec == "H265" {
		ext = ".h265"
	}
	out := filepath.Join(dir, s.Name+"-"+hex.EncodeToString(sum[:6])+ext)
	if _, err := os.Stat(out); err == nil {
		return out, nil
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return "", err
	}
	tmp := fmt.Sprintf("%s.%d.tmp", out, os.Getpid()) // two runs building the same clip do not clash
	enc := exec.CommandContext(ctx, "ffmpeg", append(args, "-y", tmp)...)
	var stderr strings.Builder
	enc.Stderr = &stderr
	in, err := enc.StdinPipe()
	if err != nil {
		return "", err
	}
	if err := enc.Start(); err != nil {
		return "", err
	}
	feedErr := feed(ctx, in, src, s, e.FPS, w*h*3/2)
	in.Close()
	if err := enc.Wait(); err != nil || feedErr != nil {
		os.Remove(tmp)
		return "", fmt.Errorf("ffmpeg %s %s: %v %v: %s", s.Name, e, feedErr, err, stderr.String())
	}
	return out, os.Rename(tmp, out)
}

// frameSize asks ffprobe for the width and height of the first video stream.
func frameSize(ctx context.Context, src string) (int, int, error) {
	b, err := exec.CommandContext(ctx, "ffprobe", "-v", "error", "-select_streams", "v:0",
		"-show_entries", "stream=width,height", "-of", "csv=p=0", src).Output()
	if err != nil {
		return 0, 0, fmt.Errorf("ffprobe %s: %w", src, err)
	}
	var w, h int
	if _, err := fmt.Sscanf(strings.TrimSpace(string(b)), "%d,%d", &w, &h); err != nil {
		return 0, 0, fmt.Errorf("ffprobe %s: %q: %w", src, b, err)
	}
	return w, h, nil
}

// feed writes the raw frames of every stretch to w.
func feed(ctx context.Context, w io.Writer, src string, s Scene, fps, frameBytes int) error {
	frame := make([]byte, frameBytes)
	for _, st := range s.Stretches {
		n := int(st.Seconds*float64(fps) + 0.5)
		get := n
		if !st.Motion {
			get = 1
		}
		dec := exec.CommandContext(ctx, "ffmpeg", "-v", "error", "-nostdin", "-ss", fmt.Sprint(st.At), "-i", src,
			"-vf", fmt.Sprintf("fps=%d", fps), "-frames:v", fmt.Sprint(get), "-pix_fmt", "yuv420p",
			"-f", "rawvideo", "-")
		r, err := dec.StdoutPipe()
		if err != nil {
			return err
		}
		if err := dec.Start(); err != nil {
			return err
		}
		got := 0
		for i := 0; i < n; i++ {
			if st.Motion || i == 0 {
				if _, err := io.ReadFull(r, frame); err != nil {
					break
				}
				got++
			}
			if _, err := w.Write(frame); err != nil {
				dec.Process.Kill()
				dec.Wait()
				return err
			}
		}
		io.Copy(io.Discard, r)
		if err := dec.Wait(); err != nil {
			return fmt.Errorf("decode %s at %gs: %w", src, st.At, err)
		}
		if got < get {
			return fmt.Errorf("decode %s at %gs: got %d of %d frames", src, st.At, got, get)
		}
	}
	return nil
}

// encodeArgs builds the encoding ffmpeg's command line (without the output path): raw frames in,
// treatment and noise, then the encoder.
func encodeArgs(s Scene, e Encoding, w, h int) []string {
	args := []string{"-v", "error", "-nostdin", "-f", "rawvideo", "-pix_fmt", "yuv420p",
		"-s", fmt.Sprintf("%dx%d", w, h), "-r", fmt.Sprint(e.FPS), "-i", "-"}
	_, total := s.Truth()
	var vf []string
	if s.Night {
		vf = append(vf, "eq=brightness=-0.3:contrast=0.5:saturation=0.3")
	}
	if s.Ramp != 0 {
		vf = append(vf, fmt.Sprintf("eq=brightness='%g*t/%g':eval=frame", s.Ramp, total.Seconds()))
	}
	if s.Noise > 0 {
		vf = append(vf, fmt.Sprintf("noise=alls=%d:allf=t", s.Noise))
	}
	vf = append(vf, "format=yuv420p")
	args = append(args, "-vf", strings.Join(vf, ","), "-an")
	gop := int(e.GOP*float64(e.FPS) + 0.5)
	k := e.kbps()
	if e.Codec == "H265" {
		p := fmt.Sprintf("keyint=%d:min-keyint=%d:scenecut=0:bframes=%d:log-level=error", gop, gop, e.BFrames)
		if e.CBR {
			p += fmt.Sprintf(":bitrate=%d:vbv-maxrate=%d:vbv-bufsize=%d:strict-cbr=1", k, k, k)
		} else {
			p += ":crf=28"
		}
		return append(args, "-c:v", "libx265", "-preset", "ultrafast", "-x265-params", p, "-f", "hevc")
	}
	args = append(args, "-c:v", "libx264", "-preset", "veryfast", "-g", fmt.Sprint(gop),
		"-keyint_min", fmt.Sprint(gop), "-sc_threshold", "0", "-bf", fmt.Sprint(e.BFrames))
	if e.CBR {
		args = append(args, "-b:v", fmt.Sprintf("%dk", k), "-minrate", fmt.Sprintf("%dk", k),
			"-maxrate", fmt.Sprintf("%dk", k), "-bufsize", fmt.Sprintf("%dk", k), "-x264-params", "nal-hrd=cbr")
	} else {
		args = append(args, "-crf", "23")
	}
	return append(args, "-f", "h264")
}
