package nvr

import (
	"context"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"syscall"
)

func runServeCmd(args []string, stdout io.Writer) error {
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	cfgPath := fs.String("config", "", "config file (required)")
	if err := parseFlags(fs, "--config FILE", args, stdout); err != nil {
		return err
	}
	if *cfgPath == "" {
		return usageErrorf("serve: --config is required")
	}
	cfg, err := Load(*cfgPath)
	if err != nil {
		return err
	}
	log := newLogger(cfg.LogLevel, os.Stderr)
	n, err := NewNode(cfg, log)
	if err != nil {
		return err
	}
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGINT, syscall.SIGTERM)
	defer stop()
	fmt.Fprintf(stdout, "porchlight %s serving %q on %s\n", Version(), cfg.Name, n.HTTPURL())
	return n.Run(ctx)
}

// newLogger returns a text logger at the configured level.
func newLogger(level LogLevel, w io.Writer) *slog.Logger {
	return slog.New(slog.NewTextHandler(w, &slog.HandlerOptions{Level: level.Level()}))
}
