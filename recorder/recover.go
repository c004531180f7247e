package recorder

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/porchlight/porchlight/recorder/index"
)

// recoverStream reconciles a stream's index with its directory after a crash or power loss: segments the
// index does not know, or knows only in part, are scanned and indexed (a torn tail is cut off), and rows
// whose files are gone are removed.
func (r *Recorder) recoverStream(s *stream) error {
	dir := streamDir(r.cfg.DataDir, s.key)
	entries, err := os.ReadDir(dir)
	if err != nil && !errors.Is(err, os.ErrNotExist) {
		return err
	}
	files := map[uint64]os.DirEntry{}
	for _, e := range entries {
		id, ok := parseSegFileName(e.Name())
		if ok && e.Type().IsRegular() {
			files[id] = e
			// New segments must not collide with any file here, whatever recovery makes of it.
			s.ids.last = max(s.ids.last, id)
		}
	}
	known := map[uint64]int64{}
	var gone []uint64
	err = r.db.Summaries(s.key, func(seg *index.Segment) error {
		if _, ok := files[seg.ID]; ok {
			known[seg.ID] = seg.Size
		} else {
			gone = append(gone, seg.ID)
		}
		return nil
	})
	if err != nil {
		return err
	}
	for _, id := range gone {
		if err := r.db.Delete(s.key, id); err != nil && !errors.Is(err, index.ErrNotFound) {
			return err
		}
	}
	if len(gone) > 0 {
		s.log.Warn("recovery: removed index rows whose files are gone", "segments", len(gone))
	}
	for id, e := range files {
		info, err := e.Info()
		if err != nil {
			return err
		}
		if size, ok := known[id]; ok && size == info.Size() {
			continue
		}
		path := filepath.Join(dir, e.Name())
		if err := r.recoverFile(s, path, info.Size()); err != nil {
			// Kept for a person to look at, out of the index (and so out of retention's sight).
			s.log.Warn("recovery: segment unreadable, moved aside", "file", path+".bad", "err", err)
			_ = os.Rename(path, path+".bad")
			if err := r.db.Delete(s.key, id); err != nil && !errors.Is(err, index.ErrNotFound) {
				return err
			}
		}
	}
	return nil
}

// recoverFile scans one segment file, cuts a torn tail and writes its index row.
func (r *Recorder) recoverFile(s *stream, path string, size int64) error {
	f, err := os.OpenFile(path, os.O_RDWR, 0)
	if err != nil {
		return err
	}
	defer f.Close()
	res, err := scanSegment(f, size)
	if err != nil {
		return err
	}
	if res.meta.Stream != s.key {
		return fmt.Errorf("%w: belongs to stream %q", errBadSegment, res.meta.Stream)
	}
	if res.seg.Size < size {
		if err := f.Truncate(res.seg.Size); err != nil {
			return err
		}
		if err := f.Sync(); err != nil {
			return err
		}
		s.log.Info("recovery: cut torn tail", "file", path, "bytes", size-res.seg.Size)
	}
	res.seg.File = filepath.Base(path)
	if len(res.seg.Parts) == 0 {
		return os.Remove(path)
	}
	s.log.Info("recovery: indexed segment", "file", path, "parts", len(res.seg.Parts))
	return r.db.Put(s.key, res.seg)
}

// parseSegFileName returns the ID in a segment file name made by segFileName.
func parseSegFileName(name string) (uint64, bool) {
	hex, ok := strings.CutSuffix(name, ".mp4")
	if !ok || len(hex) != 16 {
		return 0, false
	}
	id, err := strconv.ParseUint(hex, 16, 64)
	return id, err == nil
}
