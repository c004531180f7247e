// Package roster is a hood's membership as rules: the genesis and its stewards, membership certificates
// and revocations (of two claims of one invite the earlier wins on every node), the stewards' quorum on an
// agency's credential and the endorsements that make it, an invite claim's checks, and the scope an
// agency's requests are held to (Scope, CheckRequest).
//
// It also defines, once, the federation room's sentinel errors (errors.go: ErrNotMember, ErrInvalid, ...)
// and Refusal, a refused record with the reason it is counted under; federation re-exports the sentinels
// under its own names, federation/agency returns roster's.
//
// It is pure code: no host, no database, no clock (callers pass the time) and no lock. Package federation
// keeps one Roster per hood under its own lock, persists the records it applies and publishes them;
// federation/agency asks a roster for an agency's credential. roster imports the federation leaves wire
// and geo and no other porchlight package.
package roster
