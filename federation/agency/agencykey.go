package agency

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"filippo.io/age"

	"github.com/porchlight/porchlight/internal/atomicfile"
)

// agencyKeyFile holds the age X25519 identity approved clips are encrypted to.
const agencyKeyFile = "agency-age.key"

// Recipient is the key approved clips are encrypted to, which this node claims an agency invite with
// (Requests).
func (ag *Agency) Recipient() (string, error) {
	id, err := ag.agencyIdentity()
	if err != nil {
		return "", err
	}
	return id.Recipient().String(), nil
}

// agencyIdentity loads this node's age identity, creating it on first use.
func (ag *Agency) agencyIdentity() (*age.X25519Identity, error) {
	ag.ageMu.Lock()
	defer ag.ageMu.Unlock()
	if ag.ageID != nil {
		return ag.ageID, nil
	}
	path := filepath.Join(ag.cfg.DataDir, agencyKeyFile)
	b, err := os.ReadFile(path)
	if errors.Is(err, os.ErrNotExist) {
		id, err := age.GenerateX25519Identity()
		if err != nil {
			return nil, err
		}
		if err := atomicfile.WriteNew(path, []byte(id.String()+"\n"), 0o600); err != nil {
			return nil, fmt.Errorf("agency key: %w", err)
		}
		ag.ageID = id
		return id, nil
	}
	if err != nil {
		return nil, fmt.Errorf("agency key: %w", err)
	}
	id, err := age.ParseX25519Identity(strings.TrimSpace(string(b)))
	if err != nil {
		return nil, fmt.Errorf("agency key %s: %w", path, err)
	}
	ag.ageID = id
	return id, nil
}
