package nvr

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sync"
	"time"

	"github.com/porchlight/porchlight/federation"
	"github.com/porchlight/porchlight/internal/atomicfile"
)

// AlertReadsFile holds the node's read mark of neighborhood alerts, in the data dir.
const AlertReadsFile = "alerts-read.json"

// alertReadsVersion is the format of AlertReadsFile.
const alertReadsVersion = 1

// unreadWindow bounds how far back an alert counts as unread: a node whose owner never opens the
// neighborhood view does not count alerts of a year ago.
const unreadWindow = 30 * 24 * time.Hour

// alertReads is the node's read mark: the neighbors' alerts up to ReadUntil have been seen in the web
// app by one of the node's users. It is one mark for the node, not one per user: the household shares
// its neighborhood feed as it shares its cameras, and what counts unread (the nav badge, Home
// Assistant's sensor) is what nobody in it has looked at yet. The mark only moves forward.
type alertReads struct {
	path   string
	alerts func(hood string, since time.Time) ([]federation.Alert, error)
	now    func() time.Time
	// changed, when set, is called after the mark moved (the MQTT sensor republishes).
	changed func()

	mu    sync.Mutex
	until time.Time
}

type alertReadsDoc struct {
	Version   int       `json:"version"`
	ReadUntil time.Time `json:"read_until"`
}

// openAlertReads reads the mark from dataDir (none yet: nothing read).
func openAlertReads(dataDir string, alerts func(string, time.Time) ([]federation.Alert, error), now func() time.Time) (*alertReads, error) {
	r := &alertReads{path: filepath.Join(dataDir, AlertReadsFile), alerts: alerts, now: now}
	b, err := os.ReadFile(r.path)
	if errors.Is(err, fs.ErrNotExist) {
		return r, nil
	}
	if err != nil {
		return nil, err
	}
	var doc alertReadsDoc
	if err := json.Unmarshal(b, &doc); err != nil {
		return nil, fmt.Errorf("%s: %w", r.path, err)
	}
	if doc.Version > alertReadsVersion {
		return nil, fmt.Errorf("%s has format %d; this porchlight knows up to %d: upgrade porchlight", r.path, doc.Version, alertReadsVersion)
	}
	r.until = doc.ReadUntil
	return r, nil
}

// MarkRead moves the mark to until (never back, never past now) and returns the mark.
func (r *alertReads) MarkRead(until time.Time) (time.Time, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if now := r.now(); until.After(now) {
		until = now
	}
	if !until.After(r.until) {
		return r.until, nil
	}
	b, _ := json.Marshal(alertReadsDoc{Version: alertReadsVersion, ReadUntil: until.UTC()}) // plain struct
	if err := atomicfile.WriteFile(r.path, b, 0o600); err != nil {
		return r.until, err
	}
	r.until = until
	if r.changed != nil {
		r.changed()
	}
	return until, nil
}

// Unread counts the neighbors' alerts (not this node's own) after the mark, of the last 30 days.
func (r *alertReads) Unread() (n int, readUntil time.Time, err error) {
	r.mu.Lock()
	readUntil = r.until
	r.mu.Unlock()
	since := r.now().Add(-unreadWindow)
	if readUntil.After(since) {
		since = readUntil
	}
	as, err := r.alerts("", since)
	if err != nil {
		return 0, readUntil, err
	}
	for _, a := range as {
		if !a.Mine && a.Time.After(since) {
			n++
		}
	}
	return n, readUntil, nil
}
