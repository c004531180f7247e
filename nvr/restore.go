package nvr

import (
	"crypto/ed25519"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	"go.yaml.in/yaml/v3"

	"github.com/porchlight/porchlight/federation/roster"
	"github.com/porchlight/porchlight/internal/atomicfile"
	"github.com/porchlight/porchlight/nvr/backup"
)

// ErrNodeExists: the restore's directory already holds a node (or anything else) and --force was not given.
var ErrNodeExists = errors.New("directory is not empty")

// RestoreResult tells what Restore wrote.
type RestoreResult struct {
	ConfigPath string // DIR/porchlight.yml
	Node       string
	PeerID     string
	Files      int
	MovedAside string // with force: where the directory's previous content went; "" if there was none
}

// Restore writes the node of a backup archive into dir: dir/porchlight.yml (data_dir set to "data"), the
// files the config named next to it, and dir/data. The archive is extracted into a temporary directory
// beside dir and checked whole (every hash, the config, the identity against the manifest's peer ID)
// before anything is moved into place, so a wrong passphrase, a damaged archive or one holding a format
// newer than this build reads (ErrNewerFormat) leaves dir untouched. A non-empty dir is refused
// (ErrNodeExists) unless force, which moves it aside to dir.replaced-TIME.
func Restore(dir string, archive io.Reader, passphrase string, force bool) (res *RestoreResult, err error) {
	dir, err = filepath.Abs(dir)
	if err != nil {
		return nil, fmt.Errorf("restore: %w", err)
	}
	exists, err := nonEmpty(dir)
	if err != nil {
		return nil, fmt.Errorf("restore: %w", err)
	}
	if exists && !force {
		return nil, fmt.Errorf("restore: %s: %w; refusing to restore over it (--force moves it aside)", dir, ErrNodeExists)
	}
	parent := filepath.Dir(dir)
	var created []string // parents made here, removed again if the restore fails
	defer func() {
		if err != nil {
			undo(created)
		}
	}()
	if err := mkdirAllTracked(parent, &created); err != nil {
		return nil, fmt.Errorf("restore: %w", err)
	}
	tmp, err := os.MkdirTemp(parent, "."+filepath.Base(dir)+".restore-*")
	if err != nil {
		return nil, fmt.Errorf("restore: %w", err)
	}
	defer os.RemoveAll(tmp)
	raw, node := filepath.Join(tmp, "archive"), filepath.Join(tmp, "node")
	if err := os.Mkdir(raw, 0o700); err != nil {
		return nil, fmt.Errorf("restore: %w", err)
	}
	m, err := backup.Extract(archive, passphrase, raw)
	if err != nil {
		return nil, fmt.Errorf("restore: %w", err)
	}
	if err := checkFormats(m); err != nil {
		return nil, fmt.Errorf("restore: %w", err)
	}
	if err := arrange(raw, node); err != nil {
		return nil, fmt.Errorf("restore: %w", err)
	}
	cfgPath := filepath.Join(node, ConfigFile)
	if err := pointDataDir(cfgPath); err != nil {
		return nil, fmt.Errorf("restore: %s: %w", ConfigFile, err)
	}
	if err := checkRestored(cfgPath, m); err != nil {
		return nil, fmt.Errorf("restore: %w", err)
	}
	if err := syncDirs(node); err != nil {
		return nil, fmt.Errorf("restore: %w", err)
	}
	res = &RestoreResult{ConfigPath: filepath.Join(dir, ConfigFile), Node: m.Node, PeerID: m.PeerID, Files: len(m.Files)}
	if exists {
		res.MovedAside = dir + ".replaced-" + time.Now().UTC().Format("20060102T150405Z")
		if err := os.Rename(dir, res.MovedAside); err != nil {
			return nil, fmt.Errorf("restore: move the existing %s aside: %w", dir, err)
		}
	} else if err := os.Remove(dir); err != nil && !errors.Is(err, os.ErrNotExist) {
		return nil, fmt.Errorf("restore: %w", err)
	}
	if err := atomicfile.Rename(node, dir); err != nil {
		if res.MovedAside != "" {
			return nil, fmt.Errorf("restore: %w (the previous content of %s is in %s)", err, dir, res.MovedAside)
		}
		return nil, fmt.Errorf("restore: %w", err)
	}
	return res, nil
}

// syncDirs fsyncs every directory of the tree (the files are fsynced as they are written), so that the
// restored node survives a power cut once Restore has returned.
func syncDirs(root string) error {
	return filepath.WalkDir(root, func(p string, d os.DirEntry, err error) error {
		if err != nil || !d.IsDir() {
			return err
		}
		return atomicfile.SyncDir(p)
	})
}

// nonEmpty says whether dir exists with something in it.
func nonEmpty(dir string) (bool, error) {
	entries, err := os.ReadDir(dir)
	if errors.Is(err, os.ErrNotExist) {
		return false, nil
	}
	return len(entries) > 0, err
}

// arrange moves the extracted archive (config/..., data/...) into a node's layout: the config's files at
// the top, the data dir at data/.
func arrange(raw, node string) error {
	if err := os.Mkdir(node, 0o700); err != nil {
		return err
	}
	if err := os.Rename(filepath.Join(raw, "data"), filepath.Join(node, "data")); err != nil {
		return fmt.Errorf("the archive has no data dir: %w", err)
	}
	cfgDir := filepath.Join(raw, "config")
	return filepath.WalkDir(cfgDir, func(p string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, _ := filepath.Rel(cfgDir, p)
		dst := filepath.Join(node, rel)
		if _, err := os.Lstat(dst); err == nil {
			return fmt.Errorf("config file %s collides with the data dir", rel)
		}
		if err := os.MkdirAll(filepath.Dir(dst), 0o700); err != nil {
			return err
		}
		return os.Rename(p, dst)
	})
}

// pointDataDir sets data_dir to "data" (beside the config) in the config file, comments kept.
func pointDataDir(cfgPath string) error {
	src, err := os.ReadFile(cfgPath)
	if err != nil {
		return fmt.Errorf("the archive has no config: %w", err)
	}
	var doc yaml.Node
	if err := yaml.Unmarshal(src, &doc); err != nil || len(doc.Content) != 1 {
		return fmt.Errorf("not a YAML mapping")
	}
	if v := mappingValue(doc.Content[0], "data_dir"); v == nil || v.Value == "data" {
		return nil // the default, or already there
	}
	out, err := setScalars(src, map[string]string{"data_dir": "data"})
	if err != nil {
		return err
	}
	return atomicfile.WriteFile(cfgPath, out, 0o600)
}

// checkRestored loads the restored config and checks that its identity is the manifest's peer ID.
func checkRestored(cfgPath string, m *backup.Manifest) error {
	cfg, err := Load(cfgPath)
	if err != nil {
		return err
	}
	key, err := LoadIdentity(cfg.DataDir())
	if err != nil {
		return err
	}
	id, err := roster.PeerOf(key.Public().(ed25519.PublicKey))
	if err != nil {
		return err
	}
	if m.PeerID != "" && !strings.EqualFold(id.String(), m.PeerID) {
		return fmt.Errorf("identity.key is peer %s, the manifest says %s", id, m.PeerID)
	}
	return nil
}
