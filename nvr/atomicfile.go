package nvr

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
)

// writeFileExclusive creates path with data and mode perm, failing with an error wrapping fs.ErrExist if
// path exists. The content is written to a temp file and fsynced before it is linked into place, so path
// never exists half-written, and the directory is fsynced so the new name survives power loss.
func writeFileExclusive(path string, data []byte, perm os.FileMode) (err error) {
	dir := filepath.Dir(path)
	f, err := os.CreateTemp(dir, "."+filepath.Base(path)+".tmp-*")
	if err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	tmp := f.Name()
	defer os.Remove(tmp) // after a successful Link this removes only the temp name
	if err := writeSyncClose(f, data, perm); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	// Link fails if path exists, unlike Rename: that is the "refuse to overwrite" check, free of races.
	if err := os.Link(tmp, path); err != nil {
		if le, ok := err.(*os.LinkError); ok {
			err = le.Err
		}
		return fmt.Errorf("write %s: %w", path, err)
	}
	return syncDir(dir)
}

func writeSyncClose(f *os.File, data []byte, perm os.FileMode) error {
	err := f.Chmod(perm)
	if err == nil {
		_, err = f.Write(data)
	}
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	return err
}

func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return fmt.Errorf("sync %s: %w", dir, err)
	}
	defer d.Close()
	if err := d.Sync(); err != nil {
		return fmt.Errorf("sync %s: %w", dir, err)
	}
	return nil
}

// writeFileAtomic replaces path with data (mode perm): readers see the old content or the new, never a
// mix, and after a crash the file holds one of the two. The temp file is fsynced before the rename and the
// directory after it.
func writeFileAtomic(path string, data []byte, perm os.FileMode) error {
	dir := filepath.Dir(path)
	f, err := os.CreateTemp(dir, "."+filepath.Base(path)+".tmp-*")
	if err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	tmp := f.Name()
	if err := writeSyncClose(f, data, perm); err != nil {
		_ = os.Remove(tmp)
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err := os.Rename(tmp, path); err != nil {
		_ = os.Remove(tmp)
		return fmt.Errorf("write %s: %w", path, err)
	}
	return syncDir(dir)
}

// writeStreamAtomic writes path from fill: to a temp file beside it, fsynced and renamed into place only
// when fill succeeds, so a failed download or export leaves no truncated file behind. It returns the
// bytes written.
func writeStreamAtomic(path string, fill func(w io.Writer) error) (int64, error) {
	f, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".tmp-*")
	if err != nil {
		return 0, err
	}
	defer os.Remove(f.Name()) // after the rename this removes nothing
	cw := &countWriter{w: f}
	err = fill(cw)
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(f.Name(), path)
	}
	return cw.n, err
}

type countWriter struct {
	w io.Writer
	n int64
}

func (c *countWriter) Write(p []byte) (int, error) {
	k, err := c.w.Write(p)
	c.n += int64(k)
	return k, err
}
