package nvr

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"

	"github.com/porchlight/porchlight/ui"
)

// do sends an authorised request with an optional JSON body and decodes a JSON answer into out (when not
// nil). A non-2xx answer is an error carrying the API's message.
func (c *Client) do(ctx context.Context, method, path string, body, out any) error {
	var rd io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			return err
		}
		rd = bytes.NewReader(b)
	}
	req, err := http.NewRequestWithContext(ctx, method, c.Base+path, rd)
	if err != nil {
		return err
	}
	req.Header.Set("Authorization", "Bearer "+c.Token)
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := c.HTTP.Do(req)
	if err != nil {
		return fmt.Errorf("is the node running? %w", err)
	}
	defer resp.Body.Close()
	if resp.StatusCode/100 != 2 {
		return apiError(resp)
	}
	if out == nil {
		return nil
	}
	if err := json.NewDecoder(resp.Body).Decode(out); err != nil {
		return fmt.Errorf("%s %s: bad answer: %w", method, path, err)
	}
	return nil
}

// P2P returns the node's peer ID and addresses.
func (c *Client) P2P(ctx context.Context) (ui.P2PNode, error) {
	var out ui.P2PNode
	return out, c.do(ctx, http.MethodGet, "/api/v1/p2p", nil, &out)
}

// Hoods lists the hoods the node is in.
func (c *Client) Hoods(ctx context.Context) ([]ui.Hood, error) {
	var out []ui.Hood
	return out, c.do(ctx, http.MethodGet, "/api/v1/hoods", nil, &out)
}

// newHoodRequest is the body of POST /api/v1/hoods; the co-stewards and quorum are sent only when set, so
// a plain create reads as it always did.
type newHoodRequest struct {
	Name         string   `json:"name"`
	CoStewards   []string `json:"co_stewards,omitempty"`   // peer IDs of the other stewards
	AgencyQuorum int      `json:"agency_quorum,omitempty"` // stewards that must sign an agency's credential
}

// CreateHood founds a hood.
func (c *Client) CreateHood(ctx context.Context, req newHoodRequest) (ui.Hood, error) {
	var out ui.Hood
	return out, c.do(ctx, http.MethodPost, "/api/v1/hoods", req, &out)
}

// Cosign adds the node's endorsement, as a steward, to another steward's agency invite code.
func (c *Client) Cosign(ctx context.Context, code string) (ui.Cosigned, error) {
	var out ui.Cosigned
	return out, c.do(ctx, http.MethodPost, "/api/v1/hoods/cosign", map[string]string{"code": code}, &out)
}

// inviteRequest is the body of POST /api/v1/hoods/{id}/invites; the scope fields make an agency's
// credential.
type inviteRequest struct {
	Role        string   `json:"role"`
	TTL         string   `json:"ttl"`
	Via         []string `json:"via"`
	ScopeLat    *float64 `json:"scope_lat,omitempty"`
	ScopeLon    *float64 `json:"scope_lon,omitempty"`
	ScopeRadius float64  `json:"scope_radius,omitempty"`
	MaxAreaSqMi float64  `json:"max_area_sq_mi,omitempty"`
	MaxWindow   string   `json:"max_window,omitempty"`
	PerDay      int      `json:"per_day,omitempty"`
	Valid       string   `json:"valid,omitempty"`
}

// Invite issues an invite; hood "" means the node's only hood.
func (c *Client) Invite(ctx context.Context, hood string, req inviteRequest) (ui.Invite, error) {
	var out ui.Invite
	return out, c.do(ctx, http.MethodPost, "/api/v1/hoods/"+url.PathEscape(orOnly(hood))+"/invites", req, &out)
}

// Join claims an invite code.
func (c *Client) Join(ctx context.Context, code string) (ui.Hood, error) {
	var out ui.Hood
	return out, c.do(ctx, http.MethodPost, "/api/v1/hoods/join", map[string]string{"code": code}, &out)
}

// Members lists a hood's members.
func (c *Client) Members(ctx context.Context, hood string) ([]ui.Member, error) {
	var out []ui.Member
	return out, c.do(ctx, http.MethodGet, "/api/v1/hoods/"+url.PathEscape(orOnly(hood))+"/members", nil, &out)
}

// Revoke removes a member (or cancels an invite) from a hood.
func (c *Client) Revoke(ctx context.Context, hood, member string) error {
	return c.do(ctx, http.MethodDelete, "/api/v1/hoods/"+url.PathEscape(orOnly(hood))+"/members/"+url.PathEscape(member), nil, nil)
}

// PostAlert posts an alert.
func (c *Client) PostAlert(ctx context.Context, a alertRequest) (ui.Alert, error) {
	var out ui.Alert
	return out, c.do(ctx, http.MethodPost, "/api/v1/alerts", a, &out)
}

// Alerts lists the alerts the node holds.
func (c *Client) Alerts(ctx context.Context, hood string) ([]ui.Alert, error) {
	var out []ui.Alert
	q := ""
	if hood != "" {
		q = "?hood=" + url.QueryEscape(hood)
	}
	return out, c.do(ctx, http.MethodGet, "/api/v1/alerts"+q, nil, &out)
}

// AlertClip streams the clip attached to an alert into w.
func (c *Client) AlertClip(ctx context.Context, id string, w io.Writer) (int64, error) {
	return c.download(ctx, "/api/v1/alerts/"+url.PathEscape(id)+"/clip.mp4", nil, w)
}

// alertRequest is the body of POST /api/v1/alerts.
type alertRequest struct {
	Hood     string   `json:"hood,omitempty"`
	Text     string   `json:"text"`
	Category string   `json:"category,omitempty"`
	Lat      *float64 `json:"lat,omitempty"`
	Lon      *float64 `json:"lon,omitempty"`
	Camera   string   `json:"camera,omitempty"`
	Start    string   `json:"start,omitempty"`
	End      string   `json:"end,omitempty"`
}

func orOnly(hood string) string {
	if hood == "" {
		return "-"
	}
	return hood
}
