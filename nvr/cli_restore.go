package nvr

import (
	"flag"
	"fmt"
	"io"
	"os"
)

const usageRestore = "--dir DIR -i FILE [--passphrase-file F] [--force]"

func runRestoreCmd(args []string, stdout io.Writer) error {
	fs := flag.NewFlagSet("restore", flag.ContinueOnError)
	dir := fs.String("dir", "", "directory to restore the node into, as `porchlight init --dir` makes one (required)")
	in := fs.String("i", "", "backup archive to read (required)")
	passFile := fs.String("passphrase-file", "", "file whose first line is the archive's passphrase (for an encrypted archive)")
	force := fs.Bool("force", false, "restore even if DIR is not empty: its content is moved aside to DIR.replaced-TIME")
	if err := parseFlags(fs, usageRestore, args, stdout); err != nil {
		return err
	}
	if *dir == "" || *in == "" {
		return usageErrorf("restore: --dir and -i are required")
	}
	var pass string
	if *passFile != "" {
		var err error
		if pass, err = readPassphrase(*passFile); err != nil {
			return fmt.Errorf("restore: --passphrase-file: %w", err)
		}
	}
	f, err := os.Open(*in)
	if err != nil {
		return fmt.Errorf("restore: %w", err)
	}
	defer f.Close()
	res, err := Restore(*dir, f, pass, *force)
	if err != nil {
		return err
	}
	if res.MovedAside != "" {
		fmt.Fprintf(stdout, "moved the previous content of %s to %s\n", *dir, res.MovedAside)
	}
	fmt.Fprintf(stdout, "restored %q (peer %s, %d files): porchlight serve --config %s\n", res.Node, res.PeerID, res.Files, res.ConfigPath)
	return nil
}
