package nvr

import (
	"context"
	"crypto/rand"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"path/filepath"
	"strings"
	"syscall"

	"github.com/porchlight/porchlight/internal/atomicfile"
)

const usageBackup = "--config FILE -o FILE [--passphrase-file F | --no-encrypt] [--with-recordings]"

func runBackupCmd(args []string, stdout io.Writer) error {
	fs := flag.NewFlagSet("backup", flag.ContinueOnError)
	cfgPath := fs.String("config", "", "config file of the node (required); it may be running or stopped")
	out := fs.String("o", "", "archive to write (required)")
	passFile := fs.String("passphrase-file", "", "file whose first line is the passphrase that encrypts the archive (age, scrypt); without it, a passphrase is made and printed once")
	noEncrypt := fs.Bool("no-encrypt", false, "write the archive unencrypted: anyone who reads it has the node's keys and users")
	withRec := fs.Bool("with-recordings", false, "include the recorded segment files (large)")
	if err := parseFlags(fs, usageBackup, args, stdout); err != nil {
		return err
	}
	switch {
	case *cfgPath == "":
		return usageErrorf("backup: --config is required")
	case *out == "":
		return usageErrorf("backup: -o is required")
	case *passFile != "" && *noEncrypt:
		return usageErrorf("backup: --passphrase-file and --no-encrypt exclude each other")
	}
	cfg, err := Load(*cfgPath)
	if err != nil {
		return err
	}
	var pass, made string
	switch {
	case *passFile != "":
		if pass, err = readPassphrase(*passFile); err != nil {
			return fmt.Errorf("backup: --passphrase-file: %w", err)
		}
	case !*noEncrypt:
		pass = rand.Text() // 26 base32 characters: 130 bits
		made = pass
	default:
		fmt.Fprintln(os.Stderr, "porchlight: WARNING: the archive is NOT encrypted: it holds the node's identity key, users, tokens and secrets; whoever reads it can impersonate this node")
	}
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGINT, syscall.SIGTERM)
	defer stop()
	snap, mode, err := cliSnapshots(ctx, cfg)
	if err != nil {
		return fmt.Errorf("backup: %w", err)
	}
	outAbs, err := filepath.Abs(*out)
	if err != nil {
		return fmt.Errorf("backup: -o: %w", err)
	}
	var warnings []string
	var files int
	n, err := atomicfile.WriteFrom(*out, 0o600, func(w io.Writer) error {
		m, warn, err := writeBackup(ctx, cfg, w, backupOptions{Passphrase: pass, WithRecordings: *withRec, Exclude: []string{outAbs}}, snap)
		if m != nil {
			files = len(m.Files)
		}
		warnings = warn
		return err
	})
	if err != nil {
		return fmt.Errorf("backup: %w", err)
	}
	for _, w := range warnings {
		fmt.Fprintf(os.Stderr, "porchlight: warning: %s\n", w)
	}
	fmt.Fprintf(stdout, "wrote %s (%d files, %d bytes; databases %s)\n", *out, files, n, mode)
	if made != "" {
		fmt.Fprintf(stdout, "passphrase (shown once; keep it apart from the archive, restore needs it): %s\n", made)
	}
	return nil
}

// cliSnapshots picks where the databases come from: the running node's API, or, when nothing answers at
// http.listen, the files opened read-only.
func cliSnapshots(ctx context.Context, cfg *Config) (snapshotFunc, string, error) {
	c, err := NewClient(cfg)
	if err != nil {
		return noSnapshots, "read from the files (no API token)", nil
	}
	running, err := c.nodeRunning(ctx)
	if err != nil {
		return nil, "", err
	}
	if !running {
		return noSnapshots, "read from the files (the node is not running)", nil
	}
	return c.snapshots(ctx), "copied by the running node", nil
}

// readPassphrase returns the first line of the file; it must not be empty.
func readPassphrase(path string) (string, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return "", err
	}
	line, _, _ := strings.Cut(string(b), "\n")
	line = strings.TrimSuffix(line, "\r")
	if line == "" {
		return "", errors.New(path + ": the first line is empty")
	}
	return line, nil
}
