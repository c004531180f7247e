package federation

import (
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"sync"
	"time"

	bolt "go.etcd.io/bbolt"

	"github.com/porchlight/porchlight/federation/wire"
	"github.com/porchlight/porchlight/internal/formats"
)

// FormatVersion is the format of federation.db this build writes and the newest it reads.
const FormatVersion = 1

// Schema is federation.db's format and its migrations: none yet (version 1 is the first release's; a
// database from before versions were recorded is version 1 and gets meta/version written on open).
var Schema = formats.Schema{Current: FormatVersion}

// store keeps hoods in bbolt. Each hood is a bucket named by its ID holding:
//
//	meta      genesis, self (our cert), lastsync, boot (bootstrap addresses)
//	certs     member key → signed cert
//	revoked   member key or invite ID → signed revocation
//	invites   invite ID → inviteState (invites this node issued)
//	alerts    time (8 bytes, ms) + alert ID (16 bytes) → signed alert
//	seen      alert ID (16 bytes) → time key; the replay store, pruned with the alerts
//
// and a top-level bucket "peers": peer ID → last known addresses (CBOR), so a restarted node can redial,
// and "meta" with the file's format version (Schema). The agency side keeps its buckets in the same file
// (requests, deliveries, submissions, agencylog, witness, policy), as do its transparency logs.
type store struct {
	db *bolt.DB
	// seen mirrors the seen buckets in memory (hood → alert IDs), so validating a gossiped alert never
	// waits on the disk.
	mu   sync.RWMutex
	seen map[string]map[string]struct{}
}

var (
	bMeta    = []byte("meta")
	bCerts   = []byte("certs")
	bRevoked = []byte("revoked")
	bInvites = []byte("invites")
	bAlerts  = []byte("alerts")
	bSeen    = []byte("seen")
	bPeers   = []byte("peers")
	bHoods   = []byte("hoods")
)

func openStore(path string) (*store, error) {
	// The freelist is rebuilt on open instead of written on every commit: fewer bytes per fsync, and a
	// hood's alerts arrive one small transaction at a time.
	db, err := bolt.Open(path, 0o600, &bolt.Options{Timeout: 2 * time.Second, NoFreelistSync: true,
		FreelistType: bolt.FreelistMapType})
	if err != nil {
		return nil, fmt.Errorf("open %s: %w", path, err)
	}
	err = db.Update(func(tx *bolt.Tx) error {
		if _, err := Schema.Apply(tx, path); err != nil {
			return err
		}
		for _, b := range [][]byte{bHoods, bPeers} {
			if _, err := tx.CreateBucketIfNotExists(b); err != nil {
				return err
			}
		}
		return nil
	})
	if errors.Is(err, formats.ErrTooNew) {
		db.Close()
		return nil, err // names the file already
	}
	if err != nil {
		db.Close()
		return nil, fmt.Errorf("open %s: %w", path, err)
	}
	s := &store{db: db, seen: map[string]map[string]struct{}{}}
	for _, hood := range s.hoodIDs() {
		s.seen[hood] = map[string]struct{}{}
		s.each(hood, bSeen, func(k, _ []byte) error {
			s.seen[hood][hex.EncodeToString(k)] = struct{}{}
			return nil
		})
	}
	return s, nil
}

func (s *store) close() error { return s.db.Close() }

// hoodBucket returns the hood's bucket in an update (creating it) or view (nil when absent).
func hoodBucket(tx *bolt.Tx, id string, create bool) (*bolt.Bucket, error) {
	hoods := tx.Bucket(bHoods)
	if !create {
		return hoods.Bucket([]byte(id)), nil
	}
	b, err := hoods.CreateBucketIfNotExists([]byte(id))
	if err != nil {
		return nil, err
	}
	for _, name := range [][]byte{bMeta, bCerts, bRevoked, bInvites, bAlerts, bSeen} {
		if _, err := b.CreateBucketIfNotExists(name); err != nil {
			return nil, err
		}
	}
	return b, nil
}

// put writes key → value into a hood's sub-bucket.
func (s *store) put(hood string, bucket, key, value []byte) error {
	return s.db.Update(func(tx *bolt.Tx) error {
		b, err := hoodBucket(tx, hood, true)
		if err != nil {
			return err
		}
		return b.Bucket(bucket).Put(key, value)
	})
}

// get reads a value (a copy) from a hood's sub-bucket; nil when absent.
func (s *store) get(hood string, bucket, key []byte) []byte {
	var out []byte
	s.db.View(func(tx *bolt.Tx) error {
		b, _ := hoodBucket(tx, hood, false)
		if b == nil {
			return nil
		}
		if v := b.Bucket(bucket).Get(key); v != nil {
			out = append([]byte(nil), v...)
		}
		return nil
	})
	return out
}

// each calls fn for every entry of a hood's sub-bucket (values valid only during fn).
func (s *store) each(hood string, bucket []byte, fn func(k, v []byte) error) error {
	return s.db.View(func(tx *bolt.Tx) error {
		b, _ := hoodBucket(tx, hood, false)
		if b == nil {
			return nil
		}
		return b.Bucket(bucket).ForEach(fn)
	})
}

// hoodIDs lists the hoods in the store.
func (s *store) hoodIDs() []string {
	var ids []string
	s.db.View(func(tx *bolt.Tx) error {
		return tx.Bucket(bHoods).ForEachBucket(func(k []byte) error {
			ids = append(ids, string(k))
			return nil
		})
	})
	return ids
}

func alertKey(t int64, id string) []byte {
	k := make([]byte, 8, 24)
	binary.BigEndian.PutUint64(k, uint64(t))
	raw, _ := hex.DecodeString(id)
	return append(k, raw...)
}

// storedAlert is an alert to store: its hood, ID, time and encoded record.
type storedAlert struct {
	hood, id string
	time     int64
	rec      []byte
}

// addAlert stores one alert unless its ID was stored before.
func (s *store) addAlert(hood, id string, t int64, rec []byte) error {
	_, err := s.addAlerts([]storedAlert{{hood, id, t, rec}})
	return err
}

// addAlerts stores alerts in one transaction (one fsync), skipping IDs seen before; it returns the new
// ones.
func (s *store) addAlerts(as []storedAlert) ([]storedAlert, error) {
	var added []storedAlert
	err := s.db.Update(func(tx *bolt.Tx) error {
		added = added[:0]
		for _, a := range as {
			raw, err := hex.DecodeString(a.id)
			if err != nil {
				return err
			}
			b, err := hoodBucket(tx, a.hood, true)
			if err != nil {
				return err
			}
			seen := b.Bucket(bSeen)
			if seen.Get(raw) != nil {
				continue
			}
			k := alertKey(a.time, a.id)
			if err := errors.Join(seen.Put(raw, k), b.Bucket(bAlerts).Put(k, a.rec)); err != nil {
				return err
			}
			added = append(added, a)
		}
		return nil
	})
	if err == nil {
		s.mu.Lock()
		for _, a := range added {
			if s.seen[a.hood] == nil {
				s.seen[a.hood] = map[string]struct{}{}
			}
			s.seen[a.hood][a.id] = struct{}{}
		}
		s.mu.Unlock()
	}
	return added, err
}

// claim adds an alert ID to the in-memory replay set ahead of its commit; it reports whether the ID was
// new. The caller stores the alert or releases the claim.
func (s *store) claim(hood, id string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, ok := s.seen[hood][id]; ok {
		return false
	}
	if s.seen[hood] == nil {
		s.seen[hood] = map[string]struct{}{}
	}
	s.seen[hood][id] = struct{}{}
	return true
}

// unclaim releases a claim whose alert could not be stored.
func (s *store) unclaim(hood, id string) {
	s.mu.Lock()
	delete(s.seen[hood], id)
	s.mu.Unlock()
}

// seenAlert reports whether an alert ID is in the replay store.
func (s *store) seenAlert(hood, id string) bool {
	s.mu.RLock()
	defer s.mu.RUnlock()
	_, ok := s.seen[hood][id]
	return ok
}

// alertsSince calls fn for a hood's alerts from since on, oldest first, until fn returns false.
func (s *store) alertsSince(hood string, since int64, fn func(rec []byte) bool) error {
	return s.db.View(func(tx *bolt.Tx) error {
		b, _ := hoodBucket(tx, hood, false)
		if b == nil {
			return nil
		}
		c := b.Bucket(bAlerts).Cursor()
		for k, v := c.Seek(alertKey(max(since, 0), "")); k != nil; k, v = c.Next() {
			if !fn(v) {
				return nil
			}
		}
		return nil
	})
}

// alertByID returns the signed alert with that ID, or nil.
func (s *store) alertByID(hood, id string) []byte {
	raw, err := hex.DecodeString(id)
	if err != nil {
		return nil
	}
	var out []byte
	s.db.View(func(tx *bolt.Tx) error {
		b, _ := hoodBucket(tx, hood, false)
		if b == nil {
			return nil
		}
		if k := b.Bucket(bSeen).Get(raw); k != nil {
			out = append([]byte(nil), b.Bucket(bAlerts).Get(k)...)
		}
		return nil
	})
	return out
}

// pruneAlerts deletes alerts (and their seen entries) older than before.
func (s *store) pruneAlerts(hood string, before int64) (int, error) {
	n := 0
	err := s.db.Update(func(tx *bolt.Tx) error {
		b, _ := hoodBucket(tx, hood, false)
		if b == nil {
			return nil
		}
		alerts, seen := b.Bucket(bAlerts), b.Bucket(bSeen)
		c := alerts.Cursor()
		end := alertKey(before, "")
		var old [][]byte // deleting while a cursor walks can skip keys: collect first
		for k, _ := c.First(); k != nil && string(k) < string(end); k, _ = c.Next() {
			old = append(old, append([]byte(nil), k...))
		}
		for _, k := range old {
			if err := errors.Join(seen.Delete(k[8:]), alerts.Delete(k)); err != nil {
				return err
			}
		}
		n = len(old)
		s.mu.Lock()
		for _, k := range old {
			delete(s.seen[hood], hex.EncodeToString(k[8:]))
		}
		s.mu.Unlock()
		return nil
	})
	return n, err
}

// putPeerAddrs remembers a member's addresses.
func (s *store) putPeerAddrs(id string, addrs []string) error {
	b, err := wire.Marshal(addrs)
	if err != nil {
		return err
	}
	return s.db.Update(func(tx *bolt.Tx) error { return tx.Bucket(bPeers).Put([]byte(id), b) })
}

// peerAddrs returns every remembered peer's addresses.
func (s *store) peerAddrs() map[string][]string {
	out := map[string][]string{}
	s.db.View(func(tx *bolt.Tx) error {
		return tx.Bucket(bPeers).ForEach(func(k, v []byte) error {
			var addrs []string
			if wire.Unmarshal(v, &addrs) == nil {
				out[string(k)] = addrs
			}
			return nil
		})
	})
	return out
}

func put64(v uint64) []byte { return binary.BigEndian.AppendUint64(nil, v) }

func be64(b []byte) uint64 { return binary.BigEndian.Uint64(b) }
