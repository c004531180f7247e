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
// A steward admits an agency with a scoped credential (federation/roster holds the rules). Everything
// about requests — posting, the agency's public log, every home's checks, matching, approvals,
// deliveries, submissions, audits and transparency — is federation/agency, a component with its own
// state, buckets and Run. It reaches this core only through agency.Core, which *Node implements
// (coreapi.go: Roster, Publish, streams and served protocols, Reject, DB, SendApproved, ExportLocal). The
// core hands it what arrives for it through the Requests hooks it implements (SetRequests): a notice on
// a hood's topic is checked by CheckNotice in the validator and taken by TakeNotice once delivered; a
// sync answer carries SyncNotices and is taken by TakeSynced; an agency invite is claimed with
// Recipient. nvr wires the two: New builds the agency side (Config.AttachRequests) before the host
// starts, so nothing for it arrives unattached. A node with no Requests attached refuses every notice on
// the topic and counts it under "no-agency", and passes none on.
//
// # Who owns what
//
// This package owns the host, the hoods (one roster each, under n.mu), alerts, clips, sync, invites
// and joins, and the rejection counter. federation/roster owns the membership rules and the sentinel
// errors (errors.go here re-exports them, with roster's types and bounds, under the names callers
// know). federation/wire owns the record formats (and wire.Millis, a record timestamp as a time).
// federation/agency owns requests. The tests of this package and of federation/agency share their
// helpers through federation/fedtest (test-only; shipped code may not import it).
//
// # Footage
//
// Footage leaves a node through one function, sendFootage (egress.go), and only against a grant its owner
// signed: an alert with an attached clip (for the hood's members, over the clip protocol) or an approval
// (for the one agency it names: the clip sealed with age by federation/agency, sent over the delivery
// protocol through SendApproved, resumable, answered by a signed receipt). The test of that rule reads
// every package of the federation room. A decline or no answer sends nothing. Everything else this
// package sends is metadata; bytes sent per protocol are counted (bandwidth.go).
//
// federation does not import recorder, ui, nvr or federation/agency; nvr wires it.
package federation
