package ui

import (
	"encoding/json"
	"reflect"
	"testing"
)

// GET /api/v1/version answers the BuildInfo nvr gave the server to any signed-in user, and 401 without.
func TestVersionAPI(t *testing.T) {
	want := BuildInfo{Version: "v1.2.3", Commit: "abc", Go: "go1.26", Formats: map[string]int{"config": 1, "index": 1}}
	e := newAuthEnvWith(t, func(s *Server) { s.Build = want })
	code, _, body := e.do(creds{}, "GET", "/api/v1/version", nil)
	wantStatus(t, "anonymous", code, 401, body)
	for _, c := range []creds{{bearer: testToken}, e.login("viewer", viewerPW)} {
		code, _, body = e.do(c, "GET", "/api/v1/version", nil)
		wantStatus(t, "version", code, 200, body)
		var got BuildInfo
		if err := json.Unmarshal(body, &got); err != nil || !reflect.DeepEqual(got, want) {
			t.Errorf("got %s (%v), want %+v", body, err, want)
		}
	}
}
