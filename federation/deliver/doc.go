// Package deliver moves one encrypted clip from a home to an agency: it seals the clip to the agency's age
// X25519 key, offers the ciphertext over a stream, sends it in one piece that survives a cut connection by
// resuming where the receiver stopped, and hands the receiver's verified file to its caller, whose receipt
// goes back to the sender.
//
// # What it owns and what it does not
//
// deliver owns the bytes: sealing and unsealing (Seal, or a Sealer for a producer that writes; Unseal),
// the wire protocol (Send, Receiver.Serve), the partial and completed files in the receiver's directory,
// and the SHA-256 checks. It treats the manifest and the receipt as opaque bytes: signing them, checking
// who may deliver what, and where a completed submission is stored are the caller's (package
// federation), through Receiver.Accept and Receiver.Complete. It does not open streams, dial peers or
// close streams; it works on any io.ReadWriter, such as a libp2p stream or a net.Conn.
//
// # Protocol
//
// Frames are varint-length-prefixed CBOR (as go-msgio writes them), each at most MaxFrame bytes:
//
//  1. sender → Offer{ID, Manifest, Size, SHA256}
//  2. receiver → Resume{Have} or Refuse{Reason}
//  3. sender → the ciphertext bytes [Have, Size), raw, with no framing: the size is known
//  4. receiver → Done{Receipt} or Refuse{Reason}
//
// # Why the ID is the ciphertext's hash
//
// The ID is the first 16 bytes of the ciphertext's SHA-256, in lowercase hex. It names exactly the bytes
// being sent, so a receiver can resume a partial file only with the same bytes, can tell a retry of a
// completed delivery (answer the receipt again) from a new one, and needs no shared counter or state with
// the sender. The full SHA-256 in the offer is checked over the whole file before it is kept.
//
// # Why seal once, to a file
//
// age encryption is randomised: sealing the same clip twice gives different ciphertexts, with different
// IDs and hashes. Resuming needs the very bytes of the first attempt, so the sender seals once to a file and
// sends from that file (an io.ReaderAt) on every attempt, until a receipt comes back.
//
// # Caveats
//
// Two Serve calls for the same ID at once are kept apart by the Receiver value; two Receivers (or
// processes) sharing a Dir are not. A partial file that lost data in a crash is caught by the final hash
// check: it is deleted, the delivery refused, and the next attempt starts from zero.
package deliver
