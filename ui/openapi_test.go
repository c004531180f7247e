package ui

import (
	"strings"
	"testing"

	"go.yaml.in/yaml/v3"
)

func TestOpenAPIDocumentsEveryRoute(t *testing.T) {
	var doc struct {
		Paths map[string]map[string]any `yaml:"paths"`
	}
	if err := yaml.Unmarshal(openAPI, &doc); err != nil {
		t.Fatalf("openapi.yaml: %v", err)
	}
	s := &Server{}
	documented := map[string]bool{}
	for path, ops := range doc.Paths {
		for method := range ops {
			documented[strings.ToUpper(method)+" "+path] = true
		}
	}
	registered := map[string]bool{}
	for _, rt := range s.routeTable() {
		key := rt.method + " " + rt.path
		registered[key] = true
		if !documented[key] {
			t.Errorf("route %s is registered but missing from openapi.yaml", key)
		}
	}
	for key := range documented {
		if !registered[key] {
			t.Errorf("openapi.yaml documents %s, which no route serves", key)
		}
	}
}
