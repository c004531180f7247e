package nvr

import (
	"fmt"
	"slices"
	"strings"
	"testing"
)

// The federation room's sub-packages with narrower rules than the room (see the package table in the
// guide): each may depend, among the module's packages, on itself, its own sub-packages and these only.
//   - federation/roster is pure membership rules: the leaves wire and geo, nothing else;
//   - federation/agency reaches the hood core (package federation) through an interface it declares, never
//     by importing it: the leaves, roster, and the module's internal helpers.
//
// And the core does not depend on agency: nvr hands the agency the core, not the other way round.
var federationSubRooms = map[string][]string{
	"federation/roster": {"federation/wire", "federation/geo"},
	"federation/agency": {"federation/wire", "federation/geo", "federation/tlog", "federation/deliver",
		"federation/roster", "internal"},
}

// federationViolations checks federationSubRooms against go list output.
func federationViolations(pkgs []goPackage) []string {
	var out []string
	for _, p := range pkgs {
		if p.ImportPath == modulePath+"/federation" {
			for _, dep := range p.Deps {
				if within(dep, modulePath+"/federation/agency") {
					out = append(out, fmt.Sprintf("%s depends on %s: the core does not depend on agency", p.ImportPath, dep))
				}
			}
		}
		for sub, allowed := range federationSubRooms {
			if !within(p.ImportPath, modulePath+"/"+sub) {
				continue
			}
			for _, dep := range p.Deps {
				if _, ours := room(dep); !ours || within(dep, modulePath+"/"+sub) {
					continue
				}
				if !slices.ContainsFunc(allowed, func(a string) bool { return within(dep, modulePath+"/"+a) }) {
					out = append(out, fmt.Sprintf("%s depends on %s: %s may depend only on %v", p.ImportPath, dep, sub, allowed))
				}
			}
		}
	}
	return out
}

// within reports whether importPath is pkg or one of its sub-packages.
func within(importPath, pkg string) bool {
	return importPath == pkg || strings.HasPrefix(importPath, pkg+"/")
}

func TestFederationSubRooms(t *testing.T) {
	pkgs := listModulePackages(t)
	for _, v := range federationViolations(pkgs) {
		t.Error(v)
	}
	for sub := range federationSubRooms {
		if !slices.ContainsFunc(pkgs, func(p goPackage) bool { return p.ImportPath == modulePath+"/"+sub }) {
			t.Logf("%s does not exist (yet): its rule checks nothing", sub)
		}
	}
}

func TestFederationViolations(t *testing.T) {
	m := func(p string) string { return modulePath + "/" + p }
	tests := []struct {
		name string
		pkg  goPackage
		want []string // substrings, one per violation
	}{
		{"roster on the leaves", goPackage{ImportPath: m("federation/roster"), Deps: []string{m("federation/wire"), m("federation/geo"), "fmt"}}, nil},
		{"roster on tlog", goPackage{ImportPath: m("federation/roster"), Deps: []string{m("federation/tlog")}},
			[]string{"depends on " + m("federation/tlog")}},
		{"roster on the core", goPackage{ImportPath: m("federation/roster"), Deps: []string{m("federation"), m("federation/wire")}},
			[]string{"depends on " + m("federation") + ":"}},
		{"agency on roster and the leaves", goPackage{ImportPath: m("federation/agency"), Deps: []string{m("federation/roster"),
			m("federation/tlog"), m("federation/deliver"), m("internal/atomicfile")}}, nil},
		{"agency on the core", goPackage{ImportPath: m("federation/agency"), Deps: []string{m("federation")}},
			[]string{"depends on " + m("federation") + ":"}},
		{"agency's sub-package on the core", goPackage{ImportPath: m("federation/agency/x"), Deps: []string{m("federation/agency"), m("federation")}},
			[]string{"depends on " + m("federation") + ":"}},
		{"the core on roster", goPackage{ImportPath: m("federation"), Deps: []string{m("federation/roster"), m("federation/wire")}}, nil},
		{"the core on agency", goPackage{ImportPath: m("federation"), Deps: []string{m("federation/agency")}},
			[]string{"the core does not depend on agency"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := federationViolations([]goPackage{tt.pkg})
			if len(got) != len(tt.want) {
				t.Fatalf("got %d violations %q, want %d", len(got), got, len(tt.want))
			}
			for i, want := range tt.want {
				if !strings.Contains(got[i], want) {
					t.Errorf("got violation %q, want it to contain %q", got[i], want)
				}
			}
		})
	}
}
