package deliver

import (
	"context"
	"io"
	"net"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/libp2p/go-libp2p"
	"github.com/libp2p/go-libp2p/core/host"
	"github.com/libp2p/go-libp2p/core/network"
	"github.com/libp2p/go-libp2p/core/peer"
)

// Throughput of a 100 MB delivery, file to file, on loopback. The Send benchmarks report MB/s (from
// SetBytes) and x_rawTCP, their speed over that of BenchmarkRawTCP100MB's copy, measured in the same run.
// The target is x_rawTCP ≥ 0.5 for libp2p.

const benchSize = 100 << 20

// rawCopy copies the clip's file over a fresh TCP connection into a file in dir with io.Copy at both
// ends (which is sendfile and splice on Linux), as the baseline for Send. With durable set, the receiver
// fsyncs the file before it is done, as a delivery must before its receipt.
func rawCopy(tb testing.TB, c clip, dir string, durable bool) {
	client, server := tcpPair(tb)
	done := make(chan error, 1)
	go func() {
		f, err := os.Create(filepath.Join(dir, "raw"))
		if err == nil {
			_, err = io.Copy(f, server)
			if err == nil && durable {
				err = f.Sync()
			}
			f.Close()
		}
		done <- err
	}()
	f := c.open(tb)
	if _, err := io.Copy(client, f); err != nil {
		tb.Fatal(err)
	}
	client.(*net.TCPConn).CloseWrite()
	if err := wait(tb, done); err != nil {
		tb.Fatal(err)
	}
	f.Close()
	client.Close()
}

func BenchmarkRawTCP100MB(b *testing.B) {
	c := sealClip(b, benchSize)
	dir := b.TempDir()
	b.SetBytes(c.sums.CipherSize)
	b.ResetTimer()
	for range b.N {
		rawCopy(b, c, dir, false)
	}
}

// benchSend runs b.N deliveries of a 100 MB clip through send, which opens a stream to a Receiver and
// calls Send on it. After each one, with the timer stopped, it times a rawCopy of the same file, plain and
// durable, and it reports x_rawTCP and x_rawTCPsync, the raw copies' total time over the deliveries':
// interleaving them keeps the ratios fair when the machine's load changes during the run.
func benchSend(b *testing.B, c clip, r *Receiver, send func(Offer, io.ReaderAt) error) {
	offer := c.offer("m")
	body := c.open(b)
	rawDir := b.TempDir()
	var raw, rawSync time.Duration
	b.SetBytes(c.sums.CipherSize)
	b.ResetTimer()
	for range b.N {
		if err := send(offer, body); err != nil {
			b.Fatal(err)
		}
		b.StopTimer()
		if err := os.Remove(filepath.Join(r.Dir, offer.ID+".age")); err != nil { // so the next one is sent
			b.Fatal(err)
		}
		start := time.Now()
		rawCopy(b, c, rawDir, false)
		raw += time.Since(start)
		start = time.Now()
		rawCopy(b, c, rawDir, true)
		rawSync += time.Since(start)
		b.StartTimer()
	}
	b.StopTimer()
	b.ReportMetric(raw.Seconds()/b.Elapsed().Seconds(), "x_rawTCP")
	b.ReportMetric(rawSync.Seconds()/b.Elapsed().Seconds(), "x_rawTCPsync")
}

func BenchmarkSend100MB_TCP(b *testing.B) {
	c := sealClip(b, benchSize)
	r, _ := newReceiver(b)
	benchSend(b, c, r, func(o Offer, body io.ReaderAt) error {
		client, server := tcpPair(b)
		done := serve(r, server)
		_, err := Send(context.Background(), client, o, body)
		client.Close()
		if serr := wait(b, done); err == nil {
			err = serr
		}
		return err
	})
}

const benchProto = "/porchlight/deliver-bench/1.0.0"

// newHost starts a libp2p host with the default transports, security and muxer, on 127.0.0.1 only.
func newHost(tb testing.TB) host.Host {
	h, err := libp2p.New(libp2p.ListenAddrStrings("/ip4/127.0.0.1/tcp/0"))
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { h.Close() })
	return h
}

// libp2pPair is a sender host connected to a receiver host whose handler of benchProto serves r; each
// delivery's result arrives on served.
func libp2pPair(tb testing.TB, r *Receiver) (sender, receiver host.Host, served chan error) {
	ctx := context.Background()
	sender, receiver = newHost(tb), newHost(tb)
	served = make(chan error, 1)
	receiver.SetStreamHandler(benchProto, func(s network.Stream) {
		err := r.Serve(s)
		s.Close()
		served <- err
	})
	if err := sender.Connect(ctx, peer.AddrInfo{ID: receiver.ID(), Addrs: receiver.Addrs()}); err != nil {
		tb.Fatal(err)
	}
	return sender, receiver, served
}

func BenchmarkSend100MB_Libp2p(b *testing.B) {
	c := sealClip(b, benchSize)
	r, _ := newReceiver(b)
	ctx := context.Background()
	sender, receiver, served := libp2pPair(b, r)
	benchSend(b, c, r, func(o Offer, body io.ReaderAt) error {
		s, err := sender.NewStream(ctx, receiver.ID(), benchProto)
		if err != nil {
			return err
		}
		defer s.Close()
		if _, err := Send(ctx, s, o, body); err != nil {
			return err
		}
		return wait(b, served)
	})
}

// BenchmarkRawLibp2p100MB copies the file over a libp2p stream into a file, with 1 MiB reads and writes and
// no protocol, hashing or fsync: the ceiling for BenchmarkSend100MB_Libp2p on this machine.
func BenchmarkRawLibp2p100MB(b *testing.B) {
	c := sealClip(b, benchSize)
	ctx := context.Background()
	sender, receiver := newHost(b), newHost(b)
	dir := b.TempDir()
	copied := make(chan error, 1)
	receiver.SetStreamHandler(benchProto, func(s network.Stream) {
		f, err := os.Create(filepath.Join(dir, "raw"))
		if err == nil {
			_, err = io.CopyBuffer(struct{ io.Writer }{f}, s, make([]byte, copyBuf))
			f.Close()
		}
		s.Close()
		copied <- err
	})
	if err := sender.Connect(ctx, peer.AddrInfo{ID: receiver.ID(), Addrs: receiver.Addrs()}); err != nil {
		b.Fatal(err)
	}
	body := c.open(b)
	b.SetBytes(c.sums.CipherSize)
	b.ResetTimer()
	for range b.N {
		s, err := sender.NewStream(ctx, receiver.ID(), benchProto)
		if err != nil {
			b.Fatal(err)
		}
		_, err = io.CopyBuffer(s, io.NewSectionReader(body, 0, c.sums.CipherSize), make([]byte, copyBuf))
		s.CloseWrite()
		if err != nil {
			b.Fatal(err)
		}
		if err := wait(b, copied); err != nil {
			b.Fatal(err)
		}
		s.Close()
	}
}
