package onvif_test

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/porchlight/porchlight/recorder/onvif"
)

func TestErrors(t *testing.T) {
	tests := []struct {
		name   string
		answer func(f *fakeDevice, w http.ResponseWriter, r *http.Request, action string) bool
		is     error
		want   string
	}{
		{"wrong credentials as a fault", func(f *fakeDevice, w http.ResponseWriter, r *http.Request, action string) bool {
			f.reply(w, http.StatusBadRequest, "FaultNotAuthorized.xml")
			return true
		}, onvif.ErrUnauthorized, "onvif GetDeviceInformation: onvif fault ter:NotAuthorized: The action requested requires authorization and the sender is not authorized (check the user and password)"},
		{"wrong credentials as HTTP 401", func(f *fakeDevice, w http.ResponseWriter, r *http.Request, action string) bool {
			w.Header().Set("WWW-Authenticate", `Digest realm="cam", nonce="abc", qop="auth"`)
			w.WriteHeader(http.StatusUnauthorized)
			return true
		}, onvif.ErrUnauthorized, "onvif GetDeviceInformation: onvif: the camera refused the user name or password"},
		{"not SOAP", func(f *fakeDevice, w http.ResponseWriter, r *http.Request, action string) bool {
			w.WriteHeader(http.StatusInternalServerError)
			w.Write([]byte("<html>oops"))
			return true
		}, nil, "HTTP status 500"},
		{"too large", func(f *fakeDevice, w http.ResponseWriter, r *http.Request, action string) bool {
			w.Write([]byte("<Envelope><Body>" + strings.Repeat("x", onvif.MaxResponse) + "</Body></Envelope>"))
			return true
		}, onvif.ErrTooLarge, ""},
		{"never answers", func(f *fakeDevice, w http.ResponseWriter, r *http.Request, action string) bool {
			<-r.Context().Done()
			return true
		}, context.DeadlineExceeded, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := &fakeDevice{}
			f.answer = func(w http.ResponseWriter, r *http.Request, action string) bool {
				if action == "GetSystemDateAndTime" {
					return false
				}
				return tt.answer(f, w, r, action)
			}
			dev := startFake(t, f)
			c, err := onvif.NewClient(dev, "admin", "hunter2")
			if err != nil {
				t.Fatal(err)
			}
			c.Timeout = 500 * time.Millisecond
			_, err = c.Inspect(context.Background())
			if err == nil {
				t.Fatal("got no error")
			}
			if tt.is != nil && !errors.Is(err, tt.is) {
				t.Errorf("got %v, want one matching %v", err, tt.is)
			}
			if !strings.Contains(err.Error(), tt.want) {
				t.Errorf("got %q, want it to contain %q", err, tt.want)
			}
			if strings.Contains(err.Error(), "hunter2") {
				t.Errorf("error %q shows the password", err)
			}
		})
	}
}

func TestNewClient(t *testing.T) {
	for _, bad := range []string{"rtsp://cam/", "http:///x", "::"} {
		if _, err := onvif.NewClient(bad, "", ""); err == nil {
			t.Errorf("NewClient(%q): got no error", bad)
		}
	}
	c, err := onvif.NewClient("http://u:p@10.0.0.9", "", "")
	if err != nil || c.Device() != "http://10.0.0.9/onvif/device_service" {
		t.Errorf("got %v, %v; want the default path without credentials", c, err)
	}
}

// TestFakeInspect reads the hand-written device: capabilities, profiles sorted by size, and URIs whose
// LAN address (192.168.1.64) is reached where the device answered.
func TestFakeInspect(t *testing.T) {
	f := &fakeDevice{}
	f.answer = func(w http.ResponseWriter, r *http.Request, action string) bool {
		if action == "GetStreamUri" {
			w.Header().Set("Content-Type", "application/soap+xml")
			w.Write([]byte(`<e:Envelope xmlns:e="http://www.w3.org/2003/05/soap-envelope"><e:Body><GetStreamUriResponse><MediaUri><Uri>rtsp://192.168.1.64:554/Streaming/Channels/101</Uri></MediaUri></GetStreamUriResponse></e:Body></e:Envelope>`))
			return true
		}
		return false
	}
	dev := startFake(t, f)
	c, _ := onvif.NewClient(dev, "admin", "pw")
	cam, err := c.Inspect(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	host := strings.TrimSuffix(strings.TrimPrefix(dev, "http://"), "/onvif/device_service")
	hostname := host[:strings.LastIndex(host, ":")]
	if want := "rtsp://admin:pw@" + hostname + ":554/Streaming/Channels/101"; cam.MainURL != want {
		t.Errorf("main %q, want %q", cam.MainURL, want)
	}
	if cam.Info.Manufacturer != "HIKVISION" || cam.Info.Model != "DS-2CD2143G0-I" {
		t.Errorf("info %+v", cam.Info)
	}
	if len(cam.Profiles) < 2 || cam.Profiles[0].Width*cam.Profiles[0].Height < cam.Profiles[1].Width*cam.Profiles[1].Height {
		t.Errorf("profiles %+v: want the largest first", cam.Profiles)
	}
	for _, call := range f.called() {
		if strings.HasPrefix(call, "GetProfiles ") && !strings.HasPrefix(call, "GetProfiles /onvif/") {
			t.Errorf("call %q: want the media service's path on the device's host", call)
		}
	}
}
