package notify_test

import (
	"crypto/ecdh"
	"crypto/rand"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/porchlight/porchlight/nvr/notify"
)

// browserKeys returns keys as a browser makes them: a P-256 public key and a 16-byte auth secret.
func browserKeys(t testing.TB) notify.PushKeys {
	t.Helper()
	priv, err := ecdh.P256().GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	auth := make([]byte, 16)
	_, _ = rand.Read(auth)
	enc := base64.RawURLEncoding.EncodeToString
	return notify.PushKeys{P256dh: enc(priv.PublicKey().Bytes()), Auth: enc(auth)}
}

func TestSubscriptionValidate(t *testing.T) {
	keys := browserKeys(t)
	offCurve := make([]byte, 65)
	offCurve[0] = 4
	tests := []struct {
		name string
		edit func(s *notify.Subscription)
		want string
	}{
		{"ok", func(*notify.Subscription) {}, ""},
		{"padded std base64", func(s *notify.Subscription) {
			b, _ := base64.RawURLEncoding.DecodeString(s.Keys.Auth)
			s.Keys.Auth = base64.StdEncoding.EncodeToString(b)
		}, ""},
		{"loopback http", func(s *notify.Subscription) { s.Endpoint = "http://127.0.0.1:9/x" }, ""},
		{"no endpoint", func(s *notify.Subscription) { s.Endpoint = "" }, "endpoint: missing"},
		{"http elsewhere", func(s *notify.Subscription) { s.Endpoint = "http://push.example/x" }, "endpoint: must be https (http only on a loopback address)"},
		{"relative", func(s *notify.Subscription) { s.Endpoint = "/push/x" }, "endpoint: not an absolute URL"},
		{"credentials", func(s *notify.Subscription) { s.Endpoint = "https://u:p@push.example/x" }, "endpoint: not an absolute URL"},
		{"long", func(s *notify.Subscription) { s.Endpoint = "https://push.example/" + strings.Repeat("x", 2048) }, "endpoint: longer than 2048 bytes"},
		{"short key", func(s *notify.Subscription) { s.Keys.P256dh = s.Keys.P256dh[:40] }, "keys.p256dh: must be an uncompressed P-256 public key in base64url (65 bytes)"},
		{"off curve", func(s *notify.Subscription) { s.Keys.P256dh = base64.RawURLEncoding.EncodeToString(offCurve) }, "keys.p256dh: not a point on P-256"},
		{"no auth", func(s *notify.Subscription) { s.Keys.Auth = "" }, "keys.auth: must be 16 bytes in base64url"},
		{"bad event", func(s *notify.Subscription) { s.Events = []notify.Type{"request", "fire"} }, `events[1]: unknown notification type "fire"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := notify.Subscription{User: "alice", Endpoint: "https://fcm.googleapis.com/fcm/send/abc:def", Keys: keys}
			tt.edit(&s)
			err := s.Validate()
			switch {
			case tt.want == "" && err != nil:
				t.Errorf("got %v, want no error", err)
			case tt.want != "" && (err == nil || !strings.HasPrefix(err.Error(), tt.want)):
				t.Errorf("got %v, want an error starting %q", err, tt.want)
			case tt.want != "" && !errors.Is(err, notify.ErrBadSubscription) && !errors.Is(err, notify.ErrBadType):
				t.Errorf("got %v, want it to wrap ErrBadSubscription", err)
			}
		})
	}
}

// TestSubscribeReplacesAndForgets: the same endpoint again updates the subscription (same ID, new
// events); for another user it moves there; UnsubscribeUser removes a user's; Unsubscribe refuses another
// user's ID. Events omitted default to requests only.
func TestSubscribeReplacesAndForgets(t *testing.T) {
	dir := t.TempDir()
	key, _, err := notify.LoadVAPIDKey(dir)
	if err != nil {
		t.Fatal(err)
	}
	cfg := fastConfig(dir)
	cfg.VAPID = key
	n := start(t, cfg)
	keys := browserKeys(t)
	a, err := n.Subscribe(notify.Subscription{User: "alice", Endpoint: "https://push.example/1", Keys: keys})
	if err != nil {
		t.Fatal(err)
	}
	if fmt.Sprint(a.Events) != "[request]" {
		t.Errorf("default events = %v, want [request]", a.Events)
	}
	a2, err := n.Subscribe(notify.Subscription{User: "alice", Endpoint: "https://push.example/1", Keys: keys,
		Events: []notify.Type{notify.TypeMotion}})
	if err != nil || a2.ID != a.ID || fmt.Sprint(a2.Events) != "[motion]" {
		t.Fatalf("resubscribe = %+v, %v; want ID %s with [motion]", a2, err, a.ID)
	}
	if err := n.Unsubscribe("bob", a.ID); !errors.Is(err, notify.ErrNoSubscription) {
		t.Errorf("bob unsubscribing alice's: %v, want ErrNoSubscription", err)
	}
	b, err := n.Subscribe(notify.Subscription{User: "bob", Endpoint: "https://push.example/1", Keys: keys})
	if err != nil || b.ID == a.ID {
		t.Fatalf("bob on alice's browser = %+v, %v; want a new subscription", b, err)
	}
	if subs, _ := n.Subscriptions("alice"); len(subs) != 0 {
		t.Errorf("alice still has %+v after bob subscribed her browser", subs)
	}
	if _, err := n.Subscribe(notify.Subscription{User: "bob", Endpoint: "https://push.example/2", Keys: keys}); err != nil {
		t.Fatal(err)
	}
	if subs, _ := n.Subscriptions("bob"); len(subs) != 2 {
		t.Errorf("bob has %d subscriptions, want 2", len(subs))
	}
	for i := 2; i < notify.MaxSubscriptionsPerUser; i++ {
		if _, err := n.Subscribe(notify.Subscription{User: "bob", Endpoint: fmt.Sprint("https://push.example/b", i), Keys: keys}); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := n.Subscribe(notify.Subscription{User: "bob", Endpoint: "https://push.example/one-too-many", Keys: keys}); !errors.Is(err, notify.ErrTooManySubscriptions) {
		t.Errorf("subscription %d: %v, want ErrTooManySubscriptions", notify.MaxSubscriptionsPerUser+1, err)
	}
	if _, err := n.Subscribe(notify.Subscription{User: "bob", Endpoint: "https://push.example/2", Keys: keys,
		Events: []notify.Type{notify.TypeAlert}}); err != nil {
		t.Errorf("updating one of the %d: %v", notify.MaxSubscriptionsPerUser, err)
	}
	if err := n.UnsubscribeUser("bob"); err != nil {
		t.Fatal(err)
	}
	if subs, _ := n.Subscriptions("bob"); len(subs) != 0 {
		t.Errorf("bob has %+v after UnsubscribeUser", subs)
	}
	noPush := start(t, fastConfig(t.TempDir()))
	if _, err := noPush.Subscribe(notify.Subscription{User: "x", Endpoint: "https://push.example/3", Keys: keys}); !errors.Is(err, notify.ErrNoPush) {
		t.Errorf("Subscribe without a VAPID key: %v, want ErrNoPush", err)
	}
}

// TestVAPIDKeyStaysSecret: the key file is 0600 and reloads to the same public key; printing or logging
// the key shows only the public half.
func TestVAPIDKeyStaysSecret(t *testing.T) {
	dir := t.TempDir()
	k, err := notify.CreateVAPIDKey(dir)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := notify.CreateVAPIDKey(dir); !errors.Is(err, os.ErrExist) {
		t.Errorf("second CreateVAPIDKey: %v, want ErrExist (never replace the key)", err)
	}
	fi, err := os.Stat(filepath.Join(dir, notify.VAPIDFile))
	if err != nil || fi.Mode().Perm() != 0o600 {
		t.Fatalf("key file: %v, mode %v; want 0600", err, fi.Mode().Perm())
	}
	k2, created, err := notify.LoadVAPIDKey(dir)
	if err != nil || created || k2.PublicKey() != k.PublicKey() {
		t.Fatalf("LoadVAPIDKey: %v created %v, public %s want %s", err, created, k2.PublicKey(), k.PublicKey())
	}
	if pub, _ := base64.RawURLEncoding.DecodeString(k.PublicKey()); len(pub) != 65 || pub[0] != 4 {
		t.Errorf("public key is %d bytes, want an uncompressed point of 65", len(pub))
	}
	var logs logBuffer
	slog.New(slog.NewJSONHandler(&logs, nil)).Info("key", "k", k)
	printed := fmt.Sprintf("%v %+v %#v %s", k, k, k, k) + logs.String()
	b, _ := os.ReadFile(filepath.Join(dir, notify.VAPIDFile))
	blk, _ := pem.Decode(b)
	priv, err := x509.ParseECPrivateKey(blk.Bytes)
	if err != nil {
		t.Fatal(err)
	}
	raw, _ := priv.Bytes()
	for _, secret := range []string{priv.D.String(), base64.RawURLEncoding.EncodeToString(raw), fmt.Sprintf("%x", raw)} {
		if strings.Contains(printed, secret) {
			t.Errorf("printing the key shows the private key: %s", printed)
		}
	}
	if !strings.Contains(printed, k.PublicKey()) {
		t.Errorf("printing the key does not show the public key: %s", printed)
	}
}

// FuzzSubscription: a subscription as a browser's JSON decodes and validates without panicking; one that
// validates has keys of the right sizes and survives a round trip.
func FuzzSubscription(f *testing.F) {
	keys := browserKeys(f)
	for _, s := range []string{
		`{"endpoint":"https://fcm.googleapis.com/fcm/send/dGVzdA:APA91b","expirationTime":null,"keys":{"p256dh":"` + keys.P256dh + `","auth":"` + keys.Auth + `"}}`,
		`{"endpoint":"https://updates.push.services.mozilla.com/wpush/v2/gAAAAA","keys":{"p256dh":"` + keys.P256dh + `","auth":"` + keys.Auth + `"},"events":["request","motion"]}`,
		`{"endpoint":"https://web.push.apple.com/QGuQ","keys":{"p256dh":"BAAA","auth":"AAAA"}}`,
		`{"endpoint":"http://[::1]:8/x","keys":{"p256dh":"` + keys.P256dh + `","auth":"` + keys.Auth + `=="},"events":[]}`,
		`{"endpoint":"https://h/\r\nx","keys":{}}`, `{}`, `[]`, `null`, `{"events":["fire"]}`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		var s notify.Subscription
		if json.Unmarshal(b, &s) != nil {
			return
		}
		err := s.Validate()
		if err != nil {
			if !errors.Is(err, notify.ErrBadSubscription) && !errors.Is(err, notify.ErrBadType) {
				t.Errorf("Validate error %v wraps neither ErrBadSubscription nor ErrBadType", err)
			}
			return
		}
		p, err1 := base64.RawURLEncoding.DecodeString(strings.TrimRight(strings.NewReplacer("+", "-", "/", "_").Replace(s.Keys.P256dh), "="))
		a, err2 := base64.RawURLEncoding.DecodeString(strings.TrimRight(strings.NewReplacer("+", "-", "/", "_").Replace(s.Keys.Auth), "="))
		if err1 != nil || err2 != nil || len(p) != 65 || len(a) != 16 {
			t.Errorf("valid subscription with keys of %d and %d bytes (%v, %v)", len(p), len(a), err1, err2)
		}
		again, _ := json.Marshal(s)
		var s2 notify.Subscription
		if err := json.Unmarshal(again, &s2); err != nil || s2.Validate() != nil {
			t.Errorf("a valid subscription does not survive a round trip: %s", again)
		}
	})
}
