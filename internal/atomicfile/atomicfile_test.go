package atomicfile_test

import (
	"bytes"
	"errors"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"sync"
	"syscall"
	"testing"

	"github.com/porchlight/porchlight/internal/atomicfile"
)

// The tests run on the disk t.TempDir is on, a real filesystem: rename, link and fsync are the system's.

// onlyFiles fails the test unless dir holds exactly the named files: no temporary file was left behind.
func onlyFiles(t *testing.T, dir string, want ...string) {
	t.Helper()
	ents, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, e := range ents {
		got = append(got, e.Name())
	}
	if len(got) != len(want) {
		t.Fatalf("files in %s: got %q, want %q", dir, got, want)
	}
	for i := range got {
		if got[i] != want[i] {
			t.Fatalf("files in %s: got %q, want %q", dir, got, want)
		}
	}
}

// hasFile fails the test unless path holds data with mode perm.
func hasFile(t *testing.T, path string, data []byte, perm fs.FileMode) {
	t.Helper()
	got, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, data) {
		t.Errorf("%s: got %q, want %q", path, got, data)
	}
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if fi.Mode() != perm {
		t.Errorf("%s: got mode %v, want %v", path, fi.Mode(), perm)
	}
}

func TestWriteFile(t *testing.T) {
	old := syscall.Umask(0o077) // the mode asked for is the mode given, whatever the umask
	t.Cleanup(func() { syscall.Umask(old) })
	dir := t.TempDir()
	path := filepath.Join(dir, "config.yml")

	if err := atomicfile.WriteFile(path, []byte("first\n"), 0o640); err != nil {
		t.Fatal(err)
	}
	hasFile(t, path, []byte("first\n"), 0o640)
	if err := atomicfile.WriteFile(path, []byte("second\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	hasFile(t, path, []byte("second\n"), 0o600)
	onlyFiles(t, dir, "config.yml")

	if err := atomicfile.WriteFile(filepath.Join(dir, "missing", "x"), []byte("x"), 0o600); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("WriteFile into a missing directory: got %v, want an error wrapping fs.ErrNotExist", err)
	}
	if err := os.Mkdir(filepath.Join(dir, "sub"), 0o700); err != nil {
		t.Fatal(err)
	}
	// A directory in the way: the rename fails and the temporary file goes.
	if err := atomicfile.WriteFile(filepath.Join(dir, "sub"), []byte("x"), 0o600); err == nil {
		t.Error("WriteFile over a directory: got nil error")
	}
	onlyFiles(t, dir, "config.yml", "sub")
}

func TestWriteNew(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "identity.key")
	if err := atomicfile.WriteNew(path, []byte("key one"), 0o600); err != nil {
		t.Fatal(err)
	}
	hasFile(t, path, []byte("key one"), 0o600)
	err := atomicfile.WriteNew(path, []byte("key two"), 0o644)
	if !errors.Is(err, fs.ErrExist) {
		t.Fatalf("WriteNew over a file: got %v, want an error wrapping fs.ErrExist", err)
	}
	if want := "write " + path + ": file exists"; err.Error() != want {
		t.Errorf("WriteNew over a file: got %q, want %q", err, want)
	}
	hasFile(t, path, []byte("key one"), 0o600)
	onlyFiles(t, dir, "identity.key")
}

// TestWriteNewRace: of many writers creating one file at once, exactly one succeeds, and the file is
// what that one wrote.
func TestWriteNewRace(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "once")
	const writers = 16
	errs := make([]error, writers)
	var wg sync.WaitGroup
	for i := range writers {
		wg.Go(func() { errs[i] = atomicfile.WriteNew(path, []byte{byte('a' + i)}, 0o600) })
	}
	wg.Wait()
	won := -1
	for i, err := range errs {
		switch {
		case err == nil && won >= 0:
			t.Fatalf("writers %d and %d both created the file", won, i)
		case err == nil:
			won = i
		case !errors.Is(err, fs.ErrExist):
			t.Errorf("writer %d: got %v, want nil or fs.ErrExist", i, err)
		}
	}
	if won < 0 {
		t.Fatal("no writer created the file")
	}
	hasFile(t, path, []byte{byte('a' + won)}, 0o600)
	onlyFiles(t, dir, "once")
}

func TestWriteFrom(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "clip.mp4")
	n, err := atomicfile.WriteFrom(path, 0o600, func(w io.Writer) error {
		for range 3 {
			if _, err := w.Write(bytes.Repeat([]byte("x"), 1000)); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil || n != 3000 {
		t.Fatalf("WriteFrom: got %d, %v, want 3000, nil", n, err)
	}
	hasFile(t, path, bytes.Repeat([]byte("x"), 3000), 0o600)

	// A fill that fails half way leaves the old file and no temporary one.
	cut := errors.New("camera went away")
	n, err = atomicfile.WriteFrom(path, 0o600, func(w io.Writer) error {
		if _, err := w.Write([]byte("partial")); err != nil {
			return err
		}
		return cut
	})
	if !errors.Is(err, cut) || n != int64(len("partial")) {
		t.Errorf("WriteFrom with a failing fill: got %d, %v, want 7 and an error wrapping %v", n, err, cut)
	}
	hasFile(t, path, bytes.Repeat([]byte("x"), 3000), 0o600)
	if _, err := atomicfile.WriteFrom(filepath.Join(dir, "new.mp4"), 0o600, func(io.Writer) error { return cut }); !errors.Is(err, cut) {
		t.Errorf("WriteFrom of a new file with a failing fill: got %v, want %v", err, cut)
	}
	onlyFiles(t, dir, "clip.mp4")
}

// TestWriteFileReaders: a reader running while the file is replaced again and again sees one whole
// version or the other, never an empty, short or mixed file.
func TestWriteFileReaders(t *testing.T) {
	path := filepath.Join(t.TempDir(), "users.json")
	versions := [][]byte{bytes.Repeat([]byte("a"), 64<<10), bytes.Repeat([]byte("b"), 96<<10)}
	if err := atomicfile.WriteFile(path, versions[0], 0o600); err != nil {
		t.Fatal(err)
	}
	done := make(chan struct{})
	var wg sync.WaitGroup
	wg.Go(func() {
		for i := 1; i <= 50; i++ {
			if err := atomicfile.WriteFile(path, versions[i%2], 0o600); err != nil {
				t.Error(err)
				break
			}
		}
		close(done)
	})
	for reads := 0; ; reads++ {
		got, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(got, versions[0]) && !bytes.Equal(got, versions[1]) {
			t.Fatalf("read %d: got %d bytes that are neither version", reads, len(got))
		}
		select {
		case <-done:
			wg.Wait()
			return
		default:
		}
	}
}

func TestRename(t *testing.T) {
	dir := t.TempDir()
	from, to := filepath.Join(dir, "a.part"), filepath.Join(dir, "sub", "a.age")
	if err := os.Mkdir(filepath.Dir(to), 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(from, []byte("sealed"), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := atomicfile.Rename(from, to); err != nil {
		t.Fatal(err)
	}
	hasFile(t, to, []byte("sealed"), 0o600)
	if err := atomicfile.Rename(from, to); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("Rename of a missing file: got %v, want fs.ErrNotExist", err)
	}
}

func TestSyncDir(t *testing.T) {
	dir := t.TempDir()
	if err := atomicfile.SyncDir(dir); err != nil {
		t.Errorf("SyncDir(%s): %v", dir, err)
	}
	missing := filepath.Join(dir, "missing")
	if err := atomicfile.SyncDir(missing); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("SyncDir of a missing directory: got %v, want fs.ErrNotExist", err)
	}
}
