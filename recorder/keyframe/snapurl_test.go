package keyframe

import (
	"bytes"
	"context"
	"crypto/md5"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"hash"
	"image"
	"image/jpeg"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/porchlight/porchlight/internal/httpauth"
)

// testJPEG encodes a small real JPEG.
func testJPEG(t testing.TB) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := jpeg.Encode(&b, image.NewGray(image.Rect(0, 0, 64, 48)), nil); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// camera is a snapshot endpoint that wants auth ("basic", "digest" MD5, "digest-sha256" or "") for
// user/pass, and answers with body and contentType.
type camera struct {
	auth, user, pass  string
	body              []byte
	contentType       string
	hang              bool
	asked, authorized int
}

func (c *camera) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	c.asked++
	if c.hang {
		<-r.Context().Done()
		return
	}
	if c.auth != "" && !c.check(r) {
		switch c.auth {
		case "basic":
			w.Header().Set("WWW-Authenticate", `Basic realm="cam"`)
		case "digest":
			w.Header().Add("WWW-Authenticate", `Basic realm="IP Camera"`)
			w.Header().Add("WWW-Authenticate", `Digest realm="IP Camera(23514)", qop="auth,auth-int", nonce="4e6a4d7a4d7a5a6a4d41", opaque="x\"y", stale="FALSE"`)
		case "digest-sha256":
			w.Header().Set("WWW-Authenticate", `Digest realm="cam", qop="auth", algorithm=SHA-256, nonce="abc123"`)
		}
		w.WriteHeader(http.StatusUnauthorized)
		return
	}
	c.authorized++
	w.Header().Set("Content-Type", c.contentType)
	w.Write(c.body)
}

// check verifies credentials the way a camera does, computing the digest on its own.
func (c *camera) check(r *http.Request) bool {
	h := r.Header.Get("Authorization")
	if c.auth == "basic" {
		u, p, ok := r.BasicAuth()
		return ok && u == c.user && p == c.pass
	}
	cs := httpauth.ParseChallenges([]string{h})
	if len(cs) != 1 || cs[0].Scheme != "digest" {
		return false
	}
	p := cs[0].Params
	var hf func() hash.Hash = md5.New
	if c.auth == "digest-sha256" {
		if p["algorithm"] != "SHA-256" {
			return false
		}
		hf = sha256.New
	}
	sum := func(s string) string { d := hf(); d.Write([]byte(s)); return hex.EncodeToString(d.Sum(nil)) }
	ha1 := sum(c.user + ":" + p["realm"] + ":" + c.pass)
	ha2 := sum(r.Method + ":" + r.URL.RequestURI())
	want := sum(ha1 + ":" + p["nonce"] + ":" + p["nc"] + ":" + p["cnonce"] + ":" + p["qop"] + ":" + ha2)
	return p["username"] == c.user && p["uri"] == r.URL.RequestURI() && p["qop"] == "auth" && p["response"] == want &&
		(c.auth != "digest" || p["opaque"] == `x"y`)
}

func TestFetchSnapshot(t *testing.T) {
	img := testJPEG(t)
	tests := []struct {
		name    string
		cam     camera
		creds   string
		wantErr string
	}{
		{"no auth", camera{body: img, contentType: "image/jpeg"}, "", ""},
		{"basic", camera{auth: "basic", user: "admin", pass: "s3cret", body: img, contentType: "image/jpeg"}, "admin:s3cret@", ""},
		{"digest MD5 with qop and opaque", camera{auth: "digest", user: "admin", pass: "p@ss:word", body: img, contentType: "image/jpeg; charset=utf-8"}, "admin:p%40ss%3Aword@", ""},
		{"digest SHA-256", camera{auth: "digest-sha256", user: "u", pass: "p", body: img, contentType: "image/jpg"}, "u:p@", ""},
		{"wrong password", camera{auth: "digest", user: "admin", pass: "right", body: img, contentType: "image/jpeg"}, "admin:wrong@", "401 Unauthorized"},
		{"no credentials", camera{auth: "basic", user: "admin", pass: "x", body: img, contentType: "image/jpeg"}, "", "401 Unauthorized"},
		{"html instead of a picture", camera{body: []byte("<html>login</html>"), contentType: "text/html"}, "", `not a JPEG image: content type "text/html"`},
		{"truncated JPEG", camera{body: img[:len(img)/2], contentType: "image/jpeg"}, "", "no end-of-image marker"},
		{"too large", camera{body: append(append([]byte{}, img[:2]...), make([]byte, MaxSnapshot)...), contentType: "image/jpeg"}, "", "response larger than its cap"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := httptest.NewServer(&tt.cam)
			t.Cleanup(srv.Close)
			u := strings.Replace(srv.URL, "http://", "http://"+tt.creds, 1) + "/cgi-bin/snapshot.cgi?channel=1"
			got, err := FetchSnapshot(context.Background(), nil, u)
			if tt.wantErr == "" {
				if err != nil || !bytes.Equal(got, img) {
					t.Fatalf("got %d bytes, %v; want the camera's JPEG", len(got), err)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Fatalf("got %v, want an error with %q", err, tt.wantErr)
			}
			if strings.Contains(err.Error(), "wrong") || strings.Contains(err.Error(), "s3cret") {
				t.Errorf("error %q shows the password", err)
			}
		})
	}
}

func TestFetchSnapshotBadURLAndTimeout(t *testing.T) {
	for _, u := range []string{"ftp://cam/snap.jpg", "rtsp://u:p@cam/stream", "http://", "http://u:p@[::1"} {
		_, err := FetchSnapshot(context.Background(), nil, u)
		if err == nil || !strings.HasPrefix(err.Error(), "snapshot_url: ") || strings.Contains(err.Error(), "u:p") {
			t.Errorf("%q: got %v, want a snapshot_url error without the password", u, err)
		}
	}
	cam := &camera{hang: true}
	srv := httptest.NewServer(cam)
	t.Cleanup(srv.Close)
	ctx, cancel := context.WithTimeout(context.Background(), 300*time.Millisecond)
	defer cancel()
	_, err := FetchSnapshot(ctx, nil, srv.URL+"/snap.jpg")
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("a camera that never answers: got %v, want the deadline", err)
	}
}

func FuzzSnapshotResponse(f *testing.F) {
	img := testJPEG(f)
	f.Add(200, "image/jpeg", img)
	f.Add(200, "image/jpeg", img[:100])
	f.Add(200, "text/html", []byte("<html>"))
	f.Add(401, "image/jpeg", img)
	f.Add(200, "image/jpeg; charset=\"", []byte{0xff, 0xd8, 0xff, 0xd9})
	f.Fuzz(func(t *testing.T, status int, ct string, body []byte) {
		b, err := readSnapshot(status, ct, bytes.NewReader(body))
		if err == nil && (len(b) > MaxSnapshot || CheckJPEG(b) != nil || status != 200) {
			t.Fatalf("accepted %d bytes with status %d", len(b), status)
		}
	})
}
