package ui

import (
	"context"
	"encoding/json"
	"net"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

// blockingHLS answers plain playlist requests at once and blocking ones (msn >= 0) only when their
// request ends, counting the blocking requests that saw their context end.
type blockingHLS struct {
	waiting, ended atomic.Int64
}

func (h *blockingHLS) Playlist(ctx context.Context, camera, stream string, msn, part int64) ([]byte, time.Time, error) {
	if camera != "front" {
		return nil, time.Time{}, Errorf(ErrNotFound, "unknown camera %q", camera)
	}
	if msn < 0 {
		return []byte("#EXTM3U\n#EXT-X-VERSION:9\n# stream=" + stream + "\n"), time.Unix(1_800_000_000, 0), nil
	}
	h.waiting.Add(1)
	<-ctx.Done()
	h.ended.Add(1)
	return nil, time.Time{}, ctx.Err()
}

func (h *blockingHLS) File(ctx context.Context, camera, stream, name string) (string, net.Buffers, error) {
	if name != "init1.mp4" {
		return "", nil, Errorf(ErrNotFound, "%s: not in the window", name)
	}
	return "video/mp4", net.Buffers{[]byte("ftyp"), []byte("moov")}, nil
}

func newHLSEnv(t *testing.T) (*authEnv, *blockingHLS) {
	t.Helper()
	e := newAuthEnv(t)
	h := &blockingHLS{}
	s := &Server{Listen: "127.0.0.1:0", DataDir: e.dir, Cameras: &fakeCameras{}, Now: e.clock.Now,
		afterFunc: e.clock.AfterFunc, HLS: h}
	e.url = runServer(t, s)
	return e, h
}

// TestHLSAuth: the playlist and its resources need a Bearer token or a session like every camera route,
// answer with their content types, and pass the stream on.
func TestHLSAuth(t *testing.T) {
	e, _ := newHLSEnv(t)
	viewer := e.login("viewer", viewerPW)
	for _, path := range []string{"/api/v1/cameras/front/hls/index.m3u8", "/api/v1/cameras/front/hls/init1.mp4"} {
		code, _, body := e.do(creds{}, "GET", path, nil)
		wantStatus(t, "GET "+path+" without credentials", code, http.StatusUnauthorized, body)
		code, _, body = e.do(creds{bearer: "not-" + testToken[4:]}, "GET", path, nil)
		wantStatus(t, "GET "+path+" with a wrong token", code, http.StatusUnauthorized, body)
	}
	for _, c := range []struct {
		who  string
		cred creds
	}{{"token", creds{bearer: testToken}}, {"viewer session", viewer}} {
		code, hdr, body := e.do(c.cred, "GET", "/api/v1/cameras/front/hls/index.m3u8?stream=sub", nil)
		wantStatus(t, "playlist as "+c.who, code, 200, body)
		if got := hdr.Get("Content-Type"); got != "application/vnd.apple.mpegurl" {
			t.Errorf("playlist as %s: got Content-Type %q, want application/vnd.apple.mpegurl", c.who, got)
		}
		if !strings.Contains(string(body), "# stream=sub") {
			t.Errorf("playlist as %s: got %q, want the sub stream's", c.who, body)
		}
		code, hdr, body = e.do(c.cred, "GET", "/api/v1/cameras/front/hls/init1.mp4", nil)
		wantStatus(t, "init as "+c.who, code, 200, body)
		if got := hdr.Get("Content-Type"); got != "video/mp4" || string(body) != "ftypmoov" {
			t.Errorf("init as %s: got %q %q, want video/mp4 ftypmoov", c.who, got, body)
		}
	}
	for _, c := range []struct{ path, want string }{
		{"/api/v1/cameras/front/hls/index.m3u8?_HLS_msn=x", "_HLS_msn"},
		{"/api/v1/cameras/front/hls/index.m3u8?_HLS_part=1", "_HLS_part"},
		{"/api/v1/cameras/front/hls/index.m3u8?stream=third", "stream"},
		{"/api/v1/cameras/front/hls/p1.m4s?stream=main&stream=sub", "stream"},
	} {
		code, _, body := e.do(creds{bearer: testToken}, "GET", c.path, nil)
		wantStatus(t, c.path, code, http.StatusBadRequest, body)
		if !strings.Contains(string(body), c.want) {
			t.Errorf("%s: got %s, want the error to name %s", c.path, body, c.want)
		}
	}
	code, _, body := e.do(creds{bearer: testToken}, "GET", "/api/v1/cameras/back/hls/index.m3u8", nil)
	wantStatus(t, "unknown camera", code, http.StatusNotFound, body)
	code, _, body = e.do(creds{bearer: testToken}, "GET", "/api/v1/cameras/front/hls/s9.m4s", nil)
	wantStatus(t, "a segment not in the window", code, http.StatusNotFound, body)
}

// TestHLSRevokedTokenStops: a blocking playlist request in flight ends when its token is revoked, and
// the next request of the player is refused; another token's requests go on.
func TestHLSRevokedTokenStops(t *testing.T) {
	e, h := newHLSEnv(t)
	code, _, body := e.do(creds{bearer: testToken}, "POST", "/api/v1/tokens", newTokenRequest{Name: "tv"})
	wantStatus(t, "create token", code, 201, body)
	var tok newTokenResponse
	if err := json.Unmarshal(body, &tok); err != nil {
		t.Fatal(err)
	}
	done := make(chan int, 1)
	go func() {
		req, _ := http.NewRequest("GET", e.url+"/api/v1/cameras/front/hls/index.m3u8?_HLS_msn=5&_HLS_part=2", nil)
		req.Header.Set("Authorization", "Bearer "+tok.Token)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			done <- -1 // the connection was closed: ended too
			return
		}
		resp.Body.Close()
		done <- resp.StatusCode
	}()
	deadline := time.Now().Add(10 * time.Second)
	for h.waiting.Load() == 0 && time.Now().Before(deadline) {
		time.Sleep(5 * time.Millisecond)
	}
	if h.waiting.Load() == 0 {
		t.Fatal("the blocking playlist request never reached the packager")
	}
	code, _, body = e.do(creds{bearer: testToken}, "DELETE", "/api/v1/tokens/"+tok.ID, nil)
	wantStatus(t, "revoke", code, 204, body)
	select {
	case code := <-done:
		if code == 200 {
			t.Errorf("the blocking request of the revoked token: got 200, want it ended")
		}
	case <-time.After(streamEnd):
		t.Fatalf("the blocking request of the revoked token still runs %s after the revocation", streamEnd)
	}
	if got := h.ended.Load(); got != 1 {
		t.Errorf("blocking requests that saw their context end: got %d, want 1", got)
	}
	code, _, body = e.do(creds{bearer: tok.Token}, "GET", "/api/v1/cameras/front/hls/index.m3u8", nil)
	wantStatus(t, "the revoked token's next playlist request", code, http.StatusUnauthorized, body)
	code, _, body = e.do(creds{bearer: testToken}, "GET", "/api/v1/cameras/front/hls/index.m3u8", nil)
	wantStatus(t, "another token's playlist request", code, 200, body)
}

func TestParseHLSQuery(t *testing.T) {
	for _, c := range []struct {
		raw  string
		want hlsQuery
		err  string
	}{
		{"", hlsQuery{msn: -1, part: -1}, ""},
		{"stream=sub", hlsQuery{stream: "sub", msn: -1, part: -1}, ""},
		{"_HLS_msn=12&_HLS_part=3&stream=main", hlsQuery{stream: "main", msn: 12, part: 3}, ""},
		{"_HLS_msn=0&cachebust=7", hlsQuery{msn: 0, part: -1}, ""},
		{"_HLS_msn=-1", hlsQuery{}, `_HLS_msn: "-1" (want a decimal number up to 9007199254740991)`},
		{"_HLS_msn=9007199254740992", hlsQuery{}, `_HLS_msn: "9007199254740992" (want a decimal number up to 9007199254740991)`},
		{"_HLS_msn=1&_HLS_part=%2B1", hlsQuery{}, `_HLS_part: "+1" (want a decimal number up to 9007199254740991)`},
		{"_HLS_part=1", hlsQuery{}, "_HLS_part: given without _HLS_msn"},
		{"_HLS_msn=1&_HLS_msn=2", hlsQuery{}, "_HLS_msn: given 2 times"},
		{"stream=x", hlsQuery{}, `stream: "x" (want main or sub)`},
		{"stream=%zz", hlsQuery{}, `query: invalid URL escape "%zz"`},
	} {
		got, err := parseHLSQuery(c.raw)
		if c.err != "" {
			if err == nil || err.Error() != c.err {
				t.Errorf("parseHLSQuery(%q): got error %v, want %q", c.raw, err, c.err)
			}
			continue
		}
		if err != nil || got != c.want {
			t.Errorf("parseHLSQuery(%q): got %+v, %v, want %+v", c.raw, got, err, c.want)
		}
	}
}

func FuzzParseHLSQuery(f *testing.F) {
	for _, s := range []string{"", "stream=sub", "_HLS_msn=12&_HLS_part=3", "_HLS_msn=-1", "_HLS_part=1",
		"stream=%zz", "_HLS_msn=1&_HLS_msn=2", "_HLS_msn=99999999999999999999", "a=b;c=d"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, raw string) {
		q, err := parseHLSQuery(raw)
		if err != nil {
			if status(err) != http.StatusBadRequest {
				t.Fatalf("parseHLSQuery(%q): error %v answers %d, want 400", raw, err, status(err))
			}
			return
		}
		if q.stream != "" && q.stream != "main" && q.stream != "sub" {
			t.Fatalf("parseHLSQuery(%q): stream %q accepted", raw, q.stream)
		}
		if q.msn < -1 || q.part < -1 || q.msn > maxHLSNumber || q.part > maxHLSNumber || q.part >= 0 && q.msn < 0 {
			t.Fatalf("parseHLSQuery(%q): got %+v", raw, q)
		}
	})
}
