package nvr

import (
	"fmt"
	"path"
	"slices"
	"strings"
	"testing"
)

// rooms that only nvr may import (and cmd/porchlight, through nvr). See the package table in the guide.
var wiredRooms = []string{"recorder", "federation", "ui", "nvr", "cmd"}

// room returns the top-level directory of a module package ("recorder" for recorder/index), "" for the
// module root, or false for packages outside the module.
func room(importPath string) (string, bool) {
	if importPath == modulePath {
		return "", true
	}
	rest, ok := strings.CutPrefix(importPath, modulePath+"/")
	if !ok {
		return "", false
	}
	r, _, _ := strings.Cut(rest, "/")
	return r, true
}

// isTestHelper reports whether a module package exists only to support tests: its last element ends in
// "test" (rtsptest, recordertest) or is testutil.
func isTestHelper(importPath string) bool {
	base := path.Base(importPath)
	return strings.HasSuffix(base, "test") || base == "testutil"
}

func isStd(importPath string) bool {
	first, _, _ := strings.Cut(importPath, "/")
	return !strings.Contains(first, ".")
}

// leafRoom holds the leaves every room may import (internal/atomicfile, internal/testutil): they import no
// other package of the module, so importing them joins no two rooms.
const leafRoom = "internal"

// importViolations checks the guide's package table against go list output:
//   - cmd/... imports only nvr among our packages, and nothing outside the standard library;
//   - recorder, federation and ui (and any other room but nvr) depend on none of recorder, federation, ui,
//     nvr and cmd, except their own room;
//   - internal/... depends on no package of the module outside internal;
//   - no package that ships depends on a test helper package or imports "testing".
func importViolations(pkgs []goPackage) []string {
	var out []string
	for _, p := range pkgs {
		r, ok := room(p.ImportPath)
		if !ok {
			continue
		}
		if r == "cmd" {
			for _, imp := range p.Imports {
				if _, ours := room(imp); (ours && imp != modulePath+"/nvr") || (!ours && !isStd(imp)) {
					out = append(out, fmt.Sprintf("%s imports %s: commands may import only nvr and the standard library", p.ImportPath, imp))
				}
			}
		}
		if r != "nvr" && r != "cmd" {
			for _, dep := range p.Deps {
				if dr, ours := room(dep); ours && dr != r && slices.Contains(wiredRooms, dr) {
					out = append(out, fmt.Sprintf("%s depends on %s: only nvr may import %s", p.ImportPath, dep, dr))
				}
			}
		}
		if r == leafRoom {
			for _, dep := range p.Deps {
				if dr, ours := room(dep); ours && dr != leafRoom && !slices.Contains(wiredRooms, dr) {
					out = append(out, fmt.Sprintf("%s depends on %s: %s/ is a leaf and imports no other package of the module", p.ImportPath, dep, leafRoom))
				}
			}
		}
		if isTestHelper(p.ImportPath) {
			continue
		}
		for _, dep := range p.Deps {
			if _, ours := room(dep); ours && isTestHelper(dep) {
				out = append(out, fmt.Sprintf("%s depends on test helper %s: helpers are for _test.go files only", p.ImportPath, dep))
			}
		}
		for _, imp := range p.Imports {
			if imp == "testing" || strings.HasPrefix(imp, "testing/") {
				out = append(out, fmt.Sprintf("%s imports %s outside _test.go files", p.ImportPath, imp))
			}
		}
	}
	return out
}

func TestPackageTable(t *testing.T) {
	for _, v := range importViolations(listModulePackages(t)) {
		t.Error(v)
	}
}

func TestImportViolations(t *testing.T) {
	m := func(p string) string { return modulePath + "/" + p }
	tests := []struct {
		name string
		pkg  goPackage
		want []string // substrings, one per violation
	}{
		{"cmd imports nvr", goPackage{ImportPath: m("cmd/porchlight"), Imports: []string{"os", m("nvr")},
			Deps: []string{m("nvr"), m("ui"), m("recorder")}}, nil},
		{"cmd imports ui", goPackage{ImportPath: m("cmd/porchlight"), Imports: []string{m("nvr"), m("ui")}},
			[]string{"imports " + modulePath + "/ui: commands may import only nvr"}},
		{"cmd imports a library", goPackage{ImportPath: m("cmd/porchlight"), Imports: []string{"go.yaml.in/yaml/v3"}},
			[]string{"imports go.yaml.in/yaml/v3"}},
		{"nvr imports everything", goPackage{ImportPath: m("nvr"), Imports: []string{m("ui"), m("recorder"), m("federation")},
			Deps: []string{m("ui"), m("recorder"), m("federation"), m("recorder/index")}}, nil},
		{"recorder sub-packages", goPackage{ImportPath: m("recorder/export"), Deps: []string{m("recorder/index"), m("configs")}}, nil},
		{"recorder imports ui", goPackage{ImportPath: m("recorder"), Deps: []string{m("ui")}}, []string{"only nvr may import ui"}},
		{"recorder reaches nvr transitively", goPackage{ImportPath: m("recorder/index"), Deps: []string{m("federation/tlog"), m("nvr")}},
			[]string{"only nvr may import federation", "only nvr may import nvr"}},
		{"federation imports recorder", goPackage{ImportPath: m("federation"), Deps: []string{m("recorder/index")}},
			[]string{"only nvr may import recorder"}},
		{"ui imports federation", goPackage{ImportPath: m("ui"), Deps: []string{m("federation")}}, []string{"only nvr may import federation"}},
		{"configs imports ui", goPackage{ImportPath: m("configs"), Deps: []string{m("ui")}}, []string{"only nvr may import ui"}},
		{"shipped package uses a test helper", goPackage{ImportPath: m("recorder"), Deps: []string{m("recorder/rtsptest")}},
			[]string{"depends on test helper"}},
		{"shipped package imports testing", goPackage{ImportPath: m("ui"), Imports: []string{"testing"}},
			[]string{"imports testing outside _test.go files"}},
		{"helper may import testing", goPackage{ImportPath: m("recorder/rtsptest"), Imports: []string{"testing"}}, nil},
		{"every room may import internal", goPackage{ImportPath: m("federation/deliver"), Deps: []string{m("internal/atomicfile")}}, nil},
		{"internal imports internal", goPackage{ImportPath: m("internal/testutil"), Imports: []string{"testing"},
			Deps: []string{m("internal/atomicfile"), "go.uber.org/goleak"}}, nil},
		{"internal imports a room", goPackage{ImportPath: m("internal/atomicfile"), Deps: []string{m("ui")}},
			[]string{"only nvr may import ui"}},
		{"internal imports configs", goPackage{ImportPath: m("internal/atomicfile"), Deps: []string{m("configs")}},
			[]string{"internal/ is a leaf"}},
		{"shipped package uses internal/testutil", goPackage{ImportPath: m("ui"), Deps: []string{m("internal/testutil")}},
			[]string{"depends on test helper"}},
		{"outside packages are ignored", goPackage{ImportPath: "example.com/x", Deps: []string{m("nvr")}}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := importViolations([]goPackage{tt.pkg})
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
