package keyframe

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"strconv"
)

// The decoder's pictures come out of ffmpeg as a YUV4MPEG2 stream (-f yuv4mpegpipe): one header line
// that names the size, the chroma layout and (for full range) XCOLORRANGE=FULL, then per frame a "FRAME"
// line and the planes. The size need not be guessed from the SPS, and the framing is checked rather than
// assumed. The stage asks for 8-bit 4:2:0 at the camera's size (Y, then Cb and Cr of ⌈W/2⌉×⌈H/2⌉); 8-bit
// gray (Cmono, Y only) is read too.

// maxLine bounds the header and frame lines; ffmpeg writes about 70 bytes.
const maxLine = 256

// maxPixels bounds a frame's luma (8K UHD, 7680×4320, and a little more): a frame costs 1.5 bytes a
// pixel, and the stage holds at most two (heldFrames).
const maxPixels = 8192 * 4352

var errY4M = errors.New("yuv4mpeg stream")

// y4mReader reads frames from a YUV4MPEG2 stream.
type y4mReader struct {
	r      *bufio.Reader
	W, H   int
	mono   bool // Cmono: Y only
	full   bool // XCOLORRANGE=FULL: 0..255 (JPEG) levels, else 16..235 (video)
	cw, ch int  // chroma plane size; 0 for mono
}

// newY4MReader reads the stream header. Only 8-bit 4:2:0 (C420jpeg, C420mpeg2, C420paldv, C420, or no
// C tag: the format's default) and 8-bit gray (Cmono) are accepted.
func newY4MReader(r io.Reader) (*y4mReader, error) {
	br := bufio.NewReaderSize(r, 4096)
	line, err := readLine(br)
	if err != nil {
		return nil, err
	}
	fields := bytes.Fields(line)
	if len(fields) == 0 || string(fields[0]) != "YUV4MPEG2" {
		return nil, fmt.Errorf("%w: header does not start with YUV4MPEG2", errY4M)
	}
	y := &y4mReader{r: br}
	for _, f := range fields[1:] {
		switch f[0] {
		case 'W':
			y.W, err = strconv.Atoi(string(f[1:]))
		case 'H':
			y.H, err = strconv.Atoi(string(f[1:]))
		case 'C':
			switch c := string(f[1:]); c {
			case "mono":
				y.mono = true
			case "420jpeg", "420mpeg2", "420paldv", "420":
				y.mono = false
			default:
				return nil, fmt.Errorf("%w: pixel format C%s is not 8-bit 4:2:0 or gray", errY4M, c)
			}
		case 'X':
			if v, ok := bytes.CutPrefix(f, []byte("XCOLORRANGE=")); ok {
				y.full = string(v) == "FULL"
			}
		}
		if err != nil {
			return nil, fmt.Errorf("%w: bad header field %q", errY4M, f)
		}
	}
	if y.W <= 0 || y.H <= 0 || y.W > maxPixels || y.H > maxPixels || y.W*y.H > maxPixels {
		return nil, fmt.Errorf("%w: bad frame size %dx%d", errY4M, y.W, y.H)
	}
	if y.mono {
		y.full = true // ffmpeg's gray is full range
	} else {
		y.cw, y.ch = (y.W+1)/2, (y.H+1)/2
	}
	return y, nil
}

// frameBytes is the size of one frame's planes.
func (y *y4mReader) frameBytes() int { return y.W*y.H + 2*y.cw*y.ch }

// Next reads the next frame into a new picture. io.EOF means the stream ended between frames.
func (y *y4mReader) Next() (*picture, error) {
	line, err := readLine(y.r)
	if err != nil {
		return nil, err
	}
	if !bytes.HasPrefix(line, []byte("FRAME")) || (len(line) > 5 && line[5] != ' ') {
		return nil, fmt.Errorf("%w: frame does not start with FRAME", errY4M)
	}
	buf := make([]byte, y.frameBytes())
	if _, err := io.ReadFull(y.r, buf); err != nil {
		if err == io.EOF {
			err = io.ErrUnexpectedEOF
		}
		return nil, fmt.Errorf("%w: short frame: %w", errY4M, err)
	}
	n, c := y.W*y.H, y.cw*y.ch
	p := &picture{W: y.W, H: y.H, Full: y.full, Y: buf[:n:n]}
	if !y.mono {
		p.Cb, p.Cr = buf[n:n+c:n+c], buf[n+c:]
	}
	return p, nil
}

// readLine reads up to '\n' (excluded), at most maxLine bytes.
func readLine(r *bufio.Reader) ([]byte, error) {
	var line []byte
	for {
		b, err := r.ReadByte()
		if err != nil {
			if err == io.EOF && len(line) > 0 {
				err = io.ErrUnexpectedEOF
			}
			return nil, err
		}
		if b == '\n' {
			return line, nil
		}
		if len(line) == maxLine {
			return nil, fmt.Errorf("%w: line longer than %d bytes", errY4M, maxLine)
		}
		line = append(line, b)
	}
}
