package notifytest

import (
	_ "embed"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

//go:embed webhook_receiver.py
var receiverScript []byte

// Webhook is a running Python webhook receiver.
type Webhook struct {
	URL    string
	Secret []byte
	Port   string
	dir    string
	proc   process
}

// WebhookDelivery is one delivery the receiver accepted: its delivery header and the JSON body.
type WebhookDelivery struct {
	Delivery string         `json:"delivery"`
	Body     map[string]any `json:"body"`
	Bad      string         `json:"bad"`      // set instead when the receiver refused a delivery
	Received float64        `json:"received"` // Unix seconds, by the receiver's clock
}

// StartWebhook starts the receiver on a free port with a fresh secret; it stops with the test.
func StartWebhook(t testing.TB) *Webhook {
	t.Helper()
	dir := t.TempDir()
	w := &Webhook{Secret: []byte("test-secret-" + filepath.Base(dir)), dir: dir}
	for _, f := range []struct {
		name string
		b    []byte
	}{{"receiver.py", receiverScript}, {"secret", w.Secret}} {
		if err := os.WriteFile(filepath.Join(dir, f.name), f.b, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	w.Start(t, "0")
	return w
}

// SecretFile is the path of the file holding the secret.
func (w *Webhook) SecretFile() string { return filepath.Join(w.dir, "secret") }

// Start (re)starts the receiver on port ("0": any free one); it keeps what it recorded before.
func (w *Webhook) Start(t testing.TB, port string) {
	t.Helper()
	cmd := exec.Command("/usr/bin/python3", filepath.Join(w.dir, "receiver.py"), w.SecretFile(),
		filepath.Join(w.dir, "record.jsonl"), port)
	w.Port = w.proc.start(t, "the python webhook receiver", cmd)
	w.URL = "http://127.0.0.1:" + w.Port + "/hook"
}

// Stop kills the receiver (it may be started again with Start(t, w.Port)).
func (w *Webhook) Stop() {
	w.proc.stop()
}

// Deliveries returns what the receiver recorded, accepted and refused.
func (w *Webhook) Deliveries(t testing.TB) []WebhookDelivery {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(w.dir, "record.jsonl"))
	if os.IsNotExist(err) {
		return nil
	}
	if err != nil {
		t.Fatal(err)
	}
	var out []WebhookDelivery
	for _, l := range strings.Split(strings.TrimSpace(string(b)), "\n") {
		if l == "" {
			continue
		}
		var d WebhookDelivery
		if err := json.Unmarshal([]byte(l), &d); err != nil {
			t.Fatalf("record %q: %v", l, err)
		}
		out = append(out, d)
	}
	return out
}
