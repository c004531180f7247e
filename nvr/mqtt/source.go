package mqtt

import "time"

// Source is what the publisher reads from the node. nvr implements it.
type Source interface {
	// Cameras returns the configured cameras with their main stream's state.
	Cameras() []Camera
	// Stats returns the node's figures for the node sensors.
	Stats() Stats
	// OpenMotion returns the cameras with an open motion event now.
	OpenMotion() map[string]bool
	// SubscribeEvents returns every event as it opens, changes and closes, until cancel.
	SubscribeEvents() (events <-chan Event, cancel func())
	// SubscribeAlerts returns every neighborhood alert as it arrives, until cancel.
	SubscribeAlerts() (alerts <-chan Alert, cancel func())
	// EventSnapshot returns the snapshot JPEG of an event.
	EventSnapshot(id uint64) ([]byte, error)
}

// Camera is one camera as its entities show it.
type Camera struct {
	Name       string
	State      string  // the main stream's state (recording, connecting, ...)
	BitrateBps float64 // the main stream's bitrate
}

// Stats are the node sensors' values.
type Stats struct {
	OpenRequests int // agency requests matching this home that the owner has not answered
	// NeighborAlerts counts the unread alerts from neighbors (not this node's own): after the household's
	// read mark, which moves when someone looks at the neighborhood feed in the web app.
	NeighborAlerts int
	DiskUsed       int64   // bytes of footage on disk
	HorizonDays    float64 // days of footage the retention limits keep (the shortest camera's); 0: unknown
}

// Event is an event as the events topic carries it.
type Event struct {
	ID       uint64     `json:"id"`
	Camera   string     `json:"camera"`
	Kind     string     `json:"kind"`
	Start    time.Time  `json:"start"`
	End      *time.Time `json:"end"` // null while open
	Score    float64    `json:"score"`
	Snapshot *string    `json:"snapshot"` // the API path of its snapshot, or null
}

// Alert is a neighborhood alert as the alerts topic carries it: what the owner's own UI shows of it.
type Alert struct {
	ID         string     `json:"id"`
	Hood       string     `json:"hood"`
	AuthorName string     `json:"author_name"`
	Category   string     `json:"category"`
	Text       string     `json:"text"`
	Time       time.Time  `json:"time"`
	Lat        *float64   `json:"lat,omitempty"`
	Lon        *float64   `json:"lon,omitempty"`
	Mine       bool       `json:"mine"`
	Clip       *AlertClip `json:"clip,omitempty"`
}

// AlertClip is the footage an alert offers.
type AlertClip struct {
	Camera string    `json:"camera"`
	Start  time.Time `json:"start"`
	End    time.Time `json:"end"`
	Size   int64     `json:"size"`
}
