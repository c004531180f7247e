package hls

import (
	"fmt"
	"strconv"
	"strings"
)

// kind is what a resource name of a window names.
type kind int

const (
	kindInit    kind = iota + 1 // init<N>.mp4
	kindSegment                 // s<MSN>.m4s
	kindPart                    // p<N>.m4s
)

// parseName reads a resource name of the package doc's table: its kind and number. Numbers are
// decimal without sign or leading zeros, so that one resource has one name.
func parseName(name string) (kind, uint64, error) {
	var k kind
	var num string
	switch {
	case strings.HasPrefix(name, "init") && strings.HasSuffix(name, ".mp4"):
		k, num = kindInit, name[len("init"):len(name)-len(".mp4")]
	case strings.HasPrefix(name, "s") && strings.HasSuffix(name, ".m4s"):
		k, num = kindSegment, name[1:len(name)-len(".m4s")]
	case strings.HasPrefix(name, "p") && strings.HasSuffix(name, ".m4s"):
		k, num = kindPart, name[1:len(name)-len(".m4s")]
	default:
		return 0, 0, fmt.Errorf("%w: resource %q (want init<N>.mp4, s<N>.m4s or p<N>.m4s)", ErrBadRequest, name)
	}
	n, err := strconv.ParseUint(num, 10, 64)
	if err != nil || num != strconv.FormatUint(n, 10) {
		return 0, 0, fmt.Errorf("%w: resource %q: number %q", ErrBadRequest, name, num)
	}
	return k, n, nil
}
