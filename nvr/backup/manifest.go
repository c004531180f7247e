package backup

import (
	"encoding/json"
	"fmt"
	"path"
	"strings"
	"time"
)

// ManifestName is the archive's last entry.
const ManifestName = "MANIFEST.json"

// FormatVersion is the version of the archive layout this package writes and reads.
const FormatVersion = 1

// Manifest describes an archive: the node it came from and every file in it.
type Manifest struct {
	Format     int            `json:"format"` // FormatVersion
	Created    time.Time      `json:"created"`
	Node       string         `json:"node"`    // the config's name
	PeerID     string         `json:"peer_id"` // the node's libp2p peer ID
	Role       string         `json:"role"`
	Version    string         `json:"version"`           // of the porchlight that wrote it
	Formats    map[string]int `json:"formats,omitempty"` // on-disk format versions (config, databases)
	Recordings bool           `json:"recordings"`        // segment files are included
	Files      []File         `json:"files"`
}

// File is one file of the archive.
type File struct {
	Name   string `json:"name"` // slash-separated, under config/ or data/
	Size   int64  `json:"size"`
	Mode   uint32 `json:"mode"`   // permission bits
	SHA256 string `json:"sha256"` // hex
}

// Roots are the top directories an archive's files may live in.
var Roots = []string{"config", "data"}

// CheckName says whether name may be a file of an archive: a clean relative slash path under one of Roots,
// without "..", empty or hidden-by-dot elements beyond the file's own name.
func CheckName(name string) error {
	if name == "" || path.Clean(name) != name || path.IsAbs(name) || strings.Contains(name, "\\") {
		return fmt.Errorf("file name %q: not a clean relative path", name)
	}
	root, rest, ok := strings.Cut(name, "/")
	if !ok || rest == "" {
		return fmt.Errorf("file name %q: not inside a directory", name)
	}
	known := false
	for _, r := range Roots {
		known = known || r == root
	}
	if !known {
		return fmt.Errorf("file name %q: outside %v", name, Roots)
	}
	for _, el := range strings.Split(rest, "/") {
		if el == ".." || el == "." || el == "" {
			return fmt.Errorf("file name %q: element %q", name, el)
		}
	}
	return nil
}

// decodeManifest parses and checks a manifest: known format, every file name valid and listed once.
func decodeManifest(b []byte) (*Manifest, error) {
	var m Manifest
	if err := json.Unmarshal(b, &m); err != nil {
		return nil, fmt.Errorf("%w: %s: %v", ErrCorrupt, ManifestName, err)
	}
	if m.Format != FormatVersion {
		return nil, fmt.Errorf("%w: %s: format: got %d, this porchlight reads %d", ErrCorrupt, ManifestName, m.Format, FormatVersion)
	}
	seen := map[string]bool{}
	for i, f := range m.Files {
		if err := CheckName(f.Name); err != nil {
			return nil, fmt.Errorf("%w: %s: files[%d].name: %v", ErrCorrupt, ManifestName, i, err)
		}
		if seen[f.Name] {
			return nil, fmt.Errorf("%w: %s: files[%d].name: %q listed twice", ErrCorrupt, ManifestName, i, f.Name)
		}
		seen[f.Name] = true
		if f.Size < 0 || len(f.SHA256) != 64 {
			return nil, fmt.Errorf("%w: %s: files[%d] (%s): bad size or sha256", ErrCorrupt, ManifestName, i, f.Name)
		}
	}
	return &m, nil
}
