package federation

import (
	"sync"
	"time"

	"github.com/libp2p/go-libp2p/core/peer"
	"golang.org/x/time/rate"
)

// rateLimits keeps a token bucket per member for alerts.
type rateLimits struct {
	mu    sync.Mutex
	r     rate.Limit
	burst int
	now   func() time.Time
	m     map[peer.ID]*rate.Limiter
}

func newRateLimits(perSecond float64, burst int, now func() time.Time) *rateLimits {
	return &rateLimits{r: rate.Limit(perSecond), burst: burst, now: now, m: map[peer.ID]*rate.Limiter{}}
}

func (l *rateLimits) allow(p peer.ID) bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	lim, ok := l.m[p]
	if !ok {
		lim = rate.NewLimiter(l.r, l.burst)
		l.m[p] = lim
	}
	return lim.AllowN(l.now(), 1)
}
