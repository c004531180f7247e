package ui

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"sync"
	"testing"
	"time"
)

// fakeHoods is an in-memory Neighborhood. It answers like the federation node for the cases the API
// tests need: join codes "good", "expired", "unreachable" and "spam"; invites only where it is steward.
type fakeHoods struct {
	mu      sync.Mutex
	hoods   []Hood
	members map[string][]Member
	alerts  []Alert
	drafts  []AlertDraft
	invites []Invite
	clips   map[string][]byte // by alert ID
	subs    map[int]chan Alert
	nextSub int
	now     time.Time
}

func newFakeHoods() *fakeHoods {
	return &fakeHoods{members: map[string][]Member{}, clips: map[string][]byte{}, subs: map[int]chan Alert{},
		now: time.Date(2026, 11, 27, 9, 0, 0, 0, time.UTC)}
}

func (f *fakeHoods) Hoods() []Hood {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]Hood(nil), f.hoods...)
}

// addHood adds a hood of which this node ("self") is a member; f.mu must be held.
func (f *fakeHoods) addHood(id, name string, steward bool) Hood {
	h := Hood{ID: id, Name: name, Role: "household", Steward: steward, Self: "self", Members: 1, AgencyQuorum: 1}
	f.hoods = append(f.hoods, h)
	f.members[id] = []Member{{ID: "self", Name: "Elm Street 12", Role: "household", Steward: steward,
		Online: true, Self: true, Joined: f.now}}
	return h
}

func (f *fakeHoods) CreateHood(name string) (Hood, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	for _, h := range f.hoods {
		if h.Name == name {
			return Hood{}, Errorf(ErrConflict, "a hood named %q exists", name)
		}
	}
	return f.addHood(fmt.Sprintf("h%d", len(f.hoods)+1), name, true), nil
}

func (f *fakeHoods) Node() P2PNode {
	return P2PNode{ID: "12D3KooWFake", Addrs: []string{"/ip4/127.0.0.1/tcp/7481/p2p/12D3KooWFake"}}
}

func (f *fakeHoods) Invite(hood, role string, ttl time.Duration, via []string) (Invite, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if hood == "" && len(f.hoods) == 1 {
		hood = f.hoods[0].ID
	}
	for _, h := range f.hoods {
		if h.ID != hood {
			continue
		}
		if !h.Steward {
			return Invite{}, Errorf(ErrForbidden, "only a steward can invite")
		}
		inv := Invite{ID: fmt.Sprintf("inv%d", len(f.invites)+1), Code: "PL1-" + hood + "-secret", Hood: hood,
			Role: role, Expires: f.now.Add(ttl)}
		f.invites = append(f.invites, inv)
		return inv, nil
	}
	return Invite{}, fmt.Errorf("hood %q: %w", hood, ErrNotFound)
}

func (f *fakeHoods) Join(ctx context.Context, code string) (Hood, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	switch code {
	case "good":
		return f.addHood("joined", "Maple Court", false), nil
	case "expired":
		return Hood{}, Errorf(ErrConflict, "invite expired at 2026-11-27T10:00:00Z")
	case "unreachable":
		return Hood{}, fmt.Errorf("steward 12D3Koo: no address answered: %w", ErrUnavailable)
	case "spam":
		return Hood{}, Errorf(ErrRateLimited, "too many joins, try again in 1m0s")
	}
	return Hood{}, Errorf(ErrBadRequest, "code: not a porchlight invite")
}

func (f *fakeHoods) Members(hood string) ([]Member, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	ms, ok := f.members[hood]
	if !ok {
		return nil, fmt.Errorf("hood %q: %w", hood, ErrNotFound)
	}
	return append([]Member(nil), ms...), nil
}

func (f *fakeHoods) Revoke(hood, member string) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	for i, m := range f.members[hood] {
		if m.ID != member {
			continue
		}
		if m.Revoked {
			return Errorf(ErrConflict, "member %s is already revoked", member)
		}
		f.members[hood][i].Revoked = true
		return nil
	}
	return fmt.Errorf("hood %q: member %q: %w", hood, member, ErrNotFound)
}

func (f *fakeHoods) Alerts(hood string, since time.Time) ([]Alert, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	var out []Alert
	for _, a := range f.alerts { // oldest first: the API must sort
		if (hood == "" || a.Hood == hood) && a.Time.After(since) {
			out = append(out, a)
		}
	}
	return out, nil
}

func (f *fakeHoods) PostAlert(ctx context.Context, d AlertDraft) (Alert, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.drafts = append(f.drafts, d)
	a := Alert{ID: fmt.Sprintf("a%d", len(f.alerts)+1), Hood: d.Hood, Author: "self", AuthorName: "Elm Street 12",
		Category: d.Category, Text: d.Text, Time: f.now.Add(time.Duration(len(f.alerts)) * time.Minute),
		Lat: d.Lat, Lon: d.Lon, Mine: true}
	if d.Camera != "" {
		// Larger than net/http buffers, so that only the handler can set Content-Length.
		clip := bytes.Repeat([]byte("0123456789"), 10_000)
		a.Clip = &AlertClip{Camera: d.Camera, Start: d.Start, End: d.End, Size: int64(len(clip))}
		f.clips[a.ID] = clip
	}
	f.alerts = append(f.alerts, a)
	for _, c := range f.subs {
		c <- a // buffered; the tests post few alerts
	}
	return a, nil
}

func (f *fakeHoods) SubscribeAlerts() (<-chan Alert, func()) {
	f.mu.Lock()
	defer f.mu.Unlock()
	id, c := f.nextSub, make(chan Alert, 16)
	f.nextSub++
	f.subs[id] = c
	return c, func() {
		f.mu.Lock()
		defer f.mu.Unlock()
		delete(f.subs, id)
	}
}

func (f *fakeHoods) subscribers() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return len(f.subs)
}

func (f *fakeHoods) FetchClip(ctx context.Context, alertID string) (io.ReadCloser, int64, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	b, ok := f.clips[alertID]
	if !ok {
		return nil, 0, fmt.Errorf("alert %q has no clip: %w", alertID, ErrNotFound)
	}
	return io.NopCloser(bytes.NewReader(b)), int64(len(b)), nil
}

// newHoodEnv is an authEnv whose server has the Neighborhood f (nil: none) and sends alert-stream
// keepalives every keepalive (0: the default).
func newHoodEnv(t *testing.T, f Neighborhood, keepalive time.Duration) *authEnv {
	t.Helper()
	e := newAuthEnv(t)
	s := &Server{Listen: "127.0.0.1:0", DataDir: e.dir, Cameras: &fakeCameras{}, Hoods: f, Now: e.clock.Now, afterFunc: e.clock.AfterFunc,
		alertKeepalive: keepalive}
	e.url = runServer(t, s)
	return e
}
