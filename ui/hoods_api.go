package ui

import (
	"fmt"
	"net/http"
	"strings"
	"time"
	"unicode/utf8"
)

// Invite lifetimes: POST /api/v1/hoods/{id}/invites takes a ttl up to maxInviteTTL.
const (
	defaultInviteTTL = 72 * time.Hour
	maxInviteTTL     = 720 * time.Hour
	maxHoodName      = 64
	maxInviteCode    = 8192 // a code carries up to 16 addresses of the steward and its relays
	maxQRCode        = 3000 // what a QR code (version 40, medium correction, alphanumeric) holds
)

// onlyHood is the {id} that names the node's only hood.
const onlyHood = "-"

type newHoodRequest struct {
	Name         string   `json:"name"`
	CoStewards   []string `json:"co_stewards"`   // peer IDs of the other stewards
	AgencyQuorum int      `json:"agency_quorum"` // 0: 2 with co-stewards, else 1
}

type joinRequest struct {
	Code string `json:"code"`
}

type newInviteRequest struct {
	Role string `json:"role"` // household (default) or agency
	TTL  string `json:"ttl"`  // Go duration, default 72h
	// Via lists public nodes (multiaddrs with /p2p/) the joiner can reach this node through.
	Via []string `json:"via"`
	// An agency invite with a scope admits the agency with a credential to post requests in it.
	ScopeLat    *float64 `json:"scope_lat"`
	ScopeLon    *float64 `json:"scope_lon"`
	ScopeRadius float64  `json:"scope_radius"` // metres
	MaxAreaSqMi float64  `json:"max_area_sq_mi"`
	MaxWindow   string   `json:"max_window"` // Go duration, default 12h
	PerDay      int      `json:"per_day"`
	Valid       string   `json:"valid"` // how long the credential lasts, Go duration, default 8760h
}

// hoods returns the node's Neighborhood, or answers 503 and returns nil when it has none.
func (s *Server) neighborhood(w http.ResponseWriter) Neighborhood {
	if s.Hoods == nil {
		writeError(w, http.StatusServiceUnavailable, "neighborhoods are not enabled on this node")
	}
	return s.Hoods
}

func (s *Server) listHoods(w http.ResponseWriter, r *http.Request) {
	n := s.neighborhood(w)
	if n == nil {
		return
	}
	hs := n.Hoods()
	if hs == nil {
		hs = []Hood{}
	}
	writeJSON(w, http.StatusOK, hs)
}

func (s *Server) createHood(w http.ResponseWriter, r *http.Request) {
	n := s.neighborhood(w)
	var req newHoodRequest
	if n == nil || !readJSON(w, r, &req) {
		return
	}
	name := strings.TrimSpace(req.Name)
	if name == "" || utf8.RuneCountInString(name) > maxHoodName {
		writeError(w, http.StatusBadRequest, fmt.Sprintf("name: want 1 to %d characters", maxHoodName))
		return
	}
	var h Hood
	var err error
	if len(req.CoStewards) > 0 || req.AgencyQuorum != 0 {
		st, ok := n.(Stewardship)
		if !ok {
			writeError(w, http.StatusServiceUnavailable, "co-stewards are not supported on this node")
			return
		}
		h, err = st.FoundHood(name, req.CoStewards, req.AgencyQuorum)
	} else {
		h, err = n.CreateHood(name)
	}
	if err != nil {
		s.writeErr(w, err)
		return
	}
	writeJSON(w, http.StatusCreated, h)
}

func (s *Server) joinHood(w http.ResponseWriter, r *http.Request) {
	n := s.neighborhood(w)
	if n == nil {
		return
	}
	code, ok := readCode(w, r)
	if !ok {
		return
	}
	h, err := n.Join(r.Context(), code)
	if err != nil {
		s.writeErr(w, err)
		return
	}
	writeJSON(w, http.StatusOK, h)
}

// readCode reads a {"code": ...} body with an invite code, answering 400 when it is missing or too long.
func readCode(w http.ResponseWriter, r *http.Request) (string, bool) {
	var req joinRequest
	if !readJSON(w, r, &req) {
		return "", false
	}
	code := strings.TrimSpace(req.Code)
	if code == "" || len(code) > maxInviteCode {
		writeError(w, http.StatusBadRequest, fmt.Sprintf("code: want 1 to %d characters", maxInviteCode))
		return "", false
	}
	return code, true
}

func (s *Server) cosignInvite(w http.ResponseWriter, r *http.Request) {
	n := s.neighborhood(w)
	if n == nil {
		return
	}
	code, ok := readCode(w, r)
	if !ok {
		return
	}
	st, ok := n.(Stewardship)
	if !ok {
		writeError(w, http.StatusServiceUnavailable, "cosigning is not supported on this node")
		return
	}
	c, err := st.CosignInvite(code)
	if err != nil {
		s.writeErr(w, err)
		return
	}
	writeJSON(w, http.StatusOK, c)
}

func (s *Server) p2pNode(w http.ResponseWriter, r *http.Request) {
	if n := s.neighborhood(w); n != nil {
		writeJSON(w, http.StatusOK, n.Node())
	}
}

func (s *Server) createInvite(w http.ResponseWriter, r *http.Request) {
	n := s.neighborhood(w)
	var req newInviteRequest
	if n == nil || !readJSON(w, r, &req) {
		return
	}
	role, ttl, err := checkInvite(req)
	if err != nil {
		writeError(w, http.StatusBadRequest, err.Error())
		return
	}
	var inv Invite
	if req.ScopeLat != nil || req.ScopeLon != nil {
		scope, err := checkScope(req, role)
		if err != nil {
			writeError(w, http.StatusBadRequest, err.Error())
			return
		}
		q := s.requests(w)
		if q == nil {
			return
		}
		inv, err = q.InviteAgency(hoodParam(r), ttl, req.Via, scope)
	} else {
		inv, err = n.Invite(hoodParam(r), role, ttl, req.Via)
	}
	if err != nil {
		s.writeErr(w, err)
		return
	}
	writeJSON(w, http.StatusCreated, inv)
}

// checkInvite applies the defaults and limits of an invite request.
func checkInvite(req newInviteRequest) (string, time.Duration, error) {
	role := req.Role
	switch role {
	case "":
		role = "household"
	case "household", "agency":
	default:
		return "", 0, fmt.Errorf("role: %q is not household or agency", req.Role)
	}
	ttl := defaultInviteTTL
	if req.TTL != "" {
		d, err := time.ParseDuration(req.TTL)
		if err != nil {
			return "", 0, fmt.Errorf("ttl: %q is not a duration such as 72h", req.TTL)
		}
		if d <= 0 || d > maxInviteTTL {
			return "", 0, fmt.Errorf("ttl: %s is not between 0 and %s", req.TTL, maxInviteTTL)
		}
		ttl = d
	}
	return role, ttl, nil
}

// checkScope reads the scope of an agency invite.
func checkScope(req newInviteRequest, role string) (AgencyScope, error) {
	if role != "agency" || req.ScopeLat == nil || req.ScopeLon == nil || req.ScopeRadius <= 0 {
		return AgencyScope{}, fmt.Errorf("scope: an agency invite's scope needs scope_lat, scope_lon and scope_radius")
	}
	sc := AgencyScope{Lat: *req.ScopeLat, Lon: *req.ScopeLon, Radius: req.ScopeRadius, MaxAreaSqMi: req.MaxAreaSqMi,
		PerDay: req.PerDay}
	for _, d := range []struct {
		name, v string
		to      *time.Duration
	}{{"max_window", req.MaxWindow, &sc.MaxWindow}, {"valid", req.Valid, &sc.Valid}} {
		if d.v == "" {
			continue
		}
		v, err := time.ParseDuration(d.v)
		if err != nil || v <= 0 {
			return AgencyScope{}, fmt.Errorf("%s: %q is not a duration such as 12h", d.name, d.v)
		}
		*d.to = v
	}
	return sc, nil
}

func (s *Server) inviteQR(w http.ResponseWriter, r *http.Request) {
	if s.neighborhood(w) == nil {
		return
	}
	code := r.URL.Query().Get("code")
	if code == "" || len(code) > maxQRCode {
		writeError(w, http.StatusBadRequest, fmt.Sprintf("code: want 1 to %d characters", maxQRCode))
		return
	}
	svg, err := qrSVG(code)
	if err != nil {
		writeError(w, http.StatusBadRequest, "code: "+err.Error())
		return
	}
	h := w.Header()
	h.Set("Content-Type", "image/svg+xml")
	h.Set("Cache-Control", "no-store") // the code admits a node to the hood
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Content-Security-Policy", "default-src 'none'")
	_, _ = w.Write(svg)
}

func (s *Server) listMembers(w http.ResponseWriter, r *http.Request) {
	n := s.neighborhood(w)
	if n == nil {
		return
	}
	ms, err := n.Members(r.PathValue("id"))
	if err != nil {
		s.writeErr(w, err)
		return
	}
	if ms == nil {
		ms = []Member{}
	}
	writeJSON(w, http.StatusOK, ms)
}

func (s *Server) revokeMember(w http.ResponseWriter, r *http.Request) {
	n := s.neighborhood(w)
	if n == nil {
		return
	}
	if err := n.Revoke(r.PathValue("id"), r.PathValue("member")); err != nil {
		s.writeErr(w, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

// hoodParam is the {id} of an invite route, with "-" (the only hood) as "".
func hoodParam(r *http.Request) string {
	if id := r.PathValue("id"); id != onlyHood {
		return id
	}
	return ""
}
