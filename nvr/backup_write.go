package nvr

import (
	"context"
	"crypto/ed25519"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/porchlight/porchlight/federation/roster"
	"github.com/porchlight/porchlight/nvr/backup"
	"github.com/porchlight/porchlight/ui"
)

// recordingsDir is the data dir's directory of segment files, left out of a backup unless asked for.
const recordingsDir = "recordings"

// backupOptions says what goes into an archive.
type backupOptions struct {
	Passphrase     string // "": not encrypted
	WithRecordings bool
	// Exclude are paths left out (with what is under them): the archive being written, the scheduled
	// backups' directory when it lies in the data dir.
	Exclude []string
}

// snapshotFunc returns a consistent copy of the data dir's database file name; without recordings it may
// leave out the index's segment records. errNoSnapshot: nobody holds it open, so the file may be opened
// read-only (openFileSnapshot, a whole copy).
type snapshotFunc func(name string, recordings bool) (ui.DatabaseSnapshot, error)

// errNoSnapshot: the snapshot source does not hold that database.
var errNoSnapshot = errors.New("database not held open")

// writeBackup writes cfg's node as an archive to w: the config file, the files it names relative to its
// directory (secrets, certificates), every file of the data dir but the recordings (unless asked for),
// and of each *.db a consistent copy from snap. It returns the manifest and warnings for the owner (files
// the config names that the archive cannot carry).
func writeBackup(ctx context.Context, cfg *Config, w io.Writer, opts backupOptions, snap snapshotFunc) (*backup.Manifest, []string, error) {
	bw, err := backup.NewWriter(w, opts.Passphrase)
	if err != nil {
		return nil, nil, err
	}
	dataDir, err := filepath.Abs(cfg.DataDir()) // absolute, as opts.Exclude
	if err != nil {
		return nil, nil, err
	}
	if err := addFile(bw, "config/"+ConfigFile, cfg.Path); err != nil {
		return nil, nil, err
	}
	warnings, err := addConfigFiles(bw, cfg, dataDir)
	if err != nil {
		return nil, nil, err
	}
	err = filepath.WalkDir(dataDir, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			if errors.Is(err, fs.ErrNotExist) && path != dataDir {
				return nil // removed while we walk (retention)
			}
			return err
		}
		if ctx.Err() != nil {
			return ctx.Err()
		}
		rel, _ := filepath.Rel(dataDir, path)
		rel = filepath.ToSlash(rel)
		if slices.Contains(opts.Exclude, path) {
			if d.IsDir() {
				return filepath.SkipDir
			}
			return nil
		}
		if d.IsDir() {
			if rel == recordingsDir && !opts.WithRecordings {
				return filepath.SkipDir
			}
			return nil
		}
		if !d.Type().IsRegular() || strings.HasPrefix(d.Name(), ".") { // atomicfile temp files start with a dot
			return nil
		}
		name := "data/" + rel
		if strings.HasSuffix(d.Name(), ".db") && !strings.Contains(rel, "/") {
			return addDatabase(bw, name, path, opts.WithRecordings, snap)
		}
		err = addFile(bw, name, path)
		if errors.Is(err, fs.ErrNotExist) {
			return nil
		}
		return err
	})
	if err != nil {
		return nil, nil, err
	}
	m := backup.Manifest{Node: cfg.Name, Role: string(cfg.Role), Version: Version(), Recordings: opts.WithRecordings,
		Formats: Formats()}
	if key, err := LoadIdentity(dataDir); err == nil {
		if id, err := roster.PeerOf(key.Public().(ed25519.PublicKey)); err == nil {
			m.PeerID = id.String()
		}
	}
	if err := bw.Close(m); err != nil {
		return nil, nil, err
	}
	m.Files = bw.Files()
	return &m, warnings, nil
}

// addFile adds the file at path, as large as it is when opened (a segment still being written is cut
// there).
func addFile(bw *backup.Writer, name, path string) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return err
	}
	return bw.Add(name, fi.Mode().Perm(), fi.Size(), f)
}

// addDatabase adds a consistent copy of a database: from snap when the node holds it, else from the
// file opened read-only.
func addDatabase(bw *backup.Writer, name, path string, recordings bool, snap snapshotFunc) error {
	s, err := snap(filepath.Base(path), recordings)
	if errors.Is(err, errNoSnapshot) {
		s, err = openFileSnapshot(path)
	}
	if err != nil {
		return fmt.Errorf("%s: %w", filepath.Base(path), err)
	}
	defer s.Rollback()
	return bw.AddFunc(name, 0o600, s.Size(), func(w io.Writer) error {
		_, err := s.WriteTo(w)
		return err
	})
}

// addConfigFiles adds the files the config names (notify secrets, MQTT and TLS files) under config/, at
// their paths relative to the config file, which a restore keeps. Files in the data dir are in data/
// already; files outside the config's directory are named in the warnings instead.
func addConfigFiles(bw *backup.Writer, cfg *Config, dataDir string) ([]string, error) {
	base := filepath.Dir(cfg.Path)
	var warnings []string
	seen := map[string]bool{}
	for _, ref := range configFileRefs(cfg) {
		p := cfg.resolve(ref.path)
		if inDir(dataDir, p) || seen[p] {
			continue
		}
		seen[p] = true
		rel, err := filepath.Rel(base, p)
		if err != nil || !filepath.IsLocal(rel) {
			warnings = append(warnings, fmt.Sprintf("%s: %s is outside the config's directory and not in the backup: copy it yourself", ref.key, p))
			continue
		}
		if err := addFile(bw, "config/"+filepath.ToSlash(rel), p); err != nil {
			return nil, fmt.Errorf("%s: %w", ref.key, err)
		}
	}
	return warnings, nil
}

// fileRef is a file a config key names.
type fileRef struct{ key, path string }

// configFileRefs lists the files the config names, by key. The backup's own passphrase file is left out:
// an archive must not carry its key.
func configFileRefs(cfg *Config) []fileRef {
	var refs []fileRef
	add := func(key, p string) {
		if p != "" {
			refs = append(refs, fileRef{key, p})
		}
	}
	add("http.tls_cert", cfg.HTTP.TLSCert)
	add("http.tls_key", cfg.HTTP.TLSKey)
	if cfg.MQTT != nil {
		add("mqtt.password_file", cfg.MQTT.PasswordFile)
		add("mqtt.ca_file", cfg.MQTT.CAFile)
	}
	for i, n := range cfg.Notify {
		add(fmt.Sprintf("notify[%d].secret_file", i), n.SecretFile)
		add(fmt.Sprintf("notify[%d].password_file", i), n.PasswordFile)
		add(fmt.Sprintf("notify[%d].ca_file", i), n.CAFile)
	}
	return refs
}

// inDir says whether path lies in dir.
func inDir(dir, path string) bool {
	rel, err := filepath.Rel(dir, path)
	return err == nil && filepath.IsLocal(rel)
}
