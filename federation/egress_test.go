package federation

import (
	"go/ast"
	"go/parser"
	"go/token"
	"path/filepath"
	"strings"
	"testing"
)

// The egress rule by construction: the calls that put footage on a stream — ClipSource.WriteClip and
// deliver.Send — appear in egress.go only, inside sendFootage (which checks the owner's grant against the
// stream's peer) and exportLocal (whose writer never is a stream: the only callers hash, seal to a local
// file, or pipe to the owner's own download).
func TestFootageLeavesThroughOnePath(t *testing.T) {
	files, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	fset := token.NewFileSet()
	calls := map[string][]string{} // callee → "file:func"
	for _, f := range files {
		if strings.HasSuffix(f, "_test.go") {
			continue
		}
		file, err := parser.ParseFile(fset, f, nil, 0)
		if err != nil {
			t.Fatal(err)
		}
		for _, d := range file.Decls {
			fn, ok := d.(*ast.FuncDecl)
			if !ok || fn.Body == nil {
				continue
			}
			ast.Inspect(fn.Body, func(n ast.Node) bool {
				call, ok := n.(*ast.CallExpr)
				if !ok {
					return true
				}
				sel, ok := call.Fun.(*ast.SelectorExpr)
				if !ok {
					return true
				}
				name := sel.Sel.Name
				if x, ok := sel.X.(*ast.Ident); ok && x.Name == "deliver" && name == "Send" {
					name = "deliver.Send"
				}
				switch name {
				case "WriteClip", "deliver.Send", "sendFootage", "exportLocal":
					calls[name] = append(calls[name], f+":"+fn.Name.Name)
				}
				return true
			})
		}
	}
	want := map[string][]string{
		"WriteClip":    {"egress.go:sendFootage", "egress.go:exportLocal"},
		"deliver.Send": {"egress.go:sendFootage"},
		// who may send footage: the clip server (share grant) and the delivery of an approval
		"sendFootage": {"clip.go:serveClip", "delivery.go:deliverOne"},
	}
	for callee, sites := range want {
		if got := calls[callee]; strings.Join(got, ",") != strings.Join(sites, ",") {
			t.Errorf("%s is called from %v, want only %v", callee, got, sites)
		}
	}
	for _, site := range calls["exportLocal"] {
		switch site {
		case "alerts.go:attachClip", "approve.go:sealClip", "clip.go:OpenClip": // a hash, the outbox, the owner's pipe
		default:
			t.Errorf("exportLocal is called from %s: footage read for anything but a hash, the outbox or the owner", site)
		}
	}
}
