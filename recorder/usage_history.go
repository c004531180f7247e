package recorder

import (
	"context"
	"fmt"
	"maps"
	"sync"
	"syscall"
	"time"
)

// usageInterval is how often the disk usage is sampled; usageSamples of them cover 7 days.
const (
	usageInterval = time.Minute
	usageSamples  = 7 * 24 * 60
)

// UsageSample is the footage on disk at one moment.
type UsageSample struct {
	Time    time.Time
	Bytes   int64            // footage of every camera
	Free    int64            // free bytes of the data dir's filesystem for unprivileged users; -1: unknown
	Cameras map[string]int64 // footage per camera, all its streams together
}

// FSUsage is the size of the filesystem holding the data dir.
type FSUsage struct {
	Total int64 // bytes
	Free  int64 // bytes available to unprivileged users
}

// usageRing keeps the newest samples in a fixed ring: memory stays bounded however long the process runs.
type usageRing struct {
	mu   sync.Mutex
	buf  []UsageSample
	next int // where the next sample goes
	n    int // samples held, at most len(buf)
}

func newUsageRing(size int) *usageRing { return &usageRing{buf: make([]UsageSample, size)} }

func (u *usageRing) add(s UsageSample) {
	u.mu.Lock()
	defer u.mu.Unlock()
	u.buf[u.next] = s
	u.next = (u.next + 1) % len(u.buf)
	u.n = min(u.n+1, len(u.buf))
}

// samples returns the samples held, oldest first.
func (u *usageRing) samples() []UsageSample {
	u.mu.Lock()
	defer u.mu.Unlock()
	out := make([]UsageSample, 0, u.n)
	start := (u.next - u.n + len(u.buf)) % len(u.buf)
	for i := range u.n {
		s := u.buf[(start+i)%len(u.buf)]
		s.Cameras = maps.Clone(s.Cameras)
		out = append(out, s)
	}
	return out
}

// UsageHistory returns the disk usage sampled every minute over the last 7 days at most, oldest first.
func (r *Recorder) UsageHistory() []UsageSample { return r.usage.samples() }

// Filesystem reports the size and free space of the filesystem holding the data dir.
func (r *Recorder) Filesystem() (FSUsage, error) {
	var st syscall.Statfs_t
	if err := syscall.Statfs(r.cfg.DataDir, &st); err != nil {
		return FSUsage{}, fmt.Errorf("recorder: statfs %s: %w", r.cfg.DataDir, err)
	}
	return FSUsage{Total: int64(st.Blocks) * int64(st.Bsize), Free: int64(st.Bavail) * int64(st.Bsize)}, nil
}

// DiskWarning returns why the disk is short of space when it is filling for other reasons than
// recording and retention frees no more (see spaceBudget), or "" while it is not.
func (r *Recorder) DiskWarning() string { return r.space.Warning() }

// RetentionLimits returns the global limits, each camera's own limits and the free-space floor in bytes.
func (r *Recorder) RetentionLimits() (global Limits, cameras map[string]Limits, minFree int64) {
	cams, _ := r.snapshot()
	cameras = make(map[string]Limits, len(cams))
	for _, c := range cams {
		cameras[c.Name] = c.Retention
	}
	return r.cfg.Retention, cameras, r.cfg.MinFree
}

// usageLoop samples the disk usage now and then every usageInterval until ctx is done.
func (r *Recorder) usageLoop(ctx context.Context) {
	t := time.NewTicker(usageInterval)
	defer t.Stop()
	for {
		r.sampleUsage()
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

func (r *Recorder) sampleUsage() {
	s := UsageSample{Time: r.cfg.Now(), Free: -1, Cameras: map[string]int64{}}
	_, streams := r.snapshot()
	for _, st := range streams {
		u, err := r.db.Usage(st.key)
		if err != nil {
			continue
		}
		s.Bytes += u.Bytes
		s.Cameras[st.camera] += u.Bytes
	}
	if fs, err := r.Filesystem(); err == nil {
		s.Free = fs.Free
	}
	r.usage.add(s)
}
