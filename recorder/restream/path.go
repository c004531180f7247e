package restream

import (
	"fmt"
	"strings"
)

// maxPathLen bounds a request path: camera names are at most 32 characters.
const maxPathLen = 64

// parsePath returns the camera and stream ("main" or "sub") a request path names: "/front" is front's
// main stream, "/front/sub" its sub-stream ("/front/main" is accepted too). A trailing slash is ignored.
func parsePath(path string) (camera, stream string, err error) {
	if len(path) > maxPathLen {
		return "", "", fmt.Errorf("%w: path too long", ErrUnknownPath)
	}
	p := strings.TrimSuffix(strings.TrimPrefix(path, "/"), "/")
	camera, stream, _ = strings.Cut(p, "/")
	switch {
	case stream == "":
		stream = "main"
	case stream != "main" && stream != "sub":
		return "", "", fmt.Errorf("%w: %q (want /CAMERA or /CAMERA/sub)", ErrUnknownPath, path)
	}
	if !validCamera(camera) {
		return "", "", fmt.Errorf("%w: %q (want /CAMERA or /CAMERA/sub)", ErrUnknownPath, path)
	}
	return camera, stream, nil
}

// validCamera accepts the camera names the config accepts: 1-32 of a-z 0-9 _ -.
func validCamera(s string) bool {
	if s == "" || len(s) > 32 {
		return false
	}
	for _, c := range []byte(s) {
		if !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '_' || c == '-') {
			return false
		}
	}
	return true
}
