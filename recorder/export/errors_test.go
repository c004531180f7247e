package export_test

import (
	"errors"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/porchlight/porchlight/recorder/export"
	"github.com/porchlight/porchlight/recorder/index"
)

func TestNewErrors(t *testing.T) {
	src := sourceOf(t, "320x240")
	cases := []struct {
		name       string
		start, end time.Duration
		spoil      func(t *testing.T, dir string, segs []*index.Segment) []*index.Segment
		want       error
	}{
		{"before the recording", -10 * time.Second, -5 * time.Second, nil, export.ErrNoFrames},
		{"after the recording", 20 * time.Second, 30 * time.Second, nil, export.ErrNoFrames},
		{"inside the gap", 4500 * time.Millisecond, 6500 * time.Millisecond, nil, export.ErrNoFrames},
		{"no segments", 0, 8 * time.Second, func(*testing.T, string, []*index.Segment) []*index.Segment {
			return nil
		}, export.ErrNoFrames},
		{"end not after start", 2 * time.Second, 2 * time.Second, nil, export.ErrBadRange},
		{"longer than a day", -time.Hour, export.MaxRange, nil, export.ErrRangeTooLong},
		{"missing file", 0, 3 * time.Second, func(t *testing.T, dir string, segs []*index.Segment) []*index.Segment {
			if err := os.Remove(filepath.Join(dir, segs[0].File)); err != nil {
				t.Fatal(err)
			}
			return segs
		}, fs.ErrNotExist},
		{"counts disagree with frames", 0, 3 * time.Second,
			func(_ *testing.T, _ string, segs []*index.Segment) []*index.Segment {
				segs[0].Parts[1].Counts[0] += 1000
				return segs
			}, export.ErrBadIndex},
		{"data past the file size", 0, 3 * time.Second,
			func(_ *testing.T, _ string, segs []*index.Segment) []*index.Segment {
				segs[0].Parts[2].Offset += 1 << 20
				return segs
			}, export.ErrBadIndex},
		{"track not in the init", 0, 3 * time.Second,
			func(_ *testing.T, _ string, segs []*index.Segment) []*index.Segment {
				segs[0].Tracks[0].ID = 9
				return segs
			}, export.ErrBadIndex},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			segs := withGap(t, dir, src, nil)
			if tc.spoil != nil {
				segs = tc.spoil(t, dir, segs)
			}
			c, err := export.New(segs, base.Add(tc.start), base.Add(tc.end), opener(dir))
			if !errors.Is(err, tc.want) {
				t.Fatalf("New: got error %v, want %v", err, tc.want)
			}
			if c != nil {
				t.Errorf("New: got a clip with error %v, want nil", err)
			}
		})
	}
}

func TestReadErrors(t *testing.T) {
	src := sourceOf(t, "320x240")
	cases := []struct {
		name  string
		spoil func(t *testing.T, dir string, seg *index.Segment, c *export.Clip)
		want  error
	}{
		{"file truncated after planning", func(t *testing.T, dir string, seg *index.Segment, _ *export.Clip) {
			if err := os.Truncate(filepath.Join(dir, seg.File), seg.Size/2); err != nil {
				t.Fatal(err)
			}
		}, io.ErrUnexpectedEOF},
		{"file removed after planning", func(t *testing.T, dir string, seg *index.Segment, _ *export.Clip) {
			if err := os.Remove(filepath.Join(dir, seg.File)); err != nil {
				t.Fatal(err)
			}
		}, fs.ErrNotExist},
		{"clip closed", func(t *testing.T, _ string, _ *index.Segment, c *export.Clip) {
			if err := c.Close(); err != nil {
				t.Fatal(err)
			}
		}, fs.ErrClosed},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			segs := twoSegments(t, dir, src, nil)
			c, err := export.New(segs, base, base.Add(8*time.Second), opener(dir))
			if err != nil {
				t.Fatalf("New: %v", err)
			}
			defer c.Close()
			tc.spoil(t, dir, segs[1], c)
			n, err := io.Copy(io.Discard, c)
			if !errors.Is(err, tc.want) {
				t.Fatalf("read: got error %v after %d bytes, want %v", err, n, tc.want)
			}
		})
	}
}

func TestSeek(t *testing.T) {
	src := sourceOf(t, "320x240")
	dir := t.TempDir()
	c, err := export.New(oneSegment(t, dir, src, nil), base, base.Add(2*time.Second), opener(dir))
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	defer c.Close()
	cases := []struct {
		name    string
		off     int64
		whence  int
		want    int64
		wantErr bool
	}{
		{"start", 10, io.SeekStart, 10, false},
		{"current", 5, io.SeekCurrent, 15, false},
		{"end", -4, io.SeekEnd, c.Size() - 4, false},
		{"past the end", 100, io.SeekEnd, c.Size() + 100, false},
		{"negative", -1, io.SeekStart, c.Size() + 100, true},
		{"bad whence", 0, 7, c.Size() + 100, true},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got, err := c.Seek(tc.off, tc.whence)
			if got != tc.want || (err != nil) != tc.wantErr {
				t.Errorf("Seek(%d, %d): got %d, %v, want %d, error %t", tc.off, tc.whence, got, err, tc.want,
					tc.wantErr)
			}
		})
	}
	if n, err := c.Read(make([]byte, 10)); n != 0 || err != io.EOF {
		t.Errorf("Read past the end: got %d, %v, want 0, EOF", n, err)
	}
}
