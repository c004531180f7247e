package nvr

import (
	"context"
	"io"
	"net/http"
	"net/url"

	"github.com/porchlight/porchlight/federation/agency"
	"github.com/porchlight/porchlight/ui"
)

// Requests lists the requests the node holds; inbox: only those that match this home.
func (c *Client) Requests(ctx context.Context, inbox bool) ([]ui.Request, error) {
	var out []ui.Request
	q := ""
	if inbox {
		q = "?inbox=true"
	}
	return out, c.do(ctx, http.MethodGet, "/api/v1/requests"+q, nil, &out)
}

// PostRequest posts an agency request.
func (c *Client) PostRequest(ctx context.Context, d ui.RequestDraft) (ui.Request, error) {
	var out ui.Request
	return out, c.do(ctx, http.MethodPost, "/api/v1/requests", d, &out)
}

// Approve approves a clip for a request.
func (c *Client) Approve(ctx context.Context, id string, a ui.ApprovalDraft) (ui.Delivery, error) {
	var out ui.Delivery
	return out, c.do(ctx, http.MethodPost, "/api/v1/requests/"+url.PathEscape(id)+"/approve", a, &out)
}

// Decline declines a request.
func (c *Client) Decline(ctx context.Context, id string) error {
	return c.do(ctx, http.MethodPost, "/api/v1/requests/"+url.PathEscape(id)+"/decline", nil, nil)
}

// CloseRequest closes one of the agency's requests.
func (c *Client) CloseRequest(ctx context.Context, id string) (ui.Request, error) {
	var out ui.Request
	return out, c.do(ctx, http.MethodPost, "/api/v1/requests/"+url.PathEscape(id)+"/close", nil, &out)
}

// Submissions lists the clips an agency received.
func (c *Client) Submissions(ctx context.Context) ([]ui.Submission, error) {
	var out []ui.Submission
	return out, c.do(ctx, http.MethodGet, "/api/v1/submissions", nil, &out)
}

// SubmissionClip streams a received clip, decrypted and checked, into w.
func (c *Client) SubmissionClip(ctx context.Context, id string, w io.Writer) (int64, error) {
	return c.download(ctx, "/api/v1/submissions/"+url.PathEscape(id)+"/clip.mp4", nil, w)
}

// Custody returns a submission's chain-of-custody record.
func (c *Client) Custody(ctx context.Context, id string) (map[string]any, error) {
	var out map[string]any
	return out, c.do(ctx, http.MethodGet, "/api/v1/submissions/"+url.PathEscape(id)+"/custody", nil, &out)
}

// VerifyLogs audits every agency's log.
func (c *Client) VerifyLogs(ctx context.Context) ([]ui.LogReport, error) {
	var out []ui.LogReport
	return out, c.do(ctx, http.MethodGet, "/api/v1/log/verify", nil, &out)
}

// Transparency returns the per-agency monthly report.
func (c *Client) Transparency(ctx context.Context) ([]agency.MonthReport, error) {
	var out []agency.MonthReport
	return out, c.do(ctx, http.MethodGet, "/api/v1/transparency", nil, &out)
}
