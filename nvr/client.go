package nvr

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/porchlight/porchlight/ui"
)

// Client talks to a running node's HTTP API with the token from its data dir. CLI subcommands that act
// on a running node use it.
type Client struct {
	Base  string // e.g. http://127.0.0.1:7480, or http://127.0.0.1:7480/nvr with http.base_path
	Token string
	HTTP  *http.Client
}

// NewClient returns a client for the node that cfg describes.
func NewClient(cfg *Config) (*Client, error) {
	token, err := ui.ReadToken(cfg.DataDir())
	if err != nil {
		return nil, fmt.Errorf("api token: %w", err)
	}
	host, port, err := net.SplitHostPort(cfg.HTTP.Listen)
	if err != nil {
		return nil, fmt.Errorf("http.listen: %w", err)
	}
	if ip := net.ParseIP(host); host == "" || (ip != nil && ip.IsUnspecified()) {
		host = "127.0.0.1" // listening on every address: loopback reaches it
	}
	if !cfg.HTTP.TLS {
		return &Client{Base: "http://" + net.JoinHostPort(host, port) + cfg.HTTP.basePath(), Token: token, HTTP: &http.Client{}}, nil
	}
	// HTTPS: trust the node's own certificate (self-signed or given) besides the system's roots.
	certFile := cfg.resolve(cfg.HTTP.TLSCert)
	if certFile == "" {
		certFile = filepath.Join(cfg.DataDir(), ui.SelfSignedCertFile)
	}
	pem, err := os.ReadFile(certFile)
	if err != nil {
		return nil, fmt.Errorf("http.tls: %w", err)
	}
	pool, err := x509.SystemCertPool()
	if err != nil {
		pool = x509.NewCertPool()
	}
	pool.AppendCertsFromPEM(pem)
	tr := &http.Transport{TLSClientConfig: &tls.Config{RootCAs: pool, MinVersion: tls.VersionTLS12}}
	return &Client{Base: "https://" + net.JoinHostPort(host, port) + cfg.HTTP.basePath(), Token: token, HTTP: &http.Client{Transport: tr}}, nil
}

// get performs an authorised GET and returns the response when its status is 2xx; otherwise an error that
// carries the API's message.
func (c *Client) get(ctx context.Context, path string, q url.Values) (*http.Response, error) {
	u := c.Base + path
	if len(q) > 0 {
		u += "?" + q.Encode()
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return nil, err
	}
	req.Header.Set("Authorization", "Bearer "+c.Token)
	resp, err := c.HTTP.Do(req)
	if err != nil {
		return nil, fmt.Errorf("is the node running? %w", err)
	}
	if resp.StatusCode/100 != 2 {
		defer resp.Body.Close()
		return nil, apiError(resp)
	}
	return resp, nil
}

// apiError turns a non-2xx answer into an error with the API's message.
func apiError(resp *http.Response) error {
	var e struct {
		Error string `json:"error"`
	}
	b, _ := io.ReadAll(io.LimitReader(resp.Body, 4096))
	if json.Unmarshal(b, &e) != nil || e.Error == "" {
		e.Error = strings.TrimSpace(string(b))
	}
	return fmt.Errorf("%s: %s", resp.Status, e.Error)
}

// Export streams an MP4 of [start, end) of a camera into w and returns the bytes written.
func (c *Client) Export(ctx context.Context, camera string, start, end time.Time, w io.Writer) (int64, error) {
	q := url.Values{"start": {start.Format(time.RFC3339Nano)}, "end": {end.Format(time.RFC3339Nano)}}
	return c.download(ctx, "/api/v1/cameras/"+url.PathEscape(camera)+"/export.mp4", q, w)
}

// download streams the body of an authorised GET into w and checks it against Content-Length.
func (c *Client) download(ctx context.Context, path string, q url.Values, w io.Writer) (int64, error) {
	resp, err := c.get(ctx, path, q)
	if err != nil {
		return 0, err
	}
	defer resp.Body.Close()
	n, err := io.Copy(w, resp.Body)
	if err == nil && resp.ContentLength >= 0 && n != resp.ContentLength {
		err = fmt.Errorf("download cut short: %d of %d bytes", n, resp.ContentLength)
	}
	return n, err
}
