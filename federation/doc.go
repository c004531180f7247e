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
// revocations) is spread by gossip and by sync, and checked by every node.
//
// A connection gater admits only roster members. Two kinds of nodes also take "guests" (non-members) for a
// short while: a steward with unexpired invites, so a joiner can reach it (and hear why a used or revoked
// invite is refused), and a public relay (an agency's federation node), so joiners behind NAT can reach a
// steward through it. Revoked members are never guests. A guest may only speak the join
// protocol; pubsub ignores it; its connection is closed when the guest period ends.
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
// # Footage
//
// The only footage this package sends is a clip the author attached to an alert (ClipSource), served to
// members over a direct or relayed stream. Everything else it sends is metadata.
//
// federation does not import recorder, ui or nvr; nvr wires it.
package federation
