package federation

import (
	"context"
	"io"
)

// The node's agency-request API, answered by its agency side (agencySvc), which owns that state.

// PostRequest signs a request, logs it and sends it to the hood (agencySvc.PostRequest).
func (n *Node) PostRequest(ctx context.Context, d RequestDraft) (RequestInfo, error) {
	return n.ag.PostRequest(ctx, d)
}

// CloseRequest ends one of this agency's requests (agencySvc.CloseRequest).
func (n *Node) CloseRequest(id string) (RequestInfo, error) { return n.ag.CloseRequest(id) }

// Requests lists the requests this node holds (agencySvc.Requests).
func (n *Node) Requests(inbox bool) ([]RequestInfo, error) { return n.ag.Requests(inbox) }

// Request returns one request (agencySvc.Request).
func (n *Node) Request(id string) (RequestInfo, error) { return n.ag.Request(id) }

// SubscribeRequests delivers new requests that match this home (agencySvc.SubscribeRequests).
func (n *Node) SubscribeRequests() (<-chan RequestInfo, func()) { return n.ag.SubscribeRequests() }

// Approve seals the clip the owner picked and lets it leave (agencySvc.Approve).
func (n *Node) Approve(ctx context.Context, requestID string, a Approval) (DeliveryInfo, error) {
	return n.ag.Approve(ctx, requestID, a)
}

// Decline records the owner's no (agencySvc.Decline).
func (n *Node) Decline(requestID string) error { return n.ag.Decline(requestID) }

// Deliveries lists this home's approved clips (agencySvc.Deliveries).
func (n *Node) Deliveries() ([]DeliveryInfo, error) { return n.ag.Deliveries() }

// Submissions lists the clips this agency received (agencySvc.Submissions).
func (n *Node) Submissions() ([]SubmissionInfo, error) { return n.ag.Submissions() }

// OpenSubmission decrypts a received clip into w (agencySvc.OpenSubmission).
func (n *Node) OpenSubmission(id string, w io.Writer) (int64, error) {
	return n.ag.OpenSubmission(id, w)
}

// SubmissionCustody returns a submission's chain of custody (agencySvc.SubmissionCustody).
func (n *Node) SubmissionCustody(id string) (Custody, error) { return n.ag.SubmissionCustody(id) }

// Policy returns the owner's request policy (agencySvc.Policy).
func (n *Node) Policy() Policy { return n.ag.Policy() }

// SetPolicy stores the owner's request policy (agencySvc.SetPolicy).
func (n *Node) SetPolicy(p Policy) error { return n.ag.SetPolicy(p) }

// Directory lists the agencies of this node's hoods (agencySvc.Directory).
func (n *Node) Directory() []AgencyEntry { return n.ag.Directory() }

// VerifyLogs audits every agency's log (agencySvc.VerifyLogs).
func (n *Node) VerifyLogs(ctx context.Context) ([]LogReport, error) { return n.ag.VerifyLogs(ctx) }

// Transparency reports every agency's log by month (agencySvc.Transparency).
func (n *Node) Transparency(ctx context.Context) ([]MonthReport, error) {
	return n.ag.Transparency(ctx)
}
