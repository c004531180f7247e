package recorder

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"time"

	"github.com/porchlight/porchlight/recorder/index"
)

func (r *Recorder) retentionLoop(ctx context.Context) {
	t := time.NewTicker(r.cfg.RetentionInterval)
	defer t.Stop()
	for {
		r.applyRetention(0)
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// freeNow is called by a writer whose write failed on a full disk: it deletes the oldest deletable
// footage, at least need bytes of it, and reports whether anything was deleted.
func (r *Recorder) freeNow(need int64) bool {
	return r.applyRetention(max(need, 1)) > 0
}

// applyRetention runs one retention pass and returns how many segments it deleted. need is 0 for the
// periodic pass; a writer that hit a full disk passes the bytes it needs.
func (r *Recorder) applyRetention(need int64) int {
	r.retMu.Lock()
	defer r.retMu.Unlock()
	return r.carryOut(r.planPass(need))
}

// retentionPass is a pass's plan and the streams it was made for.
type retentionPass struct {
	plan  retentionPlan
	byKey map[string]*stream
}

// planPass reads what a retention pass depends on and plans it. Call with retMu held.
func (r *Recorder) planPass(need int64) retentionPass {
	now := r.cfg.Now()
	in := retentionInput{now: now, global: r.cfg.Retention, cameras: map[string]Limits{},
		oldest: map[string][]candidate{}, bytes: map[string]int64{}, free: -1, minFree: r.cfg.MinFree,
		need: need, held: r.holds.covers, open: map[string]uint64{}, keep: map[string]time.Time{}}
	cams, streams := r.snapshot()
	byKey := make(map[string]*stream, len(streams))
	for _, c := range cams {
		in.cameras[c.Name] = c.Retention
	}
	facts := diskFacts{free: -1, total: -1, minFree: r.cfg.MinFree, keep: r.cfg.KeepRecent}
	if fs, err := r.Filesystem(); err == nil {
		in.free, facts.free, facts.total = fs.Free, fs.Free, fs.Total
	}
	r.space.accrue(streams, need == 0, in.minFree <= 0 || in.free < 0 || in.free >= in.minFree)
	in.credit = r.space.credit
	r.scan.db, r.scan.keeper, r.scan.held = r.db, r.keeper, r.holds.covers
	r.scan.begin(streams, now)
	in.more = map[string]bool{}
	for _, s := range streams {
		byKey[s.key] = s
		u, err := r.db.Usage(s.key)
		if err != nil {
			continue
		}
		in.bytes[s.key] = u.Bytes
		facts.footage += u.Bytes
		if r.cfg.KeepRecent > 0 && !u.Newest.IsZero() {
			in.keep[s.key] = u.Newest.Add(-r.cfg.KeepRecent)
		}
		// Every segment the muxer has started (the writer may open it any moment) is off limits.
		in.open[s.key] = s.ids.current()
		cands, more, err := r.scan.candidates(s, in.open[s.key])
		if err != nil {
			s.log.Warn("retention: reading the index or the events", "err", err)
		}
		in.oldest[s.key], in.more[s.key] = cands, more
	}
	plan := planRetention(in)
	r.space.observe(plan.short, need == 0, now, r.cfg.RetentionInterval, facts, r.log)
	return retentionPass{plan: plan, byKey: byKey}
}

// carryOut deletes what the pass planned, except segments held since it was planned, and charges the
// space budget's credit with what it deleted for free space: a planned deletion that was skipped (held
// meanwhile, or its file could not be removed) costs nothing. It returns how many segments it deleted.
// Call with retMu held.
func (r *Recorder) carryOut(pass retentionPass) int {
	deleted := 0
	for _, c := range pass.plan.del {
		s := pass.byKey[c.key]
		if r.holds.covers(c.camera, c.start, c.end) {
			continue // held since the plan was made (an export that just started)
		}
		path := filepath.Join(streamDir(r.cfg.DataDir, c.key), c.file)
		// The file goes first: a crash in between leaves an index row without a file, which start-up
		// removes, never a file without a row, which recovery would bring back.
		if err := os.Remove(path); err != nil && !errors.Is(err, os.ErrNotExist) {
			s.log.Warn("retention: remove segment", "file", path, "err", err)
			continue
		}
		if err := r.db.Delete(c.key, c.id); err != nil && !errors.Is(err, index.ErrNotFound) {
			s.log.Warn("retention: delete index row", "id", c.id, "err", err)
		}
		s.stats.deleted(c.size, c.reason, c.event)
		if c.reason == reasonFreeSpace {
			r.space.credit -= c.size
		}
		deleted++
	}
	if deleted > 0 {
		r.log.Info("retention deleted segments", "segments", deleted)
	}
	return deleted
}
