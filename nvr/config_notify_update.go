package nvr

import (
	"errors"
	"fmt"

	"go.yaml.in/yaml/v3"
)

// updateNotify replaces the notify list of the config file at path with list, keeping the rest of the
// file byte for byte, comments included; an entry that keeps its name keeps its comments and key order.
// The new document must pass Parse, or the file is left as it was.
func updateNotify(path string, list []NotifyConfig) (*Config, error) {
	return updateConfigFile(path, "notify", func(src []byte) ([]byte, error) {
		var oldNames []string
		if old, err := Parse(src); err == nil {
			for _, c := range old.notifyChannels(nil) {
				oldNames = append(oldNames, c.Name)
			}
		}
		names := (&Config{Notify: list}).notifyChannels(nil)
		entries := make([]listEntry, len(list))
		for i, n := range list {
			entries[i] = listEntry{name: names[i].Name, value: n}
		}
		return setList(src, "notify", entries, func(i int, _ *yaml.Node) string {
			if i < len(oldNames) {
				return oldNames[i]
			}
			return ""
		})
	})
}

// errConfigWritten is wrapped by ApplyNotify's error when the config file was written before it failed.
var errConfigWritten = errors.New("the config file was written")

// ApplyNotify makes list the node's notification channels: it checks them as the config file is
// checked and reads their secret and CA files, then writes them to the config file (comments kept) and
// hands them to the running notifier. Nothing changes on an error before the file is written.
func (n *Node) ApplyNotify(list []NotifyConfig) error {
	n.camMu.Lock() // one writer of the config file
	defer n.camMu.Unlock()
	if n.cfg.Path == "" {
		return fmt.Errorf("apply notify: the node's config was not loaded from a file")
	}
	next := *n.cfg
	next.Notify = list
	if err := next.Validate(); err != nil {
		return invalidConfig{err}
	}
	chans, err := next.loadNotifyChannels()
	if err != nil {
		return invalidConfig{err}
	}
	cfg, err := updateNotify(n.cfg.Path, list)
	if err != nil {
		return err
	}
	n.cfg.Notify = cfg.Notify
	if err := n.notes.n.SetChannels(chans); err != nil {
		return fmt.Errorf("apply notify: %w, but: %w", errConfigWritten, err)
	}
	return nil
}
