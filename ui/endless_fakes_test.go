package ui

import (
	"context"
	"io"
	"net"
	"sync"
	"sync/atomic"
	"time"
)

// endlessCameras serves a live feed and exports that never end.
type endlessCameras struct {
	o      endlessOptions
	nexts  atomic.Int64 // chunks handed out by live feeds
	closed atomic.Int64 // live feeds closed
}

func (c *endlessCameras) Cameras() []Camera { return []Camera{{Name: "front", Stream: "main"}} }
func (c *endlessCameras) Recordings(camera, stream string, start, end time.Time) ([]Span, error) {
	return nil, nil
}
func (c *endlessCameras) Export(camera, stream string, start, end time.Time) (Clip, error) {
	return &endlessClip{o: c.o}, nil
}
func (c *endlessCameras) Live(camera, stream string) (LiveFeed, error) {
	return &endlessFeed{c: c}, nil
}

type endlessFeed struct {
	c    *endlessCameras
	once sync.Once
}

func (f *endlessFeed) Next(ctx context.Context) (net.Buffers, error) {
	if f.c.o.every > 0 {
		select {
		case <-ctx.Done():
			return nil, ctx.Err()
		case <-time.After(f.c.o.every):
		}
	} else if err := ctx.Err(); err != nil {
		return nil, err
	}
	f.c.nexts.Add(1)
	return net.Buffers{make([]byte, f.c.o.chunk)}, nil
}
func (f *endlessFeed) MIME() string      { return `video/mp4; codecs="avc1.42c01e"` }
func (f *endlessFeed) Origin() time.Time { return time.Unix(1_800_000_000, 0) }
func (f *endlessFeed) Close()            { f.once.Do(func() { f.c.closed.Add(1) }) }

// endlessClip is a 1 TiB clip that reads slowly.
type endlessClip struct {
	o   endlessOptions
	off int64
}

func (c *endlessClip) Read(p []byte) (int, error) {
	if c.o.every > 0 {
		time.Sleep(c.o.every)
	}
	n := min(len(p), c.o.chunk)
	clear(p[:n])
	c.off += int64(n)
	return n, nil
}
func (c *endlessClip) Seek(off int64, whence int) (int64, error) {
	switch whence {
	case io.SeekStart:
		c.off = off
	case io.SeekCurrent:
		c.off += off
	case io.SeekEnd:
		c.off = c.Size() + off
	}
	return c.off, nil
}
func (c *endlessClip) Close() error       { return nil }
func (c *endlessClip) Size() int64        { return 1 << 40 }
func (c *endlessClip) ETag() string       { return `"endless"` }
func (c *endlessClip) ModTime() time.Time { return time.Unix(1_700_000_000, 0) }

// endlessHoods is fakeHoods whose alert clips never end.
type endlessHoods struct {
	*fakeHoods
	o endlessOptions
}

func (h endlessHoods) FetchClip(ctx context.Context, alertID string) (io.ReadCloser, int64, error) {
	return io.NopCloser(&endlessClip{o: h.o}), -1, nil
}

// endlessRequests serves submission clips that never end; its other methods are not called.
type endlessRequests struct {
	requestsAPI // nil: panics if called
	o           endlessOptions
}

// requestsAPI names Requests for embedding: a field called Requests would hide its method Requests.
type requestsAPI = Requests

func (q endlessRequests) OpenSubmission(id string, w io.Writer) (int64, error) {
	var n int64
	buf := make([]byte, q.o.chunk)
	for {
		if q.o.every > 0 {
			time.Sleep(q.o.every)
		}
		m, err := w.Write(buf)
		n += int64(m)
		if err != nil {
			return n, err
		}
	}
}

// endlessEvents publishes an event every o.every to each subscriber until it cancels.
type endlessEvents struct {
	fakeEvents
	o endlessOptions
}

func (f *endlessEvents) SubscribeEvents(buffer int) (<-chan Event, func()) {
	ch := make(chan Event)
	done := make(chan struct{})
	go func() {
		tick := time.NewTicker(f.o.every)
		defer tick.Stop()
		for id := uint64(1); ; id++ {
			select {
			case <-done:
				return
			case <-tick.C:
			}
			select {
			case ch <- Event{ID: id, Camera: "front", Kind: "motion", Start: time.Unix(1_800_000_000, 0)}:
			case <-done:
				return
			}
		}
	}()
	var once sync.Once
	return ch, func() { once.Do(func() { close(done) }) }
}
