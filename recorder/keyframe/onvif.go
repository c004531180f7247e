package keyframe

import (
	"context"
	"crypto/rand"
	"crypto/sha1"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// maxSOAP caps an ONVIF response (a camera's GetProfiles with every profile is some tens of kB).
const maxSOAP = 1 << 20

// ONVIF asks a camera for its snapshot URI over ONVIF, at the device service of the camera URL's host.
type ONVIF struct {
	Client *http.Client     // nil = http.DefaultClient
	Port   int              // device service port; 0 = 80
	Now    func() time.Time // nil = time.Now
}

// SnapshotURI finds the snapshot URI of the camera whose RTSP URL is cameraURL: GetSystemDateAndTime (the
// camera's clock, so the security header's Created time is one it accepts), GetCapabilities (or, when
// the camera refuses it, GetServices) for the media service, GetProfiles for the first profile, then
// GetSnapshotUri. Requests carry a WS-Security UsernameToken digest of the URL's credentials, and answer
// an HTTP Basic or Digest challenge too (some cameras ask for both). The URI returned carries the same
// credentials when it is on the camera's host, ready for FetchSnapshot. Errors never show the password.
func (o ONVIF) SnapshotURI(ctx context.Context, cameraURL string) (string, error) {
	cu, err := url.Parse(cameraURL)
	if err != nil || cu.Hostname() == "" {
		return "", errors.New("camera url: no host to ask over ONVIF")
	}
	port := o.Port
	if port == 0 {
		port = 80
	}
	dev := &url.URL{Scheme: "http", Host: net.JoinHostPort(cu.Hostname(), strconv.Itoa(port)), Path: "/onvif/device_service"}
	c := &soapClient{o: o, user: cu.User.Username()}
	c.pass, _ = cu.User.Password()

	if env, err := c.call(ctx, dev, reqDate, false); err == nil {
		if t := env.deviceTime(); !t.IsZero() {
			c.skew = t.Sub(o.now())
		}
	}
	media, err := c.mediaService(ctx, dev)
	if err != nil {
		return "", err
	}
	env, err := c.call(ctx, media, reqProfiles, true)
	if err != nil {
		return "", fmt.Errorf("onvif GetProfiles: %w", err)
	}
	if len(env.Body.Profiles.Profiles) == 0 || env.Body.Profiles.Profiles[0].Token == "" {
		return "", fmt.Errorf("%w (no media profile)", ErrNoSnapshotURI)
	}
	token := env.Body.Profiles.Profiles[0].Token
	env, err = c.call(ctx, media, fmt.Sprintf(reqSnapshot, escape(token)), true)
	if err != nil {
		return "", fmt.Errorf("onvif GetSnapshotUri: %w", err)
	}
	su, err := url.Parse(strings.TrimSpace(env.Body.Snapshot.URI))
	if err != nil || (su.Scheme != "http" && su.Scheme != "https") || su.Host == "" {
		return "", fmt.Errorf("%w (got %q)", ErrNoSnapshotURI, oneLine(env.Body.Snapshot.URI))
	}
	if su.User == nil && c.user != "" && su.Hostname() == cu.Hostname() {
		su.User = url.UserPassword(c.user, c.pass)
	}
	return su.String(), nil
}

func (o ONVIF) now() time.Time {
	if o.Now != nil {
		return o.Now()
	}
	return time.Now()
}

// mediaService finds the media service's address: GetCapabilities, else GetServices.
func (c *soapClient) mediaService(ctx context.Context, dev *url.URL) (*url.URL, error) {
	env, err := c.call(ctx, dev, reqCaps, true)
	addr := ""
	if err == nil {
		addr = env.Body.Caps.MediaXAddr
	}
	if addr == "" {
		env, err2 := c.call(ctx, dev, reqServices, true)
		if err2 != nil {
			if err == nil {
				err = err2
			}
			return nil, fmt.Errorf("onvif GetCapabilities: %w", err)
		}
		for _, s := range env.Body.Services.Service {
			if strings.TrimSpace(s.Namespace) == mediaNamespace {
				addr = s.XAddr
			}
		}
	}
	xa, err := url.Parse(strings.TrimSpace(addr))
	if addr == "" || err != nil || xa.Path == "" {
		return nil, fmt.Errorf("%w (no media service)", ErrNoSnapshotURI)
	}
	// Cameras report their own idea of their address (often a LAN address behind a NAT or a stale DHCP
	// lease): keep the path, reach it where the device service answered.
	return &url.URL{Scheme: dev.Scheme, Host: dev.Host, Path: xa.Path, RawQuery: xa.RawQuery}, nil
}

// soapClient posts SOAP 1.2 requests with WS-Security.
type soapClient struct {
	o          ONVIF
	user, pass string
	skew       time.Duration // camera clock minus ours
}

func (c *soapClient) call(ctx context.Context, u *url.URL, body string, secure bool) (*envelope, error) {
	msg := soapOpen
	if secure && c.user != "" {
		msg += c.security()
	}
	msg += `<s:Body>` + body + `</s:Body>` + soapClose
	resp, err := c.post(ctx, u, msg, "")
	if err != nil {
		return nil, err
	}
	if resp.StatusCode == http.StatusUnauthorized && c.user != "" {
		auth, aerr := answer(resp.Header.Values("WWW-Authenticate"), c.user, c.pass, http.MethodPost, u.RequestURI())
		drain(resp)
		if aerr != nil {
			return nil, aerr
		}
		if resp, err = c.post(ctx, u, msg, auth); err != nil {
			return nil, err
		}
	}
	defer drain(resp)
	b, err := io.ReadAll(io.LimitReader(resp.Body, maxSOAP+1))
	if err != nil {
		return nil, err
	}
	if len(b) > maxSOAP {
		return nil, fmt.Errorf("onvif: %w (%d bytes)", ErrTooLarge, maxSOAP)
	}
	env, err := parseEnvelope(b)
	if err != nil {
		var f *soapFault
		if resp.StatusCode != http.StatusOK && !errors.As(err, &f) {
			return nil, fmt.Errorf("onvif: HTTP status %d", resp.StatusCode)
		}
		return nil, err
	}
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("onvif: HTTP status %d", resp.StatusCode)
	}
	return env, nil
}

func (c *soapClient) post(ctx context.Context, u *url.URL, msg, auth string) (*http.Response, error) {
	client := c.o.Client
	if client == nil {
		client = http.DefaultClient
	}
	ctx, cancel := context.WithTimeout(ctx, SnapshotTimeout)
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
		return nil, fmt.Errorf("onvif %s: %w", u.Redacted(), err)
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

func (c *soapClient) security() string {
	nonce := make([]byte, 16)
	_, _ = rand.Read(nonce)
	created := c.o.now().Add(c.skew).UTC().Format("2006-01-02T15:04:05.000Z")
	return fmt.Sprintf(securityHeader, escape(c.user), passwordDigest(nonce, created, c.pass),
		base64.StdEncoding.EncodeToString(nonce), created)
}

// passwordDigest is WS-Security's Base64(SHA1(nonce + created + password)).
func passwordDigest(nonce []byte, created, pass string) string {
	h := sha1.New()
	h.Write(nonce)
	h.Write([]byte(created))
	h.Write([]byte(pass))
	return base64.StdEncoding.EncodeToString(h.Sum(nil))
}
