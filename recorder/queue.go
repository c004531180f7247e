package recorder

import (
	"context"
	"sync"
	"sync/atomic"
	"time"

	"github.com/porchlight/porchlight/recorder/index"
)

// queueItem is one instruction for a stream's disk writer: start a segment, write a batch of parts, or
// end the segment.
type queueItem struct {
	start *index.Segment // non-nil: create the segment file and write data (the init)
	end   bool           // close the open segment
	data  []byte         // the init of a segment start
	bufs  [][]byte       // parts, each a moof + mdat header then its sample payloads: one writev
	parts []partMeta     // what the index needs of each part in bufs
	size  int            // bytes of bufs
	key   bool           // the first part starts with a keyframe
	dur   time.Duration  // media duration of the batch
}

// partMeta describes one moof+mdat of a batch.
type partMeta struct {
	moofSize uint32
	size     int             // moof + mdat bytes
	frames   [][]index.Frame // per track
	bases    []uint64        // per track, segment-relative media time of the part's first sample
}

// diskQueue decouples the network reader from the disk. It is bounded by media duration, and by bytes
// (maxQueueRate per second of that duration) for a camera whose timestamps make durations meaningless:
// when the disk falls behind, push refuses parts and the muxer drops whole GOPs instead of blocking the
// reader.
type diskQueue struct {
	max    time.Duration
	mu     sync.Mutex
	items  []queueItem
	queued time.Duration
	wake   chan struct{}
	bytes  int // of the queued parts
	limit  int // bound of bytes
	// broken is set by the writer when it lost a part or could not open a segment: the muxer then starts
	// a new segment (and run) at the next keyframe, since a segment cannot hold a hole.
	broken atomic.Bool
}

// maxQueueRate is the byte rate (32 Mbit/s, above any camera's) that bounds the queue's bytes.
const maxQueueRate = 4 << 20

func newDiskQueue(max time.Duration) *diskQueue {
	return &diskQueue{max: max, limit: int(max.Seconds() * maxQueueRate), wake: make(chan struct{}, 1)}
}

// push queues a part unless that would exceed the bound.
func (q *diskQueue) push(it queueItem) bool {
	q.mu.Lock()
	if (q.queued+it.dur > q.max || q.bytes+it.size > q.limit) && (q.queued > 0 || q.bytes > 0) {
		q.mu.Unlock()
		return false
	}
	q.items = append(q.items, it)
	q.queued += it.dur
	q.bytes += it.size
	q.mu.Unlock()
	q.signal()
	return true
}

// pushControl queues a segment start or end, which are never refused.
func (q *diskQueue) pushControl(it queueItem) {
	q.mu.Lock()
	q.items = append(q.items, it)
	q.mu.Unlock()
	q.signal()
}

func (q *diskQueue) signal() {
	select {
	case q.wake <- struct{}{}:
	default:
	}
}

// pop waits for the next item. It returns false when ctx is done and the queue is empty.
func (q *diskQueue) pop(ctx context.Context) (queueItem, bool) {
	for {
		q.mu.Lock()
		if len(q.items) > 0 {
			it := q.items[0]
			q.items[0] = queueItem{}
			q.items = q.items[1:]
			q.queued -= it.dur
			q.bytes -= it.size
			q.mu.Unlock()
			return it, true
		}
		q.mu.Unlock()
		select {
		case <-q.wake:
		case <-ctx.Done():
			q.mu.Lock()
			empty := len(q.items) == 0
			q.mu.Unlock()
			if empty {
				return queueItem{}, false
			}
		}
	}
}

// idSource hands out segment IDs of one stream.
type idSource struct {
	mu   sync.Mutex
	last uint64
}

// current returns the last ID handed out.
func (s *idSource) current() uint64 {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.last
}

func (s *idSource) next() uint64 {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.last++
	return s.last
}
