package nvr

import (
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/porchlight/porchlight/configs"
	"github.com/porchlight/porchlight/internal/atomicfile"
	"github.com/porchlight/porchlight/nvr/notify"
	"github.com/porchlight/porchlight/ui"
)

// ConfigFile is the name of the config file that Init writes.
const ConfigFile = "porchlight.yml"

// AdminUser is the name of the admin account that Init creates.
const AdminUser = "admin"

// Errors of Init, for callers that branch on them.
var (
	ErrConfigExists    = errors.New("config already exists")
	ErrDataDirNotEmpty = errors.New("data dir is not empty")
	ErrDataDirHasNode  = errors.New("data dir already holds a node")
)

// InitResult tells what Init created.
type InitResult struct {
	ConfigPath    string // absolute path of the config file
	Name          string // the node's name, as the config gives it
	Role          Role
	DataDir       string // absolute data dir
	NodeID        string // hex of the identity's Ed25519 public key
	AdminUser     string
	AdminPassword string // shown once; only its hash is stored
	TokenPath     string // the API token file
}

// InitOptions are the choices of InitWith.
type InitOptions struct {
	Role Role
	Name string
	// DataDir is written to the config's data_dir: an absolute path, or one relative to dir. Empty keeps
	// the default (data, next to the config).
	DataDir string
}

// Init sets up a node in dir with the default data dir: InitWith(dir, InitOptions{Role: role, Name: name}).
func Init(dir string, role Role, name string) (*InitResult, error) {
	return InitWith(dir, InitOptions{Role: role, Name: name})
}

// InitWith sets up a node in dir: the data dir (0700) with the node identity, an admin user with a random
// password, the API token and the Web Push (VAPID) key, then dir/porchlight.yml (0600, as
// configs/porchlight.yml with the given role, name and data dir, comments kept). It refuses to touch an existing config (ErrConfigExists) or a non-empty data dir
// (ErrDataDirNotEmpty). The config is written last, so its existence means init completed; on failure
// everything Init created is removed again.
func InitWith(dir string, opts InitOptions) (res *InitResult, err error) {
	role, name := opts.Role, opts.Name
	if err := role.Validate(); err != nil {
		return nil, fmt.Errorf("init: role: %w", err)
	}
	if err := validateName(name); err != nil {
		return nil, fmt.Errorf("init: name: %w", err)
	}
	dir, err = filepath.Abs(dir)
	if err != nil {
		return nil, fmt.Errorf("init: %w", err)
	}
	cfgPath := filepath.Join(dir, ConfigFile)
	if _, err := os.Lstat(cfgPath); err == nil {
		return nil, fmt.Errorf("init: %s: %w; refusing to overwrite", cfgPath, ErrConfigExists)
	}
	scalars := map[string]string{"name": name, "role": string(role)}
	if opts.DataDir != "" {
		scalars["data_dir"] = opts.DataDir
	}
	src, err := setScalars(configs.PorchlightYML, scalars)
	if err != nil {
		return nil, fmt.Errorf("init: config template: %w", err)
	}
	cfg, err := Parse(src)
	if err != nil {
		return nil, fmt.Errorf("init: config template: %w", err)
	}
	cfg.Path = cfgPath
	dataDir := cfg.DataDir()
	if entries, err := os.ReadDir(dataDir); err == nil && len(entries) > 0 {
		return nil, fmt.Errorf("init: %s: %w; refusing to overwrite", dataDir, ErrDataDirNotEmpty)
	}

	var created []string // removed in reverse order if a later step fails
	defer func() {
		if err != nil {
			undo(created)
		}
	}()
	for _, d := range []string{dir, dataDir} { // dir first: the data dir may lie outside it
		if err := mkdirAllTracked(d, &created); err != nil {
			return nil, fmt.Errorf("init: %w", err)
		}
	}
	res, err = initNode(dataDir, &created)
	if err != nil {
		return nil, fmt.Errorf("init: %w", err)
	}
	if err := atomicfile.WriteNew(cfgPath, src, 0o600); err != nil {
		if errors.Is(err, fs.ErrExist) {
			err = fmt.Errorf("%s: %w; refusing to overwrite", cfgPath, ErrConfigExists)
		}
		return nil, fmt.Errorf("init: %w", err)
	}
	res.ConfigPath, res.Name, res.Role = cfgPath, cfg.Name, cfg.Role
	return res, nil
}

// nodeFiles are the files initNode writes into a data dir.
var nodeFiles = []string{IdentityFile, ui.UsersFile, ui.TokenFile, notify.VAPIDFile}

// InitConfig sets up the data dir of the existing config at cfgPath without touching the config: the
// node identity, an admin user with a random password, the API token and the Web Push (VAPID) key, in the
// config's data_dir (created 0700 when missing). The package's postinst uses it on the config it ships.
// It refuses a data dir that already holds a node (ErrDataDirHasNode: any of those files) and leaves other
// files there alone; on failure everything it created is removed again.
func InitConfig(cfgPath string) (res *InitResult, err error) {
	cfg, err := Load(cfgPath)
	if err != nil {
		return nil, fmt.Errorf("init: %w", err)
	}
	dataDir := cfg.DataDir()
	for _, f := range nodeFiles {
		p := filepath.Join(dataDir, f)
		if _, err := os.Lstat(p); err == nil {
			return nil, fmt.Errorf("init: %s: %w; refusing to overwrite", p, ErrDataDirHasNode)
		} else if !errors.Is(err, fs.ErrNotExist) {
			return nil, fmt.Errorf("init: %w", err)
		}
	}
	var created []string
	defer func() {
		if err != nil {
			undo(created)
		}
	}()
	if err := mkdirAllTracked(dataDir, &created); err != nil {
		return nil, fmt.Errorf("init: %w", err)
	}
	if res, err = initNode(dataDir, &created); err != nil {
		return nil, fmt.Errorf("init: %w", err)
	}
	res.ConfigPath, res.Name, res.Role = cfg.Path, cfg.Name, cfg.Role
	return res, nil
}

// initNode writes nodeFiles into the existing dataDir, appending each to created before it is written.
func initNode(dataDir string, created *[]string) (*InitResult, error) {
	pub, err := CreateIdentity(dataDir)
	if err != nil {
		return nil, err
	}
	*created = append(*created, filepath.Join(dataDir, IdentityFile))
	*created = append(*created, filepath.Join(dataDir, ui.UsersFile)) // listed first: CreateAdmin may fail after writing
	password, err := ui.CreateAdmin(dataDir, AdminUser)
	if err != nil {
		return nil, err
	}
	tokenPath := filepath.Join(dataDir, ui.TokenFile)
	*created = append(*created, tokenPath)
	if _, err := ui.CreateToken(dataDir); err != nil {
		return nil, err
	}
	*created = append(*created, filepath.Join(dataDir, notify.VAPIDFile))
	if _, err := notify.CreateVAPIDKey(dataDir); err != nil {
		return nil, err
	}
	return &InitResult{
		DataDir: dataDir, NodeID: hex.EncodeToString(pub),
		AdminUser: AdminUser, AdminPassword: password, TokenPath: tokenPath,
	}, nil
}

// mkdirAllTracked creates dir and any missing parents with mode 0700, appending each directory it
// creates to created (outermost first).
func mkdirAllTracked(dir string, created *[]string) error {
	var missing []string
	for d := dir; ; d = filepath.Dir(d) {
		if _, err := os.Stat(d); err == nil {
			break
		} else if !errors.Is(err, fs.ErrNotExist) {
			return fmt.Errorf("create %s: %w", dir, err)
		}
		missing = append(missing, d)
		if filepath.Dir(d) == d {
			break
		}
	}
	for i := len(missing) - 1; i >= 0; i-- {
		if err := os.Mkdir(missing[i], 0o700); err != nil {
			return fmt.Errorf("create %s: %w", missing[i], err)
		}
		*created = append(*created, missing[i])
	}
	return nil
}

// undo removes the files and (then empty) directories in created, last first. It never removes anything
// recursively, so a directory that gained other content stays.
func undo(created []string) {
	for i := len(created) - 1; i >= 0; i-- {
		os.Remove(created[i])
	}
}
