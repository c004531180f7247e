package ui

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/url"
	"time"
)

// ErrCameraRefused is what a CameraFinder's inspection returns (wrapped) when the camera refuses the user
// name or password: the API answers 502 naming it, never 401, which would mean our own login.
var ErrCameraRefused = errors.New("the camera refused the user name or password")

// Bounds of the finder's routes.
const (
	discoverTimeout = 40 * time.Second // the probe's own wait is configured (discovery.wait, at most 30 s)
	inspectTimeout  = 30 * time.Second // a dozen SOAP requests to one camera
)

// FoundCamera is a device that answered "Find cameras" (ONVIF WS-Discovery).
type FoundCamera struct {
	Endpoint string   `json:"endpoint"`
	XAddrs   []string `json:"xaddrs"` // its device service URLs
	Name     string   `json:"name,omitempty"`
	Hardware string   `json:"hardware,omitempty"`
	Scopes   []string `json:"scopes"`
	From     string   `json:"from"` // the address that answered
}

// ONVIFProfile is a media profile of an inspected camera; URIs carry the credentials given.
type ONVIFProfile struct {
	Token       string `json:"token"`
	Name        string `json:"name"`
	Encoding    string `json:"encoding,omitempty"`
	Width       int    `json:"width,omitempty"`
	Height      int    `json:"height,omitempty"`
	StreamURI   string `json:"stream_uri,omitempty"`
	SnapshotURI string `json:"snapshot_uri,omitempty"`
}

// ONVIFCamera is what an ONVIF camera told with the owner's credentials, and the camera settings it
// fills: url (main), sub_url, snapshot_url, and onvif.url (the device, with the credentials).
type ONVIFCamera struct {
	Device       string         `json:"device"`
	Manufacturer string         `json:"manufacturer"`
	Model        string         `json:"model"`
	Firmware     string         `json:"firmware,omitempty"`
	Serial       string         `json:"serial,omitempty"`
	Profiles     []ONVIFProfile `json:"profiles"`
	MainURL      string         `json:"main_url"`
	SubURL       string         `json:"sub_url,omitempty"`
	SnapshotURL  string         `json:"snapshot_url,omitempty"`
	ONVIFURL     string         `json:"onvif_url"`
	Events       bool           `json:"events"` // the camera has an events service (its motion can be followed)
}

// CameraFinder finds cameras on the LAN and reads them over ONVIF.
type CameraFinder interface {
	// Discover probes the LAN and returns the devices that answered; ctx bounds it.
	Discover(ctx context.Context) ([]FoundCamera, error)
	// InspectONVIF asks the device service at xaddr, with the owner's credentials, what a camera config
	// needs. Refused credentials wrap ErrCameraRefused; errors never carry the password.
	InspectONVIF(ctx context.Context, xaddr, user, password string) (*ONVIFCamera, error)
}

// onvifProbeRequest is the body of POST /api/v1/cameras/onvif/probe.
type onvifProbeRequest struct {
	XAddr    string `json:"xaddr"`
	Username string `json:"username"`
	Password string `json:"password"`
}

// discoverCameras runs the probe: 200 with the devices (possibly none), 501 without a finder.
func (s *Server) discoverCameras(w http.ResponseWriter, r *http.Request) {
	if !s.hasCameraFinder(w) {
		return
	}
	ctx, cancel := context.WithTimeout(r.Context(), discoverTimeout)
	defer cancel()
	found, err := s.CameraFinder.Discover(ctx)
	if err != nil {
		writeError(w, http.StatusBadGateway, err.Error())
		return
	}
	if found == nil {
		found = []FoundCamera{}
	}
	writeJSON(w, http.StatusOK, found)
}

// inspectONVIF reads one camera: 200 with make, model, profiles and the URLs; 400 for a bad xaddr; 502
// with the camera's error (refused credentials named as such).
func (s *Server) inspectONVIF(w http.ResponseWriter, r *http.Request) {
	var req onvifProbeRequest
	if !s.hasCameraFinder(w) || !readJSON(w, r, &req) {
		return
	}
	u, err := url.Parse(req.XAddr)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		writeError(w, http.StatusBadRequest, "xaddr: must be the device's http(s) service URL")
		return
	}
	ctx, cancel := context.WithTimeout(r.Context(), inspectTimeout)
	defer cancel()
	cam, err := s.CameraFinder.InspectONVIF(ctx, req.XAddr, req.Username, req.Password)
	if err != nil {
		writeError(w, http.StatusBadGateway, err.Error())
		return
	}
	writeJSON(w, http.StatusOK, cam)
}

func (s *Server) hasCameraFinder(w http.ResponseWriter) bool {
	if s.CameraFinder == nil {
		writeError(w, http.StatusNotImplemented, "finding cameras is not available on this node")
		return false
	}
	return true
}

// changeONVIF applies a change's snapshot_url and onvif block to the stored camera: absent keeps the
// stored value, "" or null removes it, a masked password is the stored one (unmaskURL).
func changeONVIF(stored CameraSettings, ch cameraChange) (string, *ONVIFSettings, error) {
	snap := stored.SnapshotURL
	if ch.SnapshotURL != nil {
		var err error
		if snap, err = unmaskURL("snapshot_url", *ch.SnapshotURL, stored.SnapshotURL); err != nil {
			return "", nil, err
		}
	}
	o := stored.ONVIF
	switch raw := bytes.TrimSpace(ch.ONVIF); {
	case len(raw) == 0:
	case bytes.Equal(raw, []byte("null")):
		o = nil
	default:
		var next ONVIFSettings
		d := json.NewDecoder(bytes.NewReader(raw))
		d.DisallowUnknownFields()
		if err := d.Decode(&next); err != nil {
			return "", nil, requestError("onvif: " + err.Error())
		}
		prev := ""
		if stored.ONVIF != nil {
			prev = stored.ONVIF.URL
		}
		var err error
		if next.URL, err = unmaskURL("onvif.url", next.URL, prev); err != nil {
			return "", nil, err
		}
		o = &next
	}
	return snap, o, nil
}
