package nvr_test

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/porchlight/porchlight/internal/testutil"
	"github.com/porchlight/porchlight/nvr"
	"github.com/porchlight/porchlight/nvr/notify/notifytest"
)

// apiJSON performs an authorised request with a JSON body (nil: none) and returns the status and body.
func apiJSON(t testing.TB, base, token, method, path string, body any) (int, []byte) {
	t.Helper()
	var rd io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			t.Fatal(err)
		}
		rd = bytes.NewReader(b)
	}
	req, _ := http.NewRequest(method, base+path, rd)
	req.Header.Set("Authorization", "Bearer "+token)
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, b
}

// TestNotifyChannelsAPI: an admin adds an email channel through the API with its SMTP password; the
// channel works at once (a test notification reaches a real SMTP server over STARTTLS), the config file
// keeps its comments and holds no password, the password is in a 0600 file and never in the API's
// answers or /metrics; a wrong password makes the test fail with 502; a delete removes the entry.
func TestNotifyChannelsAPI(t *testing.T) {
	smtp := notifytest.StartSMTP(t, "starttls")
	res, err := nvr.Init(t.TempDir(), nvr.RoleHousehold, "Elm Street 12")
	if err != nil {
		t.Fatal(err)
	}
	base, _ := runInitNode(t, res, func(b []byte) []byte {
		b = regexp.MustCompile(`(?m)^http:\n`).ReplaceAll(b, []byte("http:\n  public_url: https://nvr.example\n"))
		return append(b, "# my own note about notifications\n"...)
	})
	tokB, _ := os.ReadFile(filepath.Join(res.DataDir, "api.token"))
	tok := strings.TrimSpace(string(tokB))
	ch := map[string]any{"name": "mail", "type": "email", "smtp": smtp.Addr, "username": smtp.User,
		"secret": smtp.Password, "from": "nvr@example.org", "to": []string{"owner@example.org"},
		"ca_file": smtp.CAFile(), "events": []string{"request", "motion"}, "quiet_hours": "22:00-07:00"}

	code, body := apiJSON(t, base, tok, "POST", "/api/v1/notify/channels", ch)
	if code != 201 || !strings.Contains(string(body), `"secret_set":true`) || strings.Contains(string(body), smtp.Password) {
		t.Fatalf("POST channel: %d %s", code, body)
	}
	if code, body := apiJSON(t, base, tok, "POST", "/api/v1/notify/channels", ch); code != 409 {
		t.Errorf("POST the same name again: %d %s, want 409", code, body)
	}
	bad := map[string]any{"name": "bad", "type": "email", "smtp": "nohost", "from": "a@x.example", "to": []string{"b@y.example"}}
	if code, body := apiJSON(t, base, tok, "POST", "/api/v1/notify/channels", bad); code != 400 ||
		!strings.Contains(string(body), "notify[1].smtp: must be host:port") {
		t.Errorf("POST an invalid channel: %d %s, want 400 naming the key", code, body)
	}

	cfg, _ := os.ReadFile(res.ConfigPath)
	if !strings.Contains(string(cfg), "# my own note about notifications") || !strings.Contains(string(cfg), "name: mail") {
		t.Errorf("config file lost its comment or lacks the channel:\n%s", cfg)
	}
	m := regexp.MustCompile(`password_file: (\S+/notify-mail-\w+\.key)`).FindSubmatch(cfg)
	if m == nil || bytes.Contains(cfg, []byte(smtp.Password)) {
		t.Fatalf("config file: password_file missing or password in clear:\n%s", cfg)
	}
	if fi, err := os.Stat(string(m[1])); err != nil || fi.Mode().Perm() != 0o600 {
		t.Errorf("password file %s: %v, mode %v; want 0600", m[1], err, fi)
	}

	// Applied at once: a test notification arrives, linked to the settings view.
	if code, body := apiJSON(t, base, tok, "POST", "/api/v1/notify/channels/mail/test", nil); code != 204 {
		t.Fatalf("test: %d %s", code, body)
	}
	testutil.WaitFor(t, 10*time.Second, "the test mail", func() bool { return len(smtp.Mails(t)) == 1 })
	if raw := smtp.Mails(t)[0].Data; !bytes.Contains(raw, []byte("Subject: Porchlight test notification")) ||
		!bytes.Contains(raw, []byte("https://nvr.example/#/settings")) {
		t.Errorf("test mail:\n%s", raw)
	}

	// The secret is write-only: lists never show it; a change without secret keeps it.
	_, list := apiJSON(t, base, tok, "GET", "/api/v1/notify/channels", nil)
	var got []map[string]any
	if err := json.Unmarshal(list, &got); err != nil || len(got) != 1 || got[0]["secret_set"] != true || got[0]["secret"] != nil {
		t.Errorf("GET channels = %s", list)
	}
	delete(ch, "secret")
	ch["events"] = []string{"request"}
	if code, body := apiJSON(t, base, tok, "PUT", "/api/v1/notify/channels/mail", ch); code != 200 ||
		!strings.Contains(string(body), `"events":["request"]`) || !strings.Contains(string(body), `"secret_set":true`) {
		t.Errorf("PUT without secret: %d %s", code, body)
	}
	if code, body := apiJSON(t, base, tok, "POST", "/api/v1/notify/channels/mail/test", nil); code != 204 {
		t.Errorf("test after a change that kept the secret: %d %s", code, body)
	}

	// A wrong password: the test answers 502 with the server's refusal, not the password.
	ch["secret"] = "wrong-password-zz"
	if code, body := apiJSON(t, base, tok, "PUT", "/api/v1/notify/channels/mail", ch); code != 200 {
		t.Fatalf("PUT a new secret: %d %s", code, body)
	}
	code, body = apiJSON(t, base, tok, "POST", "/api/v1/notify/channels/mail/test", nil)
	if code != 502 || !strings.Contains(string(body), "535") || strings.Contains(string(body), "wrong-password-zz") {
		t.Errorf("test with a wrong password: %d %s, want 502 with the 535 and no password", code, body)
	}
	if _, err := os.Stat(string(m[1])); err == nil {
		t.Errorf("the replaced password file %s is still there", m[1])
	}
	_, metrics := apiGet(t, base, tok, "/metrics")
	cfg, _ = os.ReadFile(res.ConfigPath)
	for _, secret := range []string{smtp.Password, "wrong-password-zz"} {
		if bytes.Contains(metrics, []byte(secret)) || bytes.Contains(cfg, []byte(secret)) {
			t.Errorf("a password is in /metrics or the config file")
		}
	}

	if code, body := apiJSON(t, base, tok, "DELETE", "/api/v1/notify/channels/mail", nil); code != 204 {
		t.Errorf("DELETE: %d %s", code, body)
	}
	if code, _ := apiJSON(t, base, tok, "POST", "/api/v1/notify/channels/mail/test", nil); code != 404 {
		t.Errorf("test of a deleted channel: %d, want 404", code)
	}
	cfg, _ = os.ReadFile(res.ConfigPath)
	if strings.Contains(string(cfg), "name: mail") || !strings.Contains(string(cfg), "# my own note about notifications") {
		t.Errorf("config after delete:\n%s", cfg)
	}
}

// TestNotifyMine: a viewer owns a channel (its user key) and chooses what notifies on it; they see only
// their own channels, and neither another's nor the admin list.
func TestNotifyMine(t *testing.T) {
	nt := notifytest.StartNtfy(t)
	res, err := nvr.Init(t.TempDir(), nvr.RoleHousehold, "Elm Street 12")
	if err != nil {
		t.Fatal(err)
	}
	base, _ := runInitNode(t, res, nil)
	tokB, _ := os.ReadFile(filepath.Join(res.DataDir, "api.token"))
	tok := strings.TrimSpace(string(tokB))
	if code, body := apiJSON(t, base, tok, "POST", "/api/v1/users", map[string]any{"name": "dana", "role": "viewer",
		"password": "dana-password-1"}); code != 201 {
		t.Fatalf("add viewer: %d %s", code, body)
	}
	for _, c := range []map[string]any{
		{"name": "dana-phone", "type": "ntfy", "url": nt.URL + "/dana", "user": "dana"},
		{"name": "house", "type": "ntfy", "url": nt.URL + "/house"},
	} {
		if code, body := apiJSON(t, base, tok, "POST", "/api/v1/notify/channels", c); code != 201 {
			t.Fatalf("add channel: %d %s", code, body)
		}
	}
	if code, body := apiJSON(t, base, tok, "POST", "/api/v1/notify/channels", map[string]any{"name": "x", "type": "ntfy",
		"url": nt.URL + "/x", "user": "nobody"}); code != 400 || !strings.Contains(string(body), `user: \"nobody\" is not a web user`) {
		t.Errorf("owner that is no user: %d %s", code, body)
	}

	viewer := login(t, base, "dana", "dana-password-1")
	code, body := viewer.do("GET", "/api/v1/notify/mine", nil)
	// Request notifications are on by default: a new channel takes every type.
	if code != 200 || !strings.Contains(string(body), `"name":"dana-phone"`) || strings.Contains(string(body), "house") ||
		!strings.Contains(string(body), `"request"`) {
		t.Errorf("GET mine: %d %s", code, body)
	}
	if code, _ := viewer.do("GET", "/api/v1/notify/channels", nil); code != 403 {
		t.Errorf("viewer GET channels: %d, want 403", code)
	}
	if code, _ := viewer.do("PUT", "/api/v1/notify/mine/house", map[string]any{"events": []string{"motion"}}); code != 404 {
		t.Errorf("viewer changes another's channel: %d, want 404", code)
	}
	code, body = viewer.do("PUT", "/api/v1/notify/mine/dana-phone", map[string]any{"events": []string{"request", "alert"},
		"quiet_hours": "23:00-06:30"})
	if code != 200 || !strings.Contains(string(body), `"events":["request","alert"]`) {
		t.Fatalf("viewer PUT mine: %d %s", code, body)
	}
	if code, body := viewer.do("PUT", "/api/v1/notify/mine/dana-phone", map[string]any{"quiet_hours": "late"}); code != 400 ||
		!strings.Contains(string(body), "quiet_hours") {
		t.Errorf("viewer PUT bad quiet hours: %d %s, want 400 naming the key", code, body)
	}
	cfg, _ := os.ReadFile(res.ConfigPath)
	dana := cfg[bytes.Index(cfg, []byte("name: dana-phone")):bytes.Index(cfg, []byte("name: house"))]
	if !regexp.MustCompile(`events:\s+- request\s+- alert\s`).Match(dana) || !bytes.Contains(dana, []byte("quiet_hours: 23:00-06:30")) ||
		!bytes.Contains(dana, []byte("user: dana")) {
		t.Errorf("config after the viewer's change:\n%s", cfg)
	}
}

// session is a logged-in browser-like client: its cookie and CSRF token.
type session struct {
	t            testing.TB
	base, cookie string
	csrf         string
}

func login(t testing.TB, base, user, password string) *session {
	t.Helper()
	b, _ := json.Marshal(map[string]string{"user": user, "password": password})
	resp, err := http.Post(base+"/api/v1/login", "application/json", bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var s struct{ CSRF string }
	if err := json.NewDecoder(resp.Body).Decode(&s); err != nil || resp.StatusCode != 200 {
		t.Fatalf("login %s: %d %v", user, resp.StatusCode, err)
	}
	for _, c := range resp.Cookies() {
		if c.Name == "porchlight_session" {
			return &session{t: t, base: base, cookie: c.Value, csrf: s.CSRF}
		}
	}
	t.Fatal("login set no session cookie")
	return nil
}

func (s *session) do(method, path string, body any) (int, []byte) {
	s.t.Helper()
	var rd io.Reader
	if body != nil {
		b, _ := json.Marshal(body)
		rd = bytes.NewReader(b)
	}
	req, _ := http.NewRequest(method, s.base+path, rd)
	req.AddCookie(&http.Cookie{Name: "porchlight_session", Value: s.cookie})
	req.Header.Set("X-CSRF-Token", s.csrf)
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		s.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, b
}
