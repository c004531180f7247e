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
	// Custody is a submission's chain-of-custody record, as JSON-ready data.
	Custody(id string) (any, error)
	Policy() RequestPolicy
	SetPolicy(p RequestPolicy) error
	Directory() []AgencyEntry
	VerifyLogs(ctx context.Context) ([]LogReport, error)
	Transparency(ctx context.Context) (any, error)
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
