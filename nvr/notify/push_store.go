package notify

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	bolt "go.etcd.io/bbolt"
)

// subsBucket holds the Web Push subscriptions in notify.db, by ID. (Channel buckets are named "ch/…".)
var subsBucket = []byte("push")

// subscriptions returns every stored subscription. One that cannot be decoded is skipped: it could never
// be sent to.
func (q *queue) subscriptions() ([]Subscription, error) {
	var out []Subscription
	err := q.db.View(func(tx *bolt.Tx) error {
		b := tx.Bucket(subsBucket)
		if b == nil {
			return nil
		}
		return b.ForEach(func(_, v []byte) error {
			var s Subscription
			if json.Unmarshal(v, &s) == nil {
				s.Events = pushEvents(s.Events)
				out = append(out, s)
			}
			return nil
		})
	})
	if err != nil {
		return nil, fmt.Errorf("notify: read push subscriptions: %w", err)
	}
	return out, nil
}

func (q *queue) putSubscription(s Subscription) error {
	v, err := json.Marshal(s)
	if err != nil {
		return err
	}
	err = q.db.Update(func(tx *bolt.Tx) error {
		b, err := tx.CreateBucketIfNotExists(subsBucket)
		if err != nil {
			return err
		}
		return b.Put([]byte(s.ID), v)
	})
	if err != nil {
		return fmt.Errorf("notify: store push subscription: %w", err)
	}
	return nil
}

func (q *queue) deleteSubscription(id string) error {
	err := q.db.Update(func(tx *bolt.Tx) error {
		if b := tx.Bucket(subsBucket); b != nil {
			return b.Delete([]byte(id))
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("notify: delete push subscription: %w", err)
	}
	return nil
}

// dropOrphanQueues deletes the queues of push channels whose subscription is gone: a notification queued
// while its subscription was being removed lands in a queue no worker reads.
// keep names the channels whose queues stay.
func (q *queue) dropOrphanQueues(keep map[string]bool) error {
	prefix := bucketName("push-")
	return q.db.Update(func(tx *bolt.Tx) error {
		var orphans [][]byte
		err := tx.ForEach(func(name []byte, _ *bolt.Bucket) error {
			if bytes.HasPrefix(name, prefix) && !keep[strings.TrimPrefix(string(name), "ch/")] {
				orphans = append(orphans, append([]byte(nil), name...))
			}
			return nil
		})
		for _, name := range orphans {
			err = errors.Join(err, tx.DeleteBucket(name))
		}
		return err
	})
}
