package notify

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"

	webpush "github.com/SherClockHolmes/webpush-go"
)

// KindWebPush is the transport of a browser's push subscription. Such channels are not configured: each
// comes from a subscription (Subscribe).
const KindWebPush Kind = "webpush"

// PushPayload is the JSON a push carries, encrypted for the subscription (RFC 8291, aes128gcm); the web
// app's service worker shows it. Nothing in it is footage: Image is the URL of the owner's own event
// snapshot, which needs a login to fetch.
type PushPayload struct {
	ID    string    `json:"id"` // equal across retries: a tag the service worker replaces repeats with
	Type  Type      `json:"type"`
	Title string    `json:"title"`
	Body  string    `json:"body"`
	URL   string    `json:"url,omitempty"`   // the view to open after login
	Image string    `json:"image,omitempty"` // the event's snapshot URL, when it has one
	Time  time.Time `json:"time"`
}

// Bounds keep the encrypted payload within one 4096-byte record.
const (
	maxPushTitle = 200
	maxPushBody  = 1500
)

// pushTTL is how long a push service keeps a push for a device that is offline: the queue's MaxAge.
const pushTTL = 24 * time.Hour

// webPush sends to one subscription with webpush-go: payload encryption per RFC 8291 and the VAPID JWT
// (RFC 8292, ES256, aud = the endpoint's origin, exp 12 h ahead, sub = the contact).
type webPush struct {
	client  *http.Client
	sub     Subscription
	key     *VAPIDKey
	contact string // https URL or e-mail address
}

func (c *webPush) send(ctx context.Context, n *Notification, snapshot []byte) error {
	p := PushPayload{ID: n.ID, Type: n.Type, Title: truncate(n.Title, maxPushTitle), Body: truncate(n.Message, maxPushBody),
		URL: n.Link, Time: n.Time}
	if n.EventID != 0 && snapshot != nil {
		p.Image = snapshotURL(n.Link, n.EventID)
	}
	body, err := json.Marshal(p)
	if err != nil {
		return err
	}
	urgency := webpush.UrgencyNormal
	switch {
	case n.Priority >= 4:
		urgency = webpush.UrgencyHigh
	case n.Priority > 0 && n.Priority <= 2:
		urgency = webpush.UrgencyLow
	}
	resp, err := webpush.SendNotificationWithContext(ctx, body, &webpush.Subscription{Endpoint: c.sub.Endpoint,
		Keys: webpush.Keys{P256dh: c.sub.Keys.P256dh, Auth: c.sub.Keys.Auth}}, &webpush.Options{
		HTTPClient: c.client, Subscriber: c.contact, TTL: int(pushTTL / time.Second), Urgency: urgency,
		VAPIDPublicKey: c.key.PublicKey(), VAPIDPrivateKey: c.key.privateKey()})
	if err != nil {
		if ue := (*url.Error)(nil); errors.As(err, &ue) {
			err = ue.Err // never the endpoint: it is the device's address
		}
		return fmt.Errorf("POST: %w", err)
	}
	defer resp.Body.Close()
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
	switch {
	case resp.StatusCode/100 == 2:
		return nil
	case resp.StatusCode == http.StatusNotFound || resp.StatusCode == http.StatusGone:
		return fmt.Errorf("%w: %w: POST: status %s", ErrGone, ErrRejected, resp.Status)
	case resp.StatusCode/100 == 4 && resp.StatusCode != http.StatusRequestTimeout && resp.StatusCode != http.StatusTooManyRequests:
		return fmt.Errorf("%w: POST: status %s", ErrRejected, resp.Status)
	}
	return fmt.Errorf("POST: status %s", resp.Status)
}

// snapshotURL is the URL of an event's snapshot under the UI base of link (link is BASE/#/view?...).
func snapshotURL(link string, eventID uint64) string {
	base, _, ok := strings.Cut(link, "/#/")
	if !ok {
		return ""
	}
	return fmt.Sprintf("%s/api/v1/events/%d/snapshot.jpg", base, eventID)
}

// truncate cuts s to at most n bytes at a rune boundary, marking the cut with an ellipsis.
func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	cut := n - len("…")
	for cut > 0 && (s[cut]&0xc0) == 0x80 {
		cut--
	}
	return s[:cut] + "…"
}
