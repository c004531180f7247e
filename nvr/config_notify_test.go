package nvr

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/porchlight/porchlight/configs"
	"github.com/porchlight/porchlight/nvr/notify"
	"github.com/porchlight/porchlight/nvr/notify/notifytest"
)

// notifyDoc wraps notify entries (indented by 2) into a document.
func notifyDoc(entries string) string { return "version: 1\nnotify:\n" + entries }

// notifyErrorTests: one entry per rule of the notify block, with the exact error a user sees. FuzzParse
// seeds from them too.
var notifyErrorTests = []struct {
	name string
	yaml string
	want string
}{
	{"ok", notifyDoc("  - {type: ntfy, url: https://ntfy.example/porch}\n  - {type: webhook, url: https://hooks.example/x, secret_file: w.secret}\n"), ""},
	{"all keys", notifyDoc("  - {type: ntfy, name: phone, url: https://ntfy.example/porch, secret_file: t, priority: 4, tags: [house],\n     events: [request, motion], motion_cooldown: 5m, quiet_hours: \"22:00-07:00\"}\n"), ""},
	{"unknown key", notifyDoc("  - {type: ntfy, url: https://ntfy.example/p, topic: x}\n"), "notify[0].topic: unknown key"},
	{"type missing", notifyDoc("  - {url: https://ntfy.example/p}\n"), "notify[0].type: required (ntfy, webhook or email)"},
	{"type unknown", notifyDoc("  - {type: pager, url: https://x.example/p}\n"), `notify[0].type: unknown channel type "pager": must be ntfy, webhook or email`},
	{"email ok", notifyDoc("  - {type: email, smtp: smtp.example:587, username: u, password_file: smtp.pass, from: a@x.example, to: [b@y.example]}\n"), ""},
	{"email all keys", notifyDoc("  - {type: email, name: mail, smtp: smtp.example:465, username: u, password_file: p, from: \"Porch <a@x.example>\",\n     to: [b@y.example, c@y.example], tls: tls, ca_file: ca.pem, user: dana, events: [request]}\n"), ""},
	{"email relay without password", notifyDoc("  - {type: email, smtp: 127.0.0.1:25, from: a@x.example, to: [b@y.example], tls: none}\n"), ""},
	{"email url", notifyDoc("  - {type: email, url: https://x.example/p, smtp: s.example:587, from: a@x.example, to: [b@y.example]}\n"), "notify[0].url: an email channel has none: use smtp, from and to"},
	{"email smtp missing", notifyDoc("  - {type: email, from: a@x.example, to: [b@y.example]}\n"), "notify[0].smtp: missing (host:port of the mail server, e.g. smtp.example:587)"},
	{"email smtp port", notifyDoc("  - {type: email, smtp: smtp.example, from: a@x.example, to: [b@y.example]}\n"), "notify[0].smtp: must be host:port, e.g. smtp.example:587"},
	{"email from", notifyDoc("  - {type: email, smtp: s.example:587, from: nobody, to: [b@y.example]}\n"), `notify[0].from: "nobody" is not an email address`},
	{"email to missing", notifyDoc("  - {type: email, smtp: s.example:587, from: a@x.example}\n"), "notify[0].to: at least one recipient"},
	{"email to bad", notifyDoc("  - {type: email, smtp: s.example:587, from: a@x.example, to: [b@y.example, \"not an address\"]}\n"), `notify[0].to[1]: "not an address" is not an email address`},
	{"email tls", notifyDoc("  - {type: email, smtp: s.example:587, from: a@x.example, to: [b@y.example], tls: ssl}\n"), `notify[0].tls: "ssl" is not starttls, tls or none`},
	{"email clear password", notifyDoc("  - {type: email, smtp: s.example:25, username: u, password_file: p, from: a@x.example, to: [b@y.example], tls: none}\n"), "notify[0].tls: none would send the password in clear text: use starttls or tls"},
	{"email username without password", notifyDoc("  - {type: email, smtp: s.example:587, username: u, from: a@x.example, to: [b@y.example]}\n"), "notify[0].password_file: required with a username (a file holding the SMTP password)"},
	{"email secret_file", notifyDoc("  - {type: email, smtp: s.example:587, secret_file: p, from: a@x.example, to: [b@y.example]}\n"), "notify[0].secret_file: not a key of the email channel type"},
	{"ntfy smtp", notifyDoc("  - {type: ntfy, url: https://n.example/t, smtp: s.example:587}\n"), "notify[0].smtp: not a key of the ntfy channel type"},
	{"webpush in the config", notifyDoc("  - {type: webpush, url: https://x.example/p}\n"), "notify[0].type: webpush channels are not configured here: each browser subscribes itself (Settings → Notifications on this device)"},
	{"url missing", notifyDoc("  - {type: ntfy}\n"), "notify[0].url: missing"},
	{"url scheme, no password echoed", notifyDoc("  - {type: ntfy, url: \"ftp://u:hunter2@h/t\"}\n"), "notify[0].url: scheme must be http or https"},
	{"ntfy topic", notifyDoc("  - {type: ntfy, url: https://ntfy.example/}\n"), "notify[0].url: must name a topic (https://ntfy.example/TOPIC)"},
	{"webhook secret", notifyDoc("  - {type: ntfy, url: https://n.example/t}\n  - {type: webhook, url: https://h.example/x}\n"), "notify[1].secret_file: required for a webhook (a file holding the HMAC key)"},
	{"priority", notifyDoc("  - {type: ntfy, url: https://n.example/t, priority: 9}\n"), "notify[0].priority: must be 1 (min) to 5 (max), or 0 for each notification's own"},
	{"event", notifyDoc("  - {type: ntfy, url: https://n.example/t, events: [motion, cats]}\n"), `notify[0].events[1]: unknown notification type "cats": must be one of request, alert, motion, camera, disk, member`},
	{"events empty", notifyDoc("  - {type: ntfy, url: https://n.example/t, events: []}\n"), "notify[0].events: empty: list the types it takes, or leave the key out for all of them"},
	{"cooldown", notifyDoc("  - {type: ntfy, url: https://n.example/t, motion_cooldown: -1s}\n"), `notify[0].motion_cooldown: invalid duration "-1s" (must not be negative)`},
	{"quiet hours", notifyDoc("  - {type: ntfy, url: https://n.example/t, quiet_hours: \"10pm-7am\"}\n"), `notify[0].quiet_hours: quiet hours must be HH:MM-HH:MM, not "10pm-7am"`},
	{"duplicate name", notifyDoc("  - {type: ntfy, name: a, url: https://n.example/t}\n  - {type: ntfy, name: a, url: https://n.example/u}\n"), `notify[1].name: duplicate name "a"`},
	{"public_url", "version: 1\nhttp: {public_url: \"nvr.example\"}\n", "http.public_url: must be an http or https URL such as https://nvr.example"},
}

func TestNotifyConfigErrors(t *testing.T) {
	for _, tt := range notifyErrorTests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Parse([]byte(tt.yaml))
			if got := errString(err); got != tt.want {
				t.Errorf("Parse error = %q, want %q", got, tt.want)
			}
			if strings.Contains(errString(err), "hunter2") {
				t.Errorf("error leaks the URL's password: %v", err)
			}
		})
	}
}

// TestNotifyConfigDefaults: names, defaults and secrets as the notifier gets them.
func TestNotifyConfigDefaults(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "porchlight.yml")
	doc := notifyDoc("  - {type: ntfy, url: https://n.example/a}\n  - {type: webhook, url: https://h.example/x, secret_file: w.secret}\n" +
		"  - {type: webhook, url: https://h.example/y, secret_file: w.secret, motion_cooldown: 0s, events: [alert]}\n")
	if err := os.WriteFile(path, []byte(doc), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "w.secret"), []byte("s3cret\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	c, err := Load(path)
	if err != nil {
		t.Fatal(err)
	}
	secrets, err := c.readNotifySecrets()
	if err != nil {
		t.Fatal(err)
	}
	chs := c.notifyChannels(secrets)
	if chs[0].Name != "ntfy" || chs[1].Name != "webhook1" || chs[2].Name != "webhook2" {
		t.Errorf("names = %q %q %q, want ntfy webhook1 webhook2", chs[0].Name, chs[1].Name, chs[2].Name)
	}
	if chs[0].MotionCooldown != time.Minute || chs[2].MotionCooldown != 0 {
		t.Errorf("motion cooldowns = %v, %v; want the default 1m and 0", chs[0].MotionCooldown, chs[2].MotionCooldown)
	}
	if string(chs[1].Secret) != "s3cret" || chs[0].Secret != nil {
		t.Errorf("secrets = %q, %q; want none and s3cret (trimmed)", chs[0].Secret, chs[1].Secret)
	}
	if chs[0].Events != nil || len(chs[2].Events) != 1 || chs[2].Events[0] != notify.TypeAlert {
		t.Errorf("events = %v, %v; want all (nil) and [alert]", chs[0].Events, chs[2].Events)
	}
	c.Notify[1].SecretFile = "missing.secret"
	if _, err := c.readNotifySecrets(); err == nil || !strings.HasPrefix(err.Error(), "notify[1].secret_file: ") {
		t.Errorf("missing secret file: error = %v, want one naming notify[1].secret_file", err)
	}
}

// TestShippedNotifyExample: the commented notify block of configs/porchlight.yml, uncommented, is a valid
// config with the keys it documents: what the example shows works.
func TestShippedNotifyExample(t *testing.T) {
	var block []string
	in := false
	for _, l := range strings.Split(string(configs.PorchlightYML), "\n") {
		if strings.HasPrefix(l, "# notify:") {
			in = true
		} else if in && !strings.HasPrefix(l, "#   ") {
			break
		}
		if in {
			block = append(block, strings.TrimPrefix(l, "# "))
		}
	}
	if len(block) < 10 {
		t.Fatalf("no notify example in configs/porchlight.yml (%d lines)", len(block))
	}
	c, err := Parse([]byte("version: 1\n" + strings.Join(block, "\n") + "\n"))
	if err != nil {
		t.Fatalf("the example does not parse: %v\n%s", err, strings.Join(block, "\n"))
	}
	kinds := map[notify.Kind]bool{}
	for _, n := range c.Notify {
		kinds[n.Type] = true
	}
	if !kinds[notify.KindNtfy] || !kinds[notify.KindWebhook] || !kinds[notify.KindEmail] || c.Notify[0].User != "dana" {
		t.Errorf("the example lacks a channel type or the user key: %+v", c.Notify)
	}
}

// TestNotifyEmailFiles: an email channel's password_file and ca_file are read relative to the config
// file; a missing or empty one is an error naming its key, never the password.
func TestNotifyEmailFiles(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "porchlight.yml")
	doc := notifyDoc("  - {type: email, smtp: smtp.example:465, username: u, password_file: smtp.pass, ca_file: ca.pem, from: a@x.example, to: [b@y.example]}\n")
	smtp := notifytest.StartSMTP(t, "tls") // for a real CA file
	ca, _ := os.ReadFile(smtp.CAFile())
	for name, b := range map[string][]byte{"porchlight.yml": []byte(doc), "smtp.pass": []byte("hunter2\n"), "ca.pem": ca} {
		if err := os.WriteFile(filepath.Join(dir, name), b, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	c, err := Load(path)
	if err != nil {
		t.Fatal(err)
	}
	chs, err := c.loadNotifyChannels()
	if err != nil {
		t.Fatal(err)
	}
	e := chs[0].Email
	if string(chs[0].Secret) != "hunter2" || e.RootCAs == nil || e.Mode() != notify.TLSImplicit || chs[0].Name != "email" {
		t.Errorf("channel = %+v, secret %q; want the password, the CA pool and implicit TLS on 465", chs[0], chs[0].Secret)
	}
	for _, tt := range []struct{ file, content, want string }{
		{"ca.pem", "not a certificate", "notify[0].ca_file: " + filepath.Join(dir, "ca.pem") + " holds no PEM certificate"},
		{"smtp.pass", "  \n", "notify[0].password_file: " + filepath.Join(dir, "smtp.pass") + " is empty"},
	} {
		if err := os.WriteFile(filepath.Join(dir, tt.file), []byte(tt.content), 0o600); err != nil {
			t.Fatal(err)
		}
		if _, err := c.loadNotifyChannels(); errString(err) != tt.want {
			t.Errorf("%s %q: error %q, want %q", tt.file, tt.content, errString(err), tt.want)
		}
	}
	if err := os.Remove(filepath.Join(dir, "smtp.pass")); err != nil {
		t.Fatal(err)
	}
	if _, err := c.loadNotifyChannels(); err == nil || !strings.HasPrefix(err.Error(), "notify[0].password_file: ") {
		t.Errorf("missing password file: %v", err)
	}
}
