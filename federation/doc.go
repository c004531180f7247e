// Package federation is the household's life in neighborhoods ("hoods"): its libp2p host and identity,
// membership (genesis, invites, certificates, revocation, the roster), alerts over gossipsub with strict
// validation, catch-up after being offline, and fetching the clip a neighbor chose to attach.
//
// # Trust
//
// A hood is founded by a steward whose key is in the hood's genesis record; the hood ID is the ID of that
// record. Stewards sign invites and, when a joiner claims one, a membership certificate. Each invite admits
// one member: the steward records the first claim atomically, and every node keeps only the earliest
// certificate per invite, so a second claim loses everywhere. The roster (genesis, certificates,
// revocations) is spread by gossip and by sync, and checked by every node. The rules themselves (which
// records a roster takes, the stewards' quorum on an agency's credential, an invite claim's checks and
// an agency's scope) are federation/roster, pure code; this package keeps one roster per hood under n.mu.
//
// A connection gater admits only roster members. Two kinds of nodes also take "guests" (non-members) for a
// short while: a steward with unexpired invites, so a joiner can reach it (and hear why a used or revoked
// invite is refused), and a public relay (an agency's federation node), so joiners behind NAT can reach a
// steward through it. Revoked members are never guests. A guest may only speak the join
// protocol and ask an agency's log for its checkpoint and consistency proofs (setHandlers says who may
// open each protocol); pubsub ignores it; its connection is closed when the guest period ends.
//
// # Alerts
//
// One gossipsub topic per hood carries signed records (alerts, certificates, revocations). Validators
// reject what is not from a member, badly signed, of an unknown version, too large, stale or from the
// future, replayed (a seen store in bbolt outlives gossipsub's cache) or over a member's rate; each
// rejection is counted by reason and logged once per peer and reason. An accepted alert reaches the
// node's subscribers at once; one writer commits received alerts in batches, at most a second late.
// Gossip keeps no history, so a node that comes back asks a peer for what it missed (sync protocol).
//
// # Agency requests
//
// A steward admits an agency with a scoped credential: the agency's certificate carries a wire.Scope
// (area, largest request area, longest window, requests a day, expiry, and the age key clips are
// encrypted to). The agency posts a request by appending it to its public log (tlog: a Merkle log whose
// checkpoints it signs) and gossiping a notice with the inclusion proof. Every home checks the notice on
// its own (reqcheck.go: scope, caps, expiry, rate, signatures, inclusion), stores it, and matches it
// against its own cameras and recordings (match.go); only a match reaches the owner. Homes keep the
// checkpoints they accepted, require consistency proofs between successive ones, and compare them with
// neighbors in every sync, so a log that showed two homes two trees is caught (requests_sync.go). Any
// member audits a log and computes the monthly report from it (logaudit.go, transparency.go).
//
// All of that is the agency-request side (agencySvc, agency.go): it owns its state and locks, its buckets
// in the node's database and its background work, and reaches the hood core only through agencyCore
// (rosters, publish, streams and served protocols, the footage gate: coreapi.go), while the core hands it
// notices from the topic and from sync through the Requests hooks. It is on its way to its own package,
// federation/agency, which nvr will wire to the core.
//
// # Footage
//
// Footage leaves a node through one function, sendFootage (egress.go), and only against a grant its owner
// signed: an alert with an attached clip (for the hood's members, over the clip protocol) or an approval
// (for the one agency it names: the clip sealed with age, sent over the delivery protocol, resumable,
// answered by a signed receipt). A decline or no answer sends nothing. Everything else this package sends
// is metadata; bytes sent per protocol are counted (bandwidth.go).
//
// federation does not import recorder, ui or nvr; nvr wires it.
package federation
