package ui

import (
	"cmp"
	"slices"
	"sync"
	"time"
)

// Password guessing is slowed, never locked out by user name: wrong passwords from one address must not
// keep the owner out from another.
//
//   - Per (client address, user name): the first pairFreeFailures failures cost nothing; after that each
//     attempt waits pairBaseDelay after the pair's last failure, doubling with every further failure up
//     to pairMaxDelay. A pair forgets its failures pairForget after its last one, or on a success.
//   - Per client address, whatever the names: a budget of addrBurst failures, refilled by one every
//     addrRefill, against trying a few passwords on many names.
//
// Guessing one name from many addresses is bounded by each address's budget and by the cost of the
// password hash (maxConcurrentHashes at a time). An address is an IPv6 client's /64 (clientIP), or
// one host could take a fresh budget from each of its 2^64 addresses. Behind a reverse proxy listed in
// Server.TrustedProxies the address is the client's as the proxy reports it (forwarded.go); behind any
// other proxy every client has the proxy's address and they share its budget.
const (
	pairFreeFailures = 3
	pairBaseDelay    = time.Second
	pairMaxDelay     = 5 * time.Minute
	pairForget       = time.Hour
	addrBurst        = 20
	addrRefill       = 30 * time.Second
	limiterMaxKeys   = 10000 // bound on tracked pairs and on tracked addresses; beyond it the stalest go
)

// pairFailures are the recent failures of one (address, user name) pair.
type pairFailures struct {
	n    int
	last time.Time
}

// addrBudget is a token bucket of failures an address may still make.
type addrBudget struct {
	tokens float64
	at     time.Time // when tokens was last brought up to date
}

// loginLimiter slows password attempts per (address, user name) and bounds them per address.
type loginLimiter struct {
	now func() time.Time

	mu    sync.Mutex
	pairs map[pairKey]*pairFailures
	addrs map[string]*addrBudget
}

type pairKey struct{ addr, user string }

// attempt is an admitted password attempt, counted as a failure until undo.
type attempt struct{ pair pairKey }

func newLoginLimiter(now func() time.Time) *loginLimiter {
	return &loginLimiter{now: now, pairs: map[pairKey]*pairFailures{}, addrs: map[string]*addrBudget{}}
}

// begin admits a password attempt for user from addr, or returns how long the caller must wait. An
// admitted attempt counts as a failure at once (under the same lock as the check), so that parallel
// guesses cannot all pass the check before any of them has failed; undo takes it back.
func (l *loginLimiter) begin(addr, user string) (attempt, time.Duration) {
	now := l.now()
	k := pairKey{addr, user}
	l.mu.Lock()
	defer l.mu.Unlock()
	p, b := l.pairs[k], l.budget(addr, now)
	if p != nil && p.stale(now) {
		delete(l.pairs, k)
		p = nil
	}
	if wait := max(p.wait(now), b.wait()); wait > 0 {
		return attempt{}, wait
	}
	if p == nil {
		p = &pairFailures{}
		l.pairs[k] = p
	}
	p.n++
	p.last = now
	b.tokens--
	if len(l.pairs) > limiterMaxKeys || len(l.addrs) > limiterMaxKeys {
		l.evict(now)
	}
	return attempt{k}, 0
}

// undo takes back an attempt that was not a wrong password. After a success (ok) the pair starts
// afresh; after an error that decided nothing only this attempt is taken back.
func (l *loginLimiter) undo(a attempt, ok bool) {
	now := l.now()
	l.mu.Lock()
	defer l.mu.Unlock()
	if p := l.pairs[a.pair]; p != nil {
		p.n--
		if ok || p.n <= 0 {
			delete(l.pairs, a.pair)
		}
	}
	if b := l.addrs[a.pair.addr]; b != nil {
		l.refill(b, now)
		b.tokens = min(addrBurst, b.tokens+1)
	}
}

func (p *pairFailures) stale(now time.Time) bool { return !now.Before(p.last.Add(pairForget)) }

// wait is how long after now the pair's next attempt may come; a nil pair has no failures.
func (p *pairFailures) wait(now time.Time) time.Duration {
	if p == nil || p.n < pairFreeFailures {
		return 0
	}
	delay := pairMaxDelay
	if shift := p.n - pairFreeFailures; shift < 30 {
		delay = min(pairMaxDelay, pairBaseDelay<<shift)
	}
	return p.last.Add(delay).Sub(now)
}

// budget returns addr's budget, brought up to date; l.mu is held.
func (l *loginLimiter) budget(addr string, now time.Time) *addrBudget {
	b := l.addrs[addr]
	if b == nil {
		b = &addrBudget{tokens: addrBurst, at: now}
		l.addrs[addr] = b
	}
	l.refill(b, now)
	return b
}

func (l *loginLimiter) refill(b *addrBudget, now time.Time) {
	if d := now.Sub(b.at); d > 0 {
		b.tokens = min(addrBurst, b.tokens+float64(d)/float64(addrRefill))
		b.at = now
	}
}

// wait is how long until the budget holds a whole failure.
func (b *addrBudget) wait() time.Duration {
	if b.tokens >= 1 {
		return 0
	}
	return time.Duration((1 - b.tokens) * float64(addrRefill))
}

// evict drops what no longer limits anyone (forgotten pairs, full budgets), then, if that is not enough,
// the stalest entries until three quarters of the bound remain. It runs only when the bound is exceeded,
// so its cost is spread over many attempts.
func (l *loginLimiter) evict(now time.Time) {
	for k, p := range l.pairs {
		if p.stale(now) {
			delete(l.pairs, k)
		}
	}
	for a, b := range l.addrs {
		if l.refill(b, now); b.tokens >= addrBurst {
			delete(l.addrs, a)
		}
	}
	keep := limiterMaxKeys * 3 / 4
	if len(l.pairs) > keep {
		ks := make([]pairKey, 0, len(l.pairs))
		for k := range l.pairs {
			ks = append(ks, k)
		}
		slices.SortFunc(ks, func(a, b pairKey) int { return l.pairs[a].last.Compare(l.pairs[b].last) })
		for _, k := range ks[:len(ks)-keep] {
			delete(l.pairs, k)
		}
	}
	if len(l.addrs) > keep {
		as := make([]string, 0, len(l.addrs))
		for a := range l.addrs {
			as = append(as, a)
		}
		// The fullest budgets limit least.
		slices.SortFunc(as, func(a, b string) int { return cmp.Compare(l.addrs[b].tokens, l.addrs[a].tokens) })
		for _, a := range as[:len(as)-keep] {
			delete(l.addrs, a)
		}
	}
}
