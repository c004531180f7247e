package ui

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"time"
)

// ErrExists is returned when a camera to add has the name of a configured one: 409.
var ErrExists = errors.New("already exists")

// probeTimeout bounds POST /api/v1/cameras/probe.
const probeTimeout = 10 * time.Second

// CameraSettings is a camera as the config file has it (the API masks the passwords in its URLs).
type CameraSettings struct {
	Name      string    `json:"name"`
	URL       string    `json:"url"`
	Transport string    `json:"transport"` // tcp or udp
	SubURL    string    `json:"sub_url,omitempty"`
	Enabled   bool      `json:"enabled"`
	Location  *Location `json:"location,omitempty"`
	// Motion is the camera's motion detection; absent in a change: kept as it is; given, merged key by key.
	Motion *MotionSettings `json:"motion,omitempty"`
	// SnapshotURL is the camera's still picture (http or https), for event snapshots; "" = none.
	SnapshotURL string `json:"snapshot_url,omitempty"`
	// ONVIF is the camera's ONVIF device (cameras[].onvif); nil = none.
	ONVIF *ONVIFSettings `json:"onvif,omitempty"`
}

// ONVIFSettings is a camera's ONVIF device: its service URL (credentials in it) and whether the camera's
// own motion events are followed.
type ONVIFSettings struct {
	URL    string `json:"url"`
	Events bool   `json:"events"`
}

// MotionSettings is a camera's motion detection as the config file has it (cameras[].motion): durations
// in Go syntax ("10s"), zones and masks polygons of [x, y] points in frame units (0..1). A new camera's
// block takes the defaults for absent keys; a change of a camera merges into its block: absent keys keep
// their values (mergeMotion).
type MotionSettings struct {
	Enabled     bool          `json:"enabled"`
	Sensitivity *float64      `json:"sensitivity,omitempty"`
	MinDuration string        `json:"min_duration"`
	PreRoll     string        `json:"pre_roll"`
	PostRoll    string        `json:"post_roll"`
	Zones       [][][]float64 `json:"zones"`
	Masks       [][][]float64 `json:"masks"`
	// DecodeKeyframes: every keyframe is decoded and compared (ffmpeg), for a dark, noisy picture.
	DecodeKeyframes bool `json:"decode_keyframes"`
}

// Location is where a camera is, in WGS 84 degrees, and what it sees (radius in metres, direction in
// degrees from north, field of view in degrees; zero: the defaults, no direction: all around).
type Location struct {
	Lat       float64  `json:"lat"`
	Lon       float64  `json:"lon"`
	Radius    float64  `json:"radius,omitempty"`
	Direction *float64 `json:"direction,omitempty"`
	FOV       float64  `json:"fov,omitempty"`
}

// ProbeResult is what a camera stream offers, as the recorder would record it.
type ProbeResult struct {
	VideoCodec string  `json:"video_codec"`
	Width      int     `json:"width"`
	Height     int     `json:"height"`
	FPS        float64 `json:"fps,omitempty"`
	AudioCodec string  `json:"audio_codec,omitempty"`
	SampleRate int     `json:"sample_rate,omitempty"`
	Channels   int     `json:"channels,omitempty"`
}

// CameraAdmin is what the API needs to manage the configured cameras.
type CameraAdmin interface {
	// CameraSettings returns the configured cameras, passwords included.
	CameraSettings() []CameraSettings
	// EditCameras calls edit with the configured cameras and makes its answer the configuration (written
	// to the config file and applied), with no other edit in between. An error of edit is returned as is;
	// an invalid configuration is an error matching ErrBadRequest whose message names the key.
	EditCameras(edit func([]CameraSettings) ([]CameraSettings, error)) error
	// Probe connects to a camera stream and reports its codecs and picture size; ctx bounds it.
	Probe(ctx context.Context, url, transport string) (*ProbeResult, error)
}

// probeRequest is the body of POST /api/v1/cameras/probe. Camera names a configured camera whose stored
// passwords replace masked ones in URL.
type probeRequest struct {
	URL       string `json:"url"`
	Transport string `json:"transport"`
	Camera    string `json:"camera,omitempty"`
}

// listCameraSettings lists the configured cameras with their passwords masked; none without a
// CameraAdmin.
func (s *Server) listCameraSettings(w http.ResponseWriter, r *http.Request) {
	var cams []CameraSettings
	if s.CameraAdmin != nil {
		cams = s.CameraAdmin.CameraSettings()
	}
	// Viewers do not see camera addresses at all: a URL may carry credentials outside its userinfo (in
	// its path or query, as some cameras want) and always names hosts and users of the LAN.
	admin := principalFrom(r.Context()).role == UserAdmin
	out := make([]CameraSettings, len(cams))
	for i, c := range cams {
		c = maskCamera(c)
		if !admin {
			c.URL, c.SubURL, c.SnapshotURL, c.ONVIF = "", "", "", nil
		}
		out[i] = c
	}
	writeJSON(w, http.StatusOK, out)
}

func (s *Server) addCamera(w http.ResponseWriter, r *http.Request) {
	c := CameraSettings{Transport: "tcp", Enabled: true}
	if !s.hasCameraAdmin(w) || !readJSON(w, r, &c) {
		return
	}
	err := s.CameraAdmin.EditCameras(func(cams []CameraSettings) ([]CameraSettings, error) {
		if findCamera(cams, c.Name) >= 0 {
			return nil, fmt.Errorf("camera %q: %w", c.Name, ErrExists)
		}
		return append(cams, c), nil
	})
	s.writeCameraResult(w, http.StatusCreated, c, err)
}

// replaceCamera replaces a camera's settings; a URL whose password is masked keeps the stored password,
// and the motion block given is merged into the stored one (mergeMotion).
func (s *Server) replaceCamera(w http.ResponseWriter, r *http.Request) {
	name := r.PathValue("name")
	ch := cameraChange{CameraSettings: CameraSettings{Transport: "tcp", Enabled: true}}
	if !s.hasCameraAdmin(w) || !readJSON(w, r, &ch) {
		return
	}
	c := ch.CameraSettings
	if c.Name != "" && c.Name != name {
		writeError(w, http.StatusBadRequest, "name: cameras cannot be renamed (remove it and add a new one)")
		return
	}
	c.Name = name
	err := s.CameraAdmin.EditCameras(func(cams []CameraSettings) ([]CameraSettings, error) {
		i := findCamera(cams, name)
		if i < 0 {
			return nil, fmt.Errorf("camera %q: %w", name, ErrNotFound)
		}
		var err error
		if c.URL, err = unmaskURL("url", c.URL, cams[i].URL); err != nil {
			return nil, err
		}
		if c.SubURL, err = unmaskURL("sub_url", c.SubURL, cams[i].SubURL); err != nil {
			return nil, err
		}
		if c.SnapshotURL, c.ONVIF, err = changeONVIF(cams[i], ch); err != nil {
			return nil, err
		}
		if c.Motion, err = mergeMotion(cams[i].Motion, ch.Motion); err != nil {
			return nil, requestError(err.Error())
		}
		out := append([]CameraSettings(nil), cams...)
		out[i] = c
		return out, nil
	})
	s.writeCameraResult(w, http.StatusOK, c, err)
}

// deleteCamera removes a camera from the config; its footage stays on disk until retention removes it.
func (s *Server) deleteCamera(w http.ResponseWriter, r *http.Request) {
	name := r.PathValue("name")
	if !s.hasCameraAdmin(w) {
		return
	}
	err := s.CameraAdmin.EditCameras(func(cams []CameraSettings) ([]CameraSettings, error) {
		i := findCamera(cams, name)
		if i < 0 {
			return nil, fmt.Errorf("camera %q: %w", name, ErrNotFound)
		}
		out := append([]CameraSettings(nil), cams[:i]...)
		return append(out, cams[i+1:]...), nil
	})
	if err != nil {
		s.writeCameraResult(w, 0, CameraSettings{}, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

// probeCamera answers the probe's result, or 502 with the probe's error.
func (s *Server) probeCamera(w http.ResponseWriter, r *http.Request) {
	var req probeRequest
	if !s.hasCameraAdmin(w) || !readJSON(w, r, &req) {
		return
	}
	if req.Camera != "" {
		cams := s.CameraAdmin.CameraSettings()
		if i := findCamera(cams, req.Camera); i >= 0 {
			u, err := unmaskURL("url", req.URL, cams[i].URL)
			if err != nil {
				s.writeErr(w, err)
				return
			}
			req.URL = u
		}
	}
	if err := checkRTSPURL(req.URL); err != nil {
		writeError(w, http.StatusBadRequest, "url: "+err.Error())
		return
	}
	if req.Transport == "" {
		req.Transport = "tcp"
	}
	if req.Transport != "tcp" && req.Transport != "udp" {
		writeError(w, http.StatusBadRequest, fmt.Sprintf("transport: %q is not tcp or udp", req.Transport))
		return
	}
	ctx, cancel := context.WithTimeout(r.Context(), probeTimeout)
	defer cancel()
	res, err := s.CameraAdmin.Probe(ctx, req.URL, req.Transport)
	if err != nil {
		writeError(w, http.StatusBadGateway, err.Error())
		return
	}
	writeJSON(w, http.StatusOK, res)
}

// hasCameraAdmin answers 501 when the server was built without camera management, so cannot change it.
func (s *Server) hasCameraAdmin(w http.ResponseWriter) bool {
	if s.CameraAdmin == nil {
		writeError(w, http.StatusNotImplemented, "camera management is not available on this node")
		return false
	}
	return true
}

// writeCameraResult answers c (passwords masked) with code, or the error of a camera change.
func (s *Server) writeCameraResult(w http.ResponseWriter, code int, c CameraSettings, err error) {
	if err != nil {
		s.writeErr(w, err)
		return
	}
	writeJSON(w, code, maskCamera(c))
}

// maskCamera returns c with the passwords of its URLs masked.
func maskCamera(c CameraSettings) CameraSettings {
	c.URL, c.SubURL, c.SnapshotURL = maskURL(c.URL), maskURL(c.SubURL), maskURL(c.SnapshotURL)
	if c.ONVIF != nil {
		o := *c.ONVIF
		o.URL = maskURL(o.URL)
		c.ONVIF = &o
	}
	return c
}

func findCamera(cams []CameraSettings, name string) int {
	for i, c := range cams {
		if c.Name == name {
			return i
		}
	}
	return -1
}

// maskedPassword is what url.URL.Redacted puts in place of a password.
const maskedPassword = "xxxxx"

// maskURL returns u with its password, if any, replaced by maskedPassword.
func maskURL(u string) string {
	if u == "" {
		return ""
	}
	p, err := url.Parse(u)
	if err != nil {
		return "" // never echo what might hold a password; the config only holds valid URLs
	}
	return p.Redacted()
}

// unmaskURL returns u with a masked password replaced by the one in stored, provided the user and host
// are the ones stored: the password is never sent to a host it was not configured for.
func unmaskURL(key, u, stored string) (string, error) {
	p, err := url.Parse(u)
	if err != nil || p.User == nil {
		return u, nil // the config's validation names what is wrong
	}
	if pw, ok := p.User.Password(); !ok || pw != maskedPassword {
		return u, nil
	}
	if u == maskURL(stored) {
		return stored, nil
	}
	sp, err := url.Parse(stored)
	// The stored password goes only where it went before: same user, host and scheme (rtsps must not
	// become plain rtsp, which would send it in clear text).
	if err != nil || sp.User == nil || sp.User.Username() != p.User.Username() || sp.Host != p.Host || sp.Scheme != p.Scheme {
		return "", requestError(key + ": the password is masked; enter it again (the user, host or scheme changed)")
	}
	p.User = sp.User
	return p.String(), nil
}

// checkRTSPURL checks a camera URL without echoing it: it may carry a password.
func checkRTSPURL(s string) error {
	u, err := url.Parse(s)
	switch {
	case s == "":
		return errors.New("required")
	case err != nil:
		return errors.New("not a valid URL")
	case u.Scheme != "rtsp" && u.Scheme != "rtsps":
		return errors.New("scheme must be rtsp or rtsps")
	case u.Hostname() == "":
		return errors.New("missing host")
	}
	if p := u.Port(); p != "" {
		if n, err := strconv.Atoi(p); err != nil || n < 1 || n > 65535 {
			return fmt.Errorf("invalid port %q (want 1 to 65535)", p)
		}
	}
	return nil
}

// requestError is an invalid request (400) whose message is the whole story.
type requestError string

func (e requestError) Error() string { return string(e) }

// Is makes a requestError match ErrBadRequest.
func (e requestError) Is(target error) bool { return target == ErrBadRequest }
