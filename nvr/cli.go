package nvr

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"strings"
)

// command is one subcommand of porchlight.
type command struct {
	name    string
	usage   string // arguments, for the usage line
	summary string
	run     func(args []string, stdout io.Writer) error
}

// commands lists the subcommands in the order help shows them. serve, demo and export parse their own
// flags (including -h).
var commands = []command{
	{"init", initUsage,
		"create a config, data dir, node identity, admin user and API token", runInit},
	{"serve", "--config FILE", "run the node until SIGINT or SIGTERM",
		runServeCmd},
	{"demo", "[--dir DIR]", "run the whole product on an embedded camera, no hardware needed",
		runDemoCmd},
	{"export", "--config FILE --camera NAME --start T --end T -o OUT.mp4",
		"write a recorded range of a camera as an MP4 file (times in RFC 3339)",
		runExportCmd},
	{"events", usageEvents, "list the cameras' events (motion), newest first: a table, or JSON", runEventsCmd},
	{"hood", "create|invite|join|members|revoke|id --config FILE ...",
		"neighborhoods: found one, invite and admit members, list or revoke them", runHoodCmd},
	{"alert", "post|list|clip --config FILE ...", "post alerts to the neighborhood, list them, fetch attached clips",
		runAlertCmd},
	{"request", "post|list|approve|decline|close --config FILE ...",
		"agency requests: post (agency); the inbox, approve or decline (home)", runRequestCmd},
	{"submission", "list|get --config FILE ...", "agency: clips received, decrypted and verified", runSubmissionCmd},
	{"log", "verify --config FILE", "audit every agency's public request log", runLogCmd},
	{"transparency", "--config FILE [--json]", "the per-agency monthly report, from the audited logs", runTransparency},
	{"backup", usageBackup, "write the node's config, identity, users, secrets and databases to one archive (encrypted)",
		runBackupCmd},
	{"restore", usageRestore, "bring a node back from a backup archive into a new directory, same identity", runRestoreCmd},
	{"version", usageVersion, "print the version, platform and Go version; --json adds the on-disk formats", runVersion},
}

// usageError is a mistake in the command line; Main exits with status 2 for it.
type usageError struct{ err error }

func (e usageError) Error() string { return e.err.Error() }
func (e usageError) Unwrap() error { return e.err }

func usageErrorf(format string, args ...any) error {
	return usageError{fmt.Errorf(format, args...)}
}

// Main runs the porchlight command line (args without the program name) and returns the exit status: 0 on
// success, 1 when the command fails, 2 for a usage mistake. A failure is reported as one line on stderr,
// "porchlight: <reason>".
func Main(args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		printUsage(stderr)
		return 2
	}
	name, rest := args[0], args[1:]
	var err error
	switch name {
	case "help", "-h", "-help", "--help":
		err = runHelp(rest, stdout)
	default:
		cmd, ok := findCommand(name)
		if !ok {
			err = usageErrorf("unknown command %q (run \"porchlight help\" for the list)", name)
			break
		}
		err = cmd.run(rest, stdout)
	}
	switch {
	case err == nil, errors.Is(err, flag.ErrHelp):
		return 0
	case errors.As(err, new(usageError)):
		fmt.Fprintf(stderr, "porchlight: %s\n", oneLine(err))
		return 2
	default:
		fmt.Fprintf(stderr, "porchlight: %s\n", oneLine(err))
		return 1
	}
}

func findCommand(name string) (command, bool) {
	for _, c := range commands {
		if c.name == name {
			return c, true
		}
	}
	return command{}, false
}

func runHelp(args []string, stdout io.Writer) error {
	switch len(args) {
	case 0:
		printUsage(stdout)
		return nil
	case 1:
		c, ok := findCommand(args[0])
		if !ok {
			return usageErrorf("help: unknown command %q", args[0])
		}
		fmt.Fprintf(stdout, "usage: porchlight %s %s\n\n%s.\n", c.name, c.usage, c.summary)
		if c.usage != "" {
			fmt.Fprintf(stdout, "\nRun \"porchlight %s -h\" for its flags.\n", c.name)
		}
		return nil
	}
	return usageErrorf("help: too many arguments")
}

func printUsage(w io.Writer) {
	fmt.Fprintf(w, "Porchlight is a local-first home NVR.\n\nusage: porchlight <command> [flags]\n\ncommands:\n")
	for _, c := range commands {
		fmt.Fprintf(w, "  %-12s %s\n", c.name, c.summary)
	}
	fmt.Fprintf(w, "  %-12s %s\n", "help", "show this list, or a command's usage: porchlight help <command>")
}

// parseFlags parses args into fs without letting the flag package print; -h prints the command's usage to
// stdout and returns flag.ErrHelp. Positional arguments are usage errors.
func parseFlags(fs *flag.FlagSet, usage string, args []string, stdout io.Writer) error {
	fs.SetOutput(io.Discard)
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			fmt.Fprintf(stdout, "usage: porchlight %s %s\n\nflags:\n", fs.Name(), usage)
			fs.SetOutput(stdout)
			fs.PrintDefaults()
			return flag.ErrHelp
		}
		return usageErrorf("%s: %w (run \"porchlight %s -h\" for usage)", fs.Name(), err, fs.Name())
	}
	if fs.NArg() > 0 {
		return usageErrorf("%s: unexpected argument %q", fs.Name(), fs.Arg(0))
	}
	return nil
}

// oneLine keeps a multi-line error (errors.Join) on one line.
func oneLine(err error) string {
	return strings.ReplaceAll(strings.TrimSpace(err.Error()), "\n", "; ")
}
