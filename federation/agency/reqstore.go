package agency

import (
	"encoding/hex"
	"errors"
	"fmt"
	"time"

	"github.com/libp2p/go-libp2p/core/peer"
	bolt "go.etcd.io/bbolt"

	"github.com/porchlight/porchlight/federation/roster"
	"github.com/porchlight/porchlight/federation/wire"
)

// reqStore keeps the agency side's state in its own top-level buckets of the node's database (created by
// openReqStore); the hood core touches none of them:
//
//	requests     request ID (16 bytes) → requestState: every request this node holds (both roles)
//	deliveries   approval ID → deliveryState: a home's approved clips, until and after delivery; kept for
//	             good as the owner's record of what it shared (a few hundred bytes each: the sealed copy
//	             in the outbox is removed once the delivery ends)
//	submissions  approval ID → submissionState: clips an agency received
//	agencylog    the agency's public log (federation/tlog)
//	witness      checkpoints of agencies' logs this node saw (federation/tlog), and fork evidence
//	policy       the owner's standing answer to requests (match.go)
type reqStore struct{ db *bolt.DB }

var (
	bRequests    = []byte("requests")
	bDeliveries  = []byte("deliveries")
	bSubmissions = []byte("submissions")
	bAgencyLog   = []byte("agencylog")
	bWitness     = []byte("witness")
)

func openReqStore(db *bolt.DB) (*reqStore, error) {
	err := db.Update(func(tx *bolt.Tx) error {
		for _, b := range [][]byte{bRequests, bDeliveries, bSubmissions, bPolicy} {
			if _, err := tx.CreateBucketIfNotExists(b); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("agency buckets: %w", err)
	}
	return &reqStore{db: db}, nil
}

// Request states in a home's inbox.
const (
	StatusNew       = "new"       // matches this home; the owner has not answered
	StatusApproved  = "approved"  // approved; the clip is on its way
	StatusDelivered = "delivered" // the agency's receipt is in
	StatusCancelled = "cancelled" // a delivery given up: the agency was removed from the hood
	StatusRefused   = "refused"   // a delivery the agency refused (a closed request, say)
	StatusDeclined  = "declined"  // the owner said no: nothing is sent, ever
	StatusNoMatch   = "no-match"  // no camera of this home sees the area with footage of the window
	StatusOpen      = "open"      // the agency's view of its own request
	StatusClosed    = "closed"
)

// requestState is what a node keeps of a request.
type requestState struct {
	Hood        string   `cbor:"1,keyasint"`
	Notice      []byte   `cbor:"2,keyasint"` // the signed notice, as received or posted
	Received    int64    `cbor:"3,keyasint"` // unix ms
	Agency      string   `cbor:"4,keyasint"`
	Time        int64    `cbor:"5,keyasint"` // the request's posting time, for the agency's daily rate
	Matches     []string `cbor:"6,keyasint,omitempty"`
	Status      string   `cbor:"7,keyasint"`
	Submissions int64    `cbor:"8,keyasint,omitempty"` // agency: clips received
}

func requestKey(id string) []byte {
	k, _ := hex.DecodeString(id)
	return k
}

// putRequest stores a new request; it reports false if the ID was stored before.
func (s *reqStore) putRequest(id string, st requestState) (bool, error) {
	b, err := wire.Marshal(&st)
	if err != nil {
		return false, err
	}
	added := false
	err = s.db.Update(func(tx *bolt.Tx) error {
		bk := tx.Bucket(bRequests)
		if bk.Get(requestKey(id)) != nil {
			return nil
		}
		added = true
		return bk.Put(requestKey(id), b)
	})
	return added, err
}

// updateRequest changes a stored request in place.
func (s *reqStore) updateRequest(id string, fn func(*requestState) error) error {
	return s.db.Update(func(tx *bolt.Tx) error { return updateRequestTx(tx, id, fn) })
}

// updateRequestTx is updateRequest inside the caller's transaction.
func updateRequestTx(tx *bolt.Tx, id string, fn func(*requestState) error) error {
	bk := tx.Bucket(bRequests)
	v := bk.Get(requestKey(id))
	if v == nil {
		return roster.ErrNotFound
	}
	var st requestState
	if err := wire.Unmarshal(v, &st); err != nil {
		return err
	}
	if err := fn(&st); err != nil {
		return err
	}
	b, err := wire.Marshal(&st)
	if err != nil {
		return err
	}
	return bk.Put(requestKey(id), b)
}

// request returns a stored request.
func (s *reqStore) request(id string) (requestState, error) {
	var st requestState
	err := s.db.View(func(tx *bolt.Tx) error {
		v := tx.Bucket(bRequests).Get(requestKey(id))
		if v == nil {
			return roster.ErrNotFound
		}
		return wire.Unmarshal(v, &st)
	})
	return st, err
}

func (s *reqStore) seenRequest(id string) bool {
	_, err := s.request(id)
	return !errors.Is(err, roster.ErrNotFound)
}

// eachRequest calls fn for every stored request.
func (s *reqStore) eachRequest(fn func(id string, st requestState) error) error {
	return s.db.View(func(tx *bolt.Tx) error {
		return tx.Bucket(bRequests).ForEach(func(k, v []byte) error {
			var st requestState
			if wire.Unmarshal(v, &st) != nil {
				return nil
			}
			return fn(hex.EncodeToString(k), st)
		})
	})
}

// requestsSince counts an agency's requests in a hood posted at or after since (unix ms).
func (s *reqStore) requestsSince(hood string, agency peer.ID, since int64) int {
	n := 0
	s.eachRequest(func(_ string, st requestState) error {
		if st.Hood == hood && st.Agency == agency.String() && st.Time >= since {
			n++
		}
		return nil
	})
	return n
}

// RequestRetention is how long a request is kept after it expired: the owner's answer and the public list
// stay readable for a while; the agency's log keeps the request for good.
const RequestRetention = 30 * 24 * time.Hour

// pruneRequests deletes requests whose expiry is older than before (unix ms), except an agency's own and
// those with a delivery on its way.
func (s *reqStore) pruneRequests(before int64, self peer.ID) (int, error) {
	n := 0
	err := s.db.Update(func(tx *bolt.Tx) error {
		b := tx.Bucket(bRequests)
		var old [][]byte
		err := b.ForEach(func(k, v []byte) error {
			var st requestState
			if wire.Unmarshal(v, &st) != nil || st.Agency == self.String() || st.Status == StatusApproved {
				return nil
			}
			if _, _, r, err := openNotice(st.Notice); err == nil && r.Expires < before {
				old = append(old, append([]byte(nil), k...))
			}
			return nil
		})
		for _, k := range old {
			if err == nil {
				err = b.Delete(k)
			}
		}
		n = len(old)
		return err
	})
	return n, err
}

// openNotice opens a stored notice and the request record inside it.
func openNotice(b []byte) (wire.Notice, wire.Signed, wire.Request, error) {
	var nt wire.Notice
	var r wire.Request
	var inner wire.Signed
	rec, err := wire.Decode(b)
	if err == nil {
		err = rec.Open(wire.KindNotice, &nt)
	}
	if err == nil {
		inner, err = wire.Decode(nt.Request)
	}
	if err == nil {
		err = inner.Open(wire.KindRequest, &r)
	}
	return nt, inner, r, err
}

// putCBOR stores v under key in a top-level bucket.
func (s *reqStore) putCBOR(bucket, key []byte, v any) error {
	return s.db.Update(func(tx *bolt.Tx) error { return putCBORTx(tx, bucket, key, v) })
}

// putCBORTx is putCBOR inside the caller's transaction.
func putCBORTx(tx *bolt.Tx, bucket, key []byte, v any) error {
	b, err := wire.Marshal(v)
	if err != nil {
		return err
	}
	return tx.Bucket(bucket).Put(key, b)
}

// eachCBOR calls fn for every entry of a top-level bucket (values valid only during fn).
func (s *reqStore) eachCBOR(bucket []byte, fn func(k, v []byte) error) error {
	return s.db.View(func(tx *bolt.Tx) error { return tx.Bucket(bucket).ForEach(fn) })
}

// getCBOR decodes the value under key in a top-level bucket into v; roster.ErrNotFound when absent.
func (s *reqStore) getCBOR(bucket, key []byte, v any) error {
	return s.db.View(func(tx *bolt.Tx) error {
		b := tx.Bucket(bucket).Get(key)
		if b == nil {
			return roster.ErrNotFound
		}
		return wire.Unmarshal(b, v)
	})
}
