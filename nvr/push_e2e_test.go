package nvr_test

import (
	"bufio"
	"bytes"
	"crypto/ecdh"
	"crypto/rand"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"fmt"
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
	"github.com/porchlight/porchlight/nvr/notify"
	"github.com/porchlight/porchlight/nvr/notify/notifytest"
)

// pushBody is what the web app posts for a subscription of the push service.
func pushBody(s *notifytest.PushSub, events ...string) map[string]any {
	return map[string]any{"endpoint": s.Endpoint, "expirationTime": nil,
		"keys": map[string]string{"p256dh": s.P256dh, "auth": s.Auth}, "events": events}
}

// TestServePushesMotion runs a real `porchlight serve` recording a camera that sees motion, with no
// channel in its config: a browser's subscription (keys made by the test, endpoint on a node.js stand-in
// for a push service) is posted to the API, and the motion event arrives there, its VAPID JWT verified
// with the key GET /api/v1/push/key served and its payload decrypted by http_ece: title, body, the
// event's link under http.public_url and its snapshot's URL. A second subscription whose push service
// answers 410 disappears from the API. The VAPID private key is in no answer, log line or the config.
func TestServePushesMotion(t *testing.T) {
	cam := startMotionCamera(t)
	ps := notifytest.StartPushService(t)
	cfgPath, base, tok := initNode(t, "    url: "+cam.URL()+"\n    motion: {post_roll: 2s}\n", func(cfg []byte) []byte {
		return regexp.MustCompile(`(?m)^http:\n`).ReplaceAll(cfg, []byte("http:\n  public_url: https://nvr.example\n"))
	})
	logPath := filepath.Join(t.TempDir(), "serve.log")
	serve := startServeLogged(t, cfgPath, logPath)

	code, b := apiJSON(t, base, tok, "GET", "/api/v1/push/key", nil)
	var key struct {
		PublicKey string `json:"public_key"`
	}
	if err := json.Unmarshal(b, &key); code != 200 || err != nil || key.PublicKey == "" {
		t.Fatalf("GET /api/v1/push/key: %d %s", code, b)
	}
	ps.SetVAPIDKey(t, key.PublicKey)
	phone, old := ps.Subscribe(t, "phone"), ps.Subscribe(t, "old")
	ps.SetStatus(t, "old", http.StatusGone)
	for _, s := range []*notifytest.PushSub{phone, old} {
		if code, b := apiJSON(t, base, tok, "POST", "/api/v1/push/subscriptions", pushBody(s, "motion")); code != 201 {
			t.Fatalf("subscribe %s: %d %s", s.Name, code, b)
		}
	}
	if code, b := apiJSON(t, base, tok, "POST", "/api/v1/push/subscriptions",
		map[string]any{"endpoint": phone.Endpoint, "keys": map[string]string{"p256dh": "AAAA", "auth": phone.Auth}}); code != 400 ||
		!strings.Contains(string(b), "keys.p256dh") {
		t.Errorf("a bad key: %d %s, want 400 naming keys.p256dh", code, b)
	}

	linkRE := regexp.MustCompile(`^https://nvr\.example/#/events\?camera=front&day=\d{4}-\d\d-\d\d&event=(\d+)$`)
	var got notifytest.PushDelivery
	testutil.WaitForState(t, 60*time.Second, "a motion push decrypted by the push service", func() (bool, string) {
		for _, d := range ps.Deliveries(t) {
			if d.Bad != "" {
				t.Fatalf("the push service refused a push: %s", d.Bad)
			}
			if d.Name == "phone" {
				got = d
				return true, ""
			}
		}
		return false, fmt.Sprintf("%+v", ps.Deliveries(t))
	})
	p := got.Payload
	link, _ := p["url"].(string)
	m := linkRE.FindStringSubmatch(link)
	if p["type"] != "motion" || p["title"] != "Motion: front" || !strings.HasPrefix(fmt.Sprint(p["body"]), "Motion on front at ") || m == nil {
		t.Fatalf("push payload = %v", p)
	}
	if img, ok := p["image"]; ok && img != "https://nvr.example/api/v1/events/"+m[1]+"/snapshot.jpg" {
		t.Errorf("push image = %v, want the event's snapshot URL", img)
	}
	if got.Claims["aud"] != ps.URL || got.Claims["sub"] != "https://nvr.example" {
		t.Errorf("VAPID claims = %v", got.Claims)
	}
	testutil.WaitForState(t, 60*time.Second, "the 410 subscription removed", func() (bool, string) {
		_, b := apiJSON(t, base, tok, "GET", "/api/v1/push/subscriptions", nil)
		var subs []struct{ Endpoint string }
		_ = json.Unmarshal(b, &subs)
		return len(subs) == 1 && subs[0].Endpoint == phone.Endpoint, string(b)
	})

	// The private key is nowhere a client or the log can read.
	_, listed := apiJSON(t, base, tok, "GET", "/api/v1/push/subscriptions", nil)
	_, metrics := apiGet(t, base, tok, "/metrics")
	if err := serve.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	if err := serve.Wait(); err != nil {
		t.Errorf("serve did not exit cleanly: %v", err)
	}
	logs, _ := os.ReadFile(logPath)
	cfg, _ := os.ReadFile(cfgPath)
	pemBytes, err := os.ReadFile(filepath.Join(filepath.Dir(cfgPath), "data", notify.VAPIDFile))
	if err != nil {
		t.Fatal(err)
	}
	blk, _ := pem.Decode(pemBytes)
	priv, err := x509.ParseECPrivateKey(blk.Bytes)
	if err != nil {
		t.Fatal(err)
	}
	raw, _ := priv.Bytes()
	for name, b := range map[string][]byte{"the key's answer": []byte(key.PublicKey), "the subscription list": listed,
		"/metrics": metrics, "the log": logs, "the config": cfg} {
		for _, secret := range []string{base64.RawURLEncoding.EncodeToString(raw), base64.StdEncoding.EncodeToString(raw), priv.D.String(),
			string(pem.EncodeToMemory(blk)[30:60])} {
			if bytes.Contains(b, []byte(secret)) {
				t.Errorf("%s holds the VAPID private key", name)
			}
		}
		if bytes.Contains(b, []byte(phone.Auth)) {
			t.Errorf("%s holds the subscription's auth secret", name)
		}
	}
}

// startServeLogged is startServe with the node's log (stderr) in logPath.
func startServeLogged(t *testing.T, cfgPath, logPath string) *exec.Cmd {
	t.Helper()
	f, err := os.Create(logPath)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { f.Close() })
	serve := exec.Command(porchlightBin(t), "serve", "--config", cfgPath)
	serve.Stderr = f
	stdout, _ := serve.StdoutPipe()
	if err := serve.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = serve.Process.Kill(); _ = serve.Wait() })
	if _, err := bufio.NewReader(stdout).ReadString('\n'); err != nil {
		t.Fatalf("serve printed nothing: %v", err)
	}
	return serve
}

// TestPushSubscriptionsPerUser: each user lists and deletes only their own subscriptions (a viewer may
// subscribe); deleting a user deletes theirs, so a new user of the same name starts with none.
func TestPushSubscriptionsPerUser(t *testing.T) {
	base, password := startNode(t)
	admin := apiLogin(t, base, "admin", password)
	if code, b, _ := admin.do("POST", "/api/v1/users", map[string]string{"name": "nan", "role": "viewer", "password": "viewer-password-1"}); code != 201 {
		t.Fatalf("add viewer: %d %s", code, b)
	}
	nan := apiLogin(t, base, "nan", "viewer-password-1")
	sub := func(s *apiSession, endpoint string) string {
		t.Helper()
		pk := browserPushKeys(t)
		code, b, _ := s.do("POST", "/api/v1/push/subscriptions", map[string]any{"endpoint": endpoint, "keys": pk})
		var got struct {
			ID     string
			Events []string
		}
		if err := json.Unmarshal(b, &got); code != 201 || err != nil || fmt.Sprint(got.Events) != "[request]" {
			t.Fatalf("subscribe: %d %s, want 201 with events [request]", code, b)
		}
		return got.ID
	}
	sub(admin, "https://push.example/admin-phone")
	nanID := sub(nan, "https://push.example/nan-phone")
	list := func(s *apiSession) string {
		t.Helper()
		code, b, _ := s.do("GET", "/api/v1/push/subscriptions", nil)
		if code != 200 {
			t.Fatalf("list: %d %s", code, b)
		}
		var subs []struct{ Endpoint string }
		_ = json.Unmarshal(b, &subs)
		var out []string
		for _, s := range subs {
			out = append(out, s.Endpoint)
		}
		return strings.Join(out, ",")
	}
	if got := list(nan); got != "https://push.example/nan-phone" {
		t.Errorf("nan lists %q, want only her own", got)
	}
	if code, _, _ := admin.do("DELETE", "/api/v1/push/subscriptions/"+nanID, nil); code != 404 {
		t.Errorf("admin deleting nan's subscription: %d, want 404 (not theirs)", code)
	}
	if code, b, _ := admin.do("DELETE", "/api/v1/users/nan", nil); code != 204 {
		t.Fatalf("delete nan: %d %s", code, b)
	}
	if code, b, _ := admin.do("POST", "/api/v1/users", map[string]string{"name": "nan", "role": "viewer", "password": "viewer-password-2"}); code != 201 {
		t.Fatalf("add nan again: %d %s", code, b)
	}
	if got := list(apiLogin(t, base, "nan", "viewer-password-2")); got != "" {
		t.Errorf("the new nan lists %q, want none: the deleted user's subscriptions must go with her", got)
	}
	if got := list(admin); got != "https://push.example/admin-phone" {
		t.Errorf("admin lists %q after nan's deletion, want their own kept", got)
	}
}

// browserPushKeys returns keys as a browser makes them: a P-256 public key and a 16-byte auth secret.
func browserPushKeys(t *testing.T) map[string]string {
	t.Helper()
	priv, err := ecdh.P256().GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	auth := make([]byte, 16)
	_, _ = rand.Read(auth)
	return map[string]string{"p256dh": base64.RawURLEncoding.EncodeToString(priv.PublicKey().Bytes()),
		"auth": base64.RawURLEncoding.EncodeToString(auth)}
}
