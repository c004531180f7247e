package federation

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"filippo.io/age"
)

// agencyKeyFile holds the age X25519 identity approved clips are encrypted to.
const agencyKeyFile = "agency-age.key"

// agencyIdentity loads this node's age identity, creating it on first use.
func (n *Node) agencyIdentity() (*age.X25519Identity, error) {
	n.ageMu.Lock()
	defer n.ageMu.Unlock()
	if n.ageID != nil {
		return n.ageID, nil
	}
	path := filepath.Join(n.cfg.DataDir, agencyKeyFile)
	b, err := os.ReadFile(path)
	if errors.Is(err, os.ErrNotExist) {
		id, err := age.GenerateX25519Identity()
		if err != nil {
			return nil, err
		}
		if err := writeFileSync(path, []byte(id.String()+"\n"), 0o600); err != nil {
			return nil, fmt.Errorf("agency key: %w", err)
		}
		n.ageID = id
		return id, nil
	}
	if err != nil {
		return nil, fmt.Errorf("agency key: %w", err)
	}
	id, err := age.ParseX25519Identity(strings.TrimSpace(string(b)))
	if err != nil {
		return nil, fmt.Errorf("agency key %s: %w", path, err)
	}
	n.ageID = id
	return id, nil
}
