package ui

import (
	"context"
	"io"
	"time"
)

// Requests is what the API needs of the agency-request side of the federation node: the public list and
// a home's inbox, approvals, an agency's requests and submissions, log audits and the transparency
// report. A nil Requests makes those routes answer 503.
type Requests interface {
	Requests(inbox bool) ([]Request, error)
	Request(id string) (Request, error)
	PostRequest(ctx context.Context, d RequestDraft) (Request, error)
	CloseRequest(id string) (Request, error)
	Approve(ctx context.Context, id string, a ApprovalDraft) (Delivery, error)
	Decline(id string) error
	Deliveries() ([]Delivery, error)
	Submissions() ([]Submission, error)
	OpenSubmission(id string, w io.Writer) (int64, error)
	Custody(id string) (Custody, error)
	Policy() RequestPolicy
	SetPolicy(p RequestPolicy) error
	Directory() []AgencyEntry
	VerifyLogs(ctx context.Context) ([]LogReport, error)
	Transparency(ctx context.Context) ([]MonthReport, error)
	InviteAgency(hood string, ttl time.Duration, via []string, s AgencyScope) (Invite, error)
}

// Request is an agency's request for footage as this node holds it.
type Request struct {
	ID          string       `json:"id"`
	Hood        string       `json:"hood"`
	Agency      string       `json:"agency"`
	AgencyName  string       `json:"agency_name"`
	Case        string       `json:"case"`
	Category    string       `json:"category,omitempty"`
	Reason      string       `json:"reason"`
	Contact     string       `json:"contact,omitempty"`
	Lat         float64      `json:"lat"`
	Lon         float64      `json:"lon"`
	Radius      float64      `json:"radius"`
	Polygon     [][2]float64 `json:"polygon,omitempty"`
	Start       time.Time    `json:"start"`
	End         time.Time    `json:"end"`
	Expires     time.Time    `json:"expires"`
	Time        time.Time    `json:"time"`
	LogIndex    int64        `json:"log_index"`
	Status      string       `json:"status"`
	Matches     []string     `json:"matches,omitempty"`
	Submissions int64        `json:"submissions"`
}

// RequestDraft is a request an agency posts.
type RequestDraft struct {
	Hood     string       `json:"hood"`
	Case     string       `json:"case"`
	Category string       `json:"category"`
	Reason   string       `json:"reason"`
	Contact  string       `json:"contact"`
	Lat      float64      `json:"lat"`
	Lon      float64      `json:"lon"`
	Radius   float64      `json:"radius"`
	Polygon  [][2]float64 `json:"polygon,omitempty"`
	Start    time.Time    `json:"start"`
	End      time.Time    `json:"end"`
	Life     string       `json:"expires_in,omitempty"` // Go duration, default 168h
}

// ApprovalDraft is the owner's answer: which camera, the trimmed range (zero: the request's window), a
// note for the agency.
type ApprovalDraft struct {
	Camera string    `json:"camera"`
	Start  time.Time `json:"start"`
	End    time.Time `json:"end"`
	Note   string    `json:"note"`
}

// Delivery is an approved clip on its way to (or at) the agency.
type Delivery struct {
	ID        string    `json:"id"`
	Request   string    `json:"request"`
	Camera    string    `json:"camera"`
	Start     time.Time `json:"start"`
	End       time.Time `json:"end"`
	Size      int64     `json:"size"`
	Status    string    `json:"status"`
	Delivered time.Time `json:"delivered,omitzero"`
	LastError string    `json:"last_error,omitempty"`
}

// Submission is a clip an agency received.
type Submission struct {
	ID       string    `json:"id"`
	Request  string    `json:"request"`
	Case     string    `json:"case"`
	Camera   string    `json:"camera"`
	Start    time.Time `json:"start"`
	End      time.Time `json:"end"`
	Received time.Time `json:"received"`
	Size     int64     `json:"size"`
	Note     string    `json:"note,omitempty"`
	Count    int64     `json:"count"`
}

// RequestPolicy is the owner's standing answer to requests.
type RequestPolicy struct {
	OptOut     bool     `json:"opt_out"`
	Muted      []string `json:"muted"`       // agency member IDs
	NeverShare []string `json:"never_share"` // camera names
}

// AgencyEntry is one agency of a hood's public directory.
type AgencyEntry struct {
	Hood        string    `json:"hood"`
	Agency      string    `json:"agency"`
	Name        string    `json:"name"`
	Lat         float64   `json:"lat"`
	Lon         float64   `json:"lon"`
	Radius      float64   `json:"radius"`
	MaxAreaSqMi float64   `json:"max_area_sq_mi"`
	MaxWindow   string    `json:"max_window"`
	PerDay      int       `json:"per_day"`
	Since       time.Time `json:"since"`
	Expires     time.Time `json:"expires"`
	Revoked     bool      `json:"revoked"`
	Requests    int       `json:"requests"`
	SignedBy    []string  `json:"signed_by"` // the stewards whose signatures on its credential count
}

// LogReport is the audit of one agency's public log.
type LogReport struct {
	Agency     string   `json:"agency"`
	AgencyName string   `json:"agency_name"`
	OK         bool     `json:"ok"`
	Size       int64    `json:"size"`
	Checkpoint string   `json:"checkpoint"`
	Requests   int      `json:"requests"` // requests this node holds, each found in the log
	Forks      int      `json:"forks"`
	Problems   []string `json:"problems"`
}

// AgencyScope is what an agency invite's credential allows; zero caps take the node's defaults.
type AgencyScope struct {
	Lat, Lon, Radius float64 // centre (degrees) and radius (metres)
	MaxAreaSqMi      float64
	MaxWindow        time.Duration
	PerDay           int
	Valid            time.Duration // how long the credential lasts
}

// Custody is a submission's chain-of-custody record: what was approved, by whom and when, the hashes of
// the clip and of its ciphertext, the signed manifest and receipt, and proofs that the request and the
// submission's count are in the agency's log under its current checkpoint.
type Custody struct {
	Submission     string    `json:"submission"`
	Request        string    `json:"request"`
	Case           string    `json:"case"`
	Camera         string    `json:"camera"`
	Start          time.Time `json:"start"`
	End            time.Time `json:"end"`
	Note           string    `json:"note,omitempty"`
	Size           int64     `json:"size"`
	SHA256         string    `json:"sha256"` // of the MP4, hex
	CipherSize     int64     `json:"cipher_size"`
	CipherSHA256   string    `json:"cipher_sha256"`
	Owner          string    `json:"owner"` // the approving home's member ID
	Approved       time.Time `json:"approved"`
	Received       time.Time `json:"received"`
	Manifest       string    `json:"manifest"` // the signed approval, base64 CBOR
	Receipt        string    `json:"receipt"`  // the signed receipt, base64 CBOR
	Checkpoint     string    `json:"checkpoint"`
	RequestIndex   int64     `json:"request_index"`
	RequestProof   []string  `json:"request_proof"` // base64 hashes
	SubmissionNo   int64     `json:"submission_count"`
	SubmissionIdx  int64     `json:"submission_index"`
	SubmissionPath []string  `json:"submission_proof"` // base64 hashes
}

// MonthReport is one agency's month in the transparency report, from its public log's entries alone.
type MonthReport struct {
	Agency       string         `json:"agency"` // member ID
	AgencyName   string         `json:"agency_name"`
	Month        string         `json:"month"` // 2026-11
	Requests     int            `json:"requests"`
	Closed       int            `json:"closed"`
	Submissions  int            `json:"submissions"`
	AreaSqMi     float64        `json:"area_sq_mi"`     // summed over the month's requests
	MaxAreaSqMi  float64        `json:"max_area_sq_mi"` // the largest one
	WindowHours  float64        `json:"window_hours"`   // summed
	MaxWindowH   float64        `json:"max_window_hours"`
	Categories   map[string]int `json:"categories"`
	LogVerified  bool           `json:"log_verified"`
	LogSize      int64          `json:"log_size"`
	LogProblems  []string       `json:"log_problems,omitempty"`
	RequestsOpen int            `json:"requests_open"` // posted this month and not closed (nor expired)
}
