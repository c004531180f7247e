package keyframe

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"image/jpeg"
	"io"
	"os/exec"
	"strconv"
	"time"
)

// errNoPicture: the running decoder has no picture of the keyframe a snapshot is wanted for.
var errNoPicture = errors.New("keyframe not decoded by the running decoder")

// MaxSnapshot caps a snapshot's bytes, from ffmpeg or from a camera (a 4K JPEG at high quality is ~2 MB).
const MaxSnapshot = 8 << 20

// snapshotArgs is the one-shot encoder's command line: one keyframe in, one JPEG out (quality 5 of
// mjpeg's 2..31: ~80 kB at 720p).
func snapshotArgs(demux string) []string {
	return []string{
		"-hide_banner", "-loglevel", "error", "-nostats", "-threads", "1",
		"-probesize", "32", "-analyzeduration", "0",
		"-f", demux, "-i", "pipe:0",
		"-frames:v", "1", "-an", "-q:v", "5", "-c:v", "mjpeg", "-f", "image2pipe", "pipe:1",
	}
}

// Snapshot encodes k as a JPEG at the camera's full size. When the running decoder has decoded k, or
// will (it was submitted and its turn has not come), the decoder's picture is encoded in Go and no
// process starts (picture_snap.go); otherwise a short-lived ffmpeg of its own encodes k beside the
// decoder. Each step returns within Config.Deadline, and Close ends it. Status counts both kinds.
func (s *Stage) Snapshot(ctx context.Context, k Keyframe) ([]byte, error) {
	if s.bin == "" {
		return nil, ErrNoFFmpeg
	}
	if s.closed() {
		return nil, ErrClosed
	}
	s.snapshots.Add(1)
	defer s.snapshots.Done()
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	stop := context.AfterFunc(s.snapCtx, cancel)
	defer stop()
	if b, err := s.fromDecoder(ctx, k); err == nil {
		return b, nil
	} else if ctx.Err() != nil {
		return nil, fmt.Errorf("snapshot: %w", ctx.Err())
	}
	s.oneShots.Add(1)
	ctx, cancel = context.WithTimeout(ctx, s.cfg.Deadline)
	defer cancel()
	cmd := exec.CommandContext(ctx, s.bin, snapshotArgs(s.demux)...)
	defer func() { s.cpu.Add(int64(childCPU(cmd))) }()
	return encodeJPEG(ctx, cmd, s.demux, k)
}

// fromDecoder encodes the decoder's picture of k, waiting at most Config.Deadline for it to be decoded;
// errNoPicture when the decoder has not got it and will not.
func (s *Stage) fromDecoder(ctx context.Context, k Keyframe) ([]byte, error) {
	wait, cancel := context.WithTimeout(ctx, s.cfg.Deadline)
	defer cancel()
	pic := s.awaitPicture(wait, k.Time)
	if pic == nil {
		return nil, errNoPicture
	}
	began := time.Now()
	b, err := pic.jpeg()
	s.cpu.Add(int64(time.Since(began))) // CPU-bound
	if err != nil {
		return nil, err
	}
	s.fromDecoderN.Add(1)
	return b, nil
}

// encodeJPEG runs cmd, one ffmpeg; exec kills it by PID when ctx ends and Wait reaps it.
func encodeJPEG(ctx context.Context, cmd *exec.Cmd, demux string, k Keyframe) ([]byte, error) {
	cmd.SysProcAttr = childAttr()
	cmd.Stdin = bytes.NewReader(annexB(k, demux))
	stderr := &tailBuffer{max: stderrCap}
	cmd.Stderr = stderr
	out := &capWriter{max: MaxSnapshot}
	cmd.Stdout = out
	if err := cmd.Run(); err != nil {
		if ctx.Err() != nil {
			return nil, fmt.Errorf("ffmpeg snapshot: %w", ctx.Err())
		}
		return nil, fmt.Errorf("ffmpeg snapshot: %w: %s", err, stderr)
	}
	if out.over {
		return nil, fmt.Errorf("ffmpeg snapshot: %w (%d bytes)", ErrTooLarge, MaxSnapshot)
	}
	if err := CheckJPEG(out.b.Bytes()); err != nil {
		return nil, fmt.Errorf("ffmpeg snapshot: %w (stderr: %s)", err, stderr)
	}
	return out.b.Bytes(), nil
}

// capWriter keeps at most max bytes and notes that more came (the writer never fails, so the child is
// not killed by a broken pipe halfway: the error is ours to give).
type capWriter struct {
	b    bytes.Buffer
	max  int
	over bool
}

func (w *capWriter) Write(p []byte) (int, error) {
	if room := w.max - w.b.Len(); len(p) > room {
		w.over = true
		p = p[:max(0, room)]
	}
	w.b.Write(p)
	return len(p), nil
}

// CheckJPEG accepts b when it is one whole JPEG image: SOI first, EOI last, and a frame header the
// standard decoder reads with a sane size. It does not decode the pixels.
func CheckJPEG(b []byte) error {
	if len(b) < 4 || b[0] != 0xff || b[1] != 0xd8 {
		return fmt.Errorf("%w: no start-of-image marker", ErrNotJPEG)
	}
	if b[len(b)-2] != 0xff || b[len(b)-1] != 0xd9 {
		return fmt.Errorf("%w: no end-of-image marker (truncated?)", ErrNotJPEG)
	}
	cfg, err := jpeg.DecodeConfig(io.LimitReader(bytes.NewReader(b), int64(len(b))))
	if err != nil {
		return fmt.Errorf("%w: %v", ErrNotJPEG, err)
	}
	if cfg.Width <= 0 || cfg.Height <= 0 || cfg.Width > 16384 || cfg.Height > 16384 {
		return fmt.Errorf("%w: size %s", ErrNotJPEG, strconv.Itoa(cfg.Width)+"x"+strconv.Itoa(cfg.Height))
	}
	return nil
}
