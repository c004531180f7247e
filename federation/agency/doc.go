// Package agency is a node's side of agency requests: an agency posts them, every home checks, matches
// and answers them, and any member audits the agency's log of them.
//
// # Requests
//
// A steward admits an agency with a scoped credential: the agency's certificate carries a wire.Scope
// (area, largest request area, longest window, requests a day, expiry, and the age key clips are
// encrypted to; federation/roster holds the rules). The agency posts a request by appending it to its
// public log (tlog: a Merkle log whose checkpoints it signs) and gossiping a notice with the inclusion
// proof (requests_post.go). Every home checks the notice on its own (reqcheck.go: scope, caps, expiry,
// rate, signatures, inclusion), stores it, and matches it against its own cameras and recordings
// (match.go); only a match reaches the owner. Homes keep the checkpoints they accepted, require
// consistency proofs between successive ones, and compare them with neighbors in every sync, so a log
// that showed two homes two trees is caught (requests_sync.go). Any member audits a log and computes the
// monthly report from it (logaudit.go, transparency.go); a guest gets the log's checkpoint and
// consistency proofs only (agencylog.go).
//
// # Footage
//
// The owner approves one clip (approve.go): it is exported into its age encryption in one pass (no
// plaintext copy on disk), and delivered in the background, resuming after a cut (delivery.go), to the
// agency, which stores it, counts it in its log and signs a receipt (submissions.go). The bytes leave
// only through the core's footage gate (Core.SendApproved; federation's egress.go and its test).
//
// # What it owns and what it does not
//
// An Agency owns its state and locks (the request log, audits, rate reservations, submissions being
// received, the age identity), its buckets in the node's database (reqstore.go) and its background work
// (Run: deliveries, pruning). It reaches the hood core only through Core, which *federation.Node
// implements: the hoods' rosters, publishing, streams and the protocols it serves, the rejection counter,
// the database and the footage gate. The core hands it what arrives for it on a hood's topic and in
// sync through the federation.Requests hooks it implements (CheckNotice and TakeNotice for gossiped
// notices, SyncNotices and TakeSynced for sync, Recipient for claiming an agency invite). nvr wires the
// two; agency imports no other package of the federation room than its leaves and roster
// (nvr/deps_federation_test.go). The errors it returns are roster's sentinels (roster.ErrInvalid, ...)
// and its refusals roster.Refusal, counted by the core under their reason. Its tests run it on real
// cores, with helpers shared with the core's tests in federation/fedtest.
package agency
