package ui

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"time"
)

func (s *Server) listCameras(w http.ResponseWriter, r *http.Request) {
	writeJSON(w, http.StatusOK, s.camerasFor(r))
}

func (s *Server) listRecordings(w http.ResponseWriter, r *http.Request) {
	start, end, err := s.timeRange(r, 24*time.Hour)
	if err != nil {
		writeError(w, http.StatusBadRequest, err.Error())
		return
	}
	spans, err := s.Cameras.Recordings(r.PathValue("name"), r.URL.Query().Get("stream"), start, end)
	if err != nil {
		s.writeErr(w, err)
		return
	}
	if spans == nil {
		spans = []Span{}
	}
	writeJSON(w, http.StatusOK, spans)
}

func (s *Server) exportMP4(w http.ResponseWriter, r *http.Request) {
	start, end, err := s.timeRange(r, 0)
	if err != nil {
		writeError(w, http.StatusBadRequest, err.Error())
		return
	}
	name := r.PathValue("name")
	clip, err := s.Cameras.Export(name, r.URL.Query().Get("stream"), start, end)
	if err != nil {
		s.writeErr(w, err)
		return
	}
	defer clip.Close()
	w.Header().Set("ETag", clip.ETag())
	w.Header().Set("Content-Type", "video/mp4")
	w.Header().Set("Content-Disposition", fmt.Sprintf(`attachment; filename="%s-%s.mp4"`, name,
		start.UTC().Format("20060102T150405Z")))
	http.ServeContent(w, r, "", clip.ModTime(), clip)
}

// timeRange reads start and end (RFC 3339). end defaults to now; start to end-def, or is required when
// def is 0.
func (s *Server) timeRange(r *http.Request, def time.Duration) (time.Time, time.Time, error) {
	q := r.URL.Query()
	end := s.Now()
	if v := q.Get("end"); v != "" {
		t, err := time.Parse(time.RFC3339Nano, v)
		if err != nil {
			return time.Time{}, time.Time{}, fmt.Errorf("end: not an RFC 3339 time: %q", v)
		}
		end = t
	}
	var start time.Time
	switch v := q.Get("start"); {
	case v != "":
		t, err := time.Parse(time.RFC3339Nano, v)
		if err != nil {
			return time.Time{}, time.Time{}, fmt.Errorf("start: not an RFC 3339 time: %q", v)
		}
		start = t
	case def > 0:
		start = end.Add(-def)
	default:
		return time.Time{}, time.Time{}, errors.New("start: required")
	}
	if !end.After(start) {
		return time.Time{}, time.Time{}, errors.New("end: must be after start")
	}
	return start, end, nil
}

func writeJSON(w http.ResponseWriter, code int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(code)
	_ = json.NewEncoder(w).Encode(v)
}

func writeError(w http.ResponseWriter, code int, msg string) {
	writeJSON(w, code, map[string]string{"error": msg})
}
