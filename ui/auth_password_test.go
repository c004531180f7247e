package ui

import (
	"testing"
)

func TestPasswordChange(t *testing.T) {
	e := newAuthEnv(t)
	a := e.login("viewer", viewerPW)
	b := e.login("viewer", viewerPW)
	admin := e.login("admin", e.adminPW)
	const newPW = "a-new-password-2"
	tests := []struct {
		name string
		c    creds
		req  passwordRequest
		want int
	}{
		{"too short", a, passwordRequest{Old: viewerPW, New: "short"}, 400},
		{"wrong old password", a, passwordRequest{Old: "not-the-password", New: newPW}, 403},
		{"bearer token has no password", creds{bearer: testToken}, passwordRequest{Old: viewerPW, New: newPW}, 400},
		{"ok", a, passwordRequest{Old: viewerPW, New: newPW}, 204},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, _, body := e.do(tt.c, "POST", "/api/v1/password", tt.req)
			wantStatus(t, "password change", code, tt.want, body)
		})
	}
	checks := []struct {
		name string
		c    creds
		want int
	}{
		{"the changing session lives on", a, 200},
		{"the user's other session ended", b, 401},
		{"other users' sessions live on", admin, 200},
	}
	for _, tt := range checks {
		t.Run(tt.name, func(t *testing.T) {
			code, _, body := e.do(tt.c, "GET", "/api/v1/session", nil)
			wantStatus(t, "session", code, tt.want, body)
		})
	}
	code, _, body := e.do(creds{}, "POST", "/api/v1/login", loginRequest{User: "viewer", Password: viewerPW})
	wantStatus(t, "login with the old password", code, 401, body)
	e.login("viewer", newPW)
}
