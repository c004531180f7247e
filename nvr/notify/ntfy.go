package notify

import (
	"bytes"
	"context"
	"mime"
	"net/http"
	"strconv"
	"strings"
)

// ntfy publishes to a topic URL of an ntfy server (docs.ntfy.sh/publish): a POST of the message with
// Title, Priority, Tags and Click headers, or, with a snapshot, a PUT of the JPEG with a Filename header
// and the message in the Message header. Non-ASCII header values are RFC 2047 encoded, which ntfy decodes.
type ntfy struct {
	client *http.Client
	cfg    *ChannelConfig
}

func (c *ntfy) send(ctx context.Context, n *Notification, snapshot []byte) error {
	method, body := http.MethodPost, []byte(n.Message)
	if snapshot != nil {
		method, body = http.MethodPut, snapshot
	}
	req, err := http.NewRequestWithContext(ctx, method, c.cfg.URL, bytes.NewReader(body))
	if err != nil {
		return err
	}
	h := req.Header
	h.Set("Title", encodeHeader(n.Title))
	if snapshot != nil {
		h.Set("Filename", "snapshot.jpg")
		h.Set("Message", encodeHeader(n.Message))
	} else {
		h.Set("Content-Type", "text/plain; charset=utf-8")
	}
	if p := c.priority(n); p > 0 {
		h.Set("Priority", strconv.Itoa(p))
	}
	if tags := append(append([]string(nil), c.cfg.Tags...), string(n.Type)); len(tags) > 0 {
		h.Set("Tags", encodeHeader(strings.Join(tags, ",")))
	}
	if n.Link != "" {
		h.Set("Click", headerSafe(n.Link))
	}
	if len(c.cfg.Secret) > 0 {
		h.Set("Authorization", "Bearer "+headerSafe(strings.TrimSpace(string(c.cfg.Secret))))
	}
	return do(c.client, req)
}

func (c *ntfy) priority(n *Notification) int {
	if c.cfg.Priority > 0 {
		return c.cfg.Priority
	}
	return n.Priority
}

// encodeHeader returns s as one header line, RFC 2047 encoded when it is not plain ASCII.
func encodeHeader(s string) string { return mime.BEncoding.Encode("UTF-8", headerSafe(s)) }
