// Package atomicfile writes files that are whole or absent, never half written, even across a power cut:
// the data goes to a temporary file in the target's directory, is fsynced, is renamed (or linked) over the
// target, and the directory is fsynced so that the new name is on disk too.
//
// [WriteFile] replaces a file (readers see the old content or the new, never a mix); [WriteNew] creates one
// and refuses to replace it; [WriteFrom] replaces a file with what a function writes, for streams too big to
// hold in memory; [Rename] and [SyncDir] make a rename or a new name durable for code that writes its own
// files.
//
// The package owns no state and imports nothing of porchlight: it is a leaf that every room (recorder,
// federation, ui, nvr) may import. It relies on rename and link being atomic within one filesystem, which
// holds on Linux for local filesystems; it does not try to make other platforms safe.
package atomicfile

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
)

// WriteFile replaces path with data, mode perm (exactly perm: the umask does not apply). Readers see the
// old content or the new, and after a crash the file holds one of the two. The directory must exist.
func WriteFile(path string, data []byte, perm fs.FileMode) error {
	_, err := write(path, perm, os.Rename, writeAll(data))
	return err
}

// WriteNew creates path with data, mode perm, and fails with an error wrapping [fs.ErrExist] if path
// exists; the check and the creation are one step (a hard link), so two writers cannot both succeed.
func WriteNew(path string, data []byte, perm fs.FileMode) error {
	_, err := write(path, perm, link, writeAll(data))
	return err
}

// WriteFrom replaces path with what fill writes, mode perm, and returns the bytes written. Only when fill
// returns nil is the file put in place: a failed download or export leaves path as it was and no
// temporary file behind. An error of fill is returned as it is; the others name path.
func WriteFrom(path string, perm fs.FileMode, fill func(w io.Writer) error) (int64, error) {
	return write(path, perm, os.Rename, fill)
}

// Rename renames oldpath to newpath and fsyncs the directories involved, so that after it returns a power
// cut leaves newpath, not oldpath. The caller fsyncs the file's data first.
func Rename(oldpath, newpath string) error {
	if err := os.Rename(oldpath, newpath); err != nil {
		return err
	}
	if from, to := filepath.Dir(oldpath), filepath.Dir(newpath); from != to {
		if err := SyncDir(from); err != nil {
			return err
		}
	}
	return SyncDir(filepath.Dir(newpath))
}

// SyncDir fsyncs the directory dir, so that a file created, renamed or removed in it stays so after a
// power cut.
func SyncDir(dir string) error {
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

// write fills a temporary file beside path, fsyncs and closes it, puts it in place with place (rename or
// link) and fsyncs the directory. The temporary name is gone afterwards, whatever happened.
func write(path string, perm fs.FileMode, place func(tmp, path string) error, fill func(io.Writer) error) (int64, error) {
	dir := filepath.Dir(path)
	f, err := os.CreateTemp(dir, "."+filepath.Base(path)+".tmp-*")
	if err != nil {
		return 0, fmt.Errorf("write %s: %w", path, err)
	}
	tmp := f.Name()
	// After a rename the temporary name is gone already; after a link it is a second name of the file.
	defer os.Remove(tmp)
	cw := &countWriter{w: f}
	if err := f.Chmod(perm); err != nil {
		f.Close()
		return 0, fmt.Errorf("write %s: %w", path, err)
	}
	if err := fill(cw); err != nil {
		f.Close()
		return cw.n, err
	}
	err = f.Sync()
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = place(tmp, path)
	}
	if err == nil {
		err = SyncDir(dir)
	}
	if err != nil {
		return cw.n, fmt.Errorf("write %s: %w", path, err)
	}
	return cw.n, nil
}

// link links tmp to path, failing if path exists (which Rename would not): the "refuse to overwrite" check,
// free of races. The error is the bare cause, so it reads "file exists" rather than naming the temp file.
func link(tmp, path string) error {
	err := os.Link(tmp, path)
	var le *os.LinkError
	if errors.As(err, &le) {
		return le.Err
	}
	return err
}

func writeAll(data []byte) func(io.Writer) error {
	return func(w io.Writer) error {
		_, err := w.Write(data)
		return err
	}
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
