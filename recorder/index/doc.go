// Package index keeps the recording index of Porchlight: one bbolt database (go.etcd.io/bbolt) that holds a
// record for every fragmented-MP4 segment file the recorder writes, with a compact table of every frame and
// part, and the runs (continuous recorded spans) of each stream.
//
// Listing, the timeline, retention and export read only the index, never the segment files: the frame table
// is enough to build an MP4 header for any range and to find each sample's bytes by offset. The package owns
// the record format and the database layout; it does not touch segment files, decide what to delete or
// know about cameras beyond a stream key.
//
// # Basics
//
// Open a database with Open and close it with Close. All methods are safe for concurrent use.
//
//	db, err := index.Open(filepath.Join(dataDir, "index.db"), nil)
//	...
//	defer db.Close()
//
// A stream is named by a key such as "front/main". The recorder calls Put when it finishes (or extends) a
// segment; concurrent Puts from many cameras share one commit. Segment IDs increase within a stream, and
// Segment.Run is the ID of the first segment of the run a segment belongs to; a new run starts after every
// gap in the recording.
//
// Spans lists the recorded time ranges of a stream (the timeline and the recordings API); Segments yields the
// fully decoded segments overlapping a range (export); Summaries yields every segment without its tables
// (retention, recovery); Usage returns running totals in constant time; Delete removes a segment.
//
// MarshalSegment, UnmarshalSegment and UnmarshalSummary expose the record format, documented at
// MarshalSegment. The first byte of a record is its format version.
//
// # Layout
//
//	meta                    bucket
//	  version               format version of the database layout (FormatVersion, one byte); a newer
//	                        one is refused, older ones migrated by Schema on open
//	  segments              version of the recorder's segment files and directories
//	                        (Options.SegmentLayout), when the recorder opened the database
//	streams                 bucket
//	  <stream key>          bucket per stream
//	    usage               key: bytes, segment count, oldest start, newest end
//	    seg                 bucket: ID (8 bytes big-endian) -> record
//	    time                bucket: Start (unix ns, 8 bytes big-endian, sign bit flipped so negative
//	                        times sort first) + ID (8 bytes) -> empty
//	    runs                bucket: run ID (8 bytes) -> start and end (unix ns, 8 bytes big-endian
//	                        each)
//	events                  bucket: event ID (8 bytes, from the bucket's sequence) -> event record
//	                        (MarshalEvent)
//	evtime                  bucket: camera + 0x00 + start (as in time) + event ID -> empty: each
//	                        camera's events by start, so a day of events is one range scan per camera
//	evopen                  bucket: event ID -> empty, for the events that have not ended
//	evcams                  bucket: camera -> its longest closed event (ns, 8 bytes), which bounds how
//	                        far before a range a scan must start
//	evsnap                  bucket: event ID -> snapshot JPEG
//
// Events (OpenEvent, CloseEvent, SetEventSnapshot, Events, EventSpans) are keyed by camera, not stream:
// an event belongs to what the camera saw. IDs increase in the order events open; Events lists newest
// (highest ID) first and pages with EventQuery.Before.
//
// A run record covers the segments from its key up to the next run key. Deleting a segment at the head or
// tail of a run moves the run's start or end to its remaining neighbour (the key stays); deleting one from
// the middle splits the run in two, and the second half is keyed by its first remaining segment, whose Run
// field still names the original run. Put finds a segment's run as the greatest run key not above its ID, if that key is not
// below Segment.Run, and otherwise starts a new run keyed by Segment.Run.
//
// # Caveats
//
// Times are stored as Unix nanoseconds, so they must lie between the years 1678 and 2262, and are returned
// in UTC without a monotonic clock reading.
//
// Runs assume that a stream's segments are in time order by ID, as the recorder writes them. Segments
// includes at most one segment that starts before the range, the latest one, on the same assumption.
//
// Segments and Summaries read in pages and call fn outside any transaction, so fn may call other methods
// of the DB, including Delete; each page is consistent, the whole iteration is not a snapshot.
//
// Put waits up to bbolt's MaxBatchDelay (10 ms) to share its commit with other Puts; use PutMany to load many
// segments at once. A corrupt record makes Get, Segments and Summaries fail with ErrBadRecord. Delete still
// removes it, but cannot subtract its size from Usage; deleting its neighbour leaves their run unchanged.
package index
