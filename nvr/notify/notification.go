package notify

import (
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"time"
)

// Type is what a notification is about; channels choose the types they take (ChannelConfig.Events).
type Type string

// The types of notification.
const (
	TypeRequest Type = "request" // an agency request that matches this home's cameras
	TypeAlert   Type = "alert"   // a neighbor's alert
	TypeMotion  Type = "motion"  // a motion event opened
	TypeCamera  Type = "camera"  // a camera went offline or came back
	TypeDisk    Type = "disk"    // the disk is nearly full, or the retention horizon is short
	TypeMember  Type = "member"  // a member or agency was admitted to a hood of this node
)

// TypeTest is the type of the admin's test notification (Notifier.Test): no channel chooses it.
const TypeTest Type = "test"

// Types lists every Type, in the order the config documents them.
var Types = []Type{TypeRequest, TypeAlert, TypeMotion, TypeCamera, TypeDisk, TypeMember}

// UnmarshalText accepts the name of a Type.
func (t *Type) UnmarshalText(b []byte) error {
	for _, k := range Types {
		if string(b) == string(k) {
			*t = k
			return nil
		}
	}
	return fmt.Errorf("%w %q: must be one of request, alert, motion, camera, disk, member", ErrBadType, b)
}

// Notification is one thing to tell the owner. Nothing in it may reveal footage: the only picture a
// channel sends is the owner's own event snapshot, fetched when the job is sent (EventID).
type Notification struct {
	ID       string    `json:"id"` // unique, set by Notify: receivers drop repeats of a retried delivery
	Type     Type      `json:"type"`
	Title    string    `json:"title"`
	Message  string    `json:"message"`
	Link     string    `json:"link,omitempty"`   // absolute URL of the UI view to open (after login)
	Camera   string    `json:"camera,omitempty"` // for motion and camera notifications: motion cooldown is per camera
	EventID  uint64    `json:"event_id,omitempty"`
	Snapshot bool      `json:"snapshot,omitempty"` // the event has (or will soon have) a snapshot to attach
	Priority int       `json:"priority,omitempty"` // 1 (min) .. 5 (max); 0: the channel's default
	Time     time.Time `json:"time"`               // when it happened
}

// newID returns 16 random bytes in hex.
func newID() string {
	var b [16]byte
	_, _ = rand.Read(b[:]) // crypto/rand.Read never fails (Go ≥ 1.24)
	return hex.EncodeToString(b[:])
}
