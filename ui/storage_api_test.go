package ui

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"
)

// Storage makes the test cameras a StorageReporter: 1 GB free of 4 GB, max_age 2 days, one sample.
func (f *fakeCameras) Storage() (StorageReport, error) {
	return StorageReport{Filesystem: Filesystem{Total: 4 * gb, Free: gb}, Limits: Limits{MaxAge: 48 * time.Hour},
		History: []UsagePoint{{Time: time.Date(2026, 3, 1, 11, 0, 0, 0, time.UTC), Bytes: 5, Free: gb,
			Cameras: map[string]int64{"front": 5}}}, Warning: "the disk is filling up"}, nil
}

// plainCameras hides the Storage method of the cameras it wraps (the alias names the embedded field).
type (
	camerasOnly  = Cameras
	plainCameras struct{ camerasOnly }
)

// TestStorageAPI: any user gets the report with cameras, filesystem, limits (max_age in seconds) and history.
func TestStorageAPI(t *testing.T) {
	e := newAuthEnv(t)
	code, _, body := e.do(e.login("viewer", viewerPW), "GET", "/api/v1/storage", nil)
	wantStatus(t, "GET /api/v1/storage", code, http.StatusOK, body)
	var got struct {
		Cameras []struct {
			Name    string
			State   string
			Horizon struct {
				LimitedBy string `json:"limited_by"`
			}
		}
		Filesystem Filesystem
		Limits     struct {
			MaxAge float64 `json:"max_age"`
		}
		History []UsagePoint
		Warning string
	}
	if err := json.Unmarshal(body, &got); err != nil {
		t.Fatalf("%v in %s", err, body)
	}
	if len(got.Cameras) != 1 || got.Cameras[0].Name != "front" || got.Cameras[0].State != "recording" ||
		got.Cameras[0].Horizon.LimitedBy != "unknown" {
		t.Errorf("got cameras %+v, want front recording with an unknown horizon", got.Cameras)
	}
	if got.Filesystem.Total != 4*gb || got.Limits.MaxAge != 172800 || len(got.History) != 1 || got.History[0].Cameras["front"] != 5 {
		t.Errorf("got filesystem %+v, max_age %v, history %+v; want 4 GB, 172800 s, one sample with front 5",
			got.Filesystem, got.Limits.MaxAge, got.History)
	}
	if got.Warning != "the disk is filling up" {
		t.Errorf("got warning %q, want the recorder's", got.Warning)
	}
}

// TestStorageAPIUnavailable: cameras without storage reporting answer 501.
func TestStorageAPIUnavailable(t *testing.T) {
	s := &Server{Cameras: plainCameras{&fakeCameras{}}, Now: time.Now}
	w := httptest.NewRecorder()
	s.storage(w, httptest.NewRequest("GET", "/api/v1/storage", nil))
	if w.Code != http.StatusNotImplemented {
		t.Errorf("got status %d, want 501", w.Code)
	}
}
