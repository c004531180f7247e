package nvr

import (
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"

	"github.com/porchlight/porchlight/ui"
)

// secretDataFiles are the files in the data dir that hold secrets, besides every *.key there (the node
// identity, the self-signed TLS key, an agency's age key, the Web Push VAPID key).
var secretDataFiles = []string{ui.TokenFile, ui.UsersFile, ui.TokensFile}

// checkSecretModes runs before anything reads the node's secrets. A secret file in the data dir that its
// group or others may access is set to 0600, with a warning naming it: porchlight wrote it, so the mode is
// ours to mend, and recording should not stop for it; whoever could read it may have the secret, which the
// warning says. If the mode cannot be changed, the start fails, naming the file and the command that fixes
// it. The key named by http.tls_key belongs to the admin: porchlight leaves its mode alone and refuses to
// start if others may read it (its group may: Debian's ssl-cert group reads keys that way).
func checkSecretModes(cfg *Config, log *slog.Logger) error {
	dir := cfg.DataDir()
	paths, err := filepath.Glob(filepath.Join(dir, "*.key"))
	if err != nil {
		return fmt.Errorf("secret files: %w", err)
	}
	for _, name := range secretDataFiles {
		paths = append(paths, filepath.Join(dir, name))
	}
	for _, p := range paths {
		fi, err := os.Stat(p)
		if errors.Is(err, fs.ErrNotExist) {
			continue
		}
		if err != nil {
			return fmt.Errorf("secret file: %w", err)
		}
		perm := fi.Mode().Perm()
		if perm&0o077 == 0 {
			continue
		}
		if err := os.Chmod(p, 0o600); err != nil {
			return fmt.Errorf("%s holds a secret and is open to group or others (mode %04o), and its mode cannot be changed (%w): run chmod 600 %s",
				p, perm, errors.Unwrap(err), p)
		}
		log.Warn("secret file was open to group or others: mode set to 0600; whoever could read it may have the secret",
			"file", p, "mode", fmt.Sprintf("%04o", perm))
	}
	if cfg.HTTP.TLS && cfg.HTTP.TLSKey != "" {
		p := cfg.resolve(cfg.HTTP.TLSKey)
		if fi, err := os.Stat(p); err == nil && fi.Mode().Perm()&0o007 != 0 {
			return fmt.Errorf("http.tls_key: %s is readable by others (mode %04o): run chmod o-rwx %s",
				p, fi.Mode().Perm(), p)
		}
	}
	return nil
}
