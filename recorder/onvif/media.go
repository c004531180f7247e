package onvif

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
)

// Profile is a media profile with its stream and snapshot URIs (credentials of the client added when
// the URI has none; "" when the device gave none).
type Profile struct {
	Token       string `json:"token"`
	Name        string `json:"name"`
	Encoding    string `json:"encoding,omitempty"` // H264, H265, JPEG…
	Width       int    `json:"width,omitempty"`
	Height      int    `json:"height,omitempty"`
	StreamURI   string `json:"stream_uri,omitempty"`
	SnapshotURI string `json:"snapshot_uri,omitempty"`
}

// maxProfiles bounds the profiles asked for URIs: each costs two requests.
const maxProfiles = 16

// profilesResponse is GetProfiles's.
type profilesResponse struct {
	Profiles []struct {
		Token   string `xml:"token,attr"`
		Name    string `xml:"Name"`
		Encoder *struct {
			Encoding   string `xml:"Encoding"`
			Resolution struct {
				Width  int `xml:"Width"`
				Height int `xml:"Height"`
			} `xml:"Resolution"`
		} `xml:"VideoEncoderConfiguration"`
	} `xml:"Body>GetProfilesResponse>Profiles"`
}

// ListProfiles lists the media profiles of the media service at media (GetProfiles), largest picture
// first, without their URIs.
func (c *Client) ListProfiles(ctx context.Context, media string) ([]Profile, error) {
	mu, err := c.service(media, ErrNoMedia)
	if err != nil {
		return nil, err
	}
	var r profilesResponse
	if err := c.call(ctx, mu, reqProfiles, "", true, &r); err != nil {
		return nil, fmt.Errorf("onvif GetProfiles: %w", err)
	}
	var out []Profile
	for _, p := range r.Profiles {
		if strings.TrimSpace(p.Token) == "" || len(out) == maxProfiles {
			continue
		}
		pr := Profile{Token: p.Token, Name: oneLine(p.Name)}
		if e := p.Encoder; e != nil {
			pr.Encoding, pr.Width, pr.Height = oneLine(e.Encoding), max(e.Resolution.Width, 0), max(e.Resolution.Height, 0)
		}
		out = append(out, pr)
	}
	if len(out) == 0 {
		return nil, ErrNoMedia
	}
	slices.SortStableFunc(out, func(a, b Profile) int { return cmp.Compare(b.Width*b.Height, a.Width*a.Height) })
	return out, nil
}

// StreamURI asks the RTSP URI (RTP-Unicast) of profile token.
func (c *Client) StreamURI(ctx context.Context, media, token string) (string, error) {
	mu, err := c.service(media, ErrNoMedia)
	if err != nil {
		return "", err
	}
	var r struct {
		URI string `xml:"Body>GetStreamUriResponse>MediaUri>Uri"`
	}
	if err := c.call(ctx, mu, fmt.Sprintf(reqStream, escape(token)), "", true, &r); err != nil {
		return "", fmt.Errorf("onvif GetStreamUri: %w", err)
	}
	return c.media(r.URI, "rtsp", "rtsps")
}

// SnapshotURI asks the JPEG snapshot URI (http or https) of profile token.
func (c *Client) SnapshotURI(ctx context.Context, media, token string) (string, error) {
	mu, err := c.service(media, ErrNoMedia)
	if err != nil {
		return "", err
	}
	var r struct {
		URI string `xml:"Body>GetSnapshotUriResponse>MediaUri>Uri"`
	}
	if err := c.call(ctx, mu, fmt.Sprintf(reqSnapshot, escape(token)), "", true, &r); err != nil {
		return "", fmt.Errorf("onvif GetSnapshotUri: %w", err)
	}
	return c.media(r.URI, "http", "https")
}

// Profiles is ListProfiles with each profile's stream and snapshot URIs; a URI the device refuses stays
// "" (wrong credentials still fail).
func (c *Client) Profiles(ctx context.Context, media string) ([]Profile, error) {
	out, err := c.ListProfiles(ctx, media)
	if err != nil {
		return nil, err
	}
	for i := range out {
		u, err := c.StreamURI(ctx, media, out[i].Token)
		if errors.Is(err, ErrUnauthorized) {
			return nil, err
		}
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		out[i].StreamURI = u
		if u, err := c.SnapshotURI(ctx, media, out[i].Token); err == nil {
			out[i].SnapshotURI = u
		}
	}
	return out, nil
}

// Camera is what Inspect learns of a device: who made it, its profiles, and the URLs a camera config
// takes (main and sub stream, snapshot; "" when absent).
type Camera struct {
	Device      string     `json:"device"` // the device service URL, without credentials
	Info        DeviceInfo `json:"info"`
	Profiles    []Profile  `json:"profiles"`
	MainURL     string     `json:"main_url"`
	SubURL      string     `json:"sub_url,omitempty"`
	SnapshotURL string     `json:"snapshot_url,omitempty"`
	Events      bool       `json:"events"` // the device has an events service (PullPoint)
}

// Inspect asks everything a camera config needs: SyncClock, DeviceInformation, Services, Profiles. The
// main stream is the largest profile with a stream URI, the sub stream the next smaller one; the
// snapshot URL is the main profile's (else any profile's).
func (c *Client) Inspect(ctx context.Context) (*Camera, error) {
	if err := c.SyncClock(ctx); err != nil {
		var f *Fault
		if !errors.As(err, &f) { // a device that refuses it still answers the rest
			return nil, err
		}
	}
	info, err := c.DeviceInformation(ctx)
	if err != nil {
		return nil, err
	}
	svc, err := c.Services(ctx)
	if err != nil {
		return nil, err
	}
	profiles, err := c.Profiles(ctx, svc.Media)
	if err != nil {
		return nil, err
	}
	cam := &Camera{Device: c.Device(), Info: info, Profiles: profiles, Events: svc.Events != ""}
	for _, p := range profiles {
		switch {
		case p.StreamURI == "":
		case cam.MainURL == "":
			cam.MainURL, cam.SnapshotURL = p.StreamURI, p.SnapshotURI
		case cam.SubURL == "" && p.StreamURI != cam.MainURL:
			cam.SubURL = p.StreamURI
		}
	}
	if cam.MainURL == "" {
		return nil, fmt.Errorf("%w (no profile has an RTSP stream URI)", ErrNoMedia)
	}
	for _, p := range profiles {
		if cam.SnapshotURL == "" {
			cam.SnapshotURL = p.SnapshotURI
		}
	}
	return cam, nil
}
