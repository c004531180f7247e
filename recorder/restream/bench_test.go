package restream

import (
	"context"
	"log/slog"
	"sync"
	"testing"
	"time"

	"github.com/bluenviron/gortsplib/v4"

	"github.com/porchlight/porchlight/recorder"
	"github.com/porchlight/porchlight/recorder/democam"
)

// BenchmarkFeedPart measures what the restream costs per fMP4 part of the demo camera (H.264 + AAC,
// parts of at most 250 ms): decoding the part and packetizing its samples into a ServerStream (with no
// reader, so what the feed itself costs, not the sockets).
func BenchmarkFeedPart(b *testing.B) {
	cam := &democam.Server{Addr: "127.0.0.1:0"}
	if err := cam.Start(); err != nil {
		b.Fatal(err)
	}
	defer cam.Close()
	rec, err := recorder.New(recorder.Config{DataDir: b.TempDir(),
		Cameras: []recorder.CameraConfig{{Name: "front", URL: cam.URL()}}})
	if err != nil {
		b.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	var wg sync.WaitGroup
	wg.Go(func() { _ = rec.Run(ctx) })
	defer func() { cancel(); wg.Wait(); rec.Close() }()
	hub, err := rec.Live("front", "")
	if err != nil {
		b.Fatal(err)
	}
	ch, stop := hub.Subscribe(64)
	var parts []recorder.LivePart
	deadline := time.After(30 * time.Second)
	for len(parts) < 20 {
		select {
		case p := <-ch:
			parts = append(parts, p)
		case <-deadline:
			b.Fatal("no parts within 30 s")
		}
	}
	stop()

	srv := &gortsplib.Server{RTSPAddress: "127.0.0.1:0"}
	if err := srv.Start(); err != nil {
		b.Fatal(err)
	}
	defer srv.Close()
	f := &feed{srv: srv, log: slog.New(slog.DiscardHandler), ready: make(chan struct{}), rtpBase: map[int]uint32{}}
	defer f.end()
	f.unsubscribe = func() {}
	var bytes int
	for _, p := range parts {
		for _, d := range p.Data {
			bytes += len(d)
		}
	}
	b.SetBytes(int64(bytes / len(parts)))
	b.ReportAllocs()
	b.ResetTimer()
	for i := range b.N {
		f.handle(parts[i%len(parts)])
	}
}
