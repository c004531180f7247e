package nvr_test

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/porchlight/porchlight/nvr"
	"github.com/porchlight/porchlight/recorder/mediatest"
)

// startHLSNode runs a node recording gst-rtsp-server's live test cameras as "front": 720p H.264 + AAC
// as the main stream, a smaller H.264 + AAC as the sub-stream. It returns the UI's base URL, the node's
// API token and the admin password.
func startHLSNode(t testing.TB) (base, token, password string) {
	t.Helper()
	cam := mediatest.StartGstCamera(t)
	res, err := nvr.Init(t.TempDir(), nvr.RoleHousehold, "Elm Street 12")
	if err != nil {
		t.Fatal(err)
	}
	base, password = runInitNode(t, res, func(b []byte) []byte {
		return regexp.MustCompile(`(?m)^cameras: \[\]`).ReplaceAll(b, fmt.Appendf(nil,
			"cameras:\n  - name: front\n    url: %s/h264-720p\n    sub_url: %s/h264\n", cam, cam))
	})
	tok, err := os.ReadFile(filepath.Join(res.DataDir, "api.token"))
	if err != nil {
		t.Fatal(err)
	}
	return base, strings.TrimSpace(string(tok)), password
}

// hlsGet fetches url with token; it returns the status, the content type and the body.
func hlsGet(t testing.TB, url, token string) (int, string, []byte) {
	t.Helper()
	req, err := http.NewRequest("GET", url, nil)
	if err != nil {
		t.Fatal(err)
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("GET %s: %v", url, err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatalf("GET %s: %v", url, err)
	}
	return resp.StatusCode, resp.Header.Get("Content-Type"), b
}

// llPlaylist is what the test reads of a media playlist.
type llPlaylist struct {
	seq      int64 // EXT-X-MEDIA-SEQUENCE
	segments []llSegment
	open     []llPart // parts of the segment after the last complete one
	hint     string   // EXT-X-PRELOAD-HINT URI
	version  int
	tags     map[string]string // first value of every tag
}

type llSegment struct {
	msn   int64
	uri   string
	dur   float64
	pdt   time.Time
	parts []llPart // as far as listed
}

type llPart struct {
	uri         string
	dur         float64
	independent bool
}

var attrURI = regexp.MustCompile(`URI="([^"]*)"`)
var attrDur = regexp.MustCompile(`DURATION=([0-9.]+)`)

func parseLL(t testing.TB, b []byte) *llPlaylist {
	t.Helper()
	p := &llPlaylist{tags: map[string]string{}}
	var parts []llPart
	var pdt time.Time
	var dur float64
	lines := strings.Split(strings.TrimSpace(string(b)), "\n")
	if lines[0] != "#EXTM3U" {
		t.Fatalf("playlist does not start with #EXTM3U:\n%s", b)
	}
	for _, l := range lines[1:] {
		tag, val, _ := strings.Cut(l, ":")
		if strings.HasPrefix(l, "#") {
			if _, ok := p.tags[tag]; !ok {
				p.tags[tag] = val
			}
		}
		switch {
		case tag == "#EXT-X-VERSION":
			p.version, _ = strconv.Atoi(val)
		case tag == "#EXT-X-MEDIA-SEQUENCE":
			p.seq, _ = strconv.ParseInt(val, 10, 64)
		case tag == "#EXT-X-PROGRAM-DATE-TIME":
			var err error
			if pdt, err = time.Parse(time.RFC3339Nano, val); err != nil {
				t.Fatalf("EXT-X-PROGRAM-DATE-TIME %q: %v", val, err)
			}
		case tag == "#EXT-X-PART":
			d, _ := strconv.ParseFloat(attrDur.FindStringSubmatch(val)[1], 64)
			parts = append(parts, llPart{uri: attrURI.FindStringSubmatch(val)[1], dur: d,
				independent: strings.Contains(val, "INDEPENDENT=YES")})
		case tag == "#EXTINF":
			dur, _ = strconv.ParseFloat(strings.TrimSuffix(val, ","), 64)
		case tag == "#EXT-X-PRELOAD-HINT":
			p.hint = attrURI.FindStringSubmatch(val)[1]
		case !strings.HasPrefix(l, "#") && l != "":
			p.segments = append(p.segments, llSegment{msn: p.seq + int64(len(p.segments)), uri: l, dur: dur,
				pdt: pdt, parts: parts})
			parts = nil
		}
	}
	p.open = parts
	return p
}

// TestHLSRealClients reads a live camera's LL-HLS for a minute with ffmpeg while a Go client follows
// the playlist as a low-latency player does (blocking reloads part by part, every part fetched), and
// checks: ffprobe's codecs, ffmpeg's silence at -v error, media sequence numbers and parts without gaps,
// segments that follow each other in wall time, each segment equal to its parts, and both streams.
func TestHLSRealClients(t *testing.T) {
	mediatest.Require(t, "ffmpeg", "ffprobe")
	base, token, _ := startHLSNode(t)
	url := base + "/api/v1/cameras/front/hls/index.m3u8"
	auth := "Authorization: Bearer " + token + "\r\n"

	code, _, body := hlsGet(t, url, "")
	if code != http.StatusUnauthorized {
		t.Fatalf("playlist without credentials: got %d, want 401 (%s)", code, body)
	}

	for _, c := range []struct {
		stream, query string
		width         int
	}{{"main", "", 1280}, {"sub", "?stream=sub", 640}} {
		out, err := exec.Command("ffprobe", "-v", "error", "-headers", auth, "-show_streams", "-of", "json",
			url+c.query).Output()
		if err != nil {
			t.Fatalf("ffprobe %s: %v", c.stream, err)
		}
		var probe struct {
			Streams []struct {
				CodecType string `json:"codec_type"`
				CodecName string `json:"codec_name"`
				Width     int    `json:"width"`
			} `json:"streams"`
		}
		if err := json.Unmarshal(out, &probe); err != nil {
			t.Fatal(err)
		}
		got := map[string]string{}
		for _, s := range probe.Streams {
			got[s.CodecType] = s.CodecName
			if s.CodecType == "video" && s.Width != c.width {
				t.Errorf("ffprobe %s: got width %d, want %d", c.stream, s.Width, c.width)
			}
		}
		if got["video"] != "h264" || got["audio"] != "aac" {
			t.Errorf("ffprobe %s: got codecs %v, want video h264 and audio aac", c.stream, got)
		}
	}

	const minute = 60 * time.Second
	ffmpeg := exec.Command("ffmpeg", "-nostdin", "-v", "error", "-headers", auth, "-i", url, "-t", "60", "-f", "null", "-")
	var stderr bytes.Buffer
	ffmpeg.Stderr = &stderr
	if err := ffmpeg.Start(); err != nil {
		t.Fatal(err)
	}
	ffDone := make(chan error, 1)
	go func() { ffDone <- ffmpeg.Wait() }()
	t.Cleanup(func() { _ = ffmpeg.Process.Kill() })

	follow := followLL(t, url, token, minute)

	select {
	case err := <-ffDone:
		if err != nil || stderr.Len() > 0 {
			t.Errorf("ffmpeg -v error -i index.m3u8 -t 60 -f null -: %v; printed:\n%s", err, stderr.String())
		}
	case <-time.After(2 * minute):
		t.Fatal("ffmpeg did not finish a minute of the live stream within two minutes")
	}
	t.Logf("followed %d segments and %d parts with blocking reloads", follow.segments, follow.parts)
	if follow.segments < 10 {
		t.Errorf("segments seen in a minute: got %d, want at least 10", follow.segments)
	}
}

type followResult struct{ segments, parts int }

// followLL plays the low-latency client for d: it asks for the next part with a blocking reload, fetches
// each part and each complete segment, and checks continuity as it goes.
func followLL(t *testing.T, url, token string, d time.Duration) followResult {
	t.Helper()
	dir := url[:strings.LastIndex(url, "/")+1]
	code, typ, body := hlsGet(t, url, token)
	if code != 200 || typ != "application/vnd.apple.mpegurl" {
		t.Fatalf("playlist: got %d %q, want 200 application/vnd.apple.mpegurl (%s)", code, typ, body)
	}
	p := parseLL(t, body)
	if p.version < 9 {
		t.Errorf("EXT-X-VERSION: got %d, want at least 9", p.version)
	}
	for _, tag := range []string{"#EXT-X-TARGETDURATION", "#EXT-X-PART-INF", "#EXT-X-SERVER-CONTROL", "#EXT-X-MAP",
		"#EXT-X-PROGRAM-DATE-TIME", "#EXT-X-PRELOAD-HINT"} {
		if _, ok := p.tags[tag]; !ok {
			t.Errorf("playlist has no %s:\n%s", tag, body)
		}
	}
	if sc := p.tags["#EXT-X-SERVER-CONTROL"]; !strings.Contains(sc, "CAN-BLOCK-RELOAD=YES") || !strings.Contains(sc, "PART-HOLD-BACK=") {
		t.Errorf("EXT-X-SERVER-CONTROL: got %q, want CAN-BLOCK-RELOAD=YES and PART-HOLD-BACK", sc)
	}
	mapURI := attrURI.FindStringSubmatch(p.tags["#EXT-X-MAP"])[1]
	if code, typ, b := hlsGet(t, dir+mapURI, token); code != 200 || typ != "video/mp4" || !bytes.Contains(b[:min(len(b), 16)], []byte("ftyp")) {
		t.Fatalf("init %s: got %d %q, want 200 video/mp4 starting with ftyp", mapURI, code, typ)
	}
	target, _ := strconv.ParseFloat(p.tags["#EXT-X-TARGETDURATION"], 64)
	partTarget, _ := strconv.ParseFloat(strings.TrimPrefix(p.tags["#EXT-X-PART-INF"], "PART-TARGET="), 64)

	var res followResult
	seen := map[int64]llSegment{} // complete segments by msn
	partBytes := map[string][]byte{}
	lastMSN := p.segments[len(p.segments)-1].msn
	lastPart := -1 // parts of segment lastMSN+1 fetched
	nextPartID := int64(-1)
	partID := func(uri string) int64 {
		n, err := strconv.ParseInt(strings.TrimSuffix(strings.TrimPrefix(strings.Split(uri, "?")[0], "p"), ".m4s"), 10, 64)
		if err != nil {
			t.Fatalf("part URI %q: %v", uri, err)
		}
		return n
	}
	check := func(pl *llPlaylist) {
		for i, s := range pl.segments {
			if s.dur > target+0.5 {
				t.Errorf("segment %d lasts %.3f s, more than the target duration %.0f", s.msn, s.dur, target)
			}
			for _, pt := range s.parts {
				if pt.dur > partTarget+0.0005 {
					t.Errorf("part %s lasts %.3f s, more than the part target %.3f", pt.uri, pt.dur, partTarget)
				}
			}
			if i > 0 {
				prev := pl.segments[i-1]
				gap := s.pdt.Sub(prev.pdt) - time.Duration(prev.dur*float64(time.Second))
				if gap.Abs() > 50*time.Millisecond {
					t.Errorf("segment %d starts %s after segment %d ends (a gap or an overlap)", s.msn, gap, prev.msn)
				}
			}
			if old, ok := seen[s.msn]; ok && (old.uri != s.uri || old.dur != s.dur) {
				t.Errorf("segment %d changed: %+v then %+v", s.msn, old, s)
			}
		}
	}
	deadline := time.Now().Add(d)
	for time.Now().Before(deadline) {
		// Ask for the part after the last one fetched, as a player following the live edge does.
		q := fmt.Sprintf("?_HLS_msn=%d&_HLS_part=%d", lastMSN+1, lastPart+1)
		code, _, body := hlsGet(t, url+q, token)
		if code != 200 {
			t.Fatalf("blocking reload %s: got %d (%s)", q, code, body)
		}
		pl := parseLL(t, body)
		check(pl)
		// The playlist must hold what was asked for.
		lastSeg := pl.segments[len(pl.segments)-1].msn
		if lastSeg < lastMSN+1 && len(pl.open) <= lastPart+1 {
			t.Fatalf("blocking reload %s answered without that part:\n%s", q, body)
		}
		if pl.seq > lastMSN {
			t.Fatalf("the window slid past segment %d while the client followed it", lastMSN)
		}
		for _, s := range pl.segments {
			if s.msn <= lastMSN {
				continue
			}
			// A segment completed: its parts (all listed, as it is recent) must add up to it.
			var whole []byte
			for _, pt := range s.parts {
				b, ok := partBytes[pt.uri]
				if !ok {
					_, _, b = hlsGet(t, dir+pt.uri, token)
				}
				whole = append(whole, b...)
			}
			code, typ, b := hlsGet(t, dir+s.uri, token)
			if code != 200 || typ != "video/iso.segment" {
				t.Fatalf("segment %s: got %d %q, want 200 video/iso.segment", s.uri, code, typ)
			}
			if !bytes.Equal(b, whole) {
				t.Errorf("segment %s (%d bytes) is not its %d parts (%d bytes)", s.uri, len(b), len(s.parts), len(whole))
			}
			if len(s.parts) == 0 || !s.parts[0].independent {
				t.Errorf("segment %d does not start with an independent part: %+v", s.msn, s.parts)
			}
			if s.msn != lastMSN+1 {
				t.Errorf("media sequence jumped from %d to %d", lastMSN, s.msn)
			}
			seen[s.msn] = s
			lastMSN, lastPart = s.msn, -1
			res.segments++
			clear(partBytes)
		}
		for i, pt := range pl.open {
			if i <= lastPart {
				continue
			}
			id := partID(pt.uri)
			if nextPartID >= 0 && id != nextPartID {
				t.Errorf("part numbers jumped from %d to %d", nextPartID-1, id)
			}
			nextPartID = id + 1
			code, typ, b := hlsGet(t, dir+pt.uri, token)
			if code != 200 || typ != "video/iso.segment" || len(b) == 0 {
				t.Fatalf("part %s: got %d %q (%d bytes)", pt.uri, code, typ, len(b))
			}
			partBytes[pt.uri] = b
			lastPart = i
			res.parts++
		}
		if pl.hint != fmt.Sprintf("p%d.m4s", nextPartID) && nextPartID >= 0 {
			t.Errorf("preload hint: got %q, want p%d.m4s", pl.hint, nextPartID)
		}
	}
	return res
}

// TestHLSRevokedTokenEndsFFmpeg: ffmpeg reading the playlist with an API token stops once the token is
// revoked: its next playlist reload is refused.
func TestHLSRevokedTokenEndsFFmpeg(t *testing.T) {
	mediatest.Require(t, "ffmpeg")
	base, token, _ := startHLSNode(t)
	req, _ := http.NewRequest("POST", base+"/api/v1/tokens", strings.NewReader(`{"name":"tv"}`))
	req.Header.Set("Authorization", "Bearer "+token)
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	var tok struct{ ID, Token string }
	err = json.NewDecoder(resp.Body).Decode(&tok)
	resp.Body.Close()
	if err != nil || resp.StatusCode != 201 {
		t.Fatalf("create token: %d %v", resp.StatusCode, err)
	}
	ctx, cancel := context.WithTimeout(t.Context(), 2*time.Minute)
	defer cancel()
	ffmpeg := exec.CommandContext(ctx, "ffmpeg", "-nostdin", "-v", "warning", "-progress", "pipe:1",
		"-headers", "Authorization: Bearer "+tok.Token+"\r\n", "-i", base+"/api/v1/cameras/front/hls/index.m3u8?stream=sub",
		"-f", "null", "-")
	var stderr bytes.Buffer
	ffmpeg.Stderr = &stderr
	stdout, _ := ffmpeg.StdoutPipe()
	if err := ffmpeg.Start(); err != nil {
		t.Fatal(err)
	}
	progress := make(chan string, 100)
	go func() {
		defer close(progress)
		sc := bufio.NewScanner(stdout)
		for sc.Scan() {
			if strings.HasPrefix(sc.Text(), "out_time_us=") {
				select {
				case progress <- sc.Text():
				default:
				}
			}
		}
	}()
	done := make(chan error, 1)
	go func() { done <- ffmpeg.Wait() }()
	// Playing: ffmpeg reports progress past two seconds of media.
	for playing := false; !playing; {
		select {
		case l, ok := <-progress:
			if !ok {
				t.Fatalf("ffmpeg ended before the revocation: %s", stderr.String())
			}
			us, _ := strconv.ParseInt(strings.TrimPrefix(l, "out_time_us="), 10, 64)
			playing = us > 2_000_000
		case <-ctx.Done():
			t.Fatal("ffmpeg never played")
		}
	}
	req, _ = http.NewRequest("DELETE", base+"/api/v1/tokens/"+tok.ID, nil)
	req.Header.Set("Authorization", "Bearer "+token)
	if resp, err := http.DefaultClient.Do(req); err != nil || resp.StatusCode != 204 {
		t.Fatalf("revoke: %v %v", resp, err)
	}
	revoked := time.Now()
	select {
	case <-done:
		t.Logf("ffmpeg ended %s after the revocation: %s", time.Since(revoked).Round(time.Millisecond), strings.TrimSpace(stderr.String()))
		if !strings.Contains(stderr.String(), "401") {
			t.Errorf("ffmpeg's last words: got %q, want the 401 of the revoked token", stderr.String())
		}
	case <-ctx.Done():
		t.Fatal("ffmpeg still reads the stream of a revoked token")
	}
}
