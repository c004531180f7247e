package ui

import "time"

// Horizons returns each camera's retention horizon as GET /api/v1/storage computes it, by camera name, for
// other consumers of the same figure (MQTT sensors).
func Horizons(streams []Camera, rep StorageReport, now time.Time) map[string]Horizon {
	out := map[string]Horizon{}
	for _, c := range buildStorage(streams, rep, now).Cameras {
		out[c.Name] = c.Horizon
	}
	return out
}
