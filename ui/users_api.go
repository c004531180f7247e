package ui

import (
	"net/http"
	"time"
)

// userInfo is a user as the API lists it: never the hash.
type userInfo struct {
	Name    string    `json:"name"`
	Role    UserRole  `json:"role"`
	Created time.Time `json:"created"`
}

// newUserRequest is the body of POST /api/v1/users.
type newUserRequest struct {
	Name     string   `json:"name"`
	Role     UserRole `json:"role"`
	Password string   `json:"password"`
}

func (s *Server) listUsers(w http.ResponseWriter, r *http.Request) {
	users, err := listUsers(s.auth.dataDir)
	if err != nil {
		s.writeErr(w, err)
		return
	}
	out := make([]userInfo, len(users))
	for i, u := range users {
		out[i] = userInfo{Name: u.Name, Role: u.Role, Created: u.Created}
	}
	writeJSON(w, http.StatusOK, out)
}

func (s *Server) addUser(w http.ResponseWriter, r *http.Request) {
	var req newUserRequest
	if !readJSON(w, r, &req) {
		return
	}
	s.auth.usersMu.Lock()
	u, err := addUser(s.auth.dataDir, req.Name, req.Role, req.Password, s.Now())
	s.auth.usersMu.Unlock()
	if err != nil {
		s.writeErr(w, err)
		return
	}
	writeJSON(w, http.StatusCreated, userInfo{Name: u.Name, Role: u.Role, Created: u.Created})
}

// deleteUser removes a user and ends their sessions and every request under them (an admin removing
// themself still gets the answer); the last admin stays.
func (s *Server) deleteUser(w http.ResponseWriter, r *http.Request) {
	name := r.PathValue("name")
	s.auth.usersMu.Lock()
	err := removeUser(s.auth.dataDir, name)
	s.auth.usersMu.Unlock()
	if err != nil {
		s.writeErr(w, err)
		return
	}
	s.auth.endUser(name, "", principalFrom(r.Context()).scope)
	s.forgetPush(name)
	w.WriteHeader(http.StatusNoContent)
}
