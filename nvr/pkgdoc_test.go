package nvr

import (
	"fmt"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// missingDocs returns a problem for each package without a package doc comment: "// Package x ..." above
// the package clause of one of its files ("// Command x ..." for a main package). Packages made only of
// _test.go files are checked on those files.
func missingDocs(pkgs []goPackage) []string {
	var out []string
	for _, p := range pkgs {
		files := append(append([]string{}, p.GoFiles...), p.CgoFiles...)
		if len(files) == 0 {
			files = append(append(files, p.TestGoFiles...), p.XTestGoFiles...)
		}
		if len(files) == 0 {
			continue // nothing go list could read; the build reports it
		}
		var want string
		found := false
		for _, f := range files {
			af, err := parser.ParseFile(token.NewFileSet(), filepath.Join(p.Dir, f), nil, parser.PackageClauseOnly|parser.ParseComments)
			if err != nil {
				out = append(out, fmt.Sprintf("%s: %v", p.ImportPath, err))
				found = true
				break
			}
			name := strings.TrimSuffix(af.Name.Name, "_test")
			want = "Package " + name + " "
			if name == "main" {
				want = "Command "
			}
			if af.Doc != nil && strings.HasPrefix(af.Doc.Text(), want) {
				found = true
				break
			}
		}
		if !found {
			out = append(out, fmt.Sprintf("%s: no package doc; want a comment starting %q above the package clause (doc.go)", p.ImportPath, want))
		}
	}
	return out
}

func TestEveryPackageHasADoc(t *testing.T) {
	for _, v := range missingDocs(listModulePackages(t)) {
		t.Error(v)
	}
}

func TestMissingDocs(t *testing.T) {
	dir := t.TempDir()
	files := map[string]string{
		"good.go":       "// Package good does one thing.\npackage good\n",
		"nodoc.go":      "package nodoc\n",
		"detached.go":   "// Package detached is separated by a blank line.\n\npackage detached\n",
		"wrongname.go":  "// Package other is about another package.\npackage wrongname\n",
		"cmd.go":        "// Command tool does things.\npackage main\n",
		"cmdbad.go":     "// tool does things.\npackage main\n",
		"xtest_test.go": "// Package only is tested from outside.\npackage only_test\n",
	}
	for name, src := range files {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(src), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	tests := []struct {
		name string
		pkg  goPackage
		want bool // a problem reported
	}{
		{"documented", goPackage{GoFiles: []string{"nodoc.go", "good.go"}}, false},
		{"no doc", goPackage{GoFiles: []string{"nodoc.go"}}, true},
		{"doc detached from the clause", goPackage{GoFiles: []string{"detached.go"}}, true},
		{"doc of another name", goPackage{GoFiles: []string{"wrongname.go"}}, true},
		{"command", goPackage{GoFiles: []string{"cmd.go"}}, false},
		{"command without Command", goPackage{GoFiles: []string{"cmdbad.go"}}, true},
		{"test-only package", goPackage{XTestGoFiles: []string{"xtest_test.go"}}, false},
		{"test file docs do not count when there is code", goPackage{GoFiles: []string{"nodoc.go"}, XTestGoFiles: []string{"xtest_test.go"}}, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tt.pkg.ImportPath, tt.pkg.Dir = "example.com/"+tt.name, dir
			got := missingDocs([]goPackage{tt.pkg})
			if (len(got) > 0) != tt.want {
				t.Errorf("got problems %q, want problem: %v", got, tt.want)
			}
		})
	}
}
