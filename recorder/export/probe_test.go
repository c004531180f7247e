package export_test

import (
	"bytes"
	"encoding/json"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"github.com/porchlight/porchlight/recorder/export"
	"github.com/porchlight/porchlight/recorder/index"
)

// probeResult is the part of `ffprobe -show_streams -show_format -count_frames -of json` the tests read.
type probeResult struct {
	Streams []struct {
		CodecType    string `json:"codec_type"`
		CodecName    string `json:"codec_name"`
		Width        int    `json:"width"`
		NbReadFrames string `json:"nb_read_frames"`
	} `json:"streams"`
	Format struct {
		Duration string `json:"duration"`
	} `json:"format"`
}

// writeClip reads the whole clip into a file in a fresh directory and returns its path.
func writeClip(tb testing.TB, c *export.Clip) string {
	tb.Helper()
	path := filepath.Join(tb.TempDir(), "clip.mp4")
	f, err := os.Create(path)
	if err != nil {
		tb.Fatal(err)
	}
	defer f.Close()
	n, err := io.Copy(f, c)
	if err != nil {
		tb.Fatalf("read clip: %v", err)
	}
	if n != c.Size() {
		tb.Fatalf("clip bytes: got %d, want Size() %d", n, c.Size())
	}
	return path
}

// ffprobe runs ffprobe with frame counting on path; anything on stderr fails the test.
func ffprobe(tb testing.TB, path string) probeResult {
	tb.Helper()
	cmd := exec.Command("ffprobe", "-v", "error", "-count_frames", "-show_streams", "-show_format",
		"-of", "json", path)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil || stderr.Len() != 0 {
		tb.Fatalf("ffprobe %s: %v: %s", path, err, stderr.String())
	}
	var p probeResult
	if err := json.Unmarshal(out, &p); err != nil {
		tb.Fatalf("ffprobe output: %v", err)
	}
	return p
}

// decode runs `ffmpeg -v error -i path -f null -`, which must print nothing.
func decode(tb testing.TB, path string) {
	tb.Helper()
	out, err := exec.Command("ffmpeg", "-v", "error", "-i", path, "-f", "null", "-").CombinedOutput()
	if err != nil || len(out) != 0 {
		tb.Fatalf("ffmpeg decode of %s: %v: %s", path, err, out)
	}
}

// seconds parses an ffprobe duration.
func seconds(tb testing.TB, s string) time.Duration {
	tb.Helper()
	f, err := strconv.ParseFloat(s, 64)
	if err != nil {
		tb.Fatalf("ffprobe duration %q: %v", s, err)
	}
	return time.Duration(f * float64(time.Second))
}

// videoFramesIn counts the video frames of segs that begin in [start, end): those a player shows.
func videoFramesIn(segs []*index.Segment, start, end time.Time) int {
	n := 0
	for _, seg := range segs {
		for _, tr := range seg.Tracks {
			if tr.Kind != index.Video {
				continue
			}
			ticks := tr.Start
			for _, f := range tr.Frames {
				at := seg.Start.Add(index.TicksToDuration(ticks, tr.TimeScale))
				if !at.Before(start) && at.Before(end) {
					n++
				}
				ticks += uint64(f.Duration)
			}
		}
	}
	return n
}
