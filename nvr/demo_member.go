package nvr

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"net"
	"os"
	"path/filepath"
	"runtime/debug"
	"strings"
	"sync"
	"time"

	"github.com/libp2p/go-libp2p/core/peer"
	"go.yaml.in/yaml/v3"

	"github.com/porchlight/porchlight/internal/atomicfile"
)

// demoMember is a simulated member of the demo's neighborhood: a full Node (recorder, federation, HTTP
// API) in its own directory with its own config file, so that the shipped CLI can be pointed at it with
// --config just like at a real home or agency.
type demoMember struct {
	Name     string
	Config   string // path of its porchlight.yml; http.listen there is the address it serves
	Password string // the admin password Init made on the first run
	Node     *Node
}

// demoMemberSpec says what startDemoMember builds.
type demoMemberSpec struct {
	dir, name string
	role      Role
	cameras   []CameraConfig // written to the config file on every run: the camera URL changes
	invite    func() (string, error)
}

// demoHomeRetention bounds the simulated nodes' footage: left running for a week, the demo would
// otherwise fill a Pi's SD card at the default limits.
const demoHomeRetention = 24 * time.Hour

// startDemoMember sets up spec.dir on the first run (Init, password kept in demo-password), starts the
// node on 127.0.0.1 (HTTP on the port of the last run when free; libp2p on random loopback ports; no
// mDNS, no UPnP) and keeps it running until ctx is done (wg tracks it). On the first run it joins the
// demo node's hood with the code spec.invite makes; later runs only tell it the demo node's new address.
func startDemoMember(ctx context.Context, wg *sync.WaitGroup, demo *Node, spec demoMemberSpec) (*demoMember, error) {
	cfgPath := filepath.Join(spec.dir, ConfigFile)
	fresh := false
	if _, err := os.Stat(cfgPath); errors.Is(err, fs.ErrNotExist) {
		res, err := Init(spec.dir, spec.role, spec.name)
		if err != nil {
			return nil, err
		}
		pw := []byte(res.AdminPassword + "\n")
		if err := atomicfile.WriteNew(filepath.Join(spec.dir, demoPasswordFile), pw, 0o600); err != nil {
			return nil, err
		}
		debug.FreeOSMemory() // as in demoConfig: the password hash's 64 MiB are not needed again
		fresh = true
	}
	pw, err := os.ReadFile(filepath.Join(spec.dir, demoPasswordFile))
	if err != nil {
		return nil, err
	}
	if spec.cameras != nil {
		if err := UpdateCameras(cfgPath, spec.cameras); err != nil {
			return nil, err
		}
	}
	cfg, err := Load(cfgPath)
	if err != nil {
		return nil, err
	}
	// A fresh config says 127.0.0.1:7480, the demo node's own port; later runs reuse their last port so
	// that bookmarks keep working.
	if fresh || !portFree(cfg.HTTP.Listen) {
		cfg.HTTP.Listen = "127.0.0.1:0"
	}
	cfg.P2P.Listen, cfg.P2P.MDNS, cfg.P2P.UPnP = []string{"/ip4/127.0.0.1/tcp/0"}, false, false
	cfg.Retention.MaxAge = Duration(demoHomeRetention)
	log := slog.New(warnOnly{demo.log.Handler()}).With("member", spec.name) // its components add their own
	node, err := NewNode(cfg, log)
	if err != nil {
		return nil, err
	}
	// The CLI finds the node through http.listen in its config file.
	if err := setHTTPListen(cfgPath, node.HTTPAddr()); err != nil {
		log.Warn("the CLI will not find this node", "err", err)
	}
	wg.Add(1)
	go func() {
		defer wg.Done()
		if err := node.Run(ctx); err != nil {
			log.Warn("stopped", "err", err)
		}
	}()
	jctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	if len(node.fed.Hoods()) > 0 {
		// A member from an earlier run: the demo node listens on new ports now, so tell it where.
		err = node.fed.Host().Connect(jctx, peer.AddrInfo{ID: demo.fed.ID(), Addrs: demo.fed.Host().Addrs()})
	} else {
		var code string
		if code, err = spec.invite(); err == nil {
			_, err = node.fed.Join(jctx, code)
		}
	}
	if err != nil {
		return nil, err
	}
	return &demoMember{Name: spec.name, Config: cfgPath, Password: strings.TrimSpace(string(pw)), Node: node}, nil
}

// portFree reports whether addr can be listened on now.
func portFree(addr string) bool {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return false
	}
	ln.Close()
	return true
}

// warnOnly passes on warnings and errors only: four nodes logging at info would bury the walk-through.
type warnOnly struct{ slog.Handler }

func (h warnOnly) Enabled(ctx context.Context, l slog.Level) bool {
	return l >= slog.LevelWarn && h.Handler.Enabled(ctx, l)
}
func (h warnOnly) WithAttrs(as []slog.Attr) slog.Handler { return warnOnly{h.Handler.WithAttrs(as)} }
func (h warnOnly) WithGroup(g string) slog.Handler       { return warnOnly{h.Handler.WithGroup(g)} }

// setHTTPListen writes addr as http.listen into the config file at path, changing only that value.
func setHTTPListen(path, addr string) error {
	src, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	var doc yaml.Node
	if err := yaml.Unmarshal(src, &doc); err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	var v *yaml.Node
	if doc.Kind == yaml.DocumentNode && len(doc.Content) == 1 {
		if h := mappingValue(doc.Content[0], "http"); h != nil && h.Kind == yaml.MappingNode {
			v = mappingValue(h, "listen")
		}
	}
	lines := strings.SplitAfter(string(src), "\n")
	if v == nil || v.Kind != yaml.ScalarNode || v.Style != 0 || v.Line < 1 || v.Line > len(lines) ||
		!strings.HasPrefix(lines[v.Line-1][min(v.Column-1, len(lines[v.Line-1])):], v.Value) {
		return fmt.Errorf("%s: no plain http.listen value to replace", path)
	}
	l := lines[v.Line-1]
	lines[v.Line-1] = l[:v.Column-1] + addr + keepCommentColumn(l[v.Column-1+len(v.Value):], len(v.Value)-len(addr))
	out := []byte(strings.Join(lines, ""))
	if _, err := Parse(out); err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	fi, err := os.Stat(path)
	if err != nil {
		return err
	}
	return atomicfile.WriteFile(path, out, fi.Mode().Perm())
}
