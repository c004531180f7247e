package restream

import (
	"encoding/base64"
	"errors"
	"strings"
	"testing"

	"github.com/bluenviron/gortsplib/v4/pkg/base"
)

func TestParsePath(t *testing.T) {
	for _, tc := range []struct {
		path, camera, stream string
		ok                   bool
	}{
		{"/front", "front", "main", true},
		{"/front/", "front", "main", true},
		{"/front/sub", "front", "sub", true},
		{"/front/main", "front", "main", true},
		{"/back_2-x/sub/", "back_2-x", "sub", true},
		{"/", "", "", false},
		{"", "", "", false},
		{"/Front", "", "", false},
		{"/front/third", "", "", false},
		{"/front/sub/x", "", "", false},
		{"/../front", "", "", false},
		{"/" + strings.Repeat("a", 33), "", "", false},
	} {
		camera, stream, err := parsePath(tc.path)
		if tc.ok != (err == nil) || camera != tc.camera || stream != tc.stream {
			t.Errorf("parsePath(%q): got %q, %q, %v; want %q, %q, ok %v", tc.path, camera, stream, err, tc.camera, tc.stream, tc.ok)
		}
		if err != nil && !errors.Is(err, ErrUnknownPath) {
			t.Errorf("parsePath(%q): error %v is not ErrUnknownPath", tc.path, err)
		}
	}
}

func FuzzParsePath(f *testing.F) {
	for _, s := range []string{"/front", "/front/sub", "/a/main/", "//", "/front/sub/x", "/\x00"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, path string) {
		camera, stream, err := parsePath(path)
		if err != nil {
			return
		}
		if !validCamera(camera) || (stream != "main" && stream != "sub") {
			t.Fatalf("parsePath(%q) accepted camera %q stream %q", path, camera, stream)
		}
		if !strings.Contains(path, camera) {
			t.Fatalf("parsePath(%q): camera %q not in the path", path, camera)
		}
	})
}

func basicHeader(user, pass string) base.HeaderValue {
	return base.HeaderValue{"Basic " + base64.StdEncoding.EncodeToString([]byte(user+":"+pass))}
}

func TestBasicCredentials(t *testing.T) {
	for _, tc := range []struct {
		name       string
		v          base.HeaderValue
		user, pass string
		ok         bool
	}{
		{"plain", basicHeader("alice", "secret"), "alice", "secret", true},
		{"colon in password", basicHeader("alice", "a:b:c"), "alice", "a:b:c", true},
		{"empty password", basicHeader("alice", ""), "alice", "", true},
		{"lower-case scheme", base.HeaderValue{"basic " + base64.StdEncoding.EncodeToString([]byte("a:b"))}, "a", "b", true},
		{"empty user", basicHeader("", "x"), "", "", false},
		{"no colon", base.HeaderValue{"Basic " + base64.StdEncoding.EncodeToString([]byte("alice"))}, "", "", false},
		{"digest", base.HeaderValue{`Digest username="alice", realm="x"`}, "", "", false},
		{"bad base64", base.HeaderValue{"Basic !!!"}, "", "", false},
		{"twice", append(basicHeader("a", "b"), basicHeader("a", "b")...), "", "", false},
		{"none", nil, "", "", false},
		{"too long", basicHeader("alice", strings.Repeat("x", 1000)), "", "", false},
	} {
		user, pass, ok := basicCredentials(tc.v)
		if user != tc.user || pass != tc.pass || ok != tc.ok {
			t.Errorf("%s: got %q, %q, %v; want %q, %q, %v", tc.name, user, pass, ok, tc.user, tc.pass, tc.ok)
		}
	}
}

func FuzzBasicCredentials(f *testing.F) {
	f.Add("Basic YWxpY2U6c2VjcmV0", "alice", "secret")
	f.Add("Digest username=x", "a:b", "")
	f.Add("Basic =", "", ":")
	f.Fuzz(func(t *testing.T, header, user, pass string) {
		if u, _, ok := basicCredentials(base.HeaderValue{header}); ok && (u == "" || strings.Contains(u, ":")) {
			t.Fatalf("header %q gave user %q", header, u)
		}
		if strings.Contains(user, ":") {
			return // Basic cannot carry it: the first colon ends the user
		}
		// What a client encodes comes back, when the user is valid and the header fits.
		u, p, ok := basicCredentials(basicHeader(user, pass))
		valid := user != "" && len(basicHeader(user, pass)[0]) <= maxAuthorization && utf8Valid(user+pass)
		if ok != valid || ok && (u != user || p != pass) {
			t.Fatalf("round trip of %q, %q: got %q, %q, %v", user, pass, u, p, ok)
		}
	})
}

func utf8Valid(s string) bool { return strings.ToValidUTF8(s, "\uFFFD") == s }
