package ui

import (
	"sync"
	"time"
)

// Login rate limiting: a key (client IP or user name) that failed loginMaxFailures times within
// loginWindow is refused until the oldest of those failures leaves the window.
const (
	loginMaxFailures = 5
	loginWindow      = 5 * time.Minute
	limiterMaxKeys   = 10000 // bound on tracked keys; beyond it the stalest are evicted
)

// loginLimiter counts failed logins per key in a sliding window.
type loginLimiter struct {
	now func() time.Time

	mu       sync.Mutex
	failures map[string][]time.Time // at most loginMaxFailures entries each, oldest first
}

func newLoginLimiter(now func() time.Time) *loginLimiter {
	return &loginLimiter{now: now, failures: map[string][]time.Time{}}
}

// waitLocked returns how long the caller with keys must wait; 0 means it may try now. l.mu is held.
func (l *loginLimiter) waitLocked(now time.Time, keys []string) time.Duration {
	var wait time.Duration
	for _, k := range keys {
		if f := l.recent(k, now); len(f) >= loginMaxFailures {
			wait = max(wait, f[0].Add(loginWindow).Sub(now))
		}
	}
	return wait
}

// begin admits an attempt for keys, or returns how long the caller must wait. An admitted attempt counts
// as a failure at once (under the same lock as the check), so that parallel guesses cannot all pass the
// check before any of them has failed; a successful attempt takes its entry back with undo.
func (l *loginLimiter) begin(keys ...string) (at time.Time, wait time.Duration) {
	now := l.now()
	l.mu.Lock()
	defer l.mu.Unlock()
	if wait = l.waitLocked(now, keys); wait > 0 {
		return time.Time{}, wait
	}
	l.failLocked(now, keys)
	return now, 0
}

// undo removes the failure begin recorded at at for every key.
func (l *loginLimiter) undo(at time.Time, keys ...string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	for _, k := range keys {
		f := l.failures[k]
		for i := len(f) - 1; i >= 0; i-- {
			if f[i].Equal(at) {
				f = append(f[:i:i], f[i+1:]...)
				break
			}
		}
		if len(f) == 0 {
			delete(l.failures, k)
		} else {
			l.failures[k] = f
		}
	}
}

func (l *loginLimiter) failLocked(now time.Time, keys []string) {
	for _, k := range keys {
		f := append(l.recent(k, now), now)
		if len(f) > loginMaxFailures {
			f = f[len(f)-loginMaxFailures:]
		}
		l.failures[k] = f
	}
	if len(l.failures) > limiterMaxKeys {
		l.evict(now)
	}
}

// reset forgets the failures of key (a successful login).
func (l *loginLimiter) reset(key string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	delete(l.failures, key)
}

// recent returns the failures of key inside the window, dropping older ones.
func (l *loginLimiter) recent(key string, now time.Time) []time.Time {
	f := l.failures[key]
	i := 0
	for i < len(f) && !now.Before(f[i].Add(loginWindow)) {
		i++
	}
	if i == len(f) {
		delete(l.failures, key)
		return nil
	}
	return f[i:]
}

// evict drops keys without recent failures, then, if that is not enough, the keys whose last failure is
// oldest until three quarters of the bound remain. It runs only when the bound is exceeded, so its cost
// is spread over many failures.
func (l *loginLimiter) evict(now time.Time) {
	for k := range l.failures {
		l.recent(k, now)
	}
	excess := len(l.failures) - limiterMaxKeys*3/4
	// Drop keys whose last failure is older than a cut-off that moves forward through the window.
	for step := time.Duration(1); step <= 8 && excess > 0; step++ {
		cut := now.Add(-loginWindow + step*loginWindow/8)
		for k, f := range l.failures {
			if excess > 0 && f[len(f)-1].Before(cut) {
				delete(l.failures, k)
				excess--
			}
		}
	}
	for k := range l.failures { // failures at or after now (a clock set back): drop any
		if excess <= 0 {
			break
		}
		delete(l.failures, k)
		excess--
	}
}
