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
	"github.com/porchlight/porchlight/recorder"
)

// TestWatchDisk: the recorder's disk warning notifies once, with a link to the storage view, and again
// only after it has cleared.
func TestWatchDisk(t *testing.T) {
	nt, n := ntfyNotifier(t)
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

	waitPolls := func(k int) { // k polls after this call: buffered ones read an older state
		for len(polls) > 0 {
			<-polls
		}
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

// TestWatchMembers: members present at start are not news; a member and an agency admitted later each
// notify once.
func TestWatchMembers(t *testing.T) {
	nt, n := ntfyNotifier(t)
	var mu sync.Mutex
	ms := []hoodMember{{Hood: "h1", HoodName: "Elm Street", ID: "p1", Name: "No. 10", Role: "member"}}
	polls := make(chan struct{}, 1000)
	w := &notifications{n: n, base: func() string { return "https://nvr.example" }, log: slog.New(slog.DiscardHandler),
		cameraPoll: 5 * time.Millisecond, members: func() []hoodMember {
			polls <- struct{}{}
			mu.Lock()
			defer mu.Unlock()
			return append([]hoodMember(nil), ms...)
		}}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { w.watchMembers(ctx); close(done) }()
	go func() { _ = n.Run(ctx) }()
	t.Cleanup(func() { cancel(); <-done; _ = n.Close() })

	for range 3 {
		<-polls
	}
	mu.Lock()
	ms = append(ms, hoodMember{Hood: "h1", HoodName: "Elm Street", ID: "p2", Name: "No. 14", Role: "member"},
		hoodMember{Hood: "h1", HoodName: "Elm Street", ID: "a1", Name: "Precinct 5", Role: "agency"})
	mu.Unlock()
	testutil.WaitFor(t, 5*time.Second, "two member notifications", func() bool { return len(nt.Messages()) >= 2 })
	for range 3 {
		<-polls
	}
	m := nt.Messages()
	if len(m) != 2 || m[0].Title != "New neighbor in Elm Street" || m[0].Message != "No. 14 (member) was admitted to Elm Street" ||
		m[1].Title != "Agency admitted to Elm Street" || m[1].Click != "https://nvr.example/#/hood" {
		t.Errorf("messages = %+v", m)
	}
}

// TestWatchCameras: a camera's main stream that stops recording is reported offline once it has been
// down for offlineAfter, and online when it records again; a sub stream and a disabled camera are not.
func TestWatchCameras(t *testing.T) {
	nt, n := ntfyNotifier(t)
	var mu sync.Mutex
	state := map[string]recorder.State{"front": recorder.StateRecording, "back": recorder.StateDisabled}
	set := func(s recorder.State) { mu.Lock(); state["front"] = s; mu.Unlock() }
	polls := make(chan struct{}, 1000)
	w := &notifications{n: n, base: func() string { return "https://nvr.example" }, log: slog.New(slog.DiscardHandler),
		cameraPoll: 5 * time.Millisecond, offlineAfter: 30 * time.Millisecond, status: func() []recorder.StreamStatus {
			polls <- struct{}{}
			mu.Lock()
			defer mu.Unlock()
			return []recorder.StreamStatus{{Camera: "front", Stream: "main", State: state["front"]},
				{Camera: "front", Stream: "sub", State: recorder.StateError},
				{Camera: "back", Stream: "main", State: state["back"]}}
		}}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { w.watchCameras(ctx); close(done) }()
	go func() { _ = n.Run(ctx) }()
	t.Cleanup(func() { cancel(); <-done; _ = n.Close() })

	for range 3 {
		<-polls
	}
	set(recorder.StateError)
	testutil.WaitFor(t, 5*time.Second, "front offline", func() bool { return len(nt.Messages()) == 1 })
	set(recorder.StateRecording)
	testutil.WaitFor(t, 5*time.Second, "front online", func() bool { return len(nt.Messages()) == 2 })
	for range 3 {
		<-polls
	}
	m := nt.Messages()
	if len(m) != 2 || m[0].Title != "Camera offline: front" || m[1].Title != "Camera online: front" ||
		m[0].Click != "https://nvr.example/#/live?camera=front" {
		t.Errorf("messages = %+v", m)
	}
}

// ntfyNotifier returns a local ntfy endpoint and a notifier (not yet running) with one channel to it,
// topic t.
func ntfyNotifier(t *testing.T) (*notifytest.Ntfy, *notify.Notifier) {
	t.Helper()
	nt := notifytest.StartNtfy(t)
	n, err := notify.New(notify.Config{DataDir: t.TempDir(), Channels: []notify.ChannelConfig{
		{Name: "ntfy", Kind: notify.KindNtfy, URL: nt.URL + "/t"}}})
	if err != nil {
		t.Fatal(err)
	}
	return nt, n
}
