package nvr_test

import (
	"bufio"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/porchlight/porchlight/internal/testutil"
	"github.com/porchlight/porchlight/recorder/mediatest"
	"github.com/porchlight/porchlight/recorder/motion/motiontest"
)

// The motion detector end to end: the motion harness's clips (real footage, ground truth by
// construction), served live by gst-rtsp-server in real time, recorded by a real `porchlight serve`,
// events read back through GET /api/v1/events and their opening times from GET /api/v1/events/stream,
// scored with the harness's Score. Wall-clock alignment: a camera's first recorded frame (the start of
// its first recorded span) is the clip's first frame, since each clip mount starts playing when the
// recorder connects; event times and the SSE arrival times are on the same machine's clock.

// e2eCase is one clip: a scene in an encoding, recorded as one camera.
type e2eCase struct {
	Scene motiontest.Scene
	Enc   motiontest.Encoding
	// Motion is the camera's motion block in YAML flow style ("" = the defaults), e.g.
	// "{decode_keyframes: true}".
	Motion string
}

// String names the case in logs and tables: the encoding, and the motion block when it is not the
// default.
func (c e2eCase) String() string {
	if c.Motion == "" {
		return c.Enc.String()
	}
	return c.Enc.String() + " " + strings.Trim(c.Motion, "{}")
}

// e2eSlack widens each motion interval at its end when scoring precision, as the offline harness
// does (its scoreSlack): the detector sees motion end up to about a second late.
const e2eSlack = time.Second

// mountsPerServer keeps each gst-rtsp-server under the client count at which its shared mounts hang
// (see mediatest.StartGstFileCamera).
const mountsPerServer = 10

// runMotionEndToEnd plays every case at once, one camera each, and returns their results in order, and
// each camera's keyframe-stage CPU time in ms per second of its clip (porchlight_keyframe_cpu_seconds_total).
func runMotionEndToEnd(t testing.TB, cases []e2eCase) ([]motiontest.Result, []float64) {
	t.Helper()
	var urls []string
	var mounts []string
	var longest time.Duration
	for i, c := range cases {
		if _, length := c.Scene.Truth(); length > longest {
			longest = length
		}
		mounts = append(mounts, fmt.Sprintf("c%d=%s:%s", i, c.Enc.Codec, motiontest.ClipMP4(t, c.Scene, c.Enc)))
	}
	for len(mounts) > 0 {
		n := min(len(mounts), mountsPerServer)
		base := mediatest.StartGstClipCameras(t, mounts[:n]...)
		for _, m := range mounts[:n] {
			urls = append(urls, base+"/"+m[:strings.IndexByte(m, '=')])
		}
		mounts = mounts[n:]
	}
	var cams strings.Builder
	for i, u := range urls {
		fmt.Fprintf(&cams, "  - name: c%d\n    url: %s\n", i, u)
		if m := cases[i].Motion; m != "" {
			fmt.Fprintf(&cams, "    motion: %s\n", m)
		}
	}
	cfgPath, base, tok := initNode(t, "    url: "+urls[0]+"\n", func(cfg []byte) []byte {
		return []byte(strings.Replace(string(cfg), "  - name: front\n    url: "+urls[0]+"\n", cams.String(), 1))
	})
	opened := watchOpens(t, base, tok)
	startServe(t, cfgPath)

	// Wait until every clip has played to its end and its events have closed.
	starts := make([]time.Time, len(cases))
	var evs []apiEvent
	testutil.WaitFor(t, longest+90*time.Second, "every clip played and its events closed", func() bool {
		evs = listAllEvents(t, base, tok)
		for i, c := range cases {
			_, length := c.Scene.Truth()
			first, last := cameraSpan(t, base, tok, fmt.Sprintf("c%d", i))
			if first.IsZero() || last.Sub(first) < length-time.Second {
				return false
			}
			starts[i] = first
			for _, e := range evs {
				if e.Camera == fmt.Sprintf("c%d", i) && e.End == nil && e.Start.Before(first.Add(length)) {
					return false
				}
			}
		}
		return true
	})
	results := make([]motiontest.Result, len(cases))
	cpu := make([]float64, len(cases))
	for i, c := range cases {
		truth, length := c.Scene.Truth()
		cpu[i] = 1e3 * metric(t, base, fmt.Sprintf(`porchlight_keyframe_cpu_seconds_total{camera="c%d",stream="main"}`, i)) / length.Seconds()
		got := clipEvents(evs, fmt.Sprintf("c%d", i), starts[i], length, opened)
		results[i] = motiontest.Score(got, truth, length, e2eSlack)
		if testing.Verbose() {
			t.Logf("c%d %s %s: truth %v; events (start, end, opened) %v", i, c.Scene.Name, c, truth, got)
		}
	}
	return results, cpu
}

// clipEvents turns a camera's listed events into offsets from its clip's first frame: events that
// start after the clip (the mount plays again when the recorder reconnects) are left out, and an
// event's end is cut at the clip's end. Opened is when the SSE stream said it opened.
func clipEvents(evs []apiEvent, camera string, start time.Time, length time.Duration, opened func(uint64) time.Time) []motiontest.Event {
	var out []motiontest.Event
	for _, e := range evs {
		if e.Camera != camera || e.Kind != "motion" || !e.Start.Before(start.Add(length)) {
			continue
		}
		end := start.Add(length)
		if e.End != nil && e.End.Before(end) {
			end = *e.End
		}
		ev := motiontest.Event{Start: e.Start.Sub(start), End: end.Sub(start), Opened: end.Sub(start)}
		if at := opened(e.ID); !at.IsZero() {
			ev.Opened = at.Sub(start)
		}
		out = append(out, ev)
	}
	return out
}

// watchOpens follows GET /api/v1/events/stream (retrying until the node serves) and returns a lookup of
// when each event was first seen open, by the test's clock.
func watchOpens(t testing.TB, base, tok string) func(id uint64) time.Time {
	var mu sync.Mutex
	seen := map[uint64]time.Time{}
	done := make(chan struct{})
	t.Cleanup(func() { close(done) })
	go func() {
		for {
			select {
			case <-done:
				return
			default:
			}
			req, _ := http.NewRequest("GET", base+"/api/v1/events/stream", nil)
			req.Header.Set("Authorization", "Bearer "+tok)
			resp, err := http.DefaultClient.Do(req)
			if err != nil || resp.StatusCode != http.StatusOK {
				if resp != nil {
					resp.Body.Close()
				}
				testutil.Poll(200*time.Millisecond, func() bool { return false }) // the node is starting
				continue
			}
			go func() { <-done; resp.Body.Close() }()
			sc := bufio.NewScanner(resp.Body)
			for sc.Scan() {
				data, ok := strings.CutPrefix(sc.Text(), "data: ")
				var e apiEvent
				if ok && json.Unmarshal([]byte(data), &e) == nil && e.End == nil {
					now := time.Now()
					mu.Lock()
					if _, dup := seen[e.ID]; !dup {
						seen[e.ID] = now
					}
					mu.Unlock()
				}
			}
			resp.Body.Close()
		}
	}()
	return func(id uint64) time.Time {
		mu.Lock()
		defer mu.Unlock()
		return seen[id]
	}
}

// listAllEvents pages through GET /api/v1/events over the last hour.
func listAllEvents(t testing.TB, base, tok string) []apiEvent {
	t.Helper()
	q := url.Values{"start": {time.Now().Add(-time.Hour).UTC().Format(time.RFC3339)},
		"end": {time.Now().Add(time.Minute).UTC().Format(time.RFC3339)}, "limit": {"1000"}}
	resp, body := apiGet(t, base, tok, "/api/v1/events?"+q.Encode())
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("GET /api/v1/events: %s %s", resp.Status, body)
	}
	var evs []apiEvent
	if err := json.Unmarshal(body, &evs); err != nil {
		t.Fatalf("GET /api/v1/events: %v: %s", err, body)
	}
	return evs
}

// cameraSpan returns the start of a camera's first recorded span and the end of its last (zero when
// nothing is recorded yet).
func cameraSpan(t testing.TB, base, tok, camera string) (first, last time.Time) {
	t.Helper()
	resp, body := apiGet(t, base, tok, "/api/v1/cameras/"+camera+"/recordings")
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("recordings of %s: %s %s", camera, resp.Status, body)
	}
	var spans []struct{ Start, End time.Time }
	if err := json.Unmarshal(body, &spans); err != nil {
		t.Fatalf("recordings of %s: %v: %s", camera, err, body)
	}
	for _, s := range spans {
		if first.IsZero() || s.Start.Before(first) {
			first = s.Start
		}
		if s.End.After(last) {
			last = s.End
		}
	}
	return first, last
}

// e2eScenes are short versions of the harness's scenes, for a test that plays them in real time: a still
// stretch long enough for the detector to learn the scene, two stretches of walking pedestrians with a
// still stretch longer than the post-roll between them (82 s in all); the same at night (dark, low
// contrast, strong sensor noise, as the harness's pedestrians-night); and a night-style still hard
// negative (80 s).
func e2eScenes() (walk, walkNight, night motiontest.Scene) {
	stretches := []motiontest.Stretch{
		{At: 30, Seconds: 20}, {Motion: true, At: 5, Seconds: 15}, {At: 30, Seconds: 20},
		{Motion: true, At: 40, Seconds: 12}, {At: 62, Seconds: 15},
	}
	walk = motiontest.Scene{Name: "pedestrians-e2e", Source: motiontest.Pedestrians, Noise: 2, Stretches: stretches}
	walkNight = motiontest.Scene{Name: "pedestrians-night-e2e", Source: motiontest.Pedestrians, Noise: 6, Night: true,
		Stretches: stretches}
	night = motiontest.Scene{Name: "still-night-e2e", Source: motiontest.Pedestrians, Noise: 6, Night: true,
		Stretches: []motiontest.Stretch{{At: 70, Seconds: 80}}}
	return walk, walkNight, night
}

// decodeKeyframes is the motion block of a camera whose every keyframe is decoded and compared.
const decodeKeyframes = "{decode_keyframes: true}"

// TestMotionEndToEnd holds the whole chain to the VBR targets on representative clips, all played at
// once by gst-rtsp-server to one `porchlight serve`: pedestrians in x264 CRF (25 fps, GOP 1 s) and in
// x265 CRF (10 fps, GOP 1 s), and the night still hard negative in x264; and, on cameras set to decode
// every keyframe, pedestrians by day (both stages see them and must make one event of each stretch), at
// night in x264 (which the compressed stage alone does not see) and the night still again (the pixels
// must not raise events either). Over them: event-second recall and
// precision >= 0.9, no false event, every motion stretch found, motion start to the event's open on the
// SSE stream <= 2 s.
func TestMotionEndToEnd(t *testing.T) {
	mediatest.Require(t, "ffmpeg")
	if testing.Short() {
		t.Skip("plays real footage in real time for about 90 s")
	}
	walk, walkNight, night := e2eScenes()
	x264 := motiontest.Encoding{Codec: "H264", FPS: 25, GOP: 1}
	cases := []e2eCase{
		{Scene: walk, Enc: x264},
		{Scene: walk, Enc: motiontest.Encoding{Codec: "H265", FPS: 10, GOP: 1}},
		{Scene: night, Enc: x264},
		{Scene: walk, Enc: x264, Motion: decodeKeyframes}, // both stages see it: one event each time
		{Scene: walkNight, Enc: x264, Motion: decodeKeyframes},
		{Scene: night, Enc: x264, Motion: decodeKeyframes},
	}
	results, cpu := runMotionEndToEnd(t, cases)
	for i, r := range results {
		t.Logf("%-22s %-30s %v keyframe-cpu %.2f ms/s", cases[i].Scene.Name, cases[i], r, cpu[i])
	}
	m := motiontest.Merge(results...)
	t.Logf("all: %v", m)
	motiontest.CheckTargets(t, m)
}

// BenchmarkMotionEndToEnd prints the end-to-end accuracy table: every harness scene in every encoding
// of its table that an MP4 copy can carry (no B-frames: see motiontest.ClipMP4), and each again on a
// camera that decodes every keyframe (motion.decode_keyframes), all played at once in
// real time (the longest scene is 3 minutes), recorded by one `porchlight serve`, then the totals. Each
// row ends with the camera's keyframe-stage CPU per second of clip. The first run encodes the clips the
// offline benchmark has not (minutes).
func BenchmarkMotionEndToEnd(b *testing.B) {
	var cases []e2eCase
	for _, e := range motiontest.Encodings() {
		if e.BFrames > 0 {
			continue
		}
		for _, s := range motiontest.Scenes() {
			cases = append(cases, e2eCase{Scene: s, Enc: e})
			cases = append(cases, e2eCase{Scene: s, Enc: e, Motion: decodeKeyframes})
		}
	}
	results, cpu := runMotionEndToEnd(b, cases)
	var out strings.Builder
	groups := map[string][]motiontest.Result{}
	var order []string
	fmt.Fprintf(&out, "\n%-18s %-44s %s\n", "scene", "encoding", "result")
	for i, r := range results {
		c := cases[i]
		fmt.Fprintf(&out, "%-18s %-44s %v keyframe-cpu %.2f ms/s\n", c.Scene.Name, c, r, cpu[i])
		g := map[bool]string{false: "VBR", true: "CBR"}[c.Enc.CBR]
		if c.Motion != "" {
			g += " " + strings.Trim(c.Motion, "{}")
		}
		if _, ok := groups[g]; !ok {
			order = append(order, g)
		}
		groups[g] = append(groups[g], r)
	}
	for _, g := range order {
		fmt.Fprintf(&out, "ALL %s: %v\n", g, motiontest.Merge(groups[g]...))
	}
	b.Log(out.String())
	for range b.N {
	}
}
