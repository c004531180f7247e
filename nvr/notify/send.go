package notify

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
)

// sender hands one notification to a receiver. snapshot is the event's JPEG, or nil.
type sender interface {
	send(ctx context.Context, n *Notification, snapshot []byte) error
}

// do sends req and checks the answer. Errors never carry the URL (it may hold a token or be a secret
// topic): a transport error keeps only its cause; a status is reported with its code.
func do(client *http.Client, req *http.Request) error {
	resp, err := client.Do(req)
	if err != nil {
		if ue := (*url.Error)(nil); errors.As(err, &ue) {
			err = ue.Err
		}
		return fmt.Errorf("%s: %w", req.Method, err)
	}
	defer resp.Body.Close()
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
	if resp.StatusCode/100 == 2 {
		return nil
	}
	err = fmt.Errorf("%s: status %s", req.Method, resp.Status)
	if resp.StatusCode/100 == 4 && resp.StatusCode != http.StatusRequestTimeout && resp.StatusCode != http.StatusTooManyRequests {
		return fmt.Errorf("%w: %w", ErrRejected, err)
	}
	return err
}

// headerSafe makes s one header line.
func headerSafe(s string) string {
	return strings.NewReplacer("\r", " ", "\n", " ").Replace(s)
}
