package ui

import (
	"net/http"
	"time"
)

// Push is the node's Web Push side: the VAPID public key browsers subscribe with and the subscriptions,
// each of one caller (a user, or "token:<id>" for an API token) and one device. Implementations return
// ErrBadRequest for a subscription that cannot be used and ErrNotFound for an ID the user has not.
type Push interface {
	PublicKey() string
	Subscribe(user string, s PushSubscription) (PushSubscription, error)
	Subscriptions(user string) ([]PushSubscription, error)
	Unsubscribe(user, id string) error
	// UnsubscribeUser removes every subscription of a deleted user or revoked token.
	UnsubscribeUser(user string) error
}

// PushSubscription is a browser's push subscription as the API takes and lists it. Keys are taken, never
// listed; ExpirationTime (which PushSubscription.toJSON() sends) is accepted and ignored.
type PushSubscription struct {
	ID             string    `json:"id,omitempty"`
	Endpoint       string    `json:"endpoint"`
	Keys           *PushKeys `json:"keys,omitempty"`
	ExpirationTime *float64  `json:"expirationTime,omitempty"`
	// Events are the notification types this device shows: request, alert, motion, camera, disk, member.
	// Omitted when subscribing: request only.
	Events  []string  `json:"events"`
	Created time.Time `json:"created,omitzero"`
}

// PushKeys are a subscription's keys in base64url: the browser's P-256 public key and its auth secret.
type PushKeys struct {
	P256dh string `json:"p256dh"`
	Auth   string `json:"auth"`
}

// pushKeyResponse is GET /api/v1/push/key.
type pushKeyResponse struct {
	PublicKey string `json:"public_key"` // the applicationServerKey, base64url
}

// push returns the node's Push, or answers 503 and returns nil when it has none.
func (s *Server) push(w http.ResponseWriter) Push {
	if s.Push == nil {
		writeError(w, http.StatusServiceUnavailable, "web push is not enabled on this node")
	}
	return s.Push
}

func (s *Server) pushKey(w http.ResponseWriter, r *http.Request) {
	if p := s.push(w); p != nil {
		writeJSON(w, http.StatusOK, pushKeyResponse{PublicKey: p.PublicKey()})
	}
}

func (s *Server) listPushSubscriptions(w http.ResponseWriter, r *http.Request) {
	p := s.push(w)
	if p == nil {
		return
	}
	subs, err := p.Subscriptions(principalFrom(r.Context()).user)
	if err != nil {
		s.writeErr(w, err)
		return
	}
	for i := range subs {
		subs[i].Keys = nil
	}
	writeJSON(w, http.StatusOK, subs)
}

// addPushSubscription stores the caller's subscription for this device; the same endpoint again replaces
// its events.
func (s *Server) addPushSubscription(w http.ResponseWriter, r *http.Request) {
	p := s.push(w)
	if p == nil {
		return
	}
	var req PushSubscription
	if !readJSON(w, r, &req) {
		return
	}
	if req.Keys == nil {
		s.writeErr(w, Errorf(ErrBadRequest, "keys: missing"))
		return
	}
	req.ID, req.Created, req.ExpirationTime = "", time.Time{}, nil
	sub, err := p.Subscribe(principalFrom(r.Context()).user, req)
	if err != nil {
		s.writeErr(w, err)
		return
	}
	sub.Keys = nil
	writeJSON(w, http.StatusCreated, sub)
}

func (s *Server) deletePushSubscription(w http.ResponseWriter, r *http.Request) {
	p := s.push(w)
	if p == nil {
		return
	}
	if err := p.Unsubscribe(principalFrom(r.Context()).user, r.PathValue("id")); err != nil {
		s.writeErr(w, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

// forgetPush removes the push subscriptions of a deleted user or revoked token; a failure is logged, not
// answered: the user or token is gone either way.
func (s *Server) forgetPush(user string) {
	if s.Push == nil {
		return
	}
	if err := s.Push.UnsubscribeUser(user); err != nil {
		s.Logger.Error("remove push subscriptions", "user", user, "err", err)
	}
}
