package notify

import "errors"

// Errors of the package; callers branch on them with errors.Is.
var (
	// ErrBadType is wrapped by errors for a notification type that does not exist.
	ErrBadType = errors.New("unknown notification type")
	// ErrBadQuietHours is wrapped by errors for quiet hours that are not HH:MM-HH:MM.
	ErrBadQuietHours = errors.New("quiet hours must be HH:MM-HH:MM")
	// ErrRejected is wrapped by send errors the receiver will answer the same way however often the job is
	// retried (a 4xx other than 408 and 429): such a job is dropped.
	ErrRejected = errors.New("rejected by the receiver")
	// ErrNoChannel is wrapped by Test's error for a channel name that is not configured.
	ErrNoChannel = errors.New("no such channel")
	// ErrClosed is returned by Notify after Close.
	ErrClosed = errors.New("notifier closed")
)

// Errors of Web Push.
var (
	// ErrBadSubscription is wrapped by errors for a push subscription a browser sent that cannot be used.
	ErrBadSubscription = errors.New("bad push subscription")
	// ErrNoSubscription is returned for a subscription ID the user does not have.
	ErrNoSubscription = errors.New("no such push subscription")
	// ErrTooManySubscriptions is wrapped by Subscribe's error for a user who has MaxSubscriptionsPerUser.
	ErrTooManySubscriptions = errors.New("too many push subscriptions")
	// ErrNoPush is returned by the subscription methods of a Notifier configured without a VAPID key.
	ErrNoPush = errors.New("web push is not set up on this node")
	// ErrGone is wrapped by send errors of a push service that answered 404 or 410: the subscription has
	// expired or the browser unsubscribed, so the subscription and its queue are removed.
	ErrGone = errors.New("push subscription gone")
)
