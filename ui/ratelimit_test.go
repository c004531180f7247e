package ui

import (
	"fmt"
	"testing"
	"time"
)

func TestLoginLimiter(t *testing.T) {
	tests := []struct {
		name string
		run  func(l *loginLimiter, c *testClock) time.Duration
		want time.Duration
	}{
		{"below the limit", func(l *loginLimiter, c *testClock) time.Duration {
			for range loginMaxFailures - 1 {
				l.fail("u")
			}
			return l.retryAfter("u")
		}, 0},
		{"at the limit", func(l *loginLimiter, c *testClock) time.Duration {
			for range loginMaxFailures {
				l.fail("u")
			}
			return l.retryAfter("u")
		}, loginWindow},
		{"waits for the oldest failure to leave the window", func(l *loginLimiter, c *testClock) time.Duration {
			for range loginMaxFailures {
				l.fail("u")
				c.Advance(time.Minute)
			}
			return l.retryAfter("u")
		}, 0},
		{"window slides", func(l *loginLimiter, c *testClock) time.Duration {
			l.fail("u")
			c.Advance(time.Minute)
			for range loginMaxFailures - 1 {
				l.fail("u")
			}
			return l.retryAfter("u")
		}, loginWindow - time.Minute},
		{"any key blocks", func(l *loginLimiter, c *testClock) time.Duration {
			for range loginMaxFailures {
				l.fail("ip")
			}
			return l.retryAfter("other", "ip")
		}, loginWindow},
		{"reset clears a key", func(l *loginLimiter, c *testClock) time.Duration {
			for range loginMaxFailures {
				l.fail("u")
			}
			l.reset("u")
			return l.retryAfter("u")
		}, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := &testClock{t: time.Unix(1e9, 0)}
			l := newLoginLimiter(c.Now)
			if got := tt.run(l, c); got != tt.want {
				t.Errorf("got retry after %v, want %v", got, tt.want)
			}
		})
	}
}

func TestLoginLimiterBoundedMemory(t *testing.T) {
	c := &testClock{t: time.Unix(1e9, 0)}
	l := newLoginLimiter(c.Now)
	for i := range 3 * limiterMaxKeys {
		l.fail(fmt.Sprintf("user:%d", i))
		if i%1000 == 0 {
			c.Advance(time.Second)
		}
	}
	l.fail("blocked")
	for range loginMaxFailures - 1 {
		l.fail("blocked")
	}
	if got := len(l.failures); got > limiterMaxKeys {
		t.Errorf("got %d keys, want at most %d", got, limiterMaxKeys)
	}
	if got := l.retryAfter("blocked"); got != loginWindow {
		t.Errorf("got retry after %v for the newest key, want %v (eviction takes the stalest first)", got, loginWindow)
	}
}

// fail records a failed attempt for every key, as an admitted attempt that failed.
func (l *loginLimiter) fail(keys ...string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.failLocked(l.now(), keys)
}

// retryAfter returns how long the caller with keys must wait.
func (l *loginLimiter) retryAfter(keys ...string) time.Duration {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.waitLocked(l.now(), keys)
}

// TestLimiterParallelGuesses: parallel attempts cannot all pass the check before any has failed.
func TestLimiterParallelGuesses(t *testing.T) {
	l := newLoginLimiter(time.Now)
	admitted := 0
	for range 50 { // begun, none finished yet
		if _, wait := l.begin("ip:x", "user:admin"); wait == 0 {
			admitted++
		}
	}
	if admitted != loginMaxFailures {
		t.Fatalf("admitted %d parallel attempts, want %d", admitted, loginMaxFailures)
	}
	at, _ := newLoginLimiter(time.Now).begin("k")
	l2 := newLoginLimiter(func() time.Time { return at })
	a, _ := l2.begin("k")
	l2.undo(a, "k")
	if w := l2.retryAfter("k"); w != 0 || len(l2.failures) != 0 {
		t.Errorf("after undo of a successful attempt: wait %s, %d keys", w, len(l2.failures))
	}
}
