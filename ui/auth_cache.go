package ui

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"sync"
	"time"
)

// credTTL is how long a verified name and password are remembered: a player's DESCRIBE, SETUPs and
// reconnects then cost one argon2id hash, not one each.
const credTTL = time.Minute

// maxCachedCreds bounds the cache; when full, expired entries go, and if none has expired, all.
const maxCachedCreds = 1024

// credCache remembers name and password pairs that verified, keyed by an HMAC under a key that never
// leaves the process (no password is kept, nor a hash that could be guessed offline without the key).
// An entry holds the user's password hash at the time, so a password change or a removal makes it
// useless at once (see CheckLogin).
type credCache struct {
	secret []byte

	mu sync.Mutex
	m  map[[sha256.Size]byte]credEntry
}

type credEntry struct {
	user    User
	expires time.Time
}

func newCredCache() *credCache {
	return &credCache{secret: []byte(rand.Text()), m: map[[sha256.Size]byte]credEntry{}}
}

func (c *credCache) key(name, password string) [sha256.Size]byte {
	mac := hmac.New(sha256.New, c.secret)
	mac.Write([]byte(name))
	mac.Write([]byte{0})
	mac.Write([]byte(password))
	var k [sha256.Size]byte
	copy(k[:], mac.Sum(nil))
	return k
}

// get returns the user a pair verified as, if that was less than credTTL ago.
func (c *credCache) get(k [sha256.Size]byte, now time.Time) (User, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	e, ok := c.m[k]
	if !ok || !now.Before(e.expires) {
		delete(c.m, k)
		return User{}, false
	}
	return e.user, true
}

func (c *credCache) put(k [sha256.Size]byte, u User, now time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if len(c.m) >= maxCachedCreds {
		for k, e := range c.m {
			if !now.Before(e.expires) {
				delete(c.m, k)
			}
		}
		if len(c.m) >= maxCachedCreds {
			clear(c.m)
		}
	}
	c.m[k] = credEntry{user: u, expires: now.Add(credTTL)}
}

func (c *credCache) drop(k [sha256.Size]byte) {
	c.mu.Lock()
	defer c.mu.Unlock()
	delete(c.m, k)
}
