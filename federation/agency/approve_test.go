package agency

import (
	"bytes"
	"context"
	"errors"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"filippo.io/age"

	"github.com/porchlight/porchlight/federation"
	"github.com/porchlight/porchlight/federation/deliver"
	"github.com/porchlight/porchlight/internal/testutil"
)

// outboxWatch is a ClipSource that exports in pieces and, after each, notes the outbox's files and
// whether any of them holds plaintext footage.
type outboxWatch struct {
	*fakeClips
	dir   string
	names map[string]bool
	clear []string // files seen with footage in the clear
}

func (o *outboxWatch) WriteClip(_ context.Context, camera string, start, end time.Time, w io.Writer) (int64, error) {
	b := o.Footage(camera, start, end)
	var n int64
	for len(b) > 0 {
		k, err := w.Write(b[:min(64<<10, len(b))])
		n, b = n+int64(k), b[k:]
		if err != nil {
			return n, err
		}
		ents, _ := os.ReadDir(o.dir)
		for _, e := range ents {
			o.names[e.Name()] = true
			if data, _ := os.ReadFile(filepath.Join(o.dir, e.Name())); bytes.Contains(data, o.Footage(camera, start, end)[:256]) {
				o.clear = append(o.clear, e.Name())
			}
		}
	}
	return n, nil
}

// Approving seals the clip while it is exported: no file in the data dir ever holds it in the clear, and
// only the sealed copy is left in the outbox.
func TestSealClipStoresNoPlaintext(t *testing.T) {
	dir := t.TempDir()
	watch := &outboxWatch{fakeClips: &fakeClips{Size: 1<<20 + 3}, dir: filepath.Join(dir, outboxDir), names: map[string]bool{}}
	n := testNode(t, "Home", func(c *federation.Config) { c.DataDir, c.Clips = dir, watch }, nil)
	id, err := age.GenerateX25519Identity()
	if err != nil {
		t.Fatal(err)
	}
	start := time.Now().Add(-time.Hour).Truncate(time.Millisecond)
	a := Approval{Camera: "porch", Start: start, End: start.Add(time.Minute)}
	path, sums, err := n.sealClip(context.Background(), a, id.Recipient())
	if err != nil {
		t.Fatal(err)
	}
	if len(watch.names) == 0 {
		t.Fatal("the outbox was empty while the clip was exported: the export did not write into it")
	}
	for name := range watch.names {
		if !strings.HasPrefix(name, "clip-") || !strings.HasSuffix(name, ".age") {
			t.Errorf("the outbox held %s during the export, want only the clip-*.age being sealed", name)
		}
	}
	if len(watch.clear) > 0 {
		t.Errorf("files with footage in the clear during the export: %v", watch.clear)
	}
	left, _ := os.ReadDir(watch.dir)
	if len(left) != 1 || filepath.Join(watch.dir, left[0].Name()) != path || path != filepath.Join(watch.dir, sums.ID()+".age") {
		t.Errorf("the outbox holds %v, want only %s", left, path)
	}
	plain := watch.Footage(a.Camera, a.Start, a.End)
	filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			if data, _ := os.ReadFile(p); bytes.Contains(data, plain[:256]) {
				t.Errorf("%s holds the footage in the clear", p)
			}
		}
		return nil
	})
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var got bytes.Buffer
	if u, err := deliver.Unseal(&got, f, id); err != nil || !bytes.Equal(got.Bytes(), plain) || u != sums {
		t.Errorf("the sealed clip opens to %d bytes (%v, sums %+v), want the %d exported (sums %+v)", got.Len(), err, u, len(plain), sums)
	}
}

// failingClips is a clip source whose exports fail (the recorder refused the range, or a disk error).
type failingClips struct{ *fakeClips }

func (failingClips) WriteClip(context.Context, string, time.Time, time.Time, io.Writer) (int64, error) {
	return 0, errors.New("export refused")
}

// An approval whose export fails holds nothing from retention: the hold is the approved clip's, and a
// failed approval, which the owner may retry with another range, approved nothing. (The hold was taken
// before the export, so every failed attempt kept its range, up to a week's window, from retention until
// the request expired.)
func TestFailedApprovalHoldsNothing(t *testing.T) {
	clips := failingClips{&fakeClips{Size: 1 << 10}}
	ah := startAgencyHoodWith(t, elm, func(fc *federation.Config, _ *Config) { fc.Clips = clips }, camerasAt("porch", 0))
	a := ah.homes[0]
	r, err := ah.agency.PostRequest(context.Background(), draft(20, 100))
	if err != nil {
		t.Fatal(err)
	}
	testutil.WaitFor(t, 10*time.Second, "the request reaches the home", func() bool {
		in, _ := a.Requests(true)
		return len(in) == 1
	})
	if _, err := a.Approve(context.Background(), r.ID, Approval{Camera: "porch"}); err == nil {
		t.Fatal("an approval whose export failed succeeded")
	}
	if h := clips.Holds(); len(h) != 0 {
		t.Errorf("a failed approval left holds %+v", h)
	}
}
