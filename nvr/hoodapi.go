package nvr

import (
	"context"
	"errors"
	"io"
	"time"

	"github.com/libp2p/go-libp2p/core/peer"

	"github.com/porchlight/porchlight/federation"
	"github.com/porchlight/porchlight/ui"
)

// hoodAPI adapts the federation node to what the HTTP API needs (ui.Neighborhood). match, when set, lists
// a neighbor's alert's matches among this home's events (alertmatch.go) with each alert listed or pushed.
type hoodAPI struct {
	f     *federation.Node
	match func(federation.Alert) []ui.Event
}

func (a hoodAPI) Node() ui.P2PNode {
	out := ui.P2PNode{ID: a.f.ID().String(), Addrs: []string{}}
	for _, m := range a.f.Addrs() {
		out.Addrs = append(out.Addrs, m.String())
	}
	return out
}

func (a hoodAPI) hood(h federation.HoodInfo) ui.Hood {
	return ui.Hood{ID: h.ID, Name: h.Name, Role: h.Role, Steward: h.Steward, Self: a.f.ID().String(), Members: h.Members,
		AgencyQuorum: h.Quorum}
}

func (a hoodAPI) Hoods() []ui.Hood {
	out := []ui.Hood{}
	for _, h := range a.f.Hoods() {
		out = append(out, a.hood(h))
	}
	return out
}

func (a hoodAPI) CreateHood(name string) (ui.Hood, error) {
	h, err := a.f.CreateHood(name)
	return a.hood(h), hoodErr(err)
}

var _ ui.Stewardship = hoodAPI{} // the API finds these by a type assertion: keep them from drifting

// FoundHood founds a hood with co-stewards (peer IDs) and an agency quorum (ui.Stewardship).
func (a hoodAPI) FoundHood(name string, coStewards []string, agencyQuorum int) (ui.Hood, error) {
	f := federation.Founding{AgencyQuorum: agencyQuorum}
	for _, s := range coStewards {
		p, err := peer.Decode(s)
		if err != nil {
			return ui.Hood{}, ui.Errorf(ui.ErrBadRequest, "co-steward %q is not a peer ID: %w", s, err)
		}
		f.CoStewards = append(f.CoStewards, p)
	}
	h, err := a.f.FoundHood(name, f)
	return a.hood(h), hoodErr(err)
}

// CosignInvite adds this steward's endorsement to an agency invite code (ui.Stewardship).
func (a hoodAPI) CosignInvite(code string) (ui.Cosigned, error) {
	c, err := a.f.Cosign(code)
	if err != nil {
		return ui.Cosigned{}, hoodErr(err)
	}
	signers := []string{}
	for _, p := range c.Signers {
		signers = append(signers, p.String())
	}
	return ui.Cosigned{Code: c.Code, Hood: c.Hood, HoodName: c.HoodName, Issuer: c.Issuer.String(), Signers: signers,
		Quorum: c.Quorum, Lat: c.Lat, Lon: c.Lon, Radius: c.Radius, MaxAreaSqMi: c.MaxAreaSqMi,
		MaxWindow: c.MaxWindow.String(), PerDay: c.PerDay, CredentialExpires: c.Credential.UTC(),
		InviteExpires: c.InviteExpires.UTC()}, nil
}

func (a hoodAPI) Invite(hood, role string, ttl time.Duration, via []string) (ui.Invite, error) {
	inv, err := a.f.Invite(hood, role, ttl, via)
	if err != nil {
		return ui.Invite{}, hoodErr(err)
	}
	return ui.Invite{ID: inv.ID, Code: inv.Code, Hood: inv.Hood, Role: inv.Role, Expires: inv.Expires}, nil
}

func (a hoodAPI) Join(ctx context.Context, code string) (ui.Hood, error) {
	h, err := a.f.Join(ctx, code)
	return a.hood(h), hoodErr(err)
}

func (a hoodAPI) Members(hood string) ([]ui.Member, error) {
	ms, err := a.f.Members(hood)
	if err != nil {
		return nil, hoodErr(err)
	}
	out := make([]ui.Member, len(ms))
	for i, m := range ms {
		out[i] = ui.Member{ID: m.ID.String(), Name: m.Name, Role: m.Role, Steward: m.Steward, Revoked: m.Revoked,
			Online: m.Online || m.Self, Relayed: m.Relayed, Self: m.Self, Joined: m.Joined}
	}
	return out, nil
}

func (a hoodAPI) Revoke(hood, member string) error { return hoodErr(a.f.Revoke(hood, member)) }

func (a hoodAPI) Alerts(hood string, since time.Time) ([]ui.Alert, error) {
	as, err := a.f.Alerts(hood, since)
	if err != nil {
		return nil, hoodErr(err)
	}
	out := make([]ui.Alert, len(as))
	for i, al := range as {
		out[i] = a.withMatches(al)
	}
	return out, nil
}

func uiAlert(a federation.Alert) ui.Alert {
	out := ui.Alert{ID: a.ID, Hood: a.Hood, Author: a.Author.String(), AuthorName: a.AuthorName, Category: a.Category,
		Text: a.Text, Time: a.Time, Lat: a.Lat, Lon: a.Lon, Mine: a.Mine}
	if c := a.Clip; c != nil {
		out.Clip = &ui.AlertClip{Camera: c.Camera, Start: c.Start, End: c.End, Size: c.Size}
	}
	return out
}

// withMatches is the alert as the API shows it, with this home's matching events.
func (a hoodAPI) withMatches(al federation.Alert) ui.Alert {
	out := uiAlert(al)
	if a.match != nil {
		out.Matches = a.match(al)
	}
	return out
}

func (a hoodAPI) PostAlert(ctx context.Context, d ui.AlertDraft) (ui.Alert, error) {
	al, err := a.f.PostAlert(ctx, federation.AlertDraft{Hood: d.Hood, Text: d.Text, Category: d.Category,
		Lat: d.Lat, Lon: d.Lon, Camera: d.Camera, Start: d.Start, End: d.End})
	if err != nil {
		return ui.Alert{}, hoodErr(err)
	}
	return uiAlert(al), nil
}

func (a hoodAPI) SubscribeAlerts() (<-chan ui.Alert, func()) {
	in, cancel := a.f.SubscribeAlerts()
	out := make(chan ui.Alert, cap(in))
	go func() {
		defer close(out)
		for al := range in {
			out <- a.withMatches(al)
		}
	}()
	return out, cancel
}

func (a hoodAPI) FetchClip(ctx context.Context, alertID string) (io.ReadCloser, int64, error) {
	r, size, err := a.f.OpenClip(ctx, alertID)
	return r, size, hoodErr(err)
}

// hoodErr maps the federation's sentinel errors to the API's.
func hoodErr(err error) error {
	if err == nil {
		return nil
	}
	for _, m := range []struct{ from, to error }{
		{federation.ErrNotSteward, ui.ErrForbidden},
		{federation.ErrRevoked, ui.ErrForbidden},
		{federation.ErrNoCredential, ui.ErrForbidden},
		{federation.ErrNotCosigned, ui.ErrForbidden},
		{federation.ErrInviteUsed, ui.ErrConflict},
		{federation.ErrInviteExpired, ui.ErrConflict},
		{federation.ErrInviteRevoked, ui.ErrConflict},
		{federation.ErrUnknownHood, ui.ErrNotFound},
		{federation.ErrNotFound, ui.ErrNotFound},
		{federation.ErrNotMember, ui.ErrNotFound},
		{federation.ErrUnreachable, ui.ErrUnavailable},
		{federation.ErrRateLimited, ui.ErrRateLimited},
		{federation.ErrNoHood, ui.ErrBadRequest},
		{federation.ErrSeveralHoods, ui.ErrBadRequest},
		{federation.ErrInvalid, ui.ErrBadRequest},
	} {
		if errors.Is(err, m.from) {
			return ui.WrapError(m.to, err)
		}
	}
	return err
}
