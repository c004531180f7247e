package ui

import (
	"math"
	"time"
)

// Horizon says how many days of a camera's footage fit, and from what: the camera's recording rate so
// far and the tightest of the limits that apply to it.
type Horizon struct {
	// Days is how many days of footage fit; 0 when unknown (no rate yet) or unbounded (no limit applies).
	Days float64 `json:"days"`
	// LimitedBy names the limit Days comes from: max_age, camera_max_bytes, max_bytes (the camera's share
	// of the global limit), disk (its share of the footage plus free space above min_free), none or unknown.
	LimitedBy    string  `json:"limited_by"`
	BytesPerDay  float64 `json:"bytes_per_day"` // the camera's bytes on disk / days since its oldest footage
	RecordedDays float64 `json:"recorded_days"` // days since the oldest footage
	Share        float64 `json:"share"`         // the camera's fraction of all cameras' bytes per day
	MaxBytes     int64   `json:"max_bytes"`     // the tightest byte limit for this camera; 0: none
	MaxAge       float64 `json:"max_age"`       // the tightest age limit in seconds; 0: none
}

// horizonInput is what a camera's horizon is computed from.
type horizonInput struct {
	now         time.Time
	bytes       int64     // the camera's footage on disk
	oldest      time.Time // its oldest footage; zero: none
	totalPerDay float64   // bytes per day of all cameras together, this one included
	totalBytes  int64     // footage of all cameras on disk
	camera      Limits    // the camera's own limits (MinFree unused)
	global      Limits    // the global limits
	free        int64     // free bytes of the filesystem; negative: unknown
}

// minRateWindow is how much footage a camera needs before its rate is trusted.
const minRateWindow = 10 * time.Minute

// ratePerDay returns bytes per day of footage spanning oldest..now, or 0 when it spans less than
// minRateWindow.
func ratePerDay(bytes int64, oldest, now time.Time) float64 {
	d := now.Sub(oldest)
	if oldest.IsZero() || bytes <= 0 || d < minRateWindow {
		return 0
	}
	return float64(bytes) / (d.Hours() / 24)
}

// horizon computes a camera's retention horizon: the tightest limit divided by the camera's rate. Global
// limits bind the cameras together (retention deletes the oldest footage of all of them), so a camera
// gets the share of the global byte budget and of the disk that its rate takes up.
func horizon(in horizonInput) Horizon {
	h := Horizon{LimitedBy: "none", MaxBytes: in.camera.MaxBytes}
	if !in.oldest.IsZero() && in.now.After(in.oldest) {
		h.RecordedDays = in.now.Sub(in.oldest).Hours() / 24
	}
	h.BytesPerDay = ratePerDay(in.bytes, in.oldest, in.now)
	h.MaxAge = minPositiveDur(in.camera.MaxAge, in.global.MaxAge).Seconds()
	if h.BytesPerDay == 0 || in.totalPerDay <= 0 {
		h.LimitedBy = "unknown"
		return h
	}
	h.Share = math.Min(h.BytesPerDay/in.totalPerDay, 1)
	if h.MaxBytes > 0 {
		h.Days, h.LimitedBy = float64(h.MaxBytes)/h.BytesPerDay, "camera_max_bytes"
	}
	shares := []struct {
		name   string
		budget int64
	}{{"max_bytes", in.global.MaxBytes}, {"disk", -1}}
	if in.free >= 0 {
		shares[1].budget = in.totalBytes + in.free - in.global.MinFree
	}
	for _, l := range shares {
		if l.budget <= 0 {
			continue
		}
		b := int64(float64(l.budget) * h.Share)
		if h.MaxBytes == 0 || b < h.MaxBytes {
			h.MaxBytes, h.Days, h.LimitedBy = b, float64(b)/h.BytesPerDay, l.name
		}
	}
	if ageDays := h.MaxAge / 86400; ageDays > 0 && (h.Days == 0 || ageDays < h.Days) {
		h.Days, h.LimitedBy = ageDays, "max_age"
	}
	return h
}

func minPositiveDur(a, b time.Duration) time.Duration {
	if a <= 0 || (b > 0 && b < a) {
		return b
	}
	return a
}
