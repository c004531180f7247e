package ui

import (
	_ "embed"
	"net/http"
)

// openAPI documents every route of routeTable; a test keeps the two in step.
//
//go:embed openapi.yaml
var openAPI []byte

func (s *Server) serveOpenAPI(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "application/yaml")
	_, _ = w.Write(openAPI)
}
