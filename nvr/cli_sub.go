package nvr

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os/signal"
	"strings"
	"syscall"
	"time"
)

// subcommand is one verb of a command group such as "hood" or "alert".
type subcommand struct {
	name, usage, summary string
	run                  func(args []string, stdout io.Writer) error
}

// nodeCmd is what a subcommand that acts on a running node has: its parsed flags, a client and output.
type nodeCmd struct {
	ctx    context.Context
	client *Client
	out    io.Writer
}

// runGroup dispatches "porchlight GROUP VERB ..." to the verb.
func runGroup(group string, subs []subcommand, args []string, stdout io.Writer) error {
	if len(args) == 0 || args[0] == "-h" || args[0] == "--help" || args[0] == "help" {
		fmt.Fprintf(stdout, "usage: porchlight %s <verb> --config FILE ...\n\nverbs:\n", group)
		for _, s := range subs {
			fmt.Fprintf(stdout, "  %-8s %s\n           %s\n", s.name, s.summary, s.usage)
		}
		if len(args) == 0 {
			return usageErrorf("%s: a verb is required", group)
		}
		return nil
	}
	for _, s := range subs {
		if s.name == args[0] {
			return s.run(args[1:], stdout)
		}
	}
	return usageErrorf("%s: unknown verb %q (run \"porchlight %s -h\")", group, args[0], group)
}

// parseNodeCmd parses flags that may be interleaved with positional arguments (wantArgs of them), loads
// the config and makes a client for the running node.
func parseNodeCmd(fs *flag.FlagSet, usage string, args []string, wantArgs int, stdout io.Writer) (*nodeCmd, []string, func(), error) {
	cfgPath := fs.String("config", "", "config file of the running node (required)")
	var pos []string
	for {
		fs.SetOutput(io.Discard)
		if err := fs.Parse(args); err != nil {
			return nil, nil, nil, parseFlags(fs, usage, args, stdout) // the same error, with help for -h
		}
		if fs.NArg() == 0 {
			break
		}
		pos = append(pos, fs.Arg(0))
		args = fs.Args()[1:]
	}
	if *cfgPath == "" {
		return nil, nil, nil, usageErrorf("%s: --config is required", fs.Name())
	}
	if len(pos) != wantArgs {
		return nil, nil, nil, usageErrorf("%s: want %d argument(s), got %d (usage: %s)", fs.Name(), wantArgs, len(pos), usage)
	}
	cfg, err := Load(*cfgPath)
	if err != nil {
		return nil, nil, nil, err
	}
	c, err := NewClient(cfg)
	if err != nil {
		return nil, nil, nil, err
	}
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGINT, syscall.SIGTERM)
	ctx, cancel := context.WithTimeout(ctx, 2*time.Minute)
	return &nodeCmd{ctx: ctx, client: c, out: stdout}, pos, func() { cancel(); stop() }, nil
}

// splitList splits a comma-separated flag value, dropping blanks.
func splitList(s string) []string {
	var out []string
	for _, v := range strings.Split(s, ",") {
		if v = strings.TrimSpace(v); v != "" {
			out = append(out, v)
		}
	}
	return out
}
