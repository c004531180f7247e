package ui

import (
	"net/http"
	"time"
)

// Limits bound how much footage is kept; zero means no limit.
type Limits struct {
	MaxAge   time.Duration
	MaxBytes int64
	MinFree  int64 // free-space floor of the filesystem (global limits only)
}

// UsagePoint is the footage on disk at one moment.
type UsagePoint struct {
	Time    time.Time        `json:"time"`
	Bytes   int64            `json:"bytes"`   // every camera's footage
	Free    int64            `json:"free"`    // free bytes of the filesystem; -1: unknown
	Cameras map[string]int64 `json:"cameras"` // footage per camera
}

// Filesystem is the size of the filesystem holding the recordings.
type Filesystem struct {
	Total int64 `json:"total"`
	Free  int64 `json:"free"`
}

// StorageReport is what GET /api/v1/storage needs besides the cameras' status.
type StorageReport struct {
	Filesystem   Filesystem
	Limits       Limits            // global
	CameraLimits map[string]Limits // each camera's own, by name
	History      []UsagePoint      // oldest first
	// Warning says why the disk is short of space when it fills for other reasons than recording and
	// retention frees no more; "" while it does not.
	Warning string
}

// StorageReporter may be implemented by the server's Cameras; without it GET /api/v1/storage answers 501.
type StorageReporter interface {
	Storage() (StorageReport, error)
}

// maxHistoryPoints bounds the history one answer carries; longer histories are thinned evenly.
const maxHistoryPoints = 1000

// storageCamera is a camera as GET /api/v1/storage lists it: all its streams together.
type storageCamera struct {
	Name       string    `json:"name"`
	State      string    `json:"state"`
	LastError  string    `json:"last_error,omitempty"`
	BitrateBps float64   `json:"bitrate_bps"`
	FPS        float64   `json:"fps"`
	Reconnects uint64    `json:"reconnects"`
	Bytes      int64     `json:"bytes"`
	Oldest     time.Time `json:"oldest,omitzero"`
	Horizon    Horizon   `json:"horizon"`
}

type storageLimits struct {
	MaxAge   float64 `json:"max_age"` // seconds
	MaxBytes int64   `json:"max_bytes"`
	MinFree  int64   `json:"min_free"`
}

type storageResponse struct {
	Cameras    []storageCamera `json:"cameras"`
	Filesystem Filesystem      `json:"filesystem"`
	Limits     storageLimits   `json:"limits"`
	History    []UsagePoint    `json:"history"`
	Warning    string          `json:"warning,omitempty"`
}

func (s *Server) storage(w http.ResponseWriter, r *http.Request) {
	src, ok := s.Cameras.(StorageReporter)
	if !ok {
		writeError(w, http.StatusNotImplemented, "storage reporting is not available")
		return
	}
	rep, err := src.Storage()
	if err != nil {
		s.writeErr(w, err)
		return
	}
	writeJSON(w, http.StatusOK, buildStorage(s.camerasFor(r), rep, s.Now()))
}

// buildStorage merges the streams of each camera and computes their horizons.
func buildStorage(streams []Camera, rep StorageReport, now time.Time) storageResponse {
	out := storageResponse{Cameras: []storageCamera{}, Filesystem: rep.Filesystem, History: thin(rep.History), Warning: rep.Warning,
		Limits: storageLimits{MaxAge: rep.Limits.MaxAge.Seconds(), MaxBytes: rep.Limits.MaxBytes, MinFree: rep.Limits.MinFree}}
	byName := map[string]int{}
	for _, st := range streams {
		i, ok := byName[st.Name]
		if !ok {
			i = len(out.Cameras)
			byName[st.Name] = i
			out.Cameras = append(out.Cameras, storageCamera{Name: st.Name})
		}
		c := &out.Cameras[i]
		if st.Stream == "main" || !ok {
			c.State, c.LastError, c.BitrateBps, c.FPS, c.Reconnects = st.State, st.LastError, st.BitrateBps, st.FPS, st.Reconnects
		}
		c.Bytes += st.Bytes
		if !st.Oldest.IsZero() && (c.Oldest.IsZero() || st.Oldest.Before(c.Oldest)) {
			c.Oldest = st.Oldest
		}
	}
	var totalPerDay float64
	var totalBytes int64
	for _, c := range out.Cameras {
		totalPerDay += ratePerDay(c.Bytes, c.Oldest, now)
		totalBytes += c.Bytes
	}
	free := int64(-1)
	if rep.Filesystem.Total > 0 {
		free = rep.Filesystem.Free
	}
	for i := range out.Cameras {
		c := &out.Cameras[i]
		c.Horizon = horizon(horizonInput{now: now, bytes: c.Bytes, oldest: c.Oldest, totalPerDay: totalPerDay,
			totalBytes: totalBytes, camera: rep.CameraLimits[c.Name], global: rep.Limits, free: free})
	}
	return out
}

// thin keeps at most maxHistoryPoints of h, evenly spaced, always with the newest.
func thin(h []UsagePoint) []UsagePoint {
	if len(h) <= maxHistoryPoints {
		if h == nil {
			return []UsagePoint{}
		}
		return h
	}
	step := (len(h) + maxHistoryPoints - 1) / maxHistoryPoints
	out := make([]UsagePoint, 0, maxHistoryPoints+1)
	for i := (len(h) - 1) % step; i < len(h); i += step {
		out = append(out, h[i])
	}
	return out
}
