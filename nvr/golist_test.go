package nvr

import (
	"encoding/json"
	"errors"
	"io"
	"os/exec"
	"strings"
	"testing"
)

// modulePath is the import path of this module.
const modulePath = "github.com/porchlight/porchlight"

// goPackage is the part of `go list -json` output the house tests use.
type goPackage struct {
	ImportPath   string
	Name         string
	Dir          string
	Imports      []string // direct imports of the non-test files
	Deps         []string // all transitive imports of the non-test files
	GoFiles      []string
	CgoFiles     []string
	TestGoFiles  []string
	XTestGoFiles []string
}

// listModulePackages runs `go list` on every package of the module. -e keeps packages that do not build
// (another engineer's work in progress) in the list with whatever go list could learn about them.
func listModulePackages(t *testing.T) []goPackage {
	t.Helper()
	cmd := exec.Command("go", "list", "-e",
		"-json=ImportPath,Name,Dir,Imports,Deps,GoFiles,CgoFiles,TestGoFiles,XTestGoFiles", modulePath+"/...")
	out, err := cmd.Output()
	if err != nil {
		var ee *exec.ExitError
		if errors.As(err, &ee) {
			t.Fatalf("go list: %v\n%s", err, ee.Stderr)
		}
		t.Fatalf("go list: %v", err)
	}
	var pkgs []goPackage
	dec := json.NewDecoder(strings.NewReader(string(out)))
	for {
		var p goPackage
		if err := dec.Decode(&p); errors.Is(err, io.EOF) {
			break
		} else if err != nil {
			t.Fatalf("decode go list output: %v", err)
		}
		pkgs = append(pkgs, p)
	}
	if len(pkgs) < 3 {
		t.Fatalf("go list found %d packages of the module, want at least nvr, ui and cmd/porchlight", len(pkgs))
	}
	return pkgs
}
