// Package notify tells the owner what happened: it queues notifications durably and hands each to the
// owner's channels (ntfy, webhook, email, and each browser's Web Push subscription). It owns the queue,
// the channels, the push subscriptions and the rules that choose what notifies; it has no HTTP server and
// knows nothing of cameras or neighborhoods: nvr turns events, alerts, requests and camera states into
// Notifications and calls Notify, and hands it a new set of channels (SetChannels) when the admin edits
// them.
//
//	nvr trigger ─► Notify ─► rules per channel ─► bbolt queue (a bucket per channel) ─► worker per channel ─► ntfy / webhook / email
//	               (events, cooldown, quiet hours)   one job per notification × channel     retries with backoff
//
// # Delivery
//
// Each notification × channel is a job in the channel's bucket of notify.db in the data dir, written
// (fsynced) before Notify returns, so a job survives a restart until the channel takes it. A worker per
// channel sends its jobs in order; a failed send is retried with capped, jittered exponential backoff, so
// a channel that is down holds only its own jobs. A job older than MaxAge (24 h) is dropped, as is the
// oldest job of a channel whose queue holds MaxQueue jobs, and a job the receiver refuses for good (a 4xx
// other than 408 and 429); every drop is counted in porchlight_notify_dropped_total.
//
// SetChannels swaps channels while the notifier runs: an unchanged channel keeps its worker, a changed one
// gets a new worker on the same bucket (its waiting jobs stay), a removed one's bucket is dropped and its
// jobs counted as dropped. Test sends one notification straight to a channel, past rules and queue.
//
// # Email
//
// An email channel sends through an SMTP submission server with go-mail, a connection per mail: STARTTLS
// (required, never opportunistic) or implicit TLS, the certificate always verified (against RootCAs or the
// system's roots), then AUTH when a username is set. A failed login is retried like a server that is down;
// a sender or recipient refused for good (5xx) is ErrRejected.
//
// # Web Push
//
// With a VAPID key (vapid.key in the data dir, made at init), browsers subscribe (Subscribe: the Push
// API's endpoint and keys, for one user, with the types that device shows). Each subscription is a channel
// of its own, "push-<id>", added and removed while the notifier runs and kept in notify.db's push bucket;
// SetChannels leaves them alone. webpush-go encrypts each payload for the subscription (RFC 8291,
// aes128gcm) and signs a VAPID JWT (RFC 8292); a push service that answers 404 or 410 ends the
// subscription and its queue.
//
// # Secrets
//
// A channel's secret (the webhook's HMAC key, an ntfy access token, the SMTP password) is read by nvr from
// the channel's secret_file or password_file and handed over as bytes; the VAPID private key prints and
// logs as its public key. None is ever logged, and send errors name the channel, not the URL (a topic URL
// is itself a password on a public ntfy server; a push endpoint is the address of a device).
package notify
