package ui

import (
	"encoding/json"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func TestTokensCreateListRevoke(t *testing.T) {
	e := newAuthEnv(t)
	cli := creds{bearer: testToken}

	code, _, body := e.do(cli, "POST", "/api/v1/tokens", newTokenRequest{Name: "home assistant"})
	wantStatus(t, "create", code, 201, body)
	var created newTokenResponse
	if err := json.Unmarshal(body, &created); err != nil {
		t.Fatal(err)
	}
	if len(created.ID) == 0 || len(created.Token) != 2*tokenBytes {
		t.Fatalf("got %+v, want an id and a %d-character token", created, 2*tokenBytes)
	}
	issued := creds{bearer: created.Token}
	e.clock.Advance(time.Hour)
	code, _, body = e.do(issued, "GET", "/api/v1/cameras", nil)
	wantStatus(t, "use the new token", code, 200, body)

	code, _, body = e.do(issued, "GET", "/api/v1/tokens", nil)
	wantStatus(t, "list", code, 200, body)
	if strings.Contains(string(body), created.Token) || strings.Contains(string(body), testToken) ||
		strings.Contains(string(body), hashToken(created.Token)) {
		t.Errorf("got listing %s, want no secrets or hashes in it", body)
	}
	var list []tokenInfo
	if err := json.Unmarshal(body, &list); err != nil {
		t.Fatal(err)
	}
	if len(list) != 2 || list[0].ID != cliTokenID || list[1].ID != created.ID || list[1].Name != "home assistant" {
		t.Fatalf("got tokens %+v, want cli and %s", list, created.ID)
	}
	if want := e.clock.Now(); !list[1].LastUsed.Equal(want) {
		t.Errorf("got last_used %v, want %v", list[1].LastUsed, want)
	}

	raw, err := os.ReadFile(filepath.Join(e.dir, TokensFile))
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(raw), created.Token) || !strings.Contains(string(raw), hashToken(created.Token)) {
		t.Errorf("got tokens.json %s, want the hash and not the token", raw)
	}
	if fi, err := os.Stat(filepath.Join(e.dir, TokensFile)); err != nil || fi.Mode().Perm() != 0o600 {
		t.Errorf("tokens.json: got %v, %v, want mode 0600", fi.Mode(), err)
	}

	// A restarted server knows the token.
	restarted := *e
	restarted.url = e.start()
	code, _, body = restarted.do(issued, "GET", "/api/v1/cameras", nil)
	wantStatus(t, "new token after restart", code, 200, body)

	steps := []struct {
		name, method, path string
		c                  creds
		want               int
	}{
		{"revoke", "DELETE", "/api/v1/tokens/" + created.ID, cli, 204},
		{"revoked token refused", "GET", "/api/v1/cameras", issued, 401},
		{"revoke again", "DELETE", "/api/v1/tokens/" + created.ID, cli, 404},
		{"revoke the CLI token", "DELETE", "/api/v1/tokens/cli", cli, 204},
		{"CLI token refused", "GET", "/api/v1/cameras", cli, 401},
	}
	for _, st := range steps {
		t.Run(st.name, func(t *testing.T) {
			code, _, body := e.do(st.c, st.method, st.path, nil)
			wantStatus(t, st.method+" "+st.path, code, st.want, body)
		})
	}
	if _, err := os.Stat(filepath.Join(e.dir, TokenFile)); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("api.token after revoking cli: got %v, want it removed", err)
	}
	// The other server read tokens.json before the revocation; a server started now refuses both.
	again := *e
	again.url = e.start()
	for _, c := range []creds{issued, cli} {
		code, _, body := again.do(c, "GET", "/api/v1/cameras", nil)
		wantStatus(t, "revoked token after restart", code, 401, body)
	}
}

func TestTokenCreateErrors(t *testing.T) {
	e := newAuthEnv(t)
	tests := []struct {
		name string
		body any
		want int
	}{
		{"empty name", newTokenRequest{}, 400},
		{"name too long", newTokenRequest{Name: strings.Repeat("n", maxUserName+1)}, 400},
		{"control character", newTokenRequest{Name: "a\nb"}, 400},
		{"unknown field", map[string]string{"name": "a", "secret": "b"}, 400},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, _, body := e.do(creds{bearer: testToken}, "POST", "/api/v1/tokens", tt.body)
			wantStatus(t, "create", code, tt.want, body)
		})
	}
}
