package nvr

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/porchlight/porchlight/nvr/notify"
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
	{"type missing", notifyDoc("  - {url: https://ntfy.example/p}\n"), "notify[0].type: required (ntfy or webhook)"},
	{"type unknown", notifyDoc("  - {type: pager, url: https://x.example/p}\n"), `notify[0].type: unknown channel type "pager": must be ntfy or webhook`},
	{"type not yet", notifyDoc("  - {type: email, url: https://x.example/p}\n"), "notify[0].type: email channels are not in this build yet: use ntfy or webhook"},
	{"webpush in the config", notifyDoc("  - {type: webpush, url: https://x.example/p}\n"), "notify[0].type: webpush channels are not configured here: each browser subscribes itself (Settings → Notifications on this device)"},
	{"url missing", notifyDoc("  - {type: ntfy}\n"), "notify[0].url: missing"},
	{"url scheme, no password echoed", notifyDoc("  - {type: ntfy, url: \"ftp://u:hunter2@h/t\"}\n"), "notify[0].url: scheme must be http or https"},
	{"ntfy topic", notifyDoc("  - {type: ntfy, url: https://ntfy.example/}\n"), "notify[0].url: must name a topic (https://ntfy.example/TOPIC)"},
	{"webhook secret", notifyDoc("  - {type: ntfy, url: https://n.example/t}\n  - {type: webhook, url: https://h.example/x}\n"), "notify[1].secret_file: required for a webhook (a file holding the HMAC key)"},
	{"priority", notifyDoc("  - {type: ntfy, url: https://n.example/t, priority: 9}\n"), "notify[0].priority: must be 1 (min) to 5 (max), or 0 for each notification's own"},
	{"event", notifyDoc("  - {type: ntfy, url: https://n.example/t, events: [motion, cats]}\n"), `notify[0].events[1]: unknown notification type "cats": must be one of request, alert, motion, camera, disk, member`},
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
