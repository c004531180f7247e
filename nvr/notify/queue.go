package notify

import (
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	bolt "go.etcd.io/bbolt"

	"github.com/porchlight/porchlight/internal/formats"
)

// DBFile is the queue's bbolt file in the data dir: a bucket per channel ("ch/<name>"), the Web Push
// subscriptions ("push") and the format version ("meta").
const DBFile = "notify.db"

// FormatVersion is the format of notify.db this build writes and the newest it reads.
const FormatVersion = 1

// Schema is notify.db's format and its migrations: none yet (version 1 is the first release's; a database
// from before versions were recorded is version 1 and gets meta/version written on open).
var Schema = formats.Schema{Current: FormatVersion}

// job is one notification for one channel, as stored in the channel's bucket under an increasing key.
type job struct {
	N        Notification `json:"n"`
	Created  time.Time    `json:"created"`  // queued; dropped MaxAge after
	Attempts int          `json:"attempts"` // failed sends so far
	Next     time.Time    `json:"next"`     // not sent before
}

// queue is the durable store: a bucket per channel, jobs keyed by the bucket's sequence (big-endian), so
// a cursor reads them oldest first.
type queue struct{ db *bolt.DB }

func openQueue(path string) (*queue, error) {
	db, err := Schema.Open(path, &bolt.Options{Timeout: 2 * time.Second})
	if errors.Is(err, formats.ErrTooNew) {
		return nil, err // names the file already
	}
	if err != nil {
		return nil, fmt.Errorf("notify: open %s: %w", path, err)
	}
	return &queue{db: db}, nil
}

func (q *queue) close() error { return q.db.Close() }

func bucketName(channel string) []byte { return []byte("ch/" + channel) }

// depth returns how many jobs the channel has queued.
func (q *queue) depth(channel string) (int, error) {
	n := 0
	err := q.db.View(func(tx *bolt.Tx) error {
		if b := tx.Bucket(bucketName(channel)); b != nil {
			n = count(b)
		}
		return nil
	})
	return n, err
}

// push stores j for each channel in one transaction. A channel whose queue already holds max jobs loses
// its oldest ones; trimmed returns, per channel, the notifications lost that way.
func (q *queue) push(channels []string, j job, max int) (trimmed map[string][]Notification, err error) {
	v, err := json.Marshal(j)
	if err != nil {
		return nil, err
	}
	trimmed = map[string][]Notification{}
	err = q.db.Update(func(tx *bolt.Tx) error {
		for _, ch := range channels {
			b, err := tx.CreateBucketIfNotExists(bucketName(ch))
			if err != nil {
				return err
			}
			seq, err := b.NextSequence()
			if err != nil {
				return err
			}
			if err := b.Put(binary.BigEndian.AppendUint64(nil, seq), v); err != nil {
				return err
			}
			for n := count(b); n > max; n-- {
				c := b.Cursor()
				k, old := c.First()
				var oj job
				_ = json.Unmarshal(old, &oj) // a damaged job is dropped all the same
				trimmed[ch] = append(trimmed[ch], oj.N)
				if err := b.Delete(k); err != nil {
					return err
				}
			}
		}
		return nil
	})
	return trimmed, err
}

// count returns the number of keys in b. (Bucket.Stats does not see the writes of the transaction it
// runs in.)
func count(b *bolt.Bucket) int {
	n := 0
	c := b.Cursor()
	for k, _ := c.First(); k != nil; k, _ = c.Next() {
		n++
	}
	return n
}

// head returns the channel's oldest job and its key; ok is false when the queue is empty. A job that
// cannot be decoded is deleted (it could never be sent) and the next one read.
func (q *queue) head(channel string) (key []byte, j job, ok bool, err error) {
	err = q.db.Update(func(tx *bolt.Tx) error {
		b := tx.Bucket(bucketName(channel))
		if b == nil {
			return nil
		}
		c := b.Cursor()
		for k, v := c.First(); k != nil; k, v = c.First() {
			if json.Unmarshal(v, &j) == nil {
				key, ok = append([]byte(nil), k...), true
				return nil
			}
			if err := b.Delete(k); err != nil {
				return err
			}
		}
		return nil
	})
	return key, j, ok, err
}

// remove deletes a job the channel took or that was dropped.
func (q *queue) remove(channel string, key []byte) error {
	return q.db.Update(func(tx *bolt.Tx) error {
		if b := tx.Bucket(bucketName(channel)); b != nil {
			return b.Delete(key)
		}
		return nil
	})
}

// update rewrites a job after a failed attempt.
func (q *queue) update(channel string, key []byte, j job) error {
	v, err := json.Marshal(j)
	if err != nil {
		return err
	}
	return q.db.Update(func(tx *bolt.Tx) error {
		b := tx.Bucket(bucketName(channel))
		if b == nil || b.Get(key) == nil {
			return nil // trimmed meanwhile
		}
		return b.Put(key, v)
	})
}

// dropChannel deletes a channel's bucket and returns the notifications that waited in it.
func (q *queue) dropChannel(channel string) (lost []Notification, err error) {
	err = q.db.Update(func(tx *bolt.Tx) error {
		b := tx.Bucket(bucketName(channel))
		if b == nil {
			return nil
		}
		_ = b.ForEach(func(_, v []byte) error {
			var j job
			_ = json.Unmarshal(v, &j) // a damaged job is dropped all the same
			lost = append(lost, j.N)
			return nil
		})
		return tx.DeleteBucket(bucketName(channel))
	})
	return lost, err
}
