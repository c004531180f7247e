package notify

import (
	"cmp"
	"errors"
	"fmt"
	"slices"
)

// Web Push subscriptions: each is a channel with its own worker and queue bucket, added and removed while
// the notifier runs, and kept in the push bucket of notify.db so they survive restarts. A push service
// that answers 404 or 410 ends the subscription (worker.gone).

// MaxSubscriptionsPerUser bounds a user's subscriptions (devices), each a worker and a queue.
const MaxSubscriptionsPerUser = 20

// Subscribe stores s for s.User and starts its channel. A subscription with the same endpoint (the same
// browser profile subscribing again, perhaps for another user) is replaced: for the same user it keeps
// its ID and queue and takes the new keys and events. Events nil means DefaultPushEvents. It returns
// the subscription as stored.
func (n *Notifier) Subscribe(s Subscription) (Subscription, error) {
	if n.cfg.VAPID == nil {
		return Subscription{}, ErrNoPush
	}
	if err := s.Validate(); err != nil {
		return Subscription{}, err
	}
	if s.Events == nil {
		s.Events = slices.Clone(DefaultPushEvents)
	}
	n.subMu.Lock()
	defer n.subMu.Unlock()
	subs, err := n.q.subscriptions()
	if err != nil {
		return Subscription{}, err
	}
	s.ID, s.Created = newID()[:16], n.cfg.Now().UTC()
	mine := 0
	for _, old := range subs {
		if old.User == s.User && old.Endpoint != s.Endpoint {
			mine++
		}
	}
	if mine >= MaxSubscriptionsPerUser {
		return Subscription{}, fmt.Errorf("%w: %d already; remove one first", ErrTooManySubscriptions, mine)
	}
	for _, old := range subs {
		if old.Endpoint != s.Endpoint {
			continue
		}
		if old.User == s.User {
			s.ID, s.Created = old.ID, old.Created
			if err := n.q.putSubscription(s); err != nil {
				return Subscription{}, err
			}
			n.updateChannel(s)
			return s, nil
		}
		if err := n.unsubscribe(old); err != nil {
			return Subscription{}, err
		}
	}
	if err := n.q.putSubscription(s); err != nil {
		return Subscription{}, err
	}
	n.addWorker(n.pushWorker(s))
	return s, nil
}

// Subscriptions lists the user's subscriptions, oldest first.
func (n *Notifier) Subscriptions(user string) ([]Subscription, error) {
	if n.cfg.VAPID == nil {
		return nil, ErrNoPush
	}
	subs, err := n.q.subscriptions()
	if err != nil {
		return nil, err
	}
	out := []Subscription{}
	for _, s := range subs {
		if s.User == user {
			out = append(out, s)
		}
	}
	slices.SortFunc(out, func(a, b Subscription) int { return cmp.Or(a.Created.Compare(b.Created), cmp.Compare(a.ID, b.ID)) })
	return out, nil
}

// Unsubscribe removes the user's subscription id and its queue (ErrNoSubscription: the user has none
// with that ID).
func (n *Notifier) Unsubscribe(user, id string) error {
	if n.cfg.VAPID == nil {
		return ErrNoPush
	}
	n.subMu.Lock()
	defer n.subMu.Unlock()
	subs, err := n.q.subscriptions()
	if err != nil {
		return err
	}
	for _, s := range subs {
		if s.ID == id && s.User == user {
			return n.unsubscribe(s)
		}
	}
	return ErrNoSubscription
}

// UnsubscribeUser removes every subscription of user (a user or token that was deleted).
func (n *Notifier) UnsubscribeUser(user string) error {
	if n.cfg.VAPID == nil {
		return nil
	}
	n.subMu.Lock()
	defer n.subMu.Unlock()
	subs, err := n.q.subscriptions()
	if err != nil {
		return err
	}
	var errs []error
	for _, s := range subs {
		if s.User == user {
			errs = append(errs, n.unsubscribe(s))
		}
	}
	return errors.Join(errs...)
}

// unsubscribe deletes s and stops and removes its channel; n.subMu is held.
func (n *Notifier) unsubscribe(s Subscription) error {
	if err := n.q.deleteSubscription(s.ID); err != nil {
		return err
	}
	n.removeWorker(s.channelName(), true)
	return n.dropChannel(s.channelName())
}

// pushWorker makes the worker of subscription s.
func (n *Notifier) pushWorker(s Subscription) *worker {
	c := &ChannelConfig{Name: s.channelName(), Kind: KindWebPush, URL: s.Endpoint, Events: pushEvents(s.Events),
		MotionCooldown: n.cfg.PushMotionCooldown}
	w := &worker{n: n, cfg: c, wake: make(chan struct{}, 1), log: n.log.With("channel", c.Name), push: s.ID}
	w.s = &webPush{client: n.cfg.Client, sub: s, key: n.cfg.VAPID, contact: n.cfg.PushContact}
	return w
}

// updateChannel gives the running channel of s its new keys and events.
func (n *Notifier) updateChannel(s Subscription) {
	n.mu.Lock()
	defer n.mu.Unlock()
	for _, w := range n.workers {
		if w.cfg.Name == s.channelName() {
			w.cfg.Events = pushEvents(s.Events)
			w.setSender(&webPush{client: n.cfg.Client, sub: s, key: n.cfg.VAPID, contact: n.cfg.PushContact})
		}
	}
}

// pushEvents is never nil: a ChannelConfig with nil Events takes every type.
func pushEvents(ev []Type) []Type {
	if ev == nil {
		return []Type{}
	}
	return slices.Clone(ev)
}

// gone ends the subscription of w, whose push service said it no longer exists. It runs on w's goroutine:
// it stops w at once and leaves the removal to another goroutine, since whoever holds subMu may be
// waiting for w to stop (Unsubscribe at the same moment).
func (w *worker) gone(cause error) {
	n := w.n
	w.log.Info("push subscription gone: removed", "err", cause)
	if w.cancel != nil {
		w.cancel()
	}
	n.run.wg.Add(1) // w itself is counted, so Run has not stopped waiting
	go func() {
		defer n.run.wg.Done()
		n.subMu.Lock()
		defer n.subMu.Unlock()
		subs, err := n.q.subscriptions()
		if err != nil {
			w.log.Error("remove push subscription", "err", err)
			return
		}
		for _, s := range subs {
			if s.ID == w.push {
				if err := n.unsubscribe(s); err != nil {
					w.log.Error("remove push subscription", "err", err)
				}
			}
		}
	}()
}

// loadSubscriptions makes the workers of the stored subscriptions (New).
func (n *Notifier) loadSubscriptions() error {
	subs, err := n.q.subscriptions()
	if err != nil {
		return err
	}
	for _, s := range subs {
		n.workers = append(n.workers, n.pushWorker(s))
	}
	keep := map[string]bool{}
	for _, w := range n.workers {
		keep[w.cfg.Name] = true // configured channels too, whatever their names
	}
	return n.q.dropOrphanQueues(keep)
}
