package recorder

import (
	"testing"
	"time"
)

// TestUsageRing: the ring keeps the newest samples, oldest first, and drops the oldest when full.
func TestUsageRing(t *testing.T) {
	t0 := time.Date(2026, 11, 27, 8, 0, 0, 0, time.UTC)
	cases := []struct {
		name      string
		size, add int
		wantFirst int // index of the first sample kept
	}{
		{"empty", 3, 0, 0},
		{"partly filled", 3, 2, 0},
		{"exactly full", 3, 3, 0},
		{"wrapped once", 3, 5, 2},
		{"wrapped many times", 4, 23, 19},
		{"size one", 1, 7, 6},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r := newUsageRing(c.size)
			for i := range c.add {
				r.add(UsageSample{Time: t0.Add(time.Duration(i) * time.Minute), Bytes: int64(i)})
			}
			got := r.samples()
			if want := c.add - c.wantFirst; len(got) != want {
				t.Fatalf("got %d samples, want %d", len(got), want)
			}
			for i, s := range got {
				if want := int64(c.wantFirst + i); s.Bytes != want {
					t.Errorf("sample %d: got bytes %d, want %d", i, s.Bytes, want)
				}
				if i > 0 && !s.Time.After(got[i-1].Time) {
					t.Errorf("sample %d: got time %v, not after %v", i, s.Time, got[i-1].Time)
				}
			}
		})
	}
}

// TestUsageRingCopies: a caller changing a returned sample's camera map does not change the ring.
func TestUsageRingCopies(t *testing.T) {
	r := newUsageRing(2)
	r.add(UsageSample{Cameras: map[string]int64{"front": 10}})
	r.samples()[0].Cameras["front"] = 99
	if got := r.samples()[0].Cameras["front"]; got != 10 {
		t.Errorf("got front %d after changing a copy, want 10", got)
	}
}

// TestSampleUsage: a sample of a fresh recorder has every camera at zero bytes and the filesystem's free
// space, which Filesystem reports within the total.
func TestSampleUsage(t *testing.T) {
	now := time.Date(2026, 11, 27, 8, 0, 0, 0, time.UTC)
	r, err := New(Config{DataDir: t.TempDir(), Now: func() time.Time { return now },
		Cameras:   []CameraConfig{{Name: "front", URL: "rtsp://127.0.0.1:1/x", Retention: Limits{MaxBytes: 5}}},
		Retention: Limits{MaxAge: time.Hour}, MinFree: 7})
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	r.sampleUsage()
	h := r.UsageHistory()
	if len(h) != 1 {
		t.Fatalf("got %d samples, want 1", len(h))
	}
	if s := h[0]; !s.Time.Equal(now) || s.Bytes != 0 || s.Cameras["front"] != 0 || s.Free <= 0 {
		t.Errorf("got sample %+v, want time %v, 0 bytes, free > 0", s, now)
	}
	fs, err := r.Filesystem()
	if err != nil {
		t.Fatal(err)
	}
	if fs.Total <= 0 || fs.Free > fs.Total {
		t.Errorf("got filesystem %+v, want 0 < free <= total", fs)
	}
	g, cams, minFree := r.RetentionLimits()
	if g.MaxAge != time.Hour || cams["front"].MaxBytes != 5 || minFree != 7 {
		t.Errorf("got limits %+v %+v %d, want max_age 1h, front max_bytes 5, min_free 7", g, cams, minFree)
	}
}
