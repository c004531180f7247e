package notify

import (
	"path/filepath"
	"testing"
)

// TestDropOrphanQueues: the queue of a push channel whose subscription is gone is deleted at start;
// those of live subscriptions and of configured channels (whatever their names) stay.
func TestDropOrphanQueues(t *testing.T) {
	q, err := openQueue(filepath.Join(t.TempDir(), DBFile))
	if err != nil {
		t.Fatal(err)
	}
	defer q.close()
	chans := []string{"push-gone", "push-live", "push-named-by-the-owner", "ntfy"}
	if _, err := q.push(chans, job{N: Notification{Type: TypeAlert}}, 10); err != nil {
		t.Fatal(err)
	}
	if err := q.dropOrphanQueues(map[string]bool{"push-live": true, "push-named-by-the-owner": true, "ntfy": true}); err != nil {
		t.Fatal(err)
	}
	for _, ch := range chans {
		want := 1
		if ch == "push-gone" {
			want = 0
		}
		if d, err := q.depth(ch); err != nil || d != want {
			t.Errorf("depth(%s) = %d, %v; want %d", ch, d, err, want)
		}
	}
}
