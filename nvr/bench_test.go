package nvr_test

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/porchlight/porchlight/internal/testutil"
	"github.com/porchlight/porchlight/nvr"
	"github.com/porchlight/porchlight/recorder/democam"
	"github.com/porchlight/porchlight/recorder/index"
	"github.com/porchlight/porchlight/recorder/index/indextest"
)

// benchNode starts a node from a fresh init with the given cameras block and returns its base URL and
// API token.
func benchNode(b *testing.B, cameras string, before func(dataDir string)) (string, string) {
	b.Helper()
	base, token, _ := benchNodeConfig(b, cameras, before)
	return base, token
}

// benchNodeConfig is benchNode that also returns the node's config file.
func benchNodeConfig(b *testing.B, cameras string, before func(dataDir string)) (string, string, string) {
	b.Helper()
	dir := b.TempDir()
	res, err := nvr.Init(dir, nvr.RoleHousehold, "Bench")
	if err != nil {
		b.Fatal(err)
	}
	cfgText, _ := os.ReadFile(res.ConfigPath)
	cfgText = regexp.MustCompile(`(?m)^cameras: \[\]`).ReplaceAll(cfgText, []byte(cameras))
	cfgText = regexp.MustCompile(`listen: 127\.0\.0\.1:7480`).ReplaceAll(cfgText, []byte("listen: 127.0.0.1:0"))
	cfgText = nvr.LocalP2P(cfgText)
	if err := os.WriteFile(res.ConfigPath, cfgText, 0o600); err != nil {
		b.Fatal(err)
	}
	if before != nil {
		before(res.DataDir)
	}
	cfg, err := nvr.Load(res.ConfigPath)
	if err != nil {
		b.Fatal(err)
	}
	n, err := nvr.NewNode(cfg, nil)
	if err != nil {
		b.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- n.Run(ctx) }()
	b.Cleanup(func() { cancel(); <-done })
	tok, _ := os.ReadFile(filepath.Join(res.DataDir, "api.token"))
	return "http://" + n.HTTPAddr(), strings.TrimSpace(string(tok)), res.ConfigPath
}

func get(b *testing.B, url, token string) *http.Response {
	req, _ := http.NewRequest("GET", url, nil)
	req.Header.Set("Authorization", "Bearer "+token)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		b.Fatal(err)
	}
	if resp.StatusCode != 200 {
		b.Fatalf("GET %s: %s", url, resp.Status)
	}
	return resp
}

// BenchmarkTimeline30Days8Cameras serves the timeline data of 30 days for 8 cameras (one recordings
// request per camera, over HTTP with JSON) from an index of 60 s segments with a gap every 3 hours.
func BenchmarkTimeline30Days8Cameras(b *testing.B) {
	now := time.Now().Truncate(time.Minute)
	base, token := benchNode(b, monthCameras(), func(dataDir string) { fillMonth(b, dataDir, now) })
	q := fmt.Sprintf("?start=%s&end=%s", now.Add(-30*24*time.Hour).Format(time.RFC3339), now.Format(time.RFC3339))
	spans := 0
	for b.Loop() {
		spans = 0
		for c := range 8 {
			resp := get(b, fmt.Sprintf("%s/api/v1/cameras/cam%d/recordings%s", base, c, q), token)
			body, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			spans += strings.Count(string(body), `"start"`)
		}
	}
	b.ReportMetric(float64(spans), "spans")
}

// BenchmarkLive measures the live view's server side: the time to the first bytes of video for a new
// viewer, and the node's CPU per viewer-second with PORCHLIGHT_BENCH_VIEWERS (default 200) curl viewers of
// one 640x360 camera for 10 s (CPU with viewers minus CPU without).
func BenchmarkLive(b *testing.B) {
	cam := &democam.Server{Addr: "127.0.0.1:0"}
	if err := cam.Start(); err != nil {
		b.Fatal(err)
	}
	b.Cleanup(cam.Close)
	base, token := benchNode(b, fmt.Sprintf("cameras:\n  - name: front\n    url: %s\n", cam.URL()), nil)
	url := base + "/api/v1/cameras/front/live.mp4"
	// Wait until the camera records, then measure a new viewer's first bytes.
	testutil.Poll(20*time.Second, func() bool {
		resp := get(b, base+"/api/v1/cameras", token)
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		return strings.Contains(string(body), `"state":"recording"`)
	})
	// Time to the first bytes of video for a new viewer: the first viewer of an unwatched camera waits for
	// the next keyframe; later ones start at once from the GOP the hub then keeps. Runs once whatever b.N.
	var sum, cold time.Duration
	n := 0
	for i := range 6 {
		start := time.Now()
		resp := get(b, url, token)
		buf := make([]byte, 64<<10)
		got := 0
		for got < 4<<10 { // the init and at least the start of the first part
			m, err := resp.Body.Read(buf)
			if err != nil {
				b.Fatal(err)
			}
			got += m
		}
		if i == 0 {
			cold = time.Since(start)
		} else {
			sum += time.Since(start)
			n++
		}
		resp.Body.Close()
	}
	b.ReportMetric(float64(cold.Microseconds())/1000, "ms-first-bytes-cold")
	b.ReportMetric(float64(sum.Microseconds())/1000/float64(n), "ms-first-bytes-warm")

	// Server CPU per viewer: this process (node and camera) with curl viewers in their own processes,
	// minus the same without viewers.
	viewers := 200
	if v, err := fmt.Sscan(os.Getenv("PORCHLIGHT_BENCH_VIEWERS"), &viewers); v != 1 || err != nil {
		viewers = 200
	}
	measure := func() time.Duration {
		c0 := cpuTime()
		time.Sleep(10 * time.Second)
		return cpuTime() - c0
	}
	idle := measure()
	var procs []*exec.Cmd
	for range viewers {
		cmd := exec.Command("curl", "-sN", "-o", "/dev/null", "-H", "Authorization: Bearer "+token, url)
		if err := cmd.Start(); err != nil {
			b.Fatalf("curl: %v", err)
		}
		procs = append(procs, cmd)
	}
	time.Sleep(2 * time.Second)
	busy := measure()
	for _, p := range procs {
		_ = p.Process.Kill()
		_ = p.Wait()
	}
	b.ReportMetric(float64(viewers), "viewers")
	b.ReportMetric(float64(idle)/float64(time.Millisecond)/10, "cpu-ms/s-no-viewers")
	b.ReportMetric(float64(busy)/float64(time.Millisecond)/10, "cpu-ms/s-with-viewers")
	b.ReportMetric(float64(busy-idle)/float64(time.Millisecond)/float64(10*viewers), "server-cpu-ms/viewer-s")
}

func cpuTime() time.Duration {
	var ru syscall.Rusage
	_ = syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// monthCameras is the cameras block of fillMonth's index: 8 disabled cameras.
func monthCameras() string {
	var cams strings.Builder
	cams.WriteString("cameras:\n")
	for i := range 8 {
		fmt.Fprintf(&cams, "  - name: cam%d\n    url: rtsp://127.0.0.1:1/none\n    enabled: false\n", i)
	}
	return cams.String()
}

// fillMonth writes the index of 30 days x 8 cameras (cam0..cam7) ending at now: 60 s segments with a
// gap every 3 hours, records without frame tables.
func fillMonth(b *testing.B, dataDir string, now time.Time) { fillDays(b, dataDir, now, 30, false) }

// fillDays is fillMonth for days; with frames the records carry realistic frame tables (25 fps H.264 and
// AAC, as the recorder writes them).
func fillDays(b *testing.B, dataDir string, now time.Time, days int, frames bool) {
	b.Helper()
	db, err := index.Open(filepath.Join(dataDir, "index.db"), &index.Options{NoSync: true})
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	for c := range 8 {
		var segs []*index.Segment
		run := uint64(1)
		for i := range days * 24 * 60 {
			id := uint64(i + 1)
			if i%180 == 179 {
				continue // a gap every 3 hours
			}
			if i%180 == 0 {
				run = id
			}
			start := now.Add(-time.Duration(days) * 24 * time.Hour).Add(time.Duration(i) * time.Minute)
			if frames {
				segs = append(segs, indextest.RealisticSegment(id, run, start, 60))
				if len(segs) == 60 {
					if err := db.PutMany(fmt.Sprintf("cam%d/main", c), segs); err != nil {
						b.Fatal(err)
					}
					segs = segs[:0]
				}
				continue
			}
			segs = append(segs, &index.Segment{ID: id, Run: run, Start: start, End: start.Add(time.Minute),
				File: "x.mp4", Size: 30 << 20, InitSize: 1000,
				Tracks: []index.Track{{ID: 1, Kind: index.Video, Codec: "H264", TimeScale: 90000}}})
		}
		if err := db.PutMany(fmt.Sprintf("cam%d/main", c), segs); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkBackup30Days8Cameras writes `porchlight backup` (encrypted, no recordings) of a running node
// whose index holds 30 days x 8 cameras (fillMonth), the databases copied by the node over its API.
func BenchmarkBackup30Days8Cameras(b *testing.B) { benchBackup(b, 30, false) }

// BenchmarkBackup1Day8CamerasFrames is BenchmarkBackup30Days8Cameras for one day of index whose records
// carry realistic frame tables, as a real node's do (30 days of them: ~4 GB, too much to build here).
func BenchmarkBackup1Day8CamerasFrames(b *testing.B) { benchBackup(b, 1, true) }

func benchBackup(b *testing.B, days int, frames bool) {
	cfgPath, pass := monthNode(b, days, frames)
	out := filepath.Join(b.TempDir(), "backup.tar.gz.age")
	for b.Loop() {
		os.Remove(out)
		if code := nvr.Main([]string{"backup", "--config", cfgPath, "-o", out, "--passphrase-file", pass}, io.Discard, os.Stderr); code != 0 {
			b.Fatalf("backup: exit %d", code)
		}
	}
	reportSizes(b, cfgPath, out)
}

// BenchmarkRestore30Days8Cameras restores that backup into a new directory (decrypt, check every hash,
// write, move into place).
func BenchmarkRestore30Days8Cameras(b *testing.B) { benchRestore(b, 30, false) }

// BenchmarkRestore1Day8CamerasFrames restores BenchmarkBackup1Day8CamerasFrames's archive.
func BenchmarkRestore1Day8CamerasFrames(b *testing.B) { benchRestore(b, 1, true) }

func benchRestore(b *testing.B, days int, frames bool) {
	cfgPath, pass := monthNode(b, days, frames)
	archive := filepath.Join(b.TempDir(), "backup.tar.gz.age")
	if code := nvr.Main([]string{"backup", "--config", cfgPath, "-o", archive, "--passphrase-file", pass}, io.Discard, os.Stderr); code != 0 {
		b.Fatalf("backup: exit %d", code)
	}
	parent := b.TempDir()
	i := 0
	for b.Loop() {
		i++
		dir := filepath.Join(parent, fmt.Sprint(i))
		if code := nvr.Main([]string{"restore", "--dir", dir, "-i", archive, "--passphrase-file", pass}, io.Discard, os.Stderr); code != 0 {
			b.Fatalf("restore: exit %d", code)
		}
		b.StopTimer()
		os.RemoveAll(dir)
		b.StartTimer()
	}
	reportSizes(b, cfgPath, archive)
}

// monthNode runs a node with fillDays's index and returns its config and a passphrase file.
func monthNode(b *testing.B, days int, frames bool) (string, string) {
	now := time.Now().Truncate(time.Minute)
	base, _, cfgPath := benchNodeConfig(b, monthCameras(), func(dataDir string) {
		fillDays(b, dataDir, now, days, frames)
		fillEvents(b, dataDir, now, days)
	})
	// The CLI finds the node through http.listen: the port it picked.
	cfgText, _ := os.ReadFile(cfgPath)
	cfgText = []byte(strings.Replace(string(cfgText), "listen: 127.0.0.1:0", "listen: "+strings.TrimPrefix(base, "http://"), 1))
	if err := os.WriteFile(cfgPath, cfgText, 0o600); err != nil {
		b.Fatal(err)
	}
	passFile := filepath.Join(b.TempDir(), "pass")
	if err := os.WriteFile(passFile, []byte("bench passphrase\n"), 0o600); err != nil {
		b.Fatal(err)
	}
	return cfgPath, passFile
}

// reportSizes reports the index's and the archive's sizes.
func reportSizes(b *testing.B, cfgPath, archive string) {
	if fi, err := os.Stat(filepath.Join(filepath.Dir(cfgPath), "data", "index.db")); err == nil {
		b.ReportMetric(float64(fi.Size())/1e6, "index-MB")
	}
	if fi, err := os.Stat(archive); err == nil {
		b.ReportMetric(float64(fi.Size())/1e6, "archive-MB")
	}
}

// fillEvents adds 200 closed motion events per camera and day (cam0..cam7) over days ending at now, as the
// events listing benchmark stores them, without snapshots.
func fillEvents(b *testing.B, dataDir string, now time.Time, days int) {
	b.Helper()
	const perDay = 200
	db, err := index.Open(filepath.Join(dataDir, "index.db"), &index.Options{NoSync: true})
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	first := now.Add(-time.Duration(days) * 24 * time.Hour)
	for c := range 8 {
		evs := make([]index.Event, 0, days*perDay)
		for i := range days * perDay {
			start := first.Add(time.Duration(i) * 24 * time.Hour / perDay)
			evs = append(evs, index.Event{Camera: fmt.Sprintf("cam%d", c), Kind: "motion", Start: start,
				End: start.Add(time.Duration(5+i%120) * time.Second), Score: float64(i%100) / 100})
		}
		if _, err := db.PutEvents(evs); err != nil {
			b.Fatal(err)
		}
	}
}
