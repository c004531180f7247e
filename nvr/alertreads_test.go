package nvr

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/porchlight/porchlight/federation"
)

// TestAlertReads: unread are the neighbors' alerts after the mark and within 30 days, not the node's own;
// the mark moves only forward and never past now, survives a restart, and a mark file of a newer format
// is refused with the version named.
func TestAlertReads(t *testing.T) {
	now := time.Date(2026, 12, 6, 12, 0, 0, 0, time.UTC)
	alerts := []federation.Alert{
		{ID: "old", Time: now.Add(-40 * 24 * time.Hour)},
		{ID: "a", Time: now.Add(-2 * time.Hour)},
		{ID: "mine", Time: now.Add(-90 * time.Minute), Mine: true},
		{ID: "b", Time: now.Add(-time.Hour).Add(123456789 * time.Nanosecond)},
	}
	list := func(_ string, since time.Time) ([]federation.Alert, error) {
		var out []federation.Alert
		for _, a := range alerts {
			if !a.Time.Before(since) {
				out = append(out, a)
			}
		}
		return out, nil
	}
	dir := t.TempDir()
	r, err := openAlertReads(dir, list, func() time.Time { return now })
	if err != nil {
		t.Fatal(err)
	}
	changed := 0
	r.changed = func() { changed++ }
	unread := func(want int) {
		t.Helper()
		if n, _, err := r.Unread(); err != nil || n != want {
			t.Errorf("Unread: %d, %v; want %d", n, err, want)
		}
	}
	unread(2) // a and b: old is past 30 days, mine is the node's own
	if _, err := r.MarkRead(alerts[1].Time); err != nil {
		t.Fatal(err)
	}
	unread(1)
	if got, _ := r.MarkRead(alerts[0].Time); !got.Equal(alerts[1].Time) || changed != 1 {
		t.Errorf("mark moved back to %s (changed %d), want it kept at %s", got, changed, alerts[1].Time)
	}
	if _, err := r.MarkRead(alerts[3].Time); err != nil { // nanoseconds kept: b is read
		t.Fatal(err)
	}
	unread(0)
	if got, _ := r.MarkRead(now.Add(time.Hour)); !got.Equal(now) {
		t.Errorf("a mark in the future: got %s, want now (%s)", got, now)
	}
	if changed != 3 {
		t.Errorf("changed called %d times, want 3", changed)
	}

	r2, err := openAlertReads(dir, list, func() time.Time { return now })
	if err != nil {
		t.Fatal(err)
	}
	if _, until, _ := r2.Unread(); !until.Equal(now) {
		t.Errorf("after a restart the mark is %s, want %s", until, now)
	}
	path := filepath.Join(dir, AlertReadsFile)
	if err := os.WriteFile(path, []byte(`{"version": 2, "read_until": "2026-12-06T12:00:00Z"}`), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := openAlertReads(dir, list, time.Now); err == nil || !strings.Contains(err.Error(), "format 2; this porchlight knows up to 1") {
		t.Errorf("a mark of format 2: %v, want it refused naming the versions", err)
	}
	if err := os.WriteFile(path, []byte(`{"version": 1, "read_until": "yesterday"}`), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := openAlertReads(dir, list, time.Now); err == nil || !strings.Contains(err.Error(), AlertReadsFile) {
		t.Errorf("a damaged mark file: %v, want an error naming it", err)
	}
}
