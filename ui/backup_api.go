package ui

import (
	"io"
	"net/http"
	"strconv"
)

// DatabaseSnapshot is a consistent copy of one database in the making (a bbolt read transaction): Size
// bytes that WriteTo writes. Rollback ends it.
type DatabaseSnapshot interface {
	Size() int64
	WriteTo(w io.Writer) (int64, error)
	Rollback() error
}

// Backups gives consistent copies of the node's databases while it runs, for `porchlight backup`.
type Backups interface {
	// SnapshotDatabase begins a copy of the database file name (index.db) of the data dir; ErrNotFound
	// when the node does not hold that database open. Without recordings, the copy may leave out what
	// only the recorded files need (the index's segment records).
	SnapshotDatabase(name string, recordings bool) (DatabaseSnapshot, error)
}

// backupDatabase streams a consistent copy of one of the node's databases: admin only.
func (s *Server) backupDatabase(w http.ResponseWriter, r *http.Request) {
	if s.Backups == nil {
		writeError(w, http.StatusServiceUnavailable, "backups are not enabled on this node")
		return
	}
	recordings := true
	switch v := r.URL.Query().Get("recordings"); v {
	case "", "true":
	case "false":
		recordings = false
	default:
		writeError(w, http.StatusBadRequest, "recordings: want true or false, got "+strconv.Quote(v))
		return
	}
	snap, err := s.Backups.SnapshotDatabase(r.PathValue("name"), recordings)
	if err != nil {
		s.writeErr(w, err)
		return
	}
	defer snap.Rollback()
	w.Header().Set("Content-Type", "application/octet-stream")
	w.Header().Set("Content-Length", strconv.FormatInt(snap.Size(), 10))
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(http.StatusOK)
	if _, err := snap.WriteTo(w); err != nil {
		s.Logger.Warn("backup: database copy cut short", "database", r.PathValue("name"), "err", err)
	}
}
