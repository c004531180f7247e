package keyframe

import (
	"bytes"
	"context"
	"crypto/sha1"
	"encoding/base64"
	"encoding/xml"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"
)

// onvifCamera answers ONVIF device and media requests with the files of testdata/onvif, checking the
// WS-Security digest as a camera does, with a clock three hours off ours.
type onvifCamera struct {
	t          *testing.T
	user, pass string
	clock      time.Time // the camera's idea of now
	capsFault  bool      // GetCapabilities is not implemented: the client must use GetServices
	noProfiles bool
	snapshot   *camera // serves /onvif-http/snapshot
	actions    []string
}

func (c *onvifCamera) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if strings.HasPrefix(r.URL.Path, "/onvif-http/snapshot") {
		c.snapshot.ServeHTTP(w, r)
		return
	}
	body, _ := io.ReadAll(io.LimitReader(r.Body, 1<<16))
	action, tok := soapAction(body)
	c.actions = append(c.actions, action)
	reply := func(status int, file string) {
		b, err := os.ReadFile(filepath.Join("..", "onvif", "testdata", file))
		if err != nil {
			c.t.Error(err)
		}
		date := fmt.Sprintf("<tt:Date><tt:Year>%d</tt:Year><tt:Month>%d</tt:Month><tt:Day>%d</tt:Day></tt:Date><tt:Time><tt:Hour>%d</tt:Hour><tt:Minute>%d</tt:Minute><tt:Second>%d</tt:Second></tt:Time>",
			c.clock.Year(), c.clock.Month(), c.clock.Day(), c.clock.Hour(), c.clock.Minute(), c.clock.Second())
		b = bytes.ReplaceAll(bytes.ReplaceAll(b, []byte("{{HOST}}"), []byte(r.Host)), []byte("{{DATE}}"), []byte(date))
		w.Header().Set("Content-Type", "application/soap+xml; charset=utf-8")
		w.WriteHeader(status)
		w.Write(b)
	}
	if action == "GetSystemDateAndTime" {
		reply(200, "GetSystemDateAndTime.xml")
		return
	}
	if !c.authorized(tok) {
		reply(400, "FaultNotAuthorized.xml")
		return
	}
	switch {
	case action == "GetCapabilities" && c.capsFault:
		reply(500, "FaultActionNotSupported.xml")
	case action == "GetCapabilities" && r.URL.Path == "/onvif/device_service":
		reply(200, "GetCapabilities.xml")
	case action == "GetServices" && r.URL.Path == "/onvif/device_service":
		reply(200, "GetServices.xml")
	case action == "GetProfiles" && c.noProfiles:
		reply(200, "GetProfilesEmpty.xml")
	case action == "GetProfiles" && strings.HasPrefix(r.URL.Path, "/onvif/"):
		reply(200, "GetProfiles.xml")
	case action == "GetSnapshotUri" && bytes.Contains(body, []byte("<ProfileToken>Profile_1</ProfileToken>")):
		reply(200, "GetSnapshotUri.xml")
	default:
		reply(500, "FaultActionNotSupported.xml")
	}
}

type usernameToken struct {
	Username, Password, Nonce, Created string
}

// soapAction returns the local name of the Body's first element and the UsernameToken, if any.
func soapAction(b []byte) (string, usernameToken) {
	var env struct {
		Header struct {
			Token usernameToken `xml:"Security>UsernameToken"`
		}
		Body struct {
			Inner struct{ XMLName xml.Name } `xml:",any"`
		}
	}
	_ = xml.Unmarshal(b, &env)
	return env.Body.Inner.XMLName.Local, env.Header.Token
}

// authorized checks the digest as ONVIF Core §5.12 says, and that Created is within 5 minutes of the
// camera's clock.
func (c *onvifCamera) authorized(tok usernameToken) bool {
	nonce, err := base64.StdEncoding.DecodeString(tok.Nonce)
	if err != nil || tok.Username != c.user {
		return false
	}
	h := sha1.Sum(append(append(nonce, tok.Created...), c.pass...))
	created, err := time.Parse(time.RFC3339, tok.Created)
	skew := created.Sub(c.clock)
	return err == nil && base64.StdEncoding.EncodeToString(h[:]) == tok.Password && skew < 5*time.Minute && skew > -5*time.Minute
}

func startONVIF(t *testing.T, c *onvifCamera) (host string, port int) {
	t.Helper()
	c.t = t
	srv := httptest.NewServer(c)
	t.Cleanup(srv.Close)
	h, p, _ := net.SplitHostPort(srv.Listener.Addr().String())
	port, _ = strconv.Atoi(p)
	return h, port
}

func TestONVIFSnapshotURI(t *testing.T) {
	img := testJPEG(t)
	tests := []struct {
		name      string
		cam       onvifCamera
		creds     string
		wantErr   string
		wantCalls string
	}{
		{"capabilities", onvifCamera{user: "admin", pass: "Pa55&<word>"}, "admin:Pa55&%3Cword%3E@", "",
			"GetSystemDateAndTime GetCapabilities GetProfiles GetSnapshotUri"},
		{"services when capabilities are refused", onvifCamera{user: "admin", pass: "x", capsFault: true}, "admin:x@", "",
			"GetSystemDateAndTime GetCapabilities GetServices GetProfiles GetSnapshotUri"},
		{"wrong password", onvifCamera{user: "admin", pass: "right"}, "admin:wrong@",
			"ter:NotAuthorized: The action requested requires authorization and the sender is not authorized (check the user and password)", ""},
		{"no profiles", onvifCamera{user: "admin", pass: "x", noProfiles: true}, "admin:x@", "onvif: device offers no snapshot URI (no media profile)", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tt.cam.clock = time.Now().Add(-3 * time.Hour).UTC()
			tt.cam.snapshot = &camera{auth: "digest", user: tt.cam.user, pass: tt.cam.pass, body: img, contentType: "image/jpeg"}
			host, port := startONVIF(t, &tt.cam)
			o := ONVIF{Port: port}
			got, err := o.SnapshotURI(context.Background(), "rtsp://"+tt.creds+host+":554/Streaming/Channels/101")
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("got %q, %v; want an error with %q", got, err, tt.wantErr)
				}
				if strings.Contains(err.Error(), "wrong") {
					t.Errorf("error %q shows the password", err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if calls := strings.Join(tt.cam.actions, " "); calls != tt.wantCalls {
				t.Errorf("calls %q, want %q", calls, tt.wantCalls)
			}
			want := "http://" + tt.creds + host + ":" + strconv.Itoa(port) + "/onvif-http/snapshot?Profile_1"
			if got != want {
				t.Errorf("got %q, want %q", got, want)
			}
			// The URI, credentials included, fetches the camera's picture (HTTP Digest).
			b, err := FetchSnapshot(context.Background(), nil, got)
			if err != nil || !bytes.Equal(b, img) {
				t.Errorf("fetching the ONVIF snapshot URI: %d bytes, %v", len(b), err)
			}
		})
	}
}

func TestONVIFNoCamera(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	port := ln.Addr().(*net.TCPAddr).Port
	ln.Close() // nothing listens there now
	_, err = ONVIF{Port: port}.SnapshotURI(context.Background(), "rtsp://u:secret@127.0.0.1/stream")
	if err == nil || strings.Contains(err.Error(), "secret") {
		t.Errorf("no ONVIF service: got %v, want an error without the password", err)
	}
	if _, err := (ONVIF{}).SnapshotURI(context.Background(), "rtsp:///x"); err == nil {
		t.Error("a URL without a host: got no error")
	}
}
