package nvr

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os/signal"
	"syscall"
	"time"

	"github.com/porchlight/porchlight/internal/atomicfile"
)

func runExportCmd(args []string, stdout io.Writer) error {
	const usage = "--config FILE --camera NAME --start T --end T -o OUT.mp4"
	fs := flag.NewFlagSet("export", flag.ContinueOnError)
	cfgPath := fs.String("config", "", "config file of the running node (required)")
	camera := fs.String("camera", "", "camera name (required)")
	startS := fs.String("start", "", "start time, RFC 3339 (required)")
	endS := fs.String("end", "", "end time, RFC 3339 (required)")
	out := fs.String("o", "", "output MP4 file (required)")
	if err := parseFlags(fs, usage, args, stdout); err != nil {
		return err
	}
	for _, f := range []struct{ name, v string }{{"config", *cfgPath}, {"camera", *camera}, {"start", *startS}, {"end", *endS}, {"o", *out}} {
		if f.v == "" {
			return usageErrorf("export: -%s is required", f.name)
		}
	}
	start, err := time.Parse(time.RFC3339Nano, *startS)
	if err != nil {
		return usageErrorf("export: --start: not an RFC 3339 time: %q", *startS)
	}
	end, err := time.Parse(time.RFC3339Nano, *endS)
	if err != nil {
		return usageErrorf("export: --end: not an RFC 3339 time: %q", *endS)
	}
	if !end.After(start) {
		return usageErrorf("export: --end must be after --start")
	}
	cfg, err := Load(*cfgPath)
	if err != nil {
		return err
	}
	c, err := NewClient(cfg)
	if err != nil {
		return err
	}
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGINT, syscall.SIGTERM)
	defer stop()
	n, err := atomicfile.WriteFrom(*out, 0o600, func(w io.Writer) error {
		_, err := c.Export(ctx, *camera, start, end, w)
		return err
	})
	if err != nil {
		return fmt.Errorf("export: %w", err)
	}
	fmt.Fprintf(stdout, "wrote %s (%d bytes)\n", *out, n)
	return nil
}
