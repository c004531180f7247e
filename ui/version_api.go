package ui

import "net/http"

// BuildInfo is what GET /api/v1/version and `porchlight version --json` report: the build and the
// format version of every file it keeps on disk (the newest it reads; older ones are migrated on open).
type BuildInfo struct {
	Version string         `json:"version"`
	Commit  string         `json:"commit"` // VCS revision; "" when the build did not record one
	Go      string         `json:"go"`
	Formats map[string]int `json:"formats"`
}

// version answers the node's BuildInfo to any signed-in user (Settings → About).
func (s *Server) version(w http.ResponseWriter, _ *http.Request) {
	writeJSON(w, http.StatusOK, s.Build)
}
