package export

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"sort"
	"sync"
	"time"

	"github.com/porchlight/porchlight/recorder/index"
)

// errOffset reports a negative read or seek position, or an unknown whence.
var errOffset = errors.New("export: invalid offset")

// openFiles is how many segment files a clip keeps open: the one being read and the one before, so that
// a read across a segment boundary (or two interleaved range requests) does not reopen files.
const openFiles = 2

// Clip is a planned MP4: its header is in memory, its samples are read from the segment files on demand.
//
// ReadAt is safe for concurrent use; Read and Seek share one position and are not. Close releases the
// files the clip keeps open.
type Clip struct {
	header     []byte // ftyp, moov and the mdat header
	pieces     []piece
	segs       []*index.Segment
	open       Opener
	size       int64
	etag       string
	modTime    time.Time
	start, end time.Time

	pos int64 // of Read and Seek

	mu     sync.Mutex
	files  [openFiles]openFile
	tick   uint64
	closed bool
}

// openFile is a segment file a clip holds open.
type openFile struct {
	seg  int
	f    File // nil: slot unused
	used uint64
}

// Size returns the length of the MP4 in bytes.
func (c *Clip) Size() int64 { return c.size }

// ETag returns a strong, quoted entity tag: equal for clips with the same bytes from the same segments.
func (c *Clip) ETag() string { return c.etag }

// ModTime returns the end of the newest segment the clip reads from.
func (c *Clip) ModTime() time.Time { return c.modTime }

// Range returns the wall-clock range the clip plays: the requested one clamped to what was recorded.
func (c *Clip) Range() (start, end time.Time) { return c.start, c.end }

// Read reads the next bytes of the MP4.
func (c *Clip) Read(p []byte) (int, error) {
	n, err := c.ReadAt(p, c.pos)
	c.pos += int64(n)
	if n > 0 && err == io.EOF {
		err = nil
	}
	return n, err
}

// Seek sets the position of the next Read.
func (c *Clip) Seek(offset int64, whence int) (int64, error) {
	switch whence {
	case io.SeekStart:
	case io.SeekCurrent:
		offset += c.pos
	case io.SeekEnd:
		offset += c.size
	default:
		return c.pos, fmt.Errorf("export: seek whence %d: %w", whence, errOffset)
	}
	if offset < 0 {
		return c.pos, fmt.Errorf("export: seek to %d: %w", offset, errOffset)
	}
	c.pos = offset
	return offset, nil
}

// ReadAt reads len(p) bytes of the MP4 at off, from memory for the header and from the segment files for
// the samples.
func (c *Clip) ReadAt(p []byte, off int64) (int, error) {
	if off < 0 {
		return 0, fmt.Errorf("export: read at %d: %w", off, errOffset)
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.closed {
		return 0, fmt.Errorf("export: read: %w", fs.ErrClosed)
	}
	if off >= c.size {
		return 0, io.EOF
	}
	n := 0
	if off < int64(len(c.header)) {
		n = copy(p, c.header[off:])
	}
	i := sort.Search(len(c.pieces), func(i int) bool { return c.pieces[i].off+c.pieces[i].n > off+int64(n) })
	for ; n < len(p) && i < len(c.pieces); i++ {
		pc := &c.pieces[i]
		at := off + int64(n) - pc.off
		m := int(min(int64(len(p)-n), pc.n-at))
		f, err := c.file(pc.seg)
		if err != nil {
			return n, err
		}
		k, err := f.ReadAt(p[n:n+m], pc.fileOff+at)
		n += k
		if k < m {
			if err == nil || errors.Is(err, io.EOF) {
				err = io.ErrUnexpectedEOF // the index promised these bytes
			}
			seg := c.segs[pc.seg]
			return n, fmt.Errorf("export: read segment %d (%s) at %d: %w", seg.ID, seg.File,
				pc.fileOff+at+int64(k), err)
		}
	}
	if n < len(p) {
		return n, io.EOF
	}
	return n, nil
}

// file returns the open file of segment seg, opening it in place of the least recently used one.
// c.mu must be held.
func (c *Clip) file(seg int) (File, error) {
	c.tick++
	victim := 0
	for i := range c.files {
		of := &c.files[i]
		if of.f != nil && of.seg == seg {
			of.used = c.tick
			return of.f, nil
		}
		if of.used < c.files[victim].used {
			victim = i
		}
	}
	s := c.segs[seg]
	f, err := c.open(s)
	if err != nil {
		return nil, fmt.Errorf("export: open segment %d (%s): %w", s.ID, s.File, err)
	}
	if old := c.files[victim].f; old != nil {
		_ = old.Close() // read-only: nothing is lost if closing fails
	}
	c.files[victim] = openFile{seg: seg, f: f, used: c.tick}
	return f, nil
}

// Close closes the segment files the clip holds open. Reads after Close fail.
func (c *Clip) Close() error {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.closed = true
	var errs []error
	for i := range c.files {
		if f := c.files[i].f; f != nil {
			if err := f.Close(); err != nil {
				errs = append(errs, fmt.Errorf("export: close segment file: %w", err))
			}
		}
		c.files[i] = openFile{}
	}
	return errors.Join(errs...)
}
