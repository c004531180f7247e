package notifytest

import (
	"crypto/ecdh"
	"crypto/rand"
	_ "embed"
	"encoding/base64"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
)

//go:embed push_service.js
var pushScript []byte

// HTTPECEVersion is the http_ece release .ci/deps installs from npm into HTTPECEDir.
const HTTPECEVersion = "1.2.1"

// HTTPECEDir is the npm prefix holding http_ece: $XDG_CACHE_HOME/porchlight-testdata/npm.
func HTTPECEDir(t testing.TB) string {
	t.Helper()
	base, err := os.UserCacheDir()
	if err != nil {
		t.Fatal(err)
	}
	return filepath.Join(base, "porchlight-testdata", "npm")
}

// PushService is a running node.js stand-in for a push service (push_service.js): it checks each push's
// VAPID header and decrypts it with http_ece.
type PushService struct {
	URL  string // http://127.0.0.1:PORT
	Port string
	dir  string
	proc process

	mu    sync.Mutex
	vapid string
	subs  map[string]*PushSub
}

// PushSub is a subscription the test made: its endpoint and the keys a browser would send, and the
// private key the service decrypts with.
type PushSub struct {
	Name     string `json:"-"`
	Endpoint string `json:"-"`
	P256dh   string `json:"-"` // the public key, base64url
	Auth     string `json:"auth"`
	Private  string `json:"private"`
	Status   int    `json:"status,omitempty"` // what the service answers; 0: 201
}

// PushDelivery is one push the service received.
type PushDelivery struct {
	Name    string            `json:"name"`
	Status  int               `json:"status"`
	Payload map[string]any    `json:"payload"`
	Claims  map[string]any    `json:"claims"`
	Headers map[string]string `json:"headers"`
	Bad     string            `json:"bad"` // why the service refused it (VAPID or decryption)
}

// StartPushService starts the service on a free port; it stops with the test. node and http_ece (see
// .ci/deps) must be installed.
func StartPushService(t testing.TB) *PushService {
	t.Helper()
	if _, err := exec.LookPath("node"); err != nil {
		t.Fatal("node not installed: run .ci/deps (Debian's nodejs)")
	}
	if _, err := os.Stat(filepath.Join(HTTPECEDir(t), "node_modules", "http_ece", "ece.js")); err != nil {
		t.Fatalf("http_ece not installed in %s: run .ci/deps (npm install http_ece@%s)", HTTPECEDir(t), HTTPECEVersion)
	}
	p := &PushService{dir: t.TempDir(), subs: map[string]*PushSub{}}
	if err := os.WriteFile(filepath.Join(p.dir, "push_service.js"), pushScript, 0o600); err != nil {
		t.Fatal(err)
	}
	p.write(t)
	p.Start(t, "0")
	return p
}

// Start (re)starts the service on port ("0": any free one); it keeps its subscriptions and record.
func (p *PushService) Start(t testing.TB, port string) {
	t.Helper()
	cmd := exec.Command("node", filepath.Join(p.dir, "push_service.js"), p.dir, port)
	cmd.Env = append(os.Environ(), "NODE_PATH="+filepath.Join(HTTPECEDir(t), "node_modules"))
	p.Port = p.proc.start(t, "the node push service", cmd)
	p.URL = "http://127.0.0.1:" + p.Port
	for _, s := range p.subs {
		s.Endpoint = p.URL + "/" + s.Name
	}
}

// Stop kills the service (Start brings it back).
func (p *PushService) Stop() {
	p.proc.stop()
}

// SetVAPIDKey is the node's public key (GET /api/v1/push/key) the service checks pushes against.
func (p *PushService) SetVAPIDKey(t testing.TB, key string) {
	t.Helper()
	p.mu.Lock()
	p.vapid = key
	p.mu.Unlock()
	p.write(t)
}

// Subscribe makes a subscription as a browser would: a fresh ECDH P-256 key pair and a 16-byte auth
// secret, with an endpoint on this service.
func (p *PushService) Subscribe(t testing.TB, name string) *PushSub {
	t.Helper()
	priv, err := ecdh.P256().GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	auth := make([]byte, 16)
	_, _ = rand.Read(auth)
	enc := base64.RawURLEncoding.EncodeToString
	s := &PushSub{Name: name, Endpoint: p.URL + "/" + name, P256dh: enc(priv.PublicKey().Bytes()), Auth: enc(auth),
		Private: enc(priv.Bytes())}
	p.mu.Lock()
	p.subs[name] = s
	p.mu.Unlock()
	p.write(t)
	return s
}

// SetStatus makes the service answer pushes to name with code (410: the subscription is gone).
func (p *PushService) SetStatus(t testing.TB, name string, code int) {
	t.Helper()
	p.mu.Lock()
	p.subs[name].Status = code
	p.mu.Unlock()
	p.write(t)
}

func (p *PushService) write(t testing.TB) {
	t.Helper()
	p.mu.Lock()
	b, err := json.Marshal(map[string]any{"vapid": p.vapid, "subs": p.subs})
	p.mu.Unlock()
	if err != nil {
		t.Fatal(err)
	}
	tmp := filepath.Join(p.dir, "subs.json.tmp")
	if err := os.WriteFile(tmp, b, 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.Rename(tmp, filepath.Join(p.dir, "subs.json")); err != nil {
		t.Fatal(err)
	}
}

// Deliveries returns every push received, in order, refused ones included.
func (p *PushService) Deliveries(t testing.TB) []PushDelivery {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(p.dir, "record.jsonl"))
	if os.IsNotExist(err) {
		return nil
	}
	if err != nil {
		t.Fatal(err)
	}
	var out []PushDelivery
	for _, l := range strings.Split(strings.TrimSpace(string(b)), "\n") {
		if l == "" {
			continue
		}
		var d PushDelivery
		if err := json.Unmarshal([]byte(l), &d); err != nil {
			t.Fatalf("record %q: %v", l, err)
		}
		out = append(out, d)
	}
	return out
}
