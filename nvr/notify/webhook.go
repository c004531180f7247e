package notify

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"net/http"
	"strconv"
	"time"
)

// Headers of a webhook delivery. The signature is HMAC-SHA256 with the channel's secret over
// "<timestamp>.<body>", so a receiver that checks it and refuses old timestamps refuses replays too.
const (
	SignatureHeader = "X-Porchlight-Signature" // sha256=<hex>
	TimestampHeader = "X-Porchlight-Timestamp" // Unix seconds of this attempt
	DeliveryHeader  = "X-Porchlight-Delivery"  // the notification's ID, equal across retries
)

// WebhookBody is the JSON a webhook receives.
type WebhookBody struct {
	Notification
	Timestamp int64  `json:"timestamp"`          // equal to the timestamp header
	Snapshot  []byte `json:"snapshot,omitempty"` // the event's JPEG (base64 in JSON), when it has one
}

// webhook POSTs signed JSON.
type webhook struct {
	client *http.Client
	cfg    *ChannelConfig
	now    func() time.Time
}

func (c *webhook) send(ctx context.Context, n *Notification, snapshot []byte) error {
	ts := c.now().Unix()
	body, err := json.Marshal(WebhookBody{Notification: *n, Timestamp: ts, Snapshot: snapshot})
	if err != nil {
		return err
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, c.cfg.URL, bytes.NewReader(body))
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set(TimestampHeader, strconv.FormatInt(ts, 10))
	req.Header.Set(DeliveryHeader, n.ID)
	req.Header.Set(SignatureHeader, Sign(c.cfg.Secret, ts, body))
	return do(c.client, req)
}

// Sign returns the signature header value of body sent at ts: sha256=<hex HMAC-SHA256 of "ts.body">.
func Sign(secret []byte, ts int64, body []byte) string {
	m := hmac.New(sha256.New, secret)
	m.Write(strconv.AppendInt(nil, ts, 10))
	m.Write([]byte{'.'})
	m.Write(body)
	return "sha256=" + hex.EncodeToString(m.Sum(nil))
}
