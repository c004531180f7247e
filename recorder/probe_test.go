package recorder_test

import (
	"context"
	"errors"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/porchlight/porchlight/recorder"
	"github.com/porchlight/porchlight/recorder/democam"
)

// listenTCP accepts connections on a free port and hands each to serve.
func listenTCP(t *testing.T, serve func(net.Conn)) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ln.Close() })
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			go serve(c)
		}
	}()
	return ln.Addr().String()
}

func TestProbe(t *testing.T) {
	cam := startCamera(t, nil, nil)
	h265 := startCamera(t, loadClip(t, "h265.mp4"), nil)
	locked := &democam.Server{Addr: "127.0.0.1:0", User: "admin", Pass: "s3cret"}
	if err := locked.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(locked.Close)
	garbage := listenTCP(t, func(c net.Conn) {
		_, _ = c.Write([]byte("HTTP/1.0 200 OK\r\n\r\n\x00\xff garbage \x17\x03"))
		c.Close()
	})
	hold := make(chan struct{})
	t.Cleanup(func() { close(hold) })
	silent := listenTCP(t, func(c net.Conn) { // accepts, then never answers
		<-hold
		c.Close()
	})
	wrongPath := strings.Replace(cam.URL(), "/live", "/nothing", 1)
	tests := []struct {
		name, url, transport string
		timeout              time.Duration
		want                 recorder.ProbeResult
		wantErr              string // substring of the error; empty means success
		wantIs               error
	}{
		{name: "h264 aac", url: cam.URL(),
			want: recorder.ProbeResult{VideoCodec: "H264", Width: 640, Height: 360, FPS: 25, AudioCodec: "AAC", SampleRate: 48000, Channels: 1}},
		{name: "h264 aac udp", url: cam.URL(), transport: "udp",
			want: recorder.ProbeResult{VideoCodec: "H264", Width: 640, Height: 360, FPS: 25, AudioCodec: "AAC", SampleRate: 48000, Channels: 1}},
		{name: "h265", url: h265.URL(), want: recorder.ProbeResult{VideoCodec: "H265", Width: 640, Height: 360, FPS: 25}},
		{name: "wrong path", url: wrongPath, wantErr: "404"},
		{name: "wrong password", url: strings.Replace(locked.URL(), "s3cret", "guess", 1), wantErr: "401",
			wantIs: recorder.ErrUnauthorized},
		{name: "refused", url: "rtsp://127.0.0.1:1/x", wantErr: "connect"},
		{name: "garbage", url: "rtsp://" + garbage + "/x", wantErr: "describe"},
		{name: "bad scheme", url: "http://127.0.0.1:1/x", wantErr: "scheme"},
		{name: "timeout", url: "rtsp://" + silent + "/x", timeout: 300 * time.Millisecond, wantErr: "deadline",
			wantIs: context.DeadlineExceeded},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := tt.timeout
			if d == 0 {
				d = 10 * time.Second
			}
			ctx, cancel := context.WithTimeout(context.Background(), d)
			defer cancel()
			got, err := recorder.Probe(ctx, tt.url, tt.transport)
			if tt.wantErr == "" {
				if err != nil {
					t.Fatalf("Probe: got error %v, want none", err)
				}
				if *got != tt.want {
					t.Errorf("Probe: got %+v, want %+v", *got, tt.want)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Fatalf("Probe: got error %v, want one mentioning %q", err, tt.wantErr)
			}
			if tt.wantIs != nil && !errors.Is(err, tt.wantIs) {
				t.Errorf("Probe: got error %v, want it to wrap %v", err, tt.wantIs)
			}
		})
	}
}
