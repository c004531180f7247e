package keyframe

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"time"
)

// stderrCap bounds the ffmpeg stderr kept for errors.
const stderrCap = 2048

// proc is one running ffmpeg decoding keyframes: Annex-B in on stdin, YUV4MPEG2 4:2:0 pictures at the
// camera's size out on stdout.
// Reads and writes carry deadlines (the pipes are in Go's poller), so a hung ffmpeg costs one deadline,
// never a goroutine.
type proc struct {
	cmd    *exec.Cmd
	stdin  *os.File // write end
	stdout *os.File // read end
	out    *y4mReader
	stderr *tailBuffer
	codec  string // ffmpeg demuxer name
	exited chan struct{}
	err    error // of Wait, valid once exited is closed
}

// decodeArgs is ffmpeg's command line for the keyframe decoder. -threads 1: frame threading would hold
// pictures back by one per thread and spread one camera over every core. fps_mode passthrough: one
// output frame per decoded keyframe, never duplicated to fill the gaps between them. The smallest probe
// (32 bytes, no frame-rate probing) ends stream probing at the first keyframe. Not "-fflags nobuffer" or
// "-flags low_delay": with ffmpeg 5.1 either holds pictures back by a whole GOP. No scaling: the picture
// comes out as decoded (8-bit 4:2:0, video or full levels as the camera sends; other formats are
// converted), the stage shrinks its luma for comparing (picture.gray) and encodes snapshots from it.
func decodeArgs(demux string) []string {
	return []string{
		"-hide_banner", "-loglevel", "error", "-nostats",
		"-threads", "1", "-skip_frame", "nokey",
		"-probesize", "32", "-analyzeduration", "0", "-fpsprobesize", "0",
		"-f", demux, "-i", "pipe:0",
		"-an", "-vf", "format=pix_fmts=yuv420p|yuvj420p",
		"-fps_mode", "passthrough", "-f", "yuv4mpegpipe", "-flush_packets", "1", "pipe:1",
	}
}

// startProc starts bin with args (decodeArgs, or a variant that writes more outputs) for the demuxer demux.
func startProc(bin string, args []string, demux string) (*proc, error) {
	inR, inW, err := os.Pipe()
	if err != nil {
		return nil, err
	}
	outR, outW, err := os.Pipe()
	if err != nil {
		inR.Close()
		inW.Close()
		return nil, err
	}
	growPipe(outW, 1<<20)
	p := &proc{stdin: inW, stdout: outR, stderr: &tailBuffer{max: stderrCap}, codec: demux, exited: make(chan struct{})}
	p.cmd = exec.Command(bin, args...)
	p.cmd.Stdin, p.cmd.Stdout, p.cmd.Stderr = inR, outW, p.stderr
	p.cmd.SysProcAttr = childAttr()
	err = p.cmd.Start()
	inR.Close() // the child holds its own copies
	outW.Close()
	if err != nil {
		inW.Close()
		outR.Close()
		return nil, fmt.Errorf("start %s: %w", bin, err)
	}
	go func() { p.err = p.cmd.Wait(); close(p.exited) }()
	return p, nil
}

// decode writes one keyframe and reads its picture, both before deadline.
func (p *proc) decode(k Keyframe, deadline time.Time) (*picture, error) {
	if err := p.stdin.SetWriteDeadline(deadline); err != nil {
		return nil, err
	}
	if _, err := p.stdin.Write(annexB(k, p.codec)); err != nil {
		return nil, p.failure("write keyframe", err)
	}
	if err := p.stdout.SetReadDeadline(deadline); err != nil {
		return nil, err
	}
	if p.out == nil {
		out, err := newY4MReader(p.stdout)
		if err != nil {
			return nil, p.failure("read header", err)
		}
		p.out = out
	}
	pic, err := p.out.Next()
	if err != nil {
		return nil, p.failure("read frame", err)
	}
	pic.Time = k.Time
	return pic, nil
}

// failure wraps err with what ffmpeg said, once it said it (a crashed ffmpeg has exited by the time its
// pipe breaks; a hung one has not, and says nothing).
func (p *proc) failure(what string, err error) error {
	if errors.Is(err, os.ErrDeadlineExceeded) {
		return fmt.Errorf("ffmpeg %s: no answer within the deadline (hung): %w", what, err)
	}
	select {
	case <-p.exited:
	case <-time.After(200 * time.Millisecond):
	}
	if s := p.stderr.String(); s != "" {
		return fmt.Errorf("ffmpeg %s: %w: %s", what, err, s)
	}
	return fmt.Errorf("ffmpeg %s: %w", what, err)
}

// stop ends the process: gracefully (stdin closed, ffmpeg flushes and exits) within grace, then by
// SIGKILL to its PID; it returns once the process has been reaped.
func (p *proc) stop(grace time.Duration) {
	p.stdin.Close()
	if grace > 0 {
		t := time.NewTimer(grace)
		defer t.Stop()
		select {
		case <-p.exited:
		case <-t.C:
		}
	}
	select {
	case <-p.exited:
	default:
		_ = p.cmd.Process.Kill()
		<-p.exited
	}
	p.stdout.Close()
}

// pid is the process id, for tests and CPU accounting.
func (p *proc) pid() int { return p.cmd.Process.Pid }
