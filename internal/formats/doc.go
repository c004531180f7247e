// Package formats versions what Porchlight keeps on disk, so that an upgrade never loses data and a node
// never starts on data written by a newer porchlight.
//
// Every bbolt database records its format version in a top-level "meta" bucket under the key "version"
// (a big-endian number, [EncodeVersion]). (a big-endian unsigned integer). [Schema.Open] opens a database and, in one write transaction, reads
// that version, refuses a version above [Schema.Current] with a [TooNewError], applies the steps of
// [Schema.Migrations] in order (the Syncthing habit: a table of {from, to, func}) and writes the new
// version; a failing step rolls the whole transaction back, so a database is migrated entirely or not at
// all. A database without the bucket that already holds data was written before versions were recorded:
// it is [Schema.Legacy]. A new, empty database gets [Schema.Current].
//
// Files with a version field (config, users.json, tokens.json) use [TooNew] for the same one-line error.
//
// The package owns no state and imports nothing of porchlight: every room may use it.
package formats
