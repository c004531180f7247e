package nvr_test

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/porchlight/porchlight/nvr"
	"github.com/porchlight/porchlight/recorder/mediatest"
)

var (
	buildOnce sync.Once
	binPath   string
	buildErr  error
)

// porchlightBin builds cmd/porchlight once per test run.
func porchlightBin(t testing.TB) string {
	t.Helper()
	buildOnce.Do(func() {
		dir, err := os.MkdirTemp("", "porchlight-bin-")
		if err != nil {
			buildErr = err
			return
		}
		binPath = filepath.Join(dir, "porchlight")
		out, err := exec.Command("go", "build", "-o", binPath, "../cmd/porchlight").CombinedOutput()
		if err != nil {
			buildErr = fmt.Errorf("go build: %v\n%s", err, out)
		}
	})
	if buildErr != nil {
		t.Fatal(buildErr)
	}
	return binPath
}

// startServe starts `porchlight serve --config cfgPath`, killed at the end of the test unless it has
// exited, and returns it with the first line it printed.
func startServe(t testing.TB, cfgPath string) (*exec.Cmd, string) {
	t.Helper()
	serve := exec.Command(porchlightBin(t), "serve", "--config", cfgPath)
	serve.Stderr = os.Stderr
	stdout, _ := serve.StdoutPipe()
	if err := serve.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = serve.Process.Kill(); _ = serve.Wait() })
	line, _ := bufio.NewReader(stdout).ReadString('\n')
	return serve, line
}

// run runs the binary to completion and returns its stdout; it fails the test on a non-zero exit.
func run(t testing.TB, args ...string) string {
	t.Helper()
	cmd := exec.Command(porchlightBin(t), args...)
	var stderr strings.Builder
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("porchlight %s: %v\nstderr: %s", strings.Join(args, " "), err, stderr.String())
	}
	return string(out)
}

// apiGet performs an authorised GET against a node.
func apiGet(t testing.TB, base, token, path string) (*http.Response, []byte) {
	t.Helper()
	req, _ := http.NewRequest("GET", base+path, nil)
	req.Header.Set("Authorization", "Bearer "+token)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp, b
}

// initNode runs `porchlight init` in a new directory and edits its config: camera "front" with the
// given keys (indented by 4), the API on a free port, p2p on loopback, then edit (nil: none). It returns
// the config's path, the API's base URL and the API token.
func initNode(t testing.TB, cameraKeys string, edit func([]byte) []byte) (cfgPath, base, tok string) {
	t.Helper()
	dir := t.TempDir()
	if out := run(t, "init", "--dir", dir, "--name", "Elm Street 12"); !strings.Contains(out, "password") {
		t.Fatalf("init printed %q, want the admin password", out)
	}
	cfgPath = filepath.Join(dir, "porchlight.yml")
	port := mediatest.FreePort(t)
	cfg, _ := os.ReadFile(cfgPath)
	cfg = regexp.MustCompile(`(?m)^cameras: \[\]`).ReplaceAll(cfg, []byte("cameras:\n  - name: front\n"+cameraKeys))
	cfg = regexp.MustCompile(`listen: 127\.0\.0\.1:7480`).ReplaceAll(cfg, []byte(fmt.Sprintf("listen: 127.0.0.1:%d", port)))
	cfg = nvr.LocalP2P(cfg)
	if edit != nil {
		cfg = edit(cfg)
	}
	if err := os.WriteFile(cfgPath, cfg, 0o600); err != nil {
		t.Fatal(err)
	}
	token, _ := os.ReadFile(filepath.Join(dir, "data", "api.token"))
	return cfgPath, fmt.Sprintf("http://127.0.0.1:%d", port), strings.TrimSpace(string(token))
}

// TestServeExportCLI drives the contract end to end with separate processes: init, serve recording an
// in-process camera, the API, export through the CLI, and a clean shutdown on SIGTERM.
func TestServeExportCLI(t *testing.T) {
	cam := startClipCamera(t, nil)
	cfgPath, base, tok := initNode(t, "    url: "+cam.URL()+"\n", func(cfg []byte) []byte {
		return regexp.MustCompile(`segment_duration: 60s`).ReplaceAll(cfg, []byte("segment_duration: 2s"))
	})

	serve, line := startServe(t, cfgPath)
	if !strings.Contains(line, base) {
		t.Fatalf("serve printed %q, want the address %s", line, base)
	}

	var spans []struct{ Start, End time.Time }
	mediatest.WaitFor(t, 40*time.Second, "5 s of recording", func() bool {
		resp, b := apiGet(t, base, tok, "/api/v1/cameras/front/recordings")
		if resp.StatusCode != 200 {
			t.Fatalf("recordings: %s %s", resp.Status, b)
		}
		_ = json.Unmarshal(b, &spans)
		return len(spans) > 0 && spans[0].End.Sub(spans[0].Start) > 5*time.Second
	})
	resp, b := apiGet(t, base, tok, "/api/v1/cameras")
	var cams []struct{ Name, State, Codec string }
	if err := json.Unmarshal(b, &cams); resp.StatusCode != 200 || err != nil || len(cams) != 1 ||
		cams[0].Name != "front" || cams[0].State != "recording" || cams[0].Codec != "H264" {
		t.Fatalf("cameras: %s %s", resp.Status, b)
	}
	if resp, _ := http.Get(base + "/api/v1/cameras"); resp.StatusCode != 401 {
		t.Errorf("anonymous request: got %s, want 401", resp.Status)
	}
	if resp, b := apiGet(t, base, tok, "/metrics"); resp.StatusCode != 200 ||
		!strings.Contains(string(b), `porchlight_recorder_frames_total{camera="front",stream="main"}`) {
		t.Errorf("metrics: %s, want per-camera frame counters", resp.Status)
	}

	out := filepath.Join(t.TempDir(), "out.mp4")
	start := spans[0].Start.Add(500 * time.Millisecond)
	run(t, "export", "--config", cfgPath, "--camera", "front", "--start", start.Format(time.RFC3339Nano),
		"--end", start.Add(4*time.Second).Format(time.RFC3339Nano), "-o", out)
	p := mediatest.ProbeFile(t, out)
	if d := p.Duration(); d < 3900*time.Millisecond || d > 4100*time.Millisecond {
		t.Errorf("exported duration %s, want 4s", d)
	}
	mediatest.DecodeClean(t, out)

	// An export of nothing fails with a one-line reason and a non-zero exit.
	bad := exec.Command(porchlightBin(t), "export", "--config", cfgPath, "--camera", "nope", "--start",
		start.Format(time.RFC3339), "--end", start.Add(time.Second).Format(time.RFC3339), "-o", out+".2")
	if msg, err := bad.CombinedOutput(); err == nil || !strings.HasPrefix(string(msg), "porchlight: ") {
		t.Errorf("export of an unknown camera: err %v, output %q", err, msg)
	}
	// An export longer than a day is refused, with the reason, by the API (400) and so the CLI.
	long := exec.Command(porchlightBin(t), "export", "--config", cfgPath, "--camera", "front", "--start",
		start.Add(-30*24*time.Hour).Format(time.RFC3339), "--end", start.Format(time.RFC3339), "-o", out+".3")
	if msg, err := long.CombinedOutput(); err == nil || !strings.Contains(string(msg), "400") ||
		!strings.Contains(string(msg), "may span at most 24h0m0s") || strings.Count(string(msg), "\n") != 1 {
		t.Errorf("export of 30 days: err %v, output %q, want a one-line 400 naming the 24h bound", err, msg)
	}

	began := time.Now()
	if err := serve.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	if err := serve.Wait(); err != nil {
		t.Errorf("serve exit after SIGTERM: %v", err)
	}
	if d := time.Since(began); d > 5*time.Second {
		t.Errorf("shutdown took %s, want at most 5s", d)
	}
}

// TestDemo runs `porchlight demo` as `make run` does and checks that it records its embedded camera.
func TestDemo(t *testing.T) {
	dir := t.TempDir()
	demo := exec.Command(porchlightBin(t), "demo", "--dir", dir, "--listen", "127.0.0.1:0")
	stdout, _ := demo.StdoutPipe()
	if err := demo.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = demo.Process.Kill(); _ = demo.Wait() })
	var base, token, login string
	sc := bufio.NewScanner(stdout)
	for sc.Scan() && (base == "" || token == "" || login == "") {
		line := strings.TrimSpace(sc.Text())
		if v, ok := strings.CutPrefix(line, "UI/API:"); ok {
			base = strings.TrimSpace(v)
		} else if v, ok := strings.CutPrefix(line, "API token:"); ok {
			token = strings.TrimSpace(v)
		} else if v, ok := strings.CutPrefix(line, "login:"); ok {
			login = strings.TrimSpace(v)
		}
	}
	if base == "" || token == "" || !strings.HasPrefix(login, "admin / ") {
		t.Fatalf("demo output: base %q token %q login %q", base, token, login)
	}
	go func() { _, _ = io.Copy(io.Discard, stdout) }()
	mediatest.WaitFor(t, 30*time.Second, "the demo camera to record", func() bool {
		resp, b := apiGet(t, base, token, "/api/v1/cameras/demo/recordings")
		return resp.StatusCode == 200 && len(b) > 10 // a non-empty list of spans
	})
	if err := demo.Process.Signal(syscall.SIGINT); err != nil {
		t.Fatal(err)
	}
	if err := demo.Wait(); err != nil {
		t.Errorf("demo exit after SIGINT: %v", err)
	}
}

// TestServeTLSStartLine: with http.tls on, the line serve prints names the https:// address.
func TestServeTLSStartLine(t *testing.T) {
	dir := t.TempDir()
	run(t, "init", "--dir", dir)
	cfgPath := filepath.Join(dir, "porchlight.yml")
	port := mediatest.FreePort(t)
	cfg, _ := os.ReadFile(cfgPath)
	cfg = regexp.MustCompile(`listen: 127\.0\.0\.1:7480`).ReplaceAll(cfg, []byte(fmt.Sprintf("listen: 127.0.0.1:%d", port)))
	cfg = regexp.MustCompile(`tls: false`).ReplaceAll(cfg, []byte("tls: true"))
	if err := os.WriteFile(cfgPath, nvr.LocalP2P(cfg), 0o600); err != nil {
		t.Fatal(err)
	}
	serve, line := startServe(t, cfgPath)
	if want := fmt.Sprintf(" on https://127.0.0.1:%d\n", port); !strings.HasSuffix(line, want) {
		t.Errorf("serve printed %q, want it to end with %q", line, want)
	}
	if err := serve.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	if err := serve.Wait(); err != nil {
		t.Errorf("serve exit after SIGTERM: %v", err)
	}
}
