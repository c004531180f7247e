package ui

import (
	"fmt"
	"net/http"
	"slices"
)

// MyChannel is what a user may see and choose of a channel they own: what notifies on it. Where it
// sends (a URL, addresses) stays with the admins.
type MyChannel struct {
	Name           string   `json:"name"`
	Type           string   `json:"type"`
	Events         []string `json:"events"`
	MotionCooldown string   `json:"motion_cooldown"`
	QuietHours     string   `json:"quiet_hours"`
}

// myChannelChange is the body of PUT /api/v1/notify/mine/{name}; absent fields keep their values.
type myChannelChange struct {
	Events         []string `json:"events"`
	MotionCooldown *string  `json:"motion_cooldown"`
	QuietHours     *string  `json:"quiet_hours"`
}

// listMyChannels lists the channels the caller owns (the config's user key); none without a NotifyAdmin.
func (s *Server) listMyChannels(w http.ResponseWriter, r *http.Request) {
	out := []MyChannel{}
	if s.NotifyAdmin != nil {
		me := principalFrom(r.Context()).user
		for _, c := range s.NotifyAdmin.NotifyChannels() {
			if c.User == me {
				out = append(out, MyChannel{Name: c.Name, Type: c.Type, Events: c.Events,
					MotionCooldown: c.MotionCooldown, QuietHours: c.QuietHours})
			}
		}
	}
	writeJSON(w, http.StatusOK, out)
}

// changeMyChannel lets the owner of a channel, viewer or admin, choose what notifies on it. Another's
// channel is answered 404, as if it did not exist.
func (s *Server) changeMyChannel(w http.ResponseWriter, r *http.Request) {
	name := r.PathValue("name")
	var ch myChannelChange
	if !s.hasNotifyAdmin(w) || !readJSON(w, r, &ch) {
		return
	}
	me := principalFrom(r.Context()).user
	err := s.NotifyAdmin.EditNotify(func(chans []NotifyChannel) ([]NotifyChannel, error) {
		i := findChannel(chans, name)
		if i < 0 || chans[i].User != me {
			return nil, fmt.Errorf("channel %q: %w", name, ErrNotFound)
		}
		out := slices.Clone(chans)
		c := &out[i]
		if ch.Events != nil {
			c.Events = ch.Events
		}
		if ch.MotionCooldown != nil {
			c.MotionCooldown = *ch.MotionCooldown
		}
		if ch.QuietHours != nil {
			c.QuietHours = *ch.QuietHours
		}
		return out, nil
	})
	if err != nil {
		s.writeErr(w, err)
		return
	}
	for _, c := range s.NotifyAdmin.NotifyChannels() {
		if c.Name == name {
			writeJSON(w, http.StatusOK, MyChannel{Name: c.Name, Type: c.Type, Events: c.Events,
				MotionCooldown: c.MotionCooldown, QuietHours: c.QuietHours})
			return
		}
	}
	w.WriteHeader(http.StatusNoContent)
}
