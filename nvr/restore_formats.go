package nvr

import (
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/porchlight/porchlight/nvr/backup"
)

// ErrNewerFormat: the archive holds an on-disk format newer than this build reads.
var ErrNewerFormat = errors.New("the backup holds a format newer than this porchlight reads")

// checkFormats refuses an archive whose manifest records a format this build does not know, or a newer
// version of one it knows (Formats), naming each and the porchlight that wrote it: restored, such a node
// would refuse to start. An archive without formats (none recorded) passes.
func checkFormats(m *backup.Manifest) error {
	known := Formats()
	var newer []string
	for name, v := range m.Formats {
		switch have, ok := known[name]; {
		case !ok:
			newer = append(newer, fmt.Sprintf("%s %d (unknown here)", name, v))
		case v > have:
			newer = append(newer, fmt.Sprintf("%s %d (this porchlight reads up to %d)", name, v, have))
		}
	}
	if len(newer) == 0 {
		return nil
	}
	slices.Sort(newer)
	return fmt.Errorf("%w: %s; it was written by porchlight %s: restore it with that version or newer",
		ErrNewerFormat, strings.Join(newer, ", "), m.Version)
}
