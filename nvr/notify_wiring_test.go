package nvr

import (
	"context"
	"log/slog"
	"sync"
	"testing"
	"time"

	"github.com/porchlight/porchlight/internal/testutil"
	"github.com/porchlight/porchlight/nvr/notify"
	"github.com/porchlight/porchlight/nvr/notify/notifytest"
)

// TestWatchDisk: the recorder's disk warning notifies once, with a link to the storage view, and again
// only after it has cleared.
func TestWatchDisk(t *testing.T) {
	nt := notifytest.StartNtfy(t)
	n, err := notify.New(notify.Config{DataDir: t.TempDir(), Channels: []notify.ChannelConfig{
		{Name: "ntfy", Kind: notify.KindNtfy, URL: nt.URL + "/t"}}})
	if err != nil {
		t.Fatal(err)
	}
	var mu sync.Mutex
	warning := ""
	set := func(s string) { mu.Lock(); warning = s; mu.Unlock() }
	polls := make(chan struct{}, 1000)
	w := &notifications{n: n, base: func() string { return "https://nvr.example/" }, log: slog.New(slog.DiscardHandler),
		cameraPoll: 5 * time.Millisecond, diskWarning: func() string {
			polls <- struct{}{}
			mu.Lock()
			defer mu.Unlock()
			return warning
		}}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { w.watchDisk(ctx); close(done) }()
	go func() { _ = n.Run(ctx) }()
	t.Cleanup(func() { cancel(); <-done; _ = n.Close() })

	waitPolls := func(k int) {
		for range k {
			<-polls
		}
	}
	set("the disk is filling with other files: 2 GB free, retention keeps 5 GB")
	testutil.WaitFor(t, 5*time.Second, "the disk notification", func() bool { return len(nt.Messages()) == 1 })
	waitPolls(5) // still warning: no second notification
	set("")
	waitPolls(2)
	set("again")
	testutil.WaitFor(t, 5*time.Second, "a second disk notification", func() bool { return len(nt.Messages()) == 2 })
	m := nt.Messages()
	if m[0].Title != "Disk nearly full" || m[0].Click != "https://nvr.example/#/storage" || m[1].Message != "again" {
		t.Errorf("messages = %+v", m)
	}
}
