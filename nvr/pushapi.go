package nvr

import (
	"errors"
	"net/url"

	"github.com/porchlight/porchlight/nvr/notify"
	"github.com/porchlight/porchlight/ui"
)

// pushAPI serves the UI's Web Push routes from the notifier's subscriptions.
type pushAPI struct {
	n   *notify.Notifier
	key *notify.VAPIDKey
}

func (p pushAPI) PublicKey() string { return p.key.PublicKey() }

func (p pushAPI) Subscribe(user string, s ui.PushSubscription) (ui.PushSubscription, error) {
	ns := notify.Subscription{User: user, Endpoint: s.Endpoint}
	if s.Keys != nil {
		ns.Keys = notify.PushKeys{P256dh: s.Keys.P256dh, Auth: s.Keys.Auth}
	}
	if s.Events != nil {
		ns.Events = make([]notify.Type, len(s.Events))
		for i, e := range s.Events {
			ns.Events[i] = notify.Type(e)
		}
	}
	got, err := p.n.Subscribe(ns)
	if err != nil {
		return ui.PushSubscription{}, pushErr(err)
	}
	return uiSubscription(got), nil
}

func (p pushAPI) Subscriptions(user string) ([]ui.PushSubscription, error) {
	subs, err := p.n.Subscriptions(user)
	if err != nil {
		return nil, pushErr(err)
	}
	out := make([]ui.PushSubscription, len(subs))
	for i, s := range subs {
		out[i] = uiSubscription(s)
	}
	return out, nil
}

func (p pushAPI) Unsubscribe(user, id string) error { return pushErr(p.n.Unsubscribe(user, id)) }

func (p pushAPI) UnsubscribeUser(user string) error { return p.n.UnsubscribeUser(user) }

func uiSubscription(s notify.Subscription) ui.PushSubscription {
	ev := make([]string, len(s.Events))
	for i, e := range s.Events {
		ev[i] = string(e)
	}
	return ui.PushSubscription{ID: s.ID, Endpoint: s.Endpoint, Events: ev, Created: s.Created}
}

// pushErr maps the notifier's errors to the API's.
func pushErr(err error) error {
	switch {
	case err == nil:
		return nil
	case errors.Is(err, notify.ErrBadSubscription), errors.Is(err, notify.ErrBadType):
		return ui.WrapError(ui.ErrBadRequest, err)
	case errors.Is(err, notify.ErrNoSubscription):
		return ui.WrapError(ui.ErrNotFound, err)
	case errors.Is(err, notify.ErrTooManySubscriptions):
		return ui.WrapError(ui.ErrConflict, err)
	case errors.Is(err, notify.ErrNoPush):
		return ui.WrapError(ui.ErrUnavailable, err)
	}
	return err
}

// pushContact is the VAPID JWT's sub: http.public_url when it is https (push services write to the
// owner there if a push misbehaves), else an address that names no one.
func pushContact(cfg *Config) string {
	if u, err := url.Parse(cfg.HTTP.PublicURL); err == nil && u.Scheme == "https" && u.Host != "" {
		return u.Scheme + "://" + u.Host
	}
	return "porchlight@porchlight.invalid"
}
