package ui

import (
	"context"
	"io"
	"time"
)

// Neighborhood is what the API needs of the federation node. A nil Neighborhood makes the hood routes
// answer 503 "neighborhoods are not enabled on this node".
type Neighborhood interface {
	Hoods() []Hood
	CreateHood(name string) (Hood, error)
	// Invite issues an invite to hood ("" = the only hood); via lists public nodes (multiaddrs with /p2p/)
	// the joiner can reach this node through.
	Invite(hood, role string, ttl time.Duration, via []string) (Invite, error)
	Join(ctx context.Context, code string) (Hood, error)
	Members(hood string) ([]Member, error)
	Revoke(hood, member string) error                     // member: member ID or invite ID
	Alerts(hood string, since time.Time) ([]Alert, error) // hood "" = every hood
	PostAlert(ctx context.Context, d AlertDraft) (Alert, error)
	SubscribeAlerts() (alerts <-chan Alert, cancel func())
	FetchClip(ctx context.Context, alertID string) (body io.ReadCloser, size int64, err error)
	Node() P2PNode
}

// Stewardship is what a Neighborhood also offers when a hood has several stewards: founding one with
// co-stewards (their peer IDs) and an agency quorum (0: the default), and cosigning another steward's
// agency invite code. Without it those routes answer 503.
type Stewardship interface {
	FoundHood(name string, coStewards []string, agencyQuorum int) (Hood, error)
	CosignInvite(code string) (Cosigned, error)
}

// Cosigned is an agency invite code with this steward's endorsement added, and what the invite allows,
// for the steward to review before passing the code on.
type Cosigned struct {
	Code              string    `json:"code"`
	Hood              string    `json:"hood"`
	HoodName          string    `json:"hood_name"`
	Issuer            string    `json:"issuer"`  // peer ID of the steward that issued the invite
	Signers           []string  `json:"signers"` // peer IDs of the stewards that signed it, this one last
	Quorum            int       `json:"quorum"`  // stewards the hood needs on an agency's credential
	Lat               float64   `json:"lat"`
	Lon               float64   `json:"lon"`
	Radius            float64   `json:"radius"` // metres
	MaxAreaSqMi       float64   `json:"max_area_sq_mi"`
	MaxWindow         string    `json:"max_window"`
	PerDay            int       `json:"per_day"`
	CredentialExpires time.Time `json:"credential_expires"`
	InviteExpires     time.Time `json:"invite_expires"`
}

// P2PNode is this node's identity and addresses on the peer-to-peer network.
type P2PNode struct {
	ID    string   `json:"id"`    // libp2p peer ID, also the member ID in hoods
	Addrs []string `json:"addrs"` // multiaddrs ending in /p2p/ID, for --via and bootstrap
}

// Hood is a neighborhood this node belongs to.
type Hood struct {
	ID      string `json:"id"`
	Name    string `json:"name"`
	Role    string `json:"role"`    // this node's role: household or agency
	Steward bool   `json:"steward"` // this node may invite and revoke
	Self    string `json:"self"`    // this node's member ID
	Members int    `json:"members"`
	// AgencyQuorum is how many stewards must sign an agency's credential: over 1, an agency invite is
	// cosigned by other stewards before the agency can join with it.
	AgencyQuorum int `json:"agency_quorum"`
}

// Invite is a one-time code that lets a node join a hood until Expires.
type Invite struct {
	ID      string    `json:"id"`
	Code    string    `json:"code"`
	Hood    string    `json:"hood"`
	Role    string    `json:"role"`
	Expires time.Time `json:"expires"`
}

// Member is one node of a hood.
type Member struct {
	ID      string    `json:"id"`
	Name    string    `json:"name"` // display name, e.g. "Elm Street 12"
	Role    string    `json:"role"`
	Steward bool      `json:"steward"`
	Revoked bool      `json:"revoked"`
	Online  bool      `json:"online"`
	Relayed bool      `json:"relayed"` // connected only through a relay
	Self    bool      `json:"self"`
	Joined  time.Time `json:"joined"`
}

// Alert is a message a member posted to a hood, optionally with a place and a clip.
type Alert struct {
	ID         string     `json:"id"`
	Hood       string     `json:"hood"`
	Author     string     `json:"author"` // member ID
	AuthorName string     `json:"author_name"`
	Category   string     `json:"category"`
	Text       string     `json:"text"`
	Time       time.Time  `json:"time"`
	Lat        *float64   `json:"lat,omitempty"`
	Lon        *float64   `json:"lon,omitempty"`
	Clip       *AlertClip `json:"clip,omitempty"`
	Mine       bool       `json:"mine"` // posted by this node
	// Matches are this node's own events that may have seen what a neighbor's alert reports: from cameras
	// whose view meets the alert's place, around its time. Found locally; nothing is sent about them.
	Matches []Event `json:"matches,omitempty"`
}

// AlertClip is the footage an alert offers; it stays on the author's node until fetched.
type AlertClip struct {
	Camera string    `json:"camera"`
	Start  time.Time `json:"start"`
	End    time.Time `json:"end"`
	Size   int64     `json:"size"`
}

// AlertDraft is an alert to post, checked by the API: Lat and Lon both set or both nil; Camera, Start and
// End all set (a clip of at most maxClipLength) or all zero.
type AlertDraft struct {
	Hood, Text, Category string
	Lat, Lon             *float64
	Camera               string
	Start, End           time.Time
}
