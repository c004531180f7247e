package federation

import (
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"path/filepath"
	"strings"
	"testing"
)

// The egress rule by construction, across every package of the federation room: the calls that put
// footage on a stream — ClipSource.WriteClip and deliver.Send — appear in this package's egress.go only,
// inside sendFootage (which checks the owner's grant against the stream's peer) and exportLocal (whose
// writer never is a stream: the only callers hash, seal to a local file, or pipe to the owner's own
// download). The agency-request side reaches them through SendApproved and ExportLocal alone, from its
// delivery and its sealing of an approved clip.
func TestFootageLeavesThroughOnePath(t *testing.T) {
	fset := token.NewFileSet()
	calls := map[string][]string{} // callee → "file:func", file relative to this package's directory
	err := filepath.WalkDir(".", func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() && d.Name() == "testdata" {
			return err
		}
		if d.IsDir() || !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
			return nil
		}
		file, err := parser.ParseFile(fset, path, nil, 0)
		if err != nil {
			return err
		}
		for _, decl := range file.Decls {
			fn, ok := decl.(*ast.FuncDecl)
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
				case "WriteClip", "deliver.Send", "sendFootage", "exportLocal", "SendApproved", "ExportLocal":
					calls[name] = append(calls[name], filepath.ToSlash(path)+":"+fn.Name.Name)
				}
				return true
			})
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	want := map[string][]string{
		"WriteClip":    {"egress.go:sendFootage", "egress.go:exportLocal"},
		"deliver.Send": {"egress.go:sendFootage"},
		// who may send footage: the clip server (share grant) and the delivery of an approval
		"sendFootage":  {"clip.go:serveClip", "egress.go:SendApproved"},
		"SendApproved": {"agency/delivery.go:deliverOne"},
		"ExportLocal":  {"agency/approve.go:sealClip"},
	}
	for callee, sites := range want {
		if got := calls[callee]; strings.Join(got, ",") != strings.Join(sites, ",") {
			t.Errorf("%s is called from %v, want only %v", callee, got, sites)
		}
	}
	for _, site := range calls["exportLocal"] {
		switch site {
		case "alerts.go:attachClip", "clip.go:OpenClip", "egress.go:ExportLocal": // a hash, the owner's pipe, the outbox
		default:
			t.Errorf("exportLocal is called from %s: footage read for anything but a hash, the outbox or the owner", site)
		}
	}
}
