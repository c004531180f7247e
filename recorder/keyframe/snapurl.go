package keyframe

import (
	"context"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/porchlight/porchlight/internal/httpauth"
)

// SnapshotTimeout bounds a whole snapshot fetch (every request and redirect) when the context has no
// earlier deadline.
const SnapshotTimeout = 5 * time.Second

// FetchSnapshot gets a JPEG from a camera's snapshot_url (http or https). Credentials in the URL
// (http://user:pass@host/snap.jpg) answer the camera's challenge, Basic or Digest; they are never sent
// before the camera asks, and never appear in errors. The body must be image/jpeg, a whole JPEG, and at
// most MaxSnapshot bytes. client nil means http.DefaultClient.
func FetchSnapshot(ctx context.Context, client *http.Client, rawURL string) ([]byte, error) {
	u, err := url.Parse(rawURL)
	if err != nil {
		return nil, errors.New("snapshot_url: not a URL") // url's error would quote the password
	}
	if u.Scheme != "http" && u.Scheme != "https" {
		return nil, fmt.Errorf("snapshot_url: scheme must be http or https, got %q", u.Scheme)
	}
	if u.Host == "" {
		return nil, errors.New("snapshot_url: no host")
	}
	if client == nil {
		client = http.DefaultClient
	}
	ctx, cancel := context.WithTimeout(ctx, SnapshotTimeout)
	defer cancel()
	user, pass := u.User.Username(), ""
	if p, ok := u.User.Password(); ok {
		pass = p
	}
	u.User = nil
	where := u.Redacted()

	resp, err := get(ctx, client, u, "")
	if err != nil {
		return nil, fmt.Errorf("snapshot %s: %w", where, err)
	}
	if resp.StatusCode == http.StatusUnauthorized && user != "" {
		auth, aerr := httpauth.Answer(resp.Header.Values("WWW-Authenticate"), user, pass, http.MethodGet, u.RequestURI())
		drain(resp)
		if aerr != nil {
			return nil, fmt.Errorf("snapshot %s: %w", where, aerr)
		}
		if resp, err = get(ctx, client, u, auth); err != nil {
			return nil, fmt.Errorf("snapshot %s: %w", where, err)
		}
	}
	defer drain(resp)
	b, err := readSnapshot(resp.StatusCode, resp.Header.Get("Content-Type"), resp.Body)
	if err != nil {
		return nil, fmt.Errorf("snapshot %s: %w", where, err)
	}
	return b, nil
}

func get(ctx context.Context, client *http.Client, u *url.URL, auth string) (*http.Response, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u.String(), nil)
	if err != nil {
		return nil, err
	}
	req.Header.Set("Accept", "image/jpeg")
	if auth != "" {
		req.Header.Set("Authorization", auth)
	}
	return client.Do(req)
}

// readSnapshot checks a snapshot response: status 200, a JPEG content type, at most MaxSnapshot bytes of
// one whole JPEG.
func readSnapshot(status int, contentType string, body io.Reader) ([]byte, error) {
	if status == http.StatusUnauthorized {
		return nil, errors.New("401 Unauthorized: check the user and password in snapshot_url")
	}
	if status != http.StatusOK {
		return nil, fmt.Errorf("status %d, want 200", status)
	}
	mt, _, err := mime.ParseMediaType(contentType)
	if err != nil || (mt != "image/jpeg" && mt != "image/jpg") {
		return nil, fmt.Errorf("%w: content type %q", ErrNotJPEG, strings.ToValidUTF8(contentType, "?"))
	}
	b, err := io.ReadAll(io.LimitReader(body, MaxSnapshot+1))
	if err != nil {
		return nil, err
	}
	if len(b) > MaxSnapshot {
		return nil, fmt.Errorf("%w (%d bytes)", ErrTooLarge, MaxSnapshot)
	}
	if err := CheckJPEG(b); err != nil {
		return nil, err
	}
	return b, nil
}

// drain reads a little of what is left, so the connection can be reused, and closes the body.
func drain(resp *http.Response) {
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
	resp.Body.Close()
}
