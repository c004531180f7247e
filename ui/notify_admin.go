package ui

import (
	"context"
	"fmt"
	"net/http"
	"slices"
)

// NotifyChannel is a notification channel as the API shows and takes it (the config file's notify
// entry). Its secret (webhook HMAC key, ntfy token, SMTP password) is write-only: Secret sets a new one
// and is never answered; SecretSet says whether one is configured.
type NotifyChannel struct {
	Name           string   `json:"name"`
	Type           string   `json:"type"` // ntfy, webhook or email
	URL            string   `json:"url,omitempty"`
	Priority       int      `json:"priority,omitempty"`
	Tags           []string `json:"tags,omitempty"`
	Events         []string `json:"events"`          // the types it takes; all of them when absent
	MotionCooldown string   `json:"motion_cooldown"` // Go duration, e.g. "1m"
	QuietHours     string   `json:"quiet_hours"`     // HH:MM-HH:MM or ""
	User           string   `json:"user,omitempty"`  // the web user who owns it; "": the admins
	SMTP           string   `json:"smtp,omitempty"`
	Username       string   `json:"username,omitempty"`
	From           string   `json:"from,omitempty"`
	To             []string `json:"to,omitempty"`
	TLS            string   `json:"tls,omitempty"`
	CAFile         string   `json:"ca_file,omitempty"`
	SecretSet      bool     `json:"secret_set"`
	Secret         string   `json:"secret,omitempty"`       // write-only: a new secret
	ClearSecret    bool     `json:"clear_secret,omitempty"` // write-only: remove the secret
}

// NotifyAdmin is what the API needs to manage the notification channels.
type NotifyAdmin interface {
	// NotifyChannels returns the configured channels, without secrets.
	NotifyChannels() []NotifyChannel
	// EditNotify calls edit with the configured channels and makes its answer the configuration (written
	// to the config file and applied at once), with no other edit in between. A channel keeps its secret
	// unless it sets Secret or ClearSecret. An error of edit is returned as is; an invalid configuration
	// is an error matching ErrBadRequest whose message names the key.
	EditNotify(edit func([]NotifyChannel) ([]NotifyChannel, error)) error
	// TestNotify sends a test notification to the named channel at once and returns its answer.
	TestNotify(ctx context.Context, name string) error
}

func (s *Server) listNotifyChannels(w http.ResponseWriter, r *http.Request) {
	if !s.hasNotifyAdmin(w) {
		return
	}
	writeJSON(w, http.StatusOK, s.NotifyAdmin.NotifyChannels())
}

func (s *Server) addNotifyChannel(w http.ResponseWriter, r *http.Request) {
	var c NotifyChannel
	if !s.hasNotifyAdmin(w) || !readJSON(w, r, &c) || !s.checkOwner(w, c.User) {
		return
	}
	err := s.NotifyAdmin.EditNotify(func(chans []NotifyChannel) ([]NotifyChannel, error) {
		if c.Name == "" {
			return nil, requestError("name: required")
		}
		if findChannel(chans, c.Name) >= 0 {
			return nil, fmt.Errorf("channel %q: %w", c.Name, ErrExists)
		}
		return append(chans, c), nil
	})
	s.writeChannelResult(w, http.StatusCreated, c.Name, err)
}

// replaceNotifyChannel replaces a channel's settings; its secret stays unless the body sets or clears it.
func (s *Server) replaceNotifyChannel(w http.ResponseWriter, r *http.Request) {
	name := r.PathValue("name")
	var c NotifyChannel
	if !s.hasNotifyAdmin(w) || !readJSON(w, r, &c) || !s.checkOwner(w, c.User) {
		return
	}
	if c.Name != "" && c.Name != name {
		writeError(w, http.StatusBadRequest, "name: channels cannot be renamed (delete it and add a new one)")
		return
	}
	c.Name = name
	err := s.NotifyAdmin.EditNotify(func(chans []NotifyChannel) ([]NotifyChannel, error) {
		i := findChannel(chans, name)
		if i < 0 {
			return nil, fmt.Errorf("channel %q: %w", name, ErrNotFound)
		}
		out := slices.Clone(chans)
		out[i] = c
		return out, nil
	})
	s.writeChannelResult(w, http.StatusOK, name, err)
}

// deleteNotifyChannel removes a channel; notifications waiting for it are dropped (and counted).
func (s *Server) deleteNotifyChannel(w http.ResponseWriter, r *http.Request) {
	name := r.PathValue("name")
	if !s.hasNotifyAdmin(w) {
		return
	}
	err := s.NotifyAdmin.EditNotify(func(chans []NotifyChannel) ([]NotifyChannel, error) {
		i := findChannel(chans, name)
		if i < 0 {
			return nil, fmt.Errorf("channel %q: %w", name, ErrNotFound)
		}
		return slices.Delete(slices.Clone(chans), i, i+1), nil
	})
	if err != nil {
		s.writeErr(w, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

// testNotifyChannel sends a test notification and answers 204, or 502 with the channel's error.
func (s *Server) testNotifyChannel(w http.ResponseWriter, r *http.Request) {
	name := r.PathValue("name")
	if !s.hasNotifyAdmin(w) {
		return
	}
	if findChannel(s.NotifyAdmin.NotifyChannels(), name) < 0 {
		writeError(w, http.StatusNotFound, fmt.Sprintf("channel %q: not found", name))
		return
	}
	if err := s.NotifyAdmin.TestNotify(r.Context(), name); err != nil {
		writeError(w, http.StatusBadGateway, err.Error())
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

// checkOwner answers 400 unless user is "" or a web user.
func (s *Server) checkOwner(w http.ResponseWriter, user string) bool {
	if user == "" {
		return true
	}
	doc, err := loadUsers(s.DataDir)
	if err != nil {
		s.writeErr(w, err)
		return false
	}
	if !slices.ContainsFunc(doc.Users, func(u User) bool { return u.Name == user }) {
		writeError(w, http.StatusBadRequest, fmt.Sprintf("user: %q is not a web user", user))
		return false
	}
	return true
}

// hasNotifyAdmin answers 501 when the server was built without notification management.
func (s *Server) hasNotifyAdmin(w http.ResponseWriter) bool {
	if s.NotifyAdmin == nil {
		writeError(w, http.StatusNotImplemented, "notification channels are not managed on this node")
		return false
	}
	return true
}

// writeChannelResult answers the named channel as configured now (no secret) with code, or the error.
func (s *Server) writeChannelResult(w http.ResponseWriter, code int, name string, err error) {
	if err != nil {
		s.writeErr(w, err)
		return
	}
	chans := s.NotifyAdmin.NotifyChannels()
	if i := findChannel(chans, name); i >= 0 {
		writeJSON(w, code, chans[i])
		return
	}
	w.WriteHeader(code)
}

func findChannel(chans []NotifyChannel, name string) int {
	return slices.IndexFunc(chans, func(c NotifyChannel) bool { return c.Name == name })
}
