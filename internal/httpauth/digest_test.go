package httpauth

import "testing"

func TestParseChallenges(t *testing.T) {
	cs := ParseChallenges([]string{`Digest realm="a, b", nonce=xyz, qop="auth", Basic realm="c\"d"`, `Bearer`})
	if len(cs) != 3 || cs[0].Scheme != "digest" || cs[0].Params["realm"] != "a, b" || cs[0].Params["nonce"] != "xyz" ||
		cs[1].Scheme != "basic" || cs[1].Params["realm"] != `c"d` || cs[2].Scheme != "bearer" {
		t.Errorf("got %+v", cs)
	}
}

func FuzzChallenges(f *testing.F) {
	f.Add(`Digest realm="IP Camera(23514)", qop="auth,auth-int", nonce="4e6a", opaque="x\"y", stale="FALSE"`)
	f.Add(`Basic realm="cam", Digest nonce=1, algorithm=SHA-256-sess, qop=auth`)
	f.Add(`Digest realm="unterminated`)
	f.Fuzz(func(t *testing.T, v string) {
		for _, c := range ParseChallenges([]string{v}) {
			if c.Scheme == "digest" {
				_, _ = DigestAuthorization(c, "u", "p", "GET", "/")
			}
		}
	})
}
