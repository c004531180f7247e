// Package tlog is a federation node's public request log: an append-only Merkle log of every footage
// request an agency posts (and of the submission counts it reports), with signed checkpoints, and the
// witness a home keeps to catch a log operator that shows different logs to different homes.
//
// # Why
//
// A home accepts a footage request only with an inclusion proof against a signed checkpoint, so every
// request it acts on is in a log that everyone else can see too. That only helps if the operator cannot
// keep two logs, one per audience. Homes therefore keep the latest checkpoint of each log they follow,
// require a consistency proof before moving to a newer one, and compare checkpoints with neighbors; two
// validly signed checkpoints that cannot both be true are kept as evidence of a fork.
//
// The Merkle tree is golang.org/x/mod/sumdb/tlog (RFC 6962 hashing, as in Certificate Transparency and
// the Go checksum database) and signatures are golang.org/x/mod/sumdb/note; this package adds storage
// in bbolt, the checkpoint format, a proof wire form and the witness. It writes no Merkle code itself.
//
// # Checkpoints
//
// A checkpoint is a signed note whose text is the C2SP tlog-checkpoint body:
//
//	<origin>
//	<tree size in decimal>
//	<base64 root hash>
//
// The origin names the log ("porchlight.log/<agencyID>": one log per agency, for all its hoods) and is
// also the name of the note key,
// which is the agency node's existing Ed25519 identity key (NewSigner, NewVerifier). ParseCheckpoint is
// strict: the origin must be the verifier's name, there are exactly three lines, the size is canonical
// decimal, the hash is canonical base64 of 32 bytes, and the log's own signature must verify.
// tlog.FormatTree is not used because it writes the fixed origin "go.sum database tree".
//
// # Storage
//
// Log keeps everything in one bbolt bucket: entries by index, the tree's stored hashes by storage index
// (tlog.StoredHashIndex), the size and the latest signed checkpoint. Append writes a batch of entries,
// their hashes and the new checkpoint in one transaction, so a crash leaves either the old log and
// checkpoint or the new ones; Open recomputes the root hash of the stored tree and refuses a checkpoint
// that does not match it.
//
// # Fork evidence
//
// Witness stores, per origin, the latest checkpoint it has accepted. A newer checkpoint is accepted only
// with a consistency proof from the stored one (fetched by the caller, usually from the operator); an
// older one is checked against the stored one and then dropped. When two checkpoints of one origin
// cannot both be true, Observe returns a *ForkError holding both signed notes, and the witness keeps it
// (Forks). For equal sizes with different hashes the two notes are proof on their own: anyone with the
// log's public key can check them (VerifyFork). For different sizes the evidence is the two notes plus
// the fact that no consistency proof between them exists: an honest log can always produce one, so
// anyone can challenge the operator to, and a forked log never can.
//
// tlog does not know about hoods, requests or the network; federation decides what to log and carries
// checkpoints and proofs between nodes.
package tlog
