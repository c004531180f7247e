package ui

import (
	"math"
	"testing"
	"time"
)

const gb = 1_000_000_000

// TestHorizon: the days that fit are the tightest limit over the camera's rate, with global byte limits
// and the disk shared by the cameras in proportion to their rates.
func TestHorizon(t *testing.T) {
	now := time.Date(2026, 11, 27, 12, 0, 0, 0, time.UTC)
	twoDays := now.Add(-48 * time.Hour) // 20 GB since then: 10 GB a day
	base := horizonInput{now: now, bytes: 20 * gb, oldest: twoDays, totalPerDay: 10 * gb, totalBytes: 20 * gb, free: -1}
	with := func(f func(*horizonInput)) horizonInput { in := base; f(&in); return in }
	cases := []struct {
		name      string
		in        horizonInput
		wantDays  float64
		wantBy    string
		wantBytes int64
	}{
		{"no footage yet", with(func(in *horizonInput) { in.bytes, in.oldest, in.totalPerDay = 0, time.Time{}, 0 }), 0, "unknown", 0},
		{"too little footage for a rate", with(func(in *horizonInput) { in.oldest = now.Add(-5 * time.Minute) }), 0, "unknown", 0},
		{"no limit", base, 0, "none", 0},
		{"camera max_bytes", with(func(in *horizonInput) { in.camera.MaxBytes = 50 * gb }), 5, "camera_max_bytes", 50 * gb},
		{"half of global max_bytes", with(func(in *horizonInput) { in.totalPerDay, in.global.MaxBytes = 20*gb, 100*gb }), 5, "max_bytes", 50 * gb},
		{"global share tighter than camera's", with(func(in *horizonInput) {
			in.totalPerDay, in.global.MaxBytes, in.camera.MaxBytes = 20*gb, 100*gb, 80*gb
		}), 5, "max_bytes", 50 * gb},
		{"disk share above min_free", with(func(in *horizonInput) {
			in.totalPerDay, in.totalBytes, in.free, in.global.MinFree, in.global.MaxBytes = 20*gb, 40*gb, 70*gb, 10*gb, 200*gb
		}), 5, "disk", 50 * gb},
		{"global max_age", with(func(in *horizonInput) { in.camera.MaxBytes, in.global.MaxAge = 50*gb, 72*time.Hour }), 3, "max_age", 50 * gb},
		{"max_age looser than bytes", with(func(in *horizonInput) { in.camera.MaxBytes, in.global.MaxAge = 50*gb, 240*time.Hour }), 5, "camera_max_bytes", 50 * gb},
		{"camera max_age tighter than global", with(func(in *horizonInput) { in.camera.MaxAge, in.global.MaxAge = 24*time.Hour, 72*time.Hour }), 1, "max_age", 0},
		{"only max_age", with(func(in *horizonInput) { in.global.MaxAge = 720 * time.Hour }), 30, "max_age", 0},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			h := horizon(c.in)
			if math.Abs(h.Days-c.wantDays) > 1e-9 || h.LimitedBy != c.wantBy || h.MaxBytes != c.wantBytes {
				t.Errorf("got %.4f days by %s (max_bytes %d), want %.4f days by %s (max_bytes %d)",
					h.Days, h.LimitedBy, h.MaxBytes, c.wantDays, c.wantBy, c.wantBytes)
			}
		})
	}
}

// TestHorizonInputs: the answer carries the inputs of the formula.
func TestHorizonInputs(t *testing.T) {
	now := time.Date(2026, 11, 27, 12, 0, 0, 0, time.UTC)
	h := horizon(horizonInput{now: now, bytes: 30 * gb, oldest: now.Add(-72 * time.Hour), totalPerDay: 40 * gb,
		free: -1, global: Limits{MaxAge: 24 * time.Hour}})
	if h.BytesPerDay != 10*gb || h.RecordedDays != 3 || h.Share != 0.25 || h.MaxAge != 86400 {
		t.Errorf("got rate %.0f, recorded %.2f days, share %.2f, max_age %.0f s; want 1e10, 3, 0.25, 86400",
			h.BytesPerDay, h.RecordedDays, h.Share, h.MaxAge)
	}
}

// TestBuildStorage: streams of a camera are added up (bytes, oldest) with the main stream's health, and
// each camera's share of the global limit follows its rate.
func TestBuildStorage(t *testing.T) {
	now := time.Date(2026, 11, 27, 12, 0, 0, 0, time.UTC)
	day := now.Add(-24 * time.Hour)
	streams := []Camera{
		{Name: "front", Stream: "main", State: "recording", FPS: 25, Bytes: 30 * gb, Oldest: day},
		{Name: "front", Stream: "sub", State: "error", FPS: 5, Bytes: 10 * gb, Oldest: day.Add(-24 * time.Hour)},
		{Name: "back", Stream: "main", State: "recording", Bytes: 20 * gb, Oldest: day},
	}
	rep := StorageReport{Limits: Limits{MaxBytes: 100 * gb}, History: []UsagePoint{{Time: now, Bytes: 60 * gb}}}
	got := buildStorage(streams, rep, now)
	if len(got.Cameras) != 2 {
		t.Fatalf("got %d cameras, want 2", len(got.Cameras))
	}
	front, back := got.Cameras[0], got.Cameras[1]
	if front.Name != "front" || front.Bytes != 40*gb || !front.Oldest.Equal(day.Add(-24*time.Hour)) ||
		front.State != "recording" || front.FPS != 25 {
		t.Errorf("got front %+v, want 40 GB since 2 days, recording at 25 fps", front)
	}
	// front: 20 GB a day, back: 20 GB a day; each gets 50 GB of the 100 GB.
	if front.Horizon.MaxBytes != 50*gb || back.Horizon.MaxBytes != 50*gb || back.Horizon.Days != 2.5 {
		t.Errorf("got front %d, back %d bytes, back %.2f days; want 50 GB each, back 2.5 days",
			front.Horizon.MaxBytes, back.Horizon.MaxBytes, back.Horizon.Days)
	}
	if got.Limits.MaxBytes != 100*gb || len(got.History) != 1 {
		t.Errorf("got limits %+v, %d history points; want max_bytes 100 GB, 1 point", got.Limits, len(got.History))
	}
}

// TestThin: long histories are thinned to at most maxHistoryPoints, keeping the newest.
func TestThin(t *testing.T) {
	for _, n := range []int{0, 1, maxHistoryPoints, maxHistoryPoints + 1, 7 * 24 * 60} {
		t.Run("", func(t *testing.T) {
			h := make([]UsagePoint, n)
			for i := range h {
				h[i].Bytes = int64(i)
			}
			got := thin(h)
			if len(got) > maxHistoryPoints || (n > 0 && len(got) == 0) || got == nil {
				t.Fatalf("%d points: got %d, want 1..%d", n, len(got), maxHistoryPoints)
			}
			if n > 0 && got[len(got)-1].Bytes != int64(n-1) {
				t.Errorf("%d points: got newest %d, want %d", n, got[len(got)-1].Bytes, n-1)
			}
		})
	}
}
