// Package wire holds the neighborhood's signed records and their encoding: genesis, membership
// certificates (an agency's carries its credential: a Scope), revocations, invites, join claims, alerts,
// and the agency records — requests, the notices that carry them with their log proof, homeowners'
// approvals (which are also the delivery manifests), receipts, and the leaves of an agency's public log.
//
// Every record travels as a [Signed]: a version, a kind, a CBOR body and an Ed25519 signature over the
// domain "porchlight/v1/<kind>\x00" followed by the body, so a signature made for one kind of record can
// never be replayed as another. Bodies use integer keys and deterministic (core) encoding; decoding is
// strict (unknown fields, duplicate keys and oversize input are errors) because every byte here comes from
// another machine. wire knows nothing of libp2p hosts, storage or policy (who may sign what): the
// federation package decides that.
package wire
