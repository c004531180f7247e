package export_test

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/porchlight/porchlight/recorder/export"
	"github.com/porchlight/porchlight/recorder/index"
)

// serve answers every request with a fresh clip of [start, end), the way the API does.
func serve(t *testing.T, dir string, segs []*index.Segment, start, end time.Time) *httptest.Server {
	t.Helper()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		c, err := export.New(segs, start, end, opener(dir))
		if err != nil {
			http.Error(w, err.Error(), http.StatusInternalServerError)
			return
		}
		defer c.Close()
		w.Header().Set("ETag", c.ETag())
		http.ServeContent(w, r, "clip.mp4", c.ModTime(), c)
	}))
	t.Cleanup(srv.Close)
	return srv
}

func get(t *testing.T, url string, header map[string]string) (int, []byte) {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, url, nil)
	if err != nil {
		t.Fatal(err)
	}
	for k, v := range header {
		req.Header.Set(k, v)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatalf("read body: %v", err)
	}
	return resp.StatusCode, body
}

func TestServeContent(t *testing.T) {
	dir := t.TempDir()
	segs := twoSegments(t, dir, sourceOf(t, "320x240"), nil)
	srv := serve(t, dir, segs, base.Add(500*time.Millisecond), base.Add(7500*time.Millisecond))
	status, full := get(t, srv.URL, nil)
	if status != http.StatusOK {
		t.Fatalf("GET: got status %d, want 200", status)
	}
	c, err := export.New(segs, base.Add(500*time.Millisecond), base.Add(7500*time.Millisecond), opener(dir))
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	etag, size := c.ETag(), int64(len(full))
	if size != c.Size() {
		t.Fatalf("body: got %d bytes, want Size() %d", size, c.Size())
	}
	mdat := mdatOffset(t, full)
	cases := []struct {
		name       string
		header     map[string]string
		wantStatus int
		from, to   int64 // the body is full[from:to]
	}{
		{"first bytes", map[string]string{"Range": "bytes=0-99"}, 206, 0, 100},
		{"from an offset", map[string]string{"Range": "bytes=1000-"}, 206, 1000, size},
		{"suffix", map[string]string{"Range": "bytes=-5000"}, 206, size - 5000, size},
		{"across header and samples", map[string]string{"Range": fmt.Sprintf("bytes=%d-%d", mdat-50, mdat+5000)},
			206, mdat - 50, mdat + 5001},
		{"middle third", map[string]string{"Range": fmt.Sprintf("bytes=%d-%d", size/3, 2*size/3)}, 206, size / 3,
			2*size/3 + 1},
		{"unchanged", map[string]string{"If-None-Match": etag}, 304, 0, 0},
		{"changed", map[string]string{"If-None-Match": `"other"`}, 200, 0, size},
		{"range if unchanged", map[string]string{"Range": "bytes=10-19", "If-Range": etag}, 206, 10, 20},
		{"range if changed", map[string]string{"Range": "bytes=10-19", "If-Range": `"other"`}, 200, 0, size},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			status, body := get(t, srv.URL, tc.header)
			if status != tc.wantStatus {
				t.Fatalf("status: got %d, want %d", status, tc.wantStatus)
			}
			if want := full[tc.from:tc.to]; !bytes.Equal(body, want) {
				t.Errorf("body: got %d bytes, want %d bytes of the full body at %d", len(body), len(want), tc.from)
			}
		})
	}
}

// mdatOffset returns where the mdat box starts in an MP4.
func mdatOffset(t *testing.T, b []byte) int64 {
	t.Helper()
	for off := int64(0); off+8 <= int64(len(b)); {
		size := int64(binary.BigEndian.Uint32(b[off:]))
		if string(b[off+4:off+8]) == "mdat" {
			return off
		}
		if size < 8 {
			t.Fatalf("box at %d: size %d", off, size)
		}
		off += size
	}
	t.Fatal("no mdat")
	return 0
}

func TestETag(t *testing.T) {
	dir := t.TempDir()
	segs := twoSegments(t, dir, sourceOf(t, "320x240"), nil)
	clip := func(start, end time.Duration, segs []*index.Segment) *export.Clip {
		c, err := export.New(segs, base.Add(start), base.Add(end), opener(dir))
		if err != nil {
			t.Fatalf("New: %v", err)
		}
		t.Cleanup(func() { c.Close() })
		return c
	}
	ref := clip(time.Second, 6*time.Second, segs)
	grown := *segs[1]
	grown.Size += 10
	cases := []struct {
		name string
		c    *export.Clip
		same bool
	}{
		{"same range", clip(time.Second, 6*time.Second, segs), true},
		{"other start", clip(1040*time.Millisecond, 6*time.Second, segs), false},
		{"other end", clip(time.Second, 5*time.Second, segs), false},
		{"segment file grew", clip(time.Second, 6*time.Second, []*index.Segment{segs[0], &grown}), false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if got := tc.c.ETag() == ref.ETag(); got != tc.same {
				t.Errorf("ETag %s equals %s: got %t, want %t", tc.c.ETag(), ref.ETag(), got, tc.same)
			}
			if len(tc.c.ETag()) < 3 || tc.c.ETag()[0] != '"' || tc.c.ETag()[len(tc.c.ETag())-1] != '"' {
				t.Errorf("ETag %s: want a quoted strong tag", tc.c.ETag())
			}
		})
	}
}
