package ui

import (
	"encoding/json"
	"strings"
	"testing"
)

func TestUsersAPI(t *testing.T) {
	e := newAuthEnv(t)
	admin := e.login("admin", e.adminPW)
	viewer := e.login("viewer", viewerPW)
	steps := []struct {
		name, method, path string
		body               any
		want               int
	}{
		{"add viewer", "POST", "/api/v1/users", newUserRequest{"carol", UserViewer, "carols-password"}, 201},
		{"add taken name", "POST", "/api/v1/users", newUserRequest{"carol", UserViewer, "carols-password"}, 409},
		{"add with bad role", "POST", "/api/v1/users", newUserRequest{"dave", "root", "daves-password"}, 400},
		{"add with short password", "POST", "/api/v1/users", newUserRequest{"dave", UserViewer, "short"}, 400},
		{"add with a space in the name", "POST", "/api/v1/users", newUserRequest{"da ve", UserViewer, "daves-password"}, 400},
		{"delete the last admin", "DELETE", "/api/v1/users/admin", nil, 409},
		{"delete unknown", "DELETE", "/api/v1/users/nobody", nil, 404},
		{"delete viewer", "DELETE", "/api/v1/users/viewer", nil, 204},
		{"add second admin", "POST", "/api/v1/users", newUserRequest{"erin", UserAdmin, "erins-password"}, 201},
		{"delete first admin now", "DELETE", "/api/v1/users/admin", nil, 204},
	}
	for _, st := range steps {
		t.Run(st.name, func(t *testing.T) {
			code, _, body := e.do(admin, st.method, st.path, st.body)
			wantStatus(t, st.method+" "+st.path, code, st.want, body)
		})
	}
	code, _, body := e.do(viewer, "GET", "/api/v1/session", nil)
	wantStatus(t, "deleted viewer's session", code, 401, body)
	code, _, body = e.do(admin, "GET", "/api/v1/session", nil)
	wantStatus(t, "deleted admin's session", code, 401, body)

	code, _, body = e.do(creds{bearer: testToken}, "GET", "/api/v1/users", nil)
	wantStatus(t, "list users", code, 200, body)
	var users []map[string]any
	if err := json.Unmarshal(body, &users); err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, u := range users {
		got = append(got, u["name"].(string)+"/"+u["role"].(string))
		if _, ok := u["hash"]; ok {
			t.Errorf("got user %v with its hash, want no hash in the listing", u)
		}
	}
	if want := "carol/viewer erin/admin"; strings.Join(got, " ") != want {
		t.Errorf("got users %q, want %q", strings.Join(got, " "), want)
	}
	c := e.login("carol", "carols-password")
	code, _, body = e.do(c, "DELETE", "/api/v1/users/erin", nil)
	wantStatus(t, "viewer deletes admin", code, 403, body)
}
