package nvr

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"os"
	"os/signal"
	"path/filepath"
	"runtime/debug"
	"strings"
	"syscall"

	"github.com/porchlight/porchlight/internal/atomicfile"
	"github.com/porchlight/porchlight/recorder/democam"
)

// demoPasswordFile keeps the demo's admin password so that a second run in the same dir can show it.
const demoPasswordFile = "demo-password"

func runDemoCmd(args []string, stdout io.Writer) error {
	fs := flag.NewFlagSet("demo", flag.ContinueOnError)
	dir := fs.String("dir", "", "directory for the demo's config and data (default: a new temporary dir)")
	listen := fs.String("listen", "127.0.0.1:7480", "HTTP address; a busy port falls back to a free one")
	if err := parseFlags(fs, "[--dir DIR] [--listen ADDR]", args, stdout); err != nil {
		return err
	}
	if *dir == "" {
		d, err := os.MkdirTemp("", "porchlight-demo-")
		if err != nil {
			return fmt.Errorf("demo: %w", err)
		}
		*dir = d
	}
	cfg, password, err := demoConfig(*dir)
	if err != nil {
		return err
	}
	cam := &democam.Server{Addr: "127.0.0.1:0", Clip: democam.Porch()} // still stretches and motion: events
	if err := cam.Start(); err != nil {
		return fmt.Errorf("demo camera: %w", err)
	}
	defer cam.Close()
	cfg.Cameras = []CameraConfig{{Name: "demo", URL: cam.URL(), Transport: TransportTCP, Enabled: true}}
	cfg.HTTP.Listen = *listen
	cfg.P2P.Listen, cfg.P2P.MDNS = []string{"/ip4/127.0.0.1/tcp/0"}, false // the demo stays on this machine
	if ln, err := net.Listen("tcp", *listen); err != nil {
		cfg.HTTP.Listen = "127.0.0.1:0"
	} else {
		ln.Close()
	}
	n, err := NewNode(cfg, newLogger(cfg.LogLevel, os.Stderr))
	if err != nil {
		return err
	}
	token, _ := os.ReadFile(filepath.Join(cfg.DataDir(), "api.token"))
	fmt.Fprintf(stdout, "Porchlight demo: recording the embedded camera %s\n", cam.URL())
	fmt.Fprintf(stdout, "  UI/API:    %s\n", n.HTTPURL())
	fmt.Fprintf(stdout, "  login:     %s / %s\n", AdminUser, password)
	fmt.Fprintf(stdout, "  API token: %s\n", strings.TrimSpace(string(token)))
	fmt.Fprintf(stdout, "  data:      %s\n", cfg.DataDir())
	fmt.Fprintf(stdout, "  try:       curl -H 'Authorization: Bearer %s' %s/api/v1/cameras\n",
		strings.TrimSpace(string(token)), n.HTTPURL())
	fmt.Fprintf(stdout, "  neighbors: %s and an agency (simulated; addresses and a walk-through follow)\n", strings.Join(demoNeighbors, ", "))
	fmt.Fprintf(stdout, "Ctrl-C stops.\n")
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGINT, syscall.SIGTERM)
	defer stop()
	hoodCtx, stopHood := context.WithCancel(ctx)
	hoodDone := make(chan struct{})
	go func() {
		defer close(hoodDone)
		if err := runDemoTown(hoodCtx, n, *dir, stdout, nil); err != nil {
			n.log.Warn("demo: no simulated neighborhood", "err", err)
		}
	}()
	err = n.Run(ctx)
	stopHood()
	<-hoodDone
	return err
}

// demoConfig initialises dir on first use and loads its config; it returns the admin password.
func demoConfig(dir string) (*Config, string, error) {
	cfgPath := filepath.Join(dir, ConfigFile)
	if _, err := os.Stat(cfgPath); errors.Is(err, os.ErrNotExist) {
		res, err := Init(dir, RoleHousehold, "Porchlight demo")
		if err != nil {
			return nil, "", fmt.Errorf("demo: %w", err)
		}
		if err := atomicfile.WriteNew(filepath.Join(dir, demoPasswordFile), []byte(res.AdminPassword+"\n"), 0o600); err != nil {
			return nil, "", fmt.Errorf("demo: %w", err)
		}
		debug.FreeOSMemory() // hashing the password took 64 MiB that the demo never needs again
	}
	cfg, err := Load(cfgPath)
	if err != nil {
		return nil, "", fmt.Errorf("demo: %w", err)
	}
	pw, err := os.ReadFile(filepath.Join(dir, demoPasswordFile))
	if err != nil {
		return nil, "", fmt.Errorf("demo: %w", err)
	}
	return cfg, strings.TrimSpace(string(pw)), nil
}
