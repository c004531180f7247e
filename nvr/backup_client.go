package nvr

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"syscall"

	"github.com/porchlight/porchlight/ui"
)

// httpSnapshot is a database copy streamed by the running node (GET /api/v1/backup/databases/{name}).
type httpSnapshot struct {
	body io.ReadCloser
	size int64
}

func (s httpSnapshot) Size() int64 { return s.size }
func (s httpSnapshot) WriteTo(w io.Writer) (int64, error) {
	n, err := io.Copy(w, s.body)
	if err == nil && n != s.size {
		err = fmt.Errorf("copy cut short: %d of %d bytes", n, s.size)
	}
	return n, err
}
func (s httpSnapshot) Rollback() error { return s.body.Close() }

// nodeRunning says whether the node answers at its HTTP address; false when nothing listens there.
func (c *Client) nodeRunning(ctx context.Context) (bool, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, c.Base+"/healthz", nil)
	if err != nil {
		return false, err
	}
	resp, err := c.HTTP.Do(req)
	if errors.Is(err, syscall.ECONNREFUSED) {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("node at %s: %w", c.Base, err)
	}
	resp.Body.Close()
	return true, nil
}

// snapshots returns the snapshotFunc that asks the running node for each database; a database it does
// not hold (404) is errNoSnapshot, to be opened read-only.
func (c *Client) snapshots(ctx context.Context) snapshotFunc {
	return func(name string, recordings bool) (ui.DatabaseSnapshot, error) {
		u := c.Base + "/api/v1/backup/databases/" + url.PathEscape(name) + "?recordings=" + strconv.FormatBool(recordings)
		req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
		if err != nil {
			return nil, err
		}
		req.Header.Set("Authorization", "Bearer "+c.Token)
		resp, err := c.HTTP.Do(req)
		if err != nil {
			return nil, fmt.Errorf("is the node running? %w", err)
		}
		switch {
		case resp.StatusCode == http.StatusNotFound:
			resp.Body.Close()
			return nil, errNoSnapshot
		case resp.StatusCode != http.StatusOK:
			defer resp.Body.Close()
			return nil, apiError(resp)
		}
		size, err := strconv.ParseInt(resp.Header.Get("Content-Length"), 10, 64)
		if err != nil || size < 0 {
			resp.Body.Close()
			return nil, fmt.Errorf("the node sent %s without a Content-Length", name)
		}
		return httpSnapshot{body: resp.Body, size: size}, nil
	}
}

// noSnapshots is the snapshotFunc when the node is not running: every database is opened read-only.
func noSnapshots(string, bool) (ui.DatabaseSnapshot, error) { return nil, errNoSnapshot }
