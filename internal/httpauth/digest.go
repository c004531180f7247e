// Package httpauth answers HTTP authentication challenges the way cameras ask for them: it parses
// WWW-Authenticate values (RFC 9110 §11.6.1) and answers Digest (RFC 7616: MD5 or SHA-256, -sess, qop
// auth) or Basic. It is a leaf with no state that imports nothing of porchlight; the recorder's snapshot
// fetcher and its ONVIF client (recorder/onvif) share it.
package httpauth

import (
	"crypto/md5"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"hash"
	"net/http"
	"strings"
)

// Challenge is one WWW-Authenticate challenge: its scheme (lower case) and parameters (keys lower case).
type Challenge struct {
	Scheme string
	Params map[string]string
}

// maxChallenge bounds a WWW-Authenticate value we parse.
const maxChallenge = 4096

// ParseChallenges reads the challenges of WWW-Authenticate values (RFC 9110 §11.6.1): a scheme, then
// comma-separated name=value pairs, values plain tokens or quoted strings with backslash escapes.
func ParseChallenges(values []string) []Challenge {
	var out []Challenge
	for _, v := range values {
		if len(v) > maxChallenge {
			continue
		}
		s := v
		var cur *Challenge
		for {
			s = strings.TrimLeft(s, " \t,")
			if s == "" {
				break
			}
			tok := s[:tokenEnd(s)]
			rest := strings.TrimLeft(s[len(tok):], " \t")
			if tok == "" { // a stray character: skip it
				s = s[1:]
				continue
			}
			if !strings.HasPrefix(rest, "=") {
				out = append(out, Challenge{Scheme: strings.ToLower(tok), Params: map[string]string{}})
				cur = &out[len(out)-1]
				s = rest
				continue
			}
			rest = strings.TrimLeft(rest[1:], " \t")
			var val string
			val, s = paramValue(rest)
			if cur != nil {
				cur.Params[strings.ToLower(tok)] = val
			}
		}
	}
	return out
}

func tokenEnd(s string) int {
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c == ' ', c == '\t', c == ',', c == '=', c == '"':
			return i
		}
	}
	return len(s)
}

// paramValue reads a token or a quoted string from the start of s and returns it and what follows.
func paramValue(s string) (string, string) {
	if !strings.HasPrefix(s, `"`) {
		n := tokenEnd(s)
		return s[:n], s[n:]
	}
	var b strings.Builder
	for i := 1; i < len(s); i++ {
		switch s[i] {
		case '\\':
			if i+1 < len(s) {
				i++
				b.WriteByte(s[i])
			}
		case '"':
			return b.String(), s[i+1:]
		default:
			b.WriteByte(s[i])
		}
	}
	return b.String(), "" // unterminated: take the rest
}

// DigestAuthorization answers a Digest challenge (RFC 7616: MD5 or SHA-256, optionally -sess; qop auth
// or none) for a request of method to uri.
func DigestAuthorization(c Challenge, user, pass, method, uri string) (string, error) {
	algo := c.Params["algorithm"]
	var h func() hash.Hash
	switch strings.ToUpper(strings.TrimSuffix(strings.ToUpper(algo), "-SESS")) {
	case "", "MD5":
		h = md5.New
	case "SHA-256":
		h = sha256.New
	default:
		return "", fmt.Errorf("digest algorithm %q not supported", algo)
	}
	hex := func(s string) string { d := h(); d.Write([]byte(s)); return hex.EncodeToString(d.Sum(nil)) }
	realm, nonce := c.Params["realm"], c.Params["nonce"]
	if nonce == "" {
		return "", fmt.Errorf("digest challenge without a nonce")
	}
	cnonce := randomHex(8)
	ha1 := hex(user + ":" + realm + ":" + pass)
	if strings.HasSuffix(strings.ToUpper(algo), "-SESS") {
		ha1 = hex(ha1 + ":" + nonce + ":" + cnonce)
	}
	ha2 := hex(method + ":" + uri)
	qop := ""
	for _, q := range strings.Split(c.Params["qop"], ",") {
		if strings.TrimSpace(q) == "auth" {
			qop = "auth"
		}
	}
	if c.Params["qop"] != "" && qop == "" {
		return "", fmt.Errorf("digest qop %q not supported", c.Params["qop"])
	}
	const nc = "00000001"
	var resp string
	if qop != "" {
		resp = hex(ha1 + ":" + nonce + ":" + nc + ":" + cnonce + ":" + qop + ":" + ha2)
	} else {
		resp = hex(ha1 + ":" + nonce + ":" + ha2)
	}
	var b strings.Builder
	fmt.Fprintf(&b, `Digest username=%s, realm=%s, nonce=%s, uri=%s, response=%s`, quote(user), quote(realm), quote(nonce), quote(uri), quote(resp))
	if algo != "" {
		fmt.Fprintf(&b, ", algorithm=%s", algo)
	}
	if qop != "" {
		fmt.Fprintf(&b, ", qop=%s, nc=%s, cnonce=%s", qop, nc, quote(cnonce))
	}
	if o, ok := c.Params["opaque"]; ok {
		fmt.Fprintf(&b, ", opaque=%s", quote(o))
	}
	return b.String(), nil
}

func quote(s string) string {
	return `"` + strings.NewReplacer(`\`, `\\`, `"`, `\"`).Replace(s) + `"`
}

func randomHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

// Answer picks the strongest challenge of the WWW-Authenticate values it can answer, Digest then Basic, and
// returns the Authorization header value for a request of method to uri.
func Answer(values []string, user, pass, method, uri string) (string, error) {
	cs := ParseChallenges(values)
	var lastErr error
	for _, c := range cs {
		if c.Scheme == "digest" {
			a, err := DigestAuthorization(c, user, pass, method, uri)
			if err == nil {
				return a, nil
			}
			lastErr = err
		}
	}
	for _, c := range cs {
		if c.Scheme == "basic" {
			req := http.Request{Header: http.Header{}}
			req.SetBasicAuth(user, pass)
			return req.Header.Get("Authorization"), nil
		}
	}
	if lastErr != nil {
		return "", lastErr
	}
	return "", errors.New("camera asks for an authentication scheme other than Basic or Digest")
}
