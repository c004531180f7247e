package ui

import "net/http"

// newTokenRequest is the body of POST /api/v1/tokens.
type newTokenRequest struct {
	Name string `json:"name"`
}

// newTokenResponse carries a new token; this is the only time the token is shown.
type newTokenResponse struct {
	ID    string `json:"id"`
	Token string `json:"token"`
}

func (s *Server) listTokens(w http.ResponseWriter, r *http.Request) {
	writeJSON(w, http.StatusOK, s.auth.tokens.list())
}

func (s *Server) createToken(w http.ResponseWriter, r *http.Request) {
	var req newTokenRequest
	if !readJSON(w, r, &req) {
		return
	}
	id, tok, err := s.auth.tokens.create(req.Name)
	if err != nil {
		s.writeErr(w, err)
		return
	}
	writeJSON(w, http.StatusCreated, newTokenResponse{ID: id, Token: tok})
}

func (s *Server) revokeToken(w http.ResponseWriter, r *http.Request) {
	if err := s.auth.revokeToken(r.PathValue("id"), principalFrom(r.Context()).scope); err != nil {
		s.writeErr(w, err)
		return
	}
	s.forgetPush("token:" + r.PathValue("id"))
	w.WriteHeader(http.StatusNoContent)
}
