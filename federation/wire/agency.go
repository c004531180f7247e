package wire

import (
	"errors"
	"fmt"
	"strings"
)

// Limits on agency records.
const (
	MaxCase      = 64
	MaxReason    = 2000
	MaxContact   = 256
	MaxNote      = 1000
	MaxPolygon   = 64      // vertices
	MaxRadius    = 50_000  // metres, for scopes and request areas
	MaxRecipient = 128     // an age X25519 recipient is 62 characters
	MaxCamera    = MaxName // camera labels
)

// Scope is what a steward lets an agency ask for: requests inside Area, each at most MaxArea square metres
// and MaxWindow long, at most PerDay a day, until Expires. It travels in the agency's invite (so the agency
// sees what it accepts) and in its certificate (the credential every home checks requests against).
type Scope struct {
	Area      Area   `cbor:"1,keyasint"` // a circle
	MaxArea   uint64 `cbor:"2,keyasint"` // square metres
	MaxWindow int64  `cbor:"3,keyasint"` // ms
	PerDay    uint32 `cbor:"4,keyasint"`
	Expires   int64  `cbor:"5,keyasint"` // unix ms
	// Recipient is the agency's age X25519 recipient that approved clips are encrypted to. Empty in an
	// invite (the agency names it when it claims the invite); set in the certificate.
	Recipient string `cbor:"6,keyasint,omitempty"`
}

// Area is a circle (Center, Radius) and, optionally, a polygon inside it that narrows a request.
type Area struct {
	Center  Place   `cbor:"1,keyasint"` // microdegrees, exact (not coarsened)
	Radius  uint32  `cbor:"2,keyasint"` // metres
	Polygon []Place `cbor:"3,keyasint,omitempty"`
}

// Request is an agency's ask for footage. Signed by the agency; valid only inside its certificate's scope
// and only once it is in the agency's public log.
type Request struct {
	Hood     string `cbor:"1,keyasint"`
	Agency   []byte `cbor:"2,keyasint"`
	Case     string `cbor:"3,keyasint"`
	Category string `cbor:"4,keyasint"`
	Reason   string `cbor:"5,keyasint"`
	Area     Area   `cbor:"6,keyasint"`
	Start    int64  `cbor:"7,keyasint"` // unix ms: the footage window
	End      int64  `cbor:"8,keyasint"`
	Expires  int64  `cbor:"9,keyasint"` // after this homes stop asking their owners
	Contact  string `cbor:"10,keyasint"`
	Time     int64  `cbor:"11,keyasint"` // when it was posted
	Nonce    []byte `cbor:"12,keyasint"`
}

// Notice carries a request to the hood with the proof that it is in the agency's log: the log index, a
// signed checkpoint (a note) and the inclusion proof (concatenated 32-byte hashes). Signed by the agency.
type Notice struct {
	Request    []byte `cbor:"1,keyasint"` // the signed request, encoded; it is the log entry's record
	Index      int64  `cbor:"2,keyasint"`
	Checkpoint []byte `cbor:"3,keyasint"`
	Proof      []byte `cbor:"4,keyasint"`
	// Prev is the size of the checkpoint the agency's previous notice carried, and Consistency the proof
	// that this checkpoint extends it: a home that saw that notice checks the log's history without asking
	// the agency.
	Prev        int64  `cbor:"5,keyasint,omitempty"`
	Consistency []byte `cbor:"6,keyasint,omitempty"`
}

// Approval is a homeowner's consent to send one clip to one agency for one request; it is also the
// delivery's manifest. Signed by the home. Footage leaves a home only against one of these.
type Approval struct {
	Hood         string `cbor:"1,keyasint"`
	Request      string `cbor:"2,keyasint"` // request record ID
	Owner        []byte `cbor:"3,keyasint"` // the home's key
	Recipient    []byte `cbor:"4,keyasint"` // the agency's key
	Camera       string `cbor:"5,keyasint"` // the camera's label
	Start        int64  `cbor:"6,keyasint"` // unix ms
	End          int64  `cbor:"7,keyasint"`
	Size         int64  `cbor:"8,keyasint"` // MP4 bytes
	SHA256       []byte `cbor:"9,keyasint"` // of the MP4
	CipherSize   int64  `cbor:"10,keyasint"`
	CipherSHA256 []byte `cbor:"11,keyasint"` // of the age file sent
	Note         string `cbor:"12,keyasint,omitempty"`
	Time         int64  `cbor:"13,keyasint"`
}

// Receipt is the agency's acknowledgement of a verified, stored submission. Signed by the agency.
type Receipt struct {
	Approval string `cbor:"1,keyasint"` // approval record ID
	Request  string `cbor:"2,keyasint"`
	SHA256   []byte `cbor:"3,keyasint"` // ciphertext hash it stored
	Time     int64  `cbor:"4,keyasint"`
	Agency   []byte `cbor:"5,keyasint"`
	LogIndex int64  `cbor:"6,keyasint"` // of the submission's count in the agency's log: the home checks it there
}

// Log entry kinds: what an agency's public log holds.
const (
	EntryRequest    = "request"    // Record: the signed request
	EntrySubmission = "submission" // Request and Count: the n-th clip received for it, never from whom
	EntryClose      = "close"      // Request: the agency closed it
)

// LogEntry is one leaf of an agency's public log (CBOR, not signed itself: the checkpoint signs the tree).
type LogEntry struct {
	Kind    string `cbor:"1,keyasint"`
	Record  []byte `cbor:"2,keyasint,omitempty"`
	Request string `cbor:"3,keyasint,omitempty"`
	Count   int64  `cbor:"4,keyasint,omitempty"`
	Time    int64  `cbor:"5,keyasint"` // unix ms, day precision for submissions
}

func checkPlace(p Place) error {
	if p.Lat < -90e6 || p.Lat > 90e6 || p.Lon < -180e6 || p.Lon > 180e6 {
		return fmt.Errorf("%w: place out of range", errField)
	}
	return nil
}

func (a *Area) check() error {
	if a.Radius == 0 || a.Radius > MaxRadius {
		return fmt.Errorf("%w: radius %d m (1..%d)", errField, a.Radius, MaxRadius)
	}
	if len(a.Polygon) != 0 && (len(a.Polygon) < 3 || len(a.Polygon) > MaxPolygon) {
		return fmt.Errorf("%w: polygon of %d vertices (3..%d)", errField, len(a.Polygon), MaxPolygon)
	}
	errs := []error{checkPlace(a.Center)}
	for _, p := range a.Polygon {
		errs = append(errs, checkPlace(p))
	}
	return errors.Join(errs...)
}

func (s *Scope) check() error {
	if s.MaxArea == 0 || s.MaxWindow <= 0 || s.PerDay == 0 || s.Expires <= 0 {
		return fmt.Errorf("%w: scope caps must be positive", errField)
	}
	if len(s.Area.Polygon) != 0 {
		return fmt.Errorf("%w: a scope is a circle", errField)
	}
	if s.Recipient != "" && (len(s.Recipient) > MaxRecipient || !strings.HasPrefix(s.Recipient, "age1")) {
		return fmt.Errorf("%w: recipient", errField)
	}
	return s.Area.check()
}

func (r *Request) check() error {
	if len(r.Nonce) < 8 || len(r.Nonce) > 32 {
		return fmt.Errorf("%w: nonce", errField)
	}
	if r.Case == "" || r.Reason == "" {
		return fmt.Errorf("%w: a request needs a case number and a reason", errField)
	}
	if r.Start <= 0 || r.Time <= 0 || r.End <= r.Start || r.Expires <= r.Time {
		return fmt.Errorf("%w: window or expiry", errField)
	}
	return errors.Join(checkHood(r.Hood), checkKey("agency", r.Agency), r.Area.check(),
		checkText("case", r.Case, MaxCase), checkText("category", r.Category, MaxCategory),
		checkText("reason", r.Reason, MaxReason), checkText("contact", r.Contact, MaxContact))
}

func (n *Notice) check() error {
	if len(n.Request) == 0 || len(n.Checkpoint) == 0 || n.Index < 0 || len(n.Proof)%32 != 0 || len(n.Proof) > 64*32 ||
		n.Prev < 0 || len(n.Consistency)%32 != 0 || len(n.Consistency) > 64*32 {
		return fmt.Errorf("%w: notice", errField)
	}
	return nil
}

func (a *Approval) check() error {
	if a.End <= a.Start || a.Size <= 0 || a.CipherSize <= 0 || len(a.SHA256) != 32 || len(a.CipherSHA256) != 32 {
		return fmt.Errorf("%w: approval clip", errField)
	}
	if len(a.Request) != 32 {
		return fmt.Errorf("%w: request id", errField)
	}
	return errors.Join(checkHood(a.Hood), checkKey("owner", a.Owner), checkKey("recipient", a.Recipient),
		checkText("camera", a.Camera, MaxCamera), checkText("note", a.Note, MaxNote))
}

func (r *Receipt) check() error {
	if len(r.Approval) != 32 || len(r.Request) != 32 || len(r.SHA256) != 32 {
		return fmt.Errorf("%w: receipt", errField)
	}
	return checkKey("agency", r.Agency)
}

func (e *LogEntry) check() error {
	switch e.Kind {
	case EntryRequest:
		if len(e.Record) == 0 || e.Request != "" || e.Count != 0 {
			return fmt.Errorf("%w: request entry", errField)
		}
	case EntrySubmission, EntryClose:
		if len(e.Record) != 0 || len(e.Request) != 32 || (e.Kind == EntrySubmission) != (e.Count > 0) {
			return fmt.Errorf("%w: %s entry", errField, e.Kind)
		}
	default:
		return fmt.Errorf("%w: log entry kind %q", errField, e.Kind)
	}
	return nil
}

// DecodeLogEntry parses a leaf of an agency's log strictly.
func DecodeLogEntry(b []byte) (LogEntry, error) {
	var e LogEntry
	if len(b) > MaxRecord {
		return e, fmt.Errorf("%w: %d bytes", ErrOversize, len(b))
	}
	if err := decMode.Unmarshal(b, &e); err != nil {
		return e, fmt.Errorf("%w: %w", ErrMalformed, err)
	}
	if err := e.check(); err != nil {
		return e, fmt.Errorf("%w: log entry: %w", ErrMalformed, err)
	}
	return e, nil
}
