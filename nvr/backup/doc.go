// Package backup reads and writes Porchlight's backup archive: one file that holds a node's config, its
// secrets and consistent copies of its databases, enough to bring the node back on a new machine with the
// same identity.
//
// # Layout
//
// The archive is a tar stream, gzip-compressed, encrypted with age (an scrypt passphrase recipient) unless
// the owner opts out:
//
//	age( gzip( tar(
//	    config/porchlight.yml        the config file, and files it names relative to its directory
//	    data/identity.key            every file of the data dir but the recordings (unless asked for)
//	    data/index.db                bbolt databases: a consistent copy (Tx.WriteTo), never the live file
//	    ...
//	    MANIFEST.json                last: node, version, formats, and every file with its size and SHA-256
//	) ) )
//
// # Reading
//
// Extract writes the files into an empty directory and checks each against the manifest: a wrong
// passphrase, a truncated or altered archive, a file missing from the manifest or from the archive, or a
// name that would leave the directory is an error (ErrCorrupt, ErrPassphrase, ErrEncrypted), and the
// caller removes what was written. Extract never writes outside the directory it is given.
//
// The package knows nothing of the node; nvr decides what goes in and where a restore puts it.
package backup
