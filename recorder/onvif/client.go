package onvif

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/porchlight/porchlight/internal/httpauth"
)

// MaxResponse caps a SOAP response (a camera's GetProfiles with every profile is some tens of kB).
const MaxResponse = 1 << 20

// DefaultTimeout bounds one request when Client.Timeout is zero.
const DefaultTimeout = 10 * time.Second

// Client speaks SOAP 1.2 to one ONVIF device. Fields may be set before the first call.
type Client struct {
	HTTP    *http.Client     // nil = http.DefaultClient
	Timeout time.Duration    // per request (a PullMessages waits its timeout on top); 0 = DefaultTimeout
	Now     func() time.Time // nil = time.Now

	device     *url.URL // the device service, without credentials
	user, pass string
	skew       time.Duration // camera clock minus ours
}

// NewClient returns a client of the device service at deviceURL (http or https, usually
// http://HOST/onvif/device_service). Credentials in the URL are used when user is empty; they never leave
// in the URL itself, only in the WS-Security header (or an HTTP challenge's answer).
func NewClient(deviceURL, user, pass string) (*Client, error) {
	u, err := url.Parse(strings.TrimSpace(deviceURL))
	if err != nil {
		return nil, errors.New("onvif: device URL does not parse")
	}
	if u.Scheme != "http" && u.Scheme != "https" {
		return nil, errors.New("onvif: device URL: scheme must be http or https")
	}
	if u.Hostname() == "" {
		return nil, errors.New("onvif: device URL: no host")
	}
	if user == "" && u.User != nil {
		user = u.User.Username()
		pass, _ = u.User.Password()
	}
	u.User = nil
	if u.Path == "" {
		u.Path = "/onvif/device_service"
	}
	return &Client{device: u, user: user, pass: pass}, nil
}

// Device returns the device service URL, without credentials.
func (c *Client) Device() string { return c.device.String() }

// Skew returns the camera's clock minus ours, as SyncClock measured it.
func (c *Client) Skew() time.Duration { return c.skew }

func (c *Client) now() time.Time {
	if c.Now != nil {
		return c.Now()
	}
	return time.Now()
}

// SyncClock asks the camera's time (GetSystemDateAndTime, which needs no credentials) so that the
// security header's Created is one the camera accepts. A camera that does not tell keeps a skew of zero.
func (c *Client) SyncClock(ctx context.Context) error {
	var r dateResponse
	if err := c.call(ctx, c.device, reqDate, "", false, &r); err != nil {
		return fmt.Errorf("onvif GetSystemDateAndTime: %w", err)
	}
	if t := r.time(); !t.IsZero() {
		c.skew = t.Sub(c.now())
	}
	return nil
}

// at returns the service address ref reached where the device answered (see the package doc).
func (c *Client) at(ref string) (*url.URL, error) {
	u, err := url.Parse(strings.TrimSpace(ref))
	if err != nil || u.Path == "" || (u.Scheme != "" && u.Scheme != "http" && u.Scheme != "https") {
		return nil, fmt.Errorf("onvif: bad service address %q", oneLine(ref))
	}
	if u.Host == "" || u.Hostname() != c.device.Hostname() {
		u.Scheme = c.device.Scheme
		u.Host = c.rehost(u, c.device.Host)
	}
	u.User = nil
	return u, nil
}

// media returns a stream or snapshot URI reached where the device answered, with the device's
// credentials when it has none of its own.
func (c *Client) media(ref string, schemes ...string) (string, error) {
	u, err := url.Parse(strings.TrimSpace(ref))
	if err != nil || u.Host == "" {
		return "", fmt.Errorf("onvif: bad media URI %q", oneLine(ref))
	}
	ok := false
	for _, s := range schemes {
		ok = ok || strings.EqualFold(u.Scheme, s)
	}
	if !ok {
		return "", fmt.Errorf("onvif: media URI %q: scheme must be %s", oneLine(u.Redacted()), strings.Join(schemes, " or "))
	}
	if u.Hostname() != c.device.Hostname() {
		host := c.device.Hostname()
		if strings.Contains(host, ":") {
			host = "[" + host + "]" // an IPv6 address
		}
		u.Host = c.rehost(u, host)
	}
	if u.User == nil && c.user != "" {
		u.User = url.UserPassword(c.user, c.pass)
	}
	return u.String(), nil
}

// rehost is u's port on the device's host; without a port, fallback.
func (c *Client) rehost(u *url.URL, fallback string) string {
	if p := u.Port(); p != "" {
		return net.JoinHostPort(c.device.Hostname(), p)
	}
	return fallback
}

// call posts a request of body (an element on one line) with extra header elements to u and decodes the
// response Body into out (nil: ignore it). secure adds the UsernameToken when there is a user.
func (c *Client) call(ctx context.Context, u *url.URL, body, header string, secure bool, out any) error {
	return c.callWait(ctx, u, body, header, secure, out, 0)
}

// callWait is call whose request may take wait longer than the timeout (a PullMessages).
func (c *Client) callWait(ctx context.Context, u *url.URL, body, header string, secure bool, out any, wait time.Duration) error {
	hdr := header
	if secure && c.user != "" {
		hdr = c.security() + hdr
	}
	msg := envelope(hdr, body)
	resp, err := c.post(ctx, u, msg, "", wait)
	if err != nil {
		return err
	}
	if resp.StatusCode == http.StatusUnauthorized && c.user != "" {
		auth, aerr := httpauth.Answer(resp.Header.Values("WWW-Authenticate"), c.user, c.pass, http.MethodPost, u.RequestURI())
		drain(resp)
		if aerr != nil {
			return fmt.Errorf("onvif %s: %w", u.Redacted(), aerr)
		}
		if resp, err = c.post(ctx, u, msg, auth, wait); err != nil {
			return err
		}
	}
	defer drain(resp)
	b, err := io.ReadAll(io.LimitReader(resp.Body, MaxResponse+1))
	if err != nil {
		return fmt.Errorf("onvif %s: %w", u.Redacted(), err)
	}
	if len(b) > MaxResponse {
		return fmt.Errorf("%w (%d bytes)", ErrTooLarge, MaxResponse)
	}
	perr := parseResponse(b, out)
	var f *Fault
	switch {
	case errors.As(perr, &f):
		return perr
	case resp.StatusCode == http.StatusUnauthorized:
		return ErrUnauthorized
	case resp.StatusCode != http.StatusOK:
		return fmt.Errorf("onvif %s: HTTP status %d", u.Redacted(), resp.StatusCode)
	}
	return perr
}

func (c *Client) post(ctx context.Context, u *url.URL, msg, auth string, wait time.Duration) (*http.Response, error) {
	client := c.HTTP
	if client == nil {
		client = http.DefaultClient
	}
	timeout := c.Timeout
	if timeout <= 0 {
		timeout = DefaultTimeout
	}
	ctx, cancel := context.WithTimeout(ctx, timeout+wait)
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, u.String(), strings.NewReader(msg))
	if err != nil {
		cancel()
		return nil, err
	}
	req.Header.Set("Content-Type", "application/soap+xml; charset=utf-8")
	if auth != "" {
		req.Header.Set("Authorization", auth)
	}
	resp, err := client.Do(req)
	if err != nil {
		cancel()
		return nil, fmt.Errorf("onvif: %w", err)
	}
	resp.Body = &cancelBody{ReadCloser: resp.Body, cancel: cancel}
	return resp, nil
}

// cancelBody ends the request's context with the body.
type cancelBody struct {
	io.ReadCloser
	cancel context.CancelFunc
}

func (b *cancelBody) Close() error { err := b.ReadCloser.Close(); b.cancel(); return err }

func drain(resp *http.Response) {
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
	resp.Body.Close()
}
