package nvr

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"sync"

	"github.com/porchlight/porchlight/internal/atomicfile"
	"github.com/porchlight/porchlight/nvr/notify"
	"github.com/porchlight/porchlight/ui"
)

// notifyAdmin adapts the node's notification channels to what the HTTP API needs (ui.NotifyAdmin).
type notifyAdmin struct {
	n  *Node
	mu sync.Mutex // serialises EditNotify: read, edit and ApplyNotify as one step
}

// secretFilePrefix starts the names of the secret files the API writes into the data dir
// (notify-<channel>-<random>.key: *.key files there are kept at mode 0600, see checkSecretModes).
const secretFilePrefix = "notify-"

// channelName is what a channel added through the API may be called: it names its secret file.
var channelName = regexp.MustCompile(`^[A-Za-z0-9_-]{1,64}$`)

func (a *notifyAdmin) configured() []NotifyConfig {
	a.n.camMu.Lock()
	defer a.n.camMu.Unlock()
	return slices.Clone(a.n.cfg.Notify)
}

// NotifyChannels returns the configured channels with their effective names and no secrets. A channel
// that takes every type lists them all.
func (a *notifyAdmin) NotifyChannels() []ui.NotifyChannel {
	list := a.configured()
	named := (&Config{Notify: list}).notifyChannels(nil)
	out := make([]ui.NotifyChannel, len(list))
	for i, c := range list {
		events := c.Events
		if events == nil {
			events = notify.Types
		}
		q, _ := c.QuietHours.MarshalText()
		out[i] = ui.NotifyChannel{Name: named[i].Name, Type: string(c.Type), URL: c.URL, Priority: c.Priority,
			Tags: c.Tags, Events: typeNames(events), MotionCooldown: c.MotionCooldown.String(), QuietHours: string(q),
			User: c.User, SMTP: c.SMTP, Username: c.Username, From: c.From, To: c.To, TLS: string(c.TLS),
			CAFile: c.CAFile, SecretSet: c.SecretFile != "" || c.PasswordFile != ""}
	}
	return out
}

func typeNames(ts []notify.Type) []string {
	out := make([]string, len(ts))
	for i, t := range ts {
		out[i] = string(t)
	}
	return out
}

// EditNotify applies edit to the channels, turns the answer into notify entries (a channel that keeps
// its name keeps its secret file unless it sets or clears the secret; a new secret is written to a new
// file in the data dir first), and applies them with ApplyNotify. Errors name the key.
func (a *notifyAdmin) EditNotify(edit func([]ui.NotifyChannel) ([]ui.NotifyChannel, error)) error {
	a.mu.Lock()
	defer a.mu.Unlock()
	old := a.configured()
	oldNames := (&Config{Notify: old}).notifyChannels(nil)
	next, err := edit(a.NotifyChannels())
	if err != nil {
		return err
	}
	list := make([]NotifyConfig, len(next))
	var written, replaced []string // secret files written now; API-written ones they replace
	undo := func() {
		for _, f := range written {
			_ = os.Remove(f)
		}
	}
	for i, c := range next {
		nc := DefaultNotify()
		j := slices.IndexFunc(oldNames, func(o notify.ChannelConfig) bool { return o.Name == c.Name })
		if j >= 0 {
			nc = old[j]
		} else if !channelName.MatchString(c.Name) {
			undo()
			return invalidConfig{fmt.Errorf("notify[%d].name: 1 to 64 letters, digits, _ or -", i)}
		}
		if err := fromAPI(&nc, c); err != nil {
			undo()
			return invalidConfig{fmt.Errorf("notify[%d].%w", i, err)}
		}
		file := nc.SecretFile + nc.PasswordFile
		switch {
		case c.ClearSecret:
			file = ""
		case c.Secret != "":
			f, err := a.writeSecret(c.Name, c.Secret)
			if err != nil {
				undo()
				return err
			}
			written = append(written, f)
			if a.ownSecretFile(file) {
				replaced = append(replaced, file)
			}
			file = f
		}
		nc.SecretFile, nc.PasswordFile = "", ""
		if nc.Type == notify.KindEmail {
			nc.PasswordFile = file
		} else {
			nc.SecretFile = file
		}
		list[i] = nc
	}
	if err := a.n.ApplyNotify(list); err != nil {
		if errors.Is(err, errConfigWritten) {
			return err // the file names the new secret files: keep them
		}
		undo()
		return err
	}
	for _, f := range replaced {
		_ = os.Remove(f)
	}
	return nil
}

// fromAPI sets the keys of nc that the API shows from c; errors start with the key.
func fromAPI(nc *NotifyConfig, c ui.NotifyChannel) error {
	if err := nc.Type.UnmarshalText([]byte(c.Type)); err != nil {
		return fmt.Errorf("type: %w", err)
	}
	nc.Name, nc.User = c.Name, c.User
	nc.Events = nil
	if len(c.Events) == 0 && c.Events != nil {
		return fmt.Errorf("events: choose at least one (or delete the channel)")
	}
	for k, e := range c.Events {
		var t notify.Type
		if err := t.UnmarshalText([]byte(e)); err != nil {
			return fmt.Errorf("events[%d]: %w", k, err)
		}
		nc.Events = append(nc.Events, t)
	}
	if len(nc.Events) == len(notify.Types) && !slices.ContainsFunc(notify.Types, func(t notify.Type) bool {
		return !slices.Contains(nc.Events, t)
	}) {
		nc.Events = nil // all of them: the key is left out
	}
	if c.MotionCooldown != "" {
		if err := nc.MotionCooldown.UnmarshalText([]byte(c.MotionCooldown)); err != nil {
			return fmt.Errorf("motion_cooldown: %w", err)
		}
	}
	if err := nc.QuietHours.UnmarshalText([]byte(c.QuietHours)); err != nil {
		return fmt.Errorf("quiet_hours: %w", err)
	}
	nc.URL, nc.Priority, nc.Tags = "", 0, nil
	nc.SMTP, nc.Username, nc.From, nc.To, nc.TLS, nc.CAFile = "", "", "", nil, "", ""
	if nc.Type == notify.KindEmail {
		nc.SMTP, nc.Username, nc.From, nc.To, nc.CAFile = c.SMTP, c.Username, c.From, nilIfEmpty(c.To), c.CAFile
		if err := nc.TLS.UnmarshalText([]byte(c.TLS)); err != nil {
			return fmt.Errorf("tls: %w", err)
		}
		return nil
	}
	nc.URL, nc.Tags = c.URL, nilIfEmpty(c.Tags)
	if nc.Type == notify.KindNtfy {
		nc.Priority = c.Priority
	}
	return nil
}

// nilIfEmpty returns nil for an empty list: the config file leaves the key out either way.
func nilIfEmpty(s []string) []string {
	if len(s) == 0 {
		return nil
	}
	return s
}

// writeSecret writes a channel's new secret to a new file in the data dir (0600) and returns its path.
func (a *notifyAdmin) writeSecret(name, secret string) (string, error) {
	if strings.TrimSpace(secret) == "" {
		return "", invalidConfig{fmt.Errorf("secret: empty")}
	}
	f := filepath.Join(a.n.cfg.DataDir(), secretFilePrefix+name+"-"+strings.ToLower(rand.Text()[:8])+".key")
	if err := atomicfile.WriteFile(f, []byte(secret+"\n"), 0o600); err != nil {
		return "", fmt.Errorf("write the secret of channel %q: %w", name, err)
	}
	return f, nil
}

// ownSecretFile reports whether f is a secret file the API wrote (in the data dir, named by it): only
// those are removed when replaced; a file the admin named in the config stays.
func (a *notifyAdmin) ownSecretFile(f string) bool {
	if f == "" {
		return false
	}
	p := a.n.cfg.resolve(f)
	return filepath.Dir(p) == filepath.Clean(a.n.cfg.DataDir()) && strings.HasPrefix(filepath.Base(p), secretFilePrefix) &&
		strings.HasSuffix(p, ".key")
}

// TestNotify sends a test notification to the channel at once, linked to the settings view.
func (a *notifyAdmin) TestNotify(ctx context.Context, name string) error {
	err := a.n.notes.n.Test(ctx, name, notify.Notification{Type: notify.TypeTest, Title: "Porchlight test notification",
		Message: fmt.Sprintf("Channel %s works: Porchlight's notifications reach you here.", name),
		Link:    a.n.notes.link("settings", nil)})
	if errors.Is(err, notify.ErrNoChannel) {
		return ui.WrapError(ui.ErrNotFound, err)
	}
	return err
}
