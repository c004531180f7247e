package keyframe

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"strconv"
)

// The gray frames come out of ffmpeg as a YUV4MPEG2 stream (-f yuv4mpegpipe, pixel format gray): one
// header line that names the size, then per frame a "FRAME" line and W×H bytes. The size need not be
// guessed from the SPS, and the framing is checked rather than assumed.

// maxLine bounds the header and frame lines; ffmpeg writes about 60 bytes.
const maxLine = 256

// maxPixels bounds a gray frame (1920×1088: more than the stage ever asks for).
const maxPixels = 1920 * 1088

var errY4M = errors.New("yuv4mpeg stream")

// y4mReader reads gray frames from a YUV4MPEG2 stream.
type y4mReader struct {
	r    *bufio.Reader
	W, H int
}

// newY4MReader reads the stream header. Only 8-bit gray ("Cmono") is accepted: the stage asks for it.
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
	mono := false
	for _, f := range fields[1:] {
		switch f[0] {
		case 'W':
			y.W, err = strconv.Atoi(string(f[1:]))
		case 'H':
			y.H, err = strconv.Atoi(string(f[1:]))
		case 'C':
			mono = string(f[1:]) == "mono"
		}
		if err != nil {
			return nil, fmt.Errorf("%w: bad header field %q", errY4M, f)
		}
	}
	if !mono {
		return nil, fmt.Errorf("%w: not 8-bit gray (Cmono)", errY4M)
	}
	if y.W <= 0 || y.H <= 0 || y.W*y.H > maxPixels || y.W > maxPixels || y.H > maxPixels {
		return nil, fmt.Errorf("%w: bad frame size %dx%d", errY4M, y.W, y.H)
	}
	return y, nil
}

// Next reads the next frame into a new slice of W×H bytes. io.EOF means the stream ended between frames.
func (y *y4mReader) Next() ([]byte, error) {
	line, err := readLine(y.r)
	if err != nil {
		return nil, err
	}
	if !bytes.HasPrefix(line, []byte("FRAME")) || (len(line) > 5 && line[5] != ' ') {
		return nil, fmt.Errorf("%w: frame does not start with FRAME", errY4M)
	}
	buf := make([]byte, y.W*y.H)
	if _, err := io.ReadFull(y.r, buf); err != nil {
		if err == io.EOF {
			err = io.ErrUnexpectedEOF
		}
		return nil, fmt.Errorf("%w: short frame: %w", errY4M, err)
	}
	return buf, nil
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
