package ui

import (
	"fmt"
	"testing"
	"time"
)

func TestLoginLimiter(t *testing.T) {
	tests := []struct {
		name string
		run  func(t *testing.T, l *loginLimiter, c *testClock) time.Duration // the wait of the last begin
		want time.Duration
	}{
		{"free failures", func(t *testing.T, l *loginLimiter, c *testClock) time.Duration {
			failN(t, l, "a", "admin", pairFreeFailures-1)
			return wait(l, "a", "admin")
		}, 0},
		{"then a delay", func(t *testing.T, l *loginLimiter, c *testClock) time.Duration {
			failN(t, l, "a", "admin", pairFreeFailures)
			return wait(l, "a", "admin")
		}, pairBaseDelay},
		{"the delay doubles", func(t *testing.T, l *loginLimiter, c *testClock) time.Duration {
			failSpaced(t, l, c, "a", "admin", pairFreeFailures+3)
			return wait(l, "a", "admin")
		}, 8 * pairBaseDelay},
		{"up to the most", func(t *testing.T, l *loginLimiter, c *testClock) time.Duration {
			failSpaced(t, l, c, "a", "admin", pairFreeFailures+40)
			return wait(l, "a", "admin")
		}, pairMaxDelay},
		{"counted from the last failure", func(t *testing.T, l *loginLimiter, c *testClock) time.Duration {
			failSpaced(t, l, c, "a", "admin", pairFreeFailures+1) // the next waits 2 s
			c.Advance(1500 * time.Millisecond)
			return wait(l, "a", "admin")
		}, 500 * time.Millisecond},
		{"another address is not slowed", func(t *testing.T, l *loginLimiter, c *testClock) time.Duration {
			failSpaced(t, l, c, "a", "admin", pairFreeFailures+20)
			return wait(l, "b", "admin")
		}, 0},
		{"another name from the address is not slowed", func(t *testing.T, l *loginLimiter, c *testClock) time.Duration {
			failSpaced(t, l, c, "a", "admin", pairFreeFailures+5)
			return wait(l, "a", "viewer")
		}, 0},
		{"a pair forgets", func(t *testing.T, l *loginLimiter, c *testClock) time.Duration {
			failSpaced(t, l, c, "a", "admin", pairFreeFailures+5)
			c.Advance(pairForget)
			failN(t, l, "a", "admin", pairFreeFailures-1)
			return wait(l, "a", "admin")
		}, 0},
		{"a success resets the pair", func(t *testing.T, l *loginLimiter, c *testClock) time.Duration {
			failN(t, l, "a", "admin", pairFreeFailures-1)
			at, _ := l.begin("a", "admin")
			l.undo(at, true)
			failN(t, l, "a", "admin", pairFreeFailures-1)
			return wait(l, "a", "admin")
		}, 0},
		{"an error takes back one attempt", func(t *testing.T, l *loginLimiter, c *testClock) time.Duration {
			failN(t, l, "a", "admin", pairFreeFailures-1)
			at, _ := l.begin("a", "admin")
			l.undo(at, false)
			return wait(l, "a", "admin")
		}, 0},
		{"an address spraying names runs out", func(t *testing.T, l *loginLimiter, c *testClock) time.Duration {
			for i := range addrBurst {
				failN(t, l, "a", fmt.Sprint("user", i), 1)
			}
			return wait(l, "a", "admin")
		}, addrRefill},
		{"and gets one more per refill", func(t *testing.T, l *loginLimiter, c *testClock) time.Duration {
			for i := range addrBurst {
				failN(t, l, "a", fmt.Sprint("user", i), 1)
			}
			c.Advance(addrRefill)
			failN(t, l, "a", "admin", 1)
			return wait(l, "a", "viewer")
		}, addrRefill},
		{"while other addresses go on", func(t *testing.T, l *loginLimiter, c *testClock) time.Duration {
			for i := range addrBurst {
				failN(t, l, "a", fmt.Sprint("user", i), 1)
			}
			return wait(l, "b", "user1")
		}, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := &testClock{t: time.Unix(1e9, 0)}
			l := newLoginLimiter(c.Now)
			if got := tt.run(t, l, c); got != tt.want {
				t.Errorf("got wait %v, want %v", got, tt.want)
			}
		})
	}
}

// failN makes n failed attempts for user from addr, failing the test if one has to wait.
func failN(t *testing.T, l *loginLimiter, addr, user string, n int) {
	t.Helper()
	for i := range n {
		if _, w := l.begin(addr, user); w > 0 {
			t.Fatalf("attempt %d of %s from %s: got wait %v, want admitted", i+1, user, addr, w)
		}
	}
}

// failSpaced makes n failed attempts, each as soon as it is admitted.
func failSpaced(t *testing.T, l *loginLimiter, c *testClock, addr, user string, n int) {
	t.Helper()
	for range n {
		c.Advance(wait(l, addr, user))
		failN(t, l, addr, user, 1)
	}
}

// wait returns how long an attempt for user from addr must wait now, without making one.
func wait(l *loginLimiter, addr, user string) time.Duration {
	at, w := l.begin(addr, user)
	if w == 0 {
		l.undo(at, false)
	}
	return w
}

func TestLoginLimiterBoundedMemory(t *testing.T) {
	c := &testClock{t: time.Unix(1e9, 0)}
	l := newLoginLimiter(c.Now)
	for i := range 3 * limiterMaxKeys {
		failN(t, l, fmt.Sprint("10.0.", i/250, ".", i%250), fmt.Sprint("user", i), 1)
		if i%1000 == 0 {
			c.Advance(time.Second)
		}
	}
	failN(t, l, "192.0.2.1", "admin", pairFreeFailures)
	if len(l.pairs) > limiterMaxKeys || len(l.addrs) > limiterMaxKeys {
		t.Errorf("got %d pairs and %d addresses, want at most %d of each", len(l.pairs), len(l.addrs), limiterMaxKeys)
	}
	if got := wait(l, "192.0.2.1", "admin"); got != pairBaseDelay {
		t.Errorf("got wait %v for the newest pair, want %v (eviction takes the stalest first)", got, pairBaseDelay)
	}
}

// TestLimiterParallelGuesses: parallel attempts cannot all pass the check before any has failed.
func TestLimiterParallelGuesses(t *testing.T) {
	l := newLoginLimiter(time.Now)
	admitted := 0
	for range 50 { // begun, none finished yet
		if _, w := l.begin("x", "admin"); w == 0 {
			admitted++
		}
	}
	if admitted != pairFreeFailures {
		t.Fatalf("admitted %d parallel attempts, want %d", admitted, pairFreeFailures)
	}
	l2 := newLoginLimiter(time.Now)
	a, _ := l2.begin("x", "admin")
	l2.undo(a, true)
	if len(l2.pairs) != 0 || l2.addrs["x"].tokens != addrBurst {
		t.Errorf("after undo of a successful attempt: %d pairs, %v of the address's budget left, want 0 and %d",
			len(l2.pairs), l2.addrs["x"].tokens, addrBurst)
	}
}
