package deliver

import (
	"context"
	"io"
	"os"
	"path/filepath"
	"testing"

	"github.com/libp2p/go-libp2p"
	"github.com/libp2p/go-libp2p/core/host"
	"github.com/libp2p/go-libp2p/core/network"
	"github.com/libp2p/go-libp2p/core/peer"
	noise "github.com/libp2p/go-libp2p/p2p/security/noise"
	libp2ptls "github.com/libp2p/go-libp2p/p2p/security/tls"
)

func hostWith(tb testing.TB, opts ...libp2p.Option) host.Host {
	h, err := libp2p.New(opts...)
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { h.Close() })
	return h
}

func rawOver(b *testing.B, mk func() host.Host) {
	c := sealClip(b, benchSize)
	ctx := context.Background()
	sender, receiver := mk(), mk()
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

func BenchmarkZZTLS(b *testing.B) {
	rawOver(b, func() host.Host {
		return hostWith(b, libp2p.ListenAddrStrings("/ip4/127.0.0.1/tcp/0"), libp2p.Security(libp2ptls.ID, libp2ptls.New))
	})
}
func BenchmarkZZNoise(b *testing.B) {
	rawOver(b, func() host.Host {
		return hostWith(b, libp2p.ListenAddrStrings("/ip4/127.0.0.1/tcp/0"), libp2p.Security(noise.ID, noise.New))
	})
}
func BenchmarkZZQUIC(b *testing.B) {
	rawOver(b, func() host.Host {
		return hostWith(b, libp2p.ListenAddrStrings("/ip4/127.0.0.1/udp/0/quic-v1"))
	})
}
