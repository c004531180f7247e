package restream

import (
	"encoding/base64"
	"strings"
	"unicode/utf8"

	"github.com/bluenviron/gortsplib/v4/pkg/base"
)

// maxAuthorization bounds the Authorization header we decode.
const maxAuthorization = 1024

// basicCredentials returns the user and password of a Basic Authorization header (RFC 7617). The
// password may contain colons (gortsplib's own parser refuses those); the user may not, and must not be
// empty.
func basicCredentials(v base.HeaderValue) (user, pass string, ok bool) {
	if len(v) != 1 || len(v[0]) > maxAuthorization {
		return "", "", false
	}
	scheme, token, found := strings.Cut(strings.TrimSpace(v[0]), " ")
	if !found || !strings.EqualFold(scheme, "Basic") {
		return "", "", false
	}
	raw, err := base64.StdEncoding.DecodeString(strings.TrimSpace(token))
	if err != nil || !utf8.Valid(raw) {
		return "", "", false
	}
	user, pass, found = strings.Cut(string(raw), ":")
	if !found || user == "" {
		return "", "", false
	}
	return user, pass, true
}
