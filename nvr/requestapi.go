package nvr

import (
	"context"
	"io"
	"time"

	"github.com/libp2p/go-libp2p/core/peer"

	"github.com/porchlight/porchlight/federation"
	"github.com/porchlight/porchlight/federation/agency"
	"github.com/porchlight/porchlight/ui"
)

// requestAPI adapts the agency-request side (and the hood core, for agency invites) to the HTTP API
// (ui.Requests).
type requestAPI struct {
	f    *agency.Agency
	core *federation.Node
}

func uiRequest(r agency.RequestInfo) ui.Request {
	return ui.Request{ID: r.ID, Hood: r.Hood, Agency: r.Agency.String(), AgencyName: r.AgencyName, Case: r.Case,
		Category: r.Category, Reason: r.Reason, Contact: r.Contact, Lat: r.Lat, Lon: r.Lon, Radius: r.Radius,
		Polygon: r.Polygon, Start: r.Start, End: r.End, Expires: r.Expires, Time: r.Time, LogIndex: r.LogIndex,
		Status: r.Status, Matches: r.Matches, Submissions: r.Submissions}
}

func uiDelivery(d agency.DeliveryInfo) ui.Delivery {
	return ui.Delivery{ID: d.ID, Request: d.Request, Camera: d.Camera, Start: d.Start, End: d.End, Size: d.Size,
		Status: d.Status, Delivered: d.Delivered, LastError: d.LastError}
}

// each converts a list and maps its error.
func each[T, U any](in []T, err error, f func(T) U) ([]U, error) {
	if err != nil {
		return nil, hoodErr(err)
	}
	out := make([]U, len(in))
	for i, v := range in {
		out[i] = f(v)
	}
	return out, nil
}

func (a requestAPI) Requests(inbox bool) ([]ui.Request, error) {
	rs, err := a.f.Requests(inbox)
	return each(rs, err, uiRequest)
}

func (a requestAPI) Request(id string) (ui.Request, error) {
	r, err := a.f.Request(id)
	return uiRequest(r), hoodErr(err)
}

func (a requestAPI) PostRequest(ctx context.Context, d ui.RequestDraft) (ui.Request, error) {
	life, _ := time.ParseDuration(d.Life) // checked by the handler
	r, err := a.f.PostRequest(ctx, agency.RequestDraft{Hood: d.Hood, Case: d.Case, Category: d.Category,
		Reason: d.Reason, Contact: d.Contact, Lat: d.Lat, Lon: d.Lon, Radius: d.Radius, Polygon: d.Polygon,
		Start: d.Start, End: d.End, Life: life})
	return uiRequest(r), hoodErr(err)
}

func (a requestAPI) CloseRequest(id string) (ui.Request, error) {
	r, err := a.f.CloseRequest(id)
	return uiRequest(r), hoodErr(err)
}

func (a requestAPI) Approve(ctx context.Context, id string, d ui.ApprovalDraft) (ui.Delivery, error) {
	r, err := a.f.Approve(ctx, id, agency.Approval{Camera: d.Camera, Start: d.Start, End: d.End, Note: d.Note})
	return uiDelivery(r), approveErr(err)
}

// approveErr maps the errors of an approval: the federation's, and the recorder's from exporting the clip
// (a range longer than the recorder exports at once, a range with nothing recorded, a camera gone).
func approveErr(err error) error { return apiErr(hoodErr(err)) }

func (a requestAPI) Decline(id string) error { return hoodErr(a.f.Decline(id)) }

func (a requestAPI) Deliveries() ([]ui.Delivery, error) {
	ds, err := a.f.Deliveries()
	return each(ds, err, uiDelivery)
}

func (a requestAPI) Submissions() ([]ui.Submission, error) {
	ss, err := a.f.Submissions()
	return each(ss, err, func(s agency.SubmissionInfo) ui.Submission {
		return ui.Submission{ID: s.ID, Request: s.Request, Case: s.Case, Camera: s.Camera, Start: s.Start, End: s.End,
			Received: s.Received, Size: s.Size, Note: s.Note, Count: s.Count}
	})
}

func (a requestAPI) OpenSubmission(id string, w io.Writer) (int64, error) {
	n, err := a.f.OpenSubmission(id, w)
	return n, hoodErr(err)
}

func uiCustody(c agency.Custody) ui.Custody {
	return ui.Custody{Submission: c.Submission, Request: c.Request, Case: c.Case, Camera: c.Camera, Start: c.Start,
		End: c.End, Note: c.Note, Size: c.Size, SHA256: c.SHA256, CipherSize: c.CipherSize, CipherSHA256: c.CipherSHA256,
		Owner: c.Owner, Approved: c.Approved, Received: c.Received, Manifest: c.Manifest, Receipt: c.Receipt,
		Checkpoint: c.Checkpoint, RequestIndex: c.RequestIndex, RequestProof: c.RequestProof, SubmissionNo: c.SubmissionNo,
		SubmissionIdx: c.SubmissionIdx, SubmissionPath: c.SubmissionPath}
}

func (a requestAPI) Custody(id string) (ui.Custody, error) {
	c, err := a.f.SubmissionCustody(id)
	return uiCustody(c), hoodErr(err)
}

func (a requestAPI) Policy() ui.RequestPolicy {
	p := a.f.Policy()
	out := ui.RequestPolicy{OptOut: p.OptOut, Muted: []string{}, NeverShare: append([]string{}, p.NeverShare...)}
	for _, m := range p.Muted {
		out.Muted = append(out.Muted, m.String())
	}
	return out
}

func (a requestAPI) SetPolicy(p ui.RequestPolicy) error {
	fp := agency.Policy{OptOut: p.OptOut, NeverShare: p.NeverShare}
	for _, m := range p.Muted {
		id, err := peer.Decode(m)
		if err != nil {
			return ui.Errorf(ui.ErrBadRequest, "muted: %q is not a member ID", m)
		}
		fp.Muted = append(fp.Muted, id)
	}
	return hoodErr(a.f.SetPolicy(fp))
}

func (a requestAPI) Directory() []ui.AgencyEntry {
	out := []ui.AgencyEntry{}
	for _, e := range a.f.Directory() {
		out = append(out, ui.AgencyEntry{Hood: e.Hood, Agency: e.Agency.String(), Name: e.Name, Lat: e.Lat, Lon: e.Lon,
			Radius: e.Radius, MaxAreaSqMi: e.MaxAreaSqMi, MaxWindow: e.MaxWindow.String(), PerDay: e.PerDay,
			Since: e.Since, Expires: e.Expires, Revoked: e.Revoked, Requests: e.Requests,
			SignedBy: append([]string{}, e.SignedBy...)})
	}
	return out
}

func (a requestAPI) VerifyLogs(ctx context.Context) ([]ui.LogReport, error) {
	rs, err := a.f.VerifyLogs(ctx)
	return each(rs, err, func(r agency.LogReport) ui.LogReport {
		return ui.LogReport{Agency: r.Agency.String(), AgencyName: r.AgencyName, OK: r.OK(), Size: r.Size,
			Checkpoint: r.Checkpoint, Requests: r.Requests, Forks: r.Forks, Problems: append([]string{}, r.Problems...)}
	})
}

func uiMonth(m agency.MonthReport) ui.MonthReport {
	return ui.MonthReport{Agency: m.Agency.String(), AgencyName: m.AgencyName, Month: m.Month, Requests: m.Requests,
		Closed: m.Closed, Submissions: m.Submissions, AreaSqMi: m.AreaSqMi, MaxAreaSqMi: m.MaxAreaSqMi,
		WindowHours: m.WindowHours, MaxWindowH: m.MaxWindowH, Categories: m.Categories, LogVerified: m.LogVerified,
		LogSize: m.LogSize, LogProblems: m.LogProblems, RequestsOpen: m.RequestsOpen}
}

func (a requestAPI) Transparency(ctx context.Context) ([]ui.MonthReport, error) {
	ms, err := a.f.Transparency(ctx)
	return each(ms, err, uiMonth)
}

func (a requestAPI) InviteAgency(hood string, ttl time.Duration, via []string, s ui.AgencyScope) (ui.Invite, error) {
	inv, err := a.core.InviteAgency(hood, ttl, via, federation.Scope{Lat: s.Lat, Lon: s.Lon, Radius: s.Radius,
		MaxArea: s.MaxAreaSqMi, MaxWindow: s.MaxWindow, PerDay: s.PerDay, Valid: s.Valid})
	if err != nil {
		return ui.Invite{}, hoodErr(err)
	}
	return ui.Invite{ID: inv.ID, Code: inv.Code, Hood: inv.Hood, Role: inv.Role, Expires: inv.Expires}, nil
}
