package mqtt_test

import (
	"errors"
	"sync"

	"github.com/porchlight/porchlight/nvr/mqtt"
)

// fakeSource is a node in memory: the tests set its cameras and stats and send events and alerts.
type fakeSource struct {
	mu     sync.Mutex
	cams   []mqtt.Camera
	stats  mqtt.Stats
	open   map[string]bool
	snaps  map[uint64][]byte
	events chan mqtt.Event
	alerts chan mqtt.Alert
}

func newFakeSource(cams ...string) *fakeSource {
	s := &fakeSource{open: map[string]bool{}, snaps: map[uint64][]byte{}, events: make(chan mqtt.Event, 16),
		alerts: make(chan mqtt.Alert, 16)}
	for _, c := range cams {
		s.cams = append(s.cams, mqtt.Camera{Name: c, State: "recording", BitrateBps: 4e6})
	}
	return s
}

func (s *fakeSource) setCameras(cams []mqtt.Camera) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.cams = cams
}

func (s *fakeSource) setStats(st mqtt.Stats) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.stats = st
}

func (s *fakeSource) Cameras() []mqtt.Camera {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]mqtt.Camera(nil), s.cams...)
}

func (s *fakeSource) Stats() mqtt.Stats {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.stats
}

func (s *fakeSource) OpenMotion() map[string]bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := map[string]bool{}
	for c, v := range s.open {
		out[c] = v
	}
	return out
}

func (s *fakeSource) SubscribeEvents() (<-chan mqtt.Event, func()) { return s.events, func() {} }
func (s *fakeSource) SubscribeAlerts() (<-chan mqtt.Alert, func()) { return s.alerts, func() {} }

func (s *fakeSource) EventSnapshot(id uint64) ([]byte, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if b, ok := s.snaps[id]; ok {
		return b, nil
	}
	return nil, errors.New("no snapshot")
}
