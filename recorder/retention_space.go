package recorder

import (
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"time"
)

// DefaultKeepRecent is the floor of recent footage when Config.KeepRecent is zero.
const DefaultKeepRecent = 10 * time.Minute

// warnLogEvery is how often a lasting disk warning is logged again.
const warnLogEvery = 10 * time.Minute

// spaceBudget tells retention's deletions for free space (min_free, a write that failed on a full disk)
// Porchlight's own growth from other programs'. Its credit is what recording handed its writers since
// the disk was last fine (at most one retention interval's worth is carried into a fine pass), and
// deletions for free space stop once they have freed that much: footage is rolled over at the rate it is
// recorded, never faster, however fast something else fills the disk. When free space stays short for a
// retention interval, it raises a warning: logged as an error, shown by the storage API, and counted in
// the metrics. Its methods other than Warning run under Recorder.retMu.
type spaceBudget struct {
	seen    map[string]uint64 // per stream key, the bytes handed to its writer at the last pass
	credit  int64
	starved bool // a write failed on a full disk since the last periodic pass
	// writeShort is whether the last pass for a failed write could not free what it needed; failing
	// is, for a periodic pass, whether that was so at some write since the previous one.
	writeShort, failing bool

	shortSince time.Time // since when free space has been short; zero while it is not
	logged     time.Time // when the warning was last logged

	mu      sync.Mutex
	warning string
}

// accrue adds what the streams handed their writers since the last call to the credit. A periodic pass
// that finds the disk fine keeps at most what this interval brought: earlier growth was provided for.
func (b *spaceBudget) accrue(streams []*stream, periodic, fine bool) {
	var delta int64
	seen := make(map[string]uint64, len(streams)) // of the current streams only
	for _, s := range streams {
		in := s.stats.snapshot().BytesIn
		if last, ok := b.seen[s.key]; ok && in >= last {
			delta += int64(in - last)
		}
		seen[s.key] = in
	}
	b.seen = seen
	b.credit += delta
	if periodic {
		if fine && !b.starved {
			b.credit = min(b.credit, delta)
		}
		b.failing = b.starved && b.writeShort
		b.starved, b.writeShort = false, false
	} else {
		b.starved = true
	}
}

// observe records the outcome of a pass: whether free space stayed short, and the numbers a person needs
// to see why. A periodic pass counts as short too while writes fail for lack of space (without min_free
// it sees no shortfall of its own).
func (b *spaceBudget) observe(short, periodic bool, now time.Time, interval time.Duration, facts diskFacts, log *slog.Logger) {
	if !periodic {
		b.writeShort = short
	} else if b.failing {
		short = true
	}
	if !short {
		if b.Warning() != "" {
			log.Info("disk space is fine again", "free", facts.free)
		}
		b.shortSince = time.Time{}
		b.setWarning("")
		return
	}
	if b.shortSince.IsZero() {
		b.shortSince = now
	}
	if now.Sub(b.shortSince) < interval {
		return // a single pass is not yet a trend
	}
	msg := facts.String()
	if b.Warning() == "" || now.Sub(b.logged) >= warnLogEvery {
		log.Error("disk is filling for other reasons than recording", "warning", msg)
		b.logged = now
	}
	b.setWarning(msg)
}

func (b *spaceBudget) setWarning(msg string) {
	b.mu.Lock()
	b.warning = msg
	b.mu.Unlock()
}

// Warning returns the current disk warning, or "".
func (b *spaceBudget) Warning() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.warning
}

// diskFacts are the numbers behind a disk warning.
type diskFacts struct {
	free, total, minFree int64 // bytes; free and total -1 when unknown
	footage              int64 // Porchlight's footage of the current cameras
	keep                 time.Duration
}

func (f diskFacts) String() string {
	var b strings.Builder
	b.WriteString("the disk of the data dir is filling up for other reasons than recording: ")
	if f.free >= 0 {
		fmt.Fprintf(&b, "%s free", fmtBytes(f.free))
		if f.minFree > 0 {
			fmt.Fprintf(&b, " (min_free %s)", fmtBytes(f.minFree))
		}
	} else {
		b.WriteString("writes fail for lack of space")
	}
	fmt.Fprintf(&b, "; footage %s", fmtBytes(f.footage))
	if f.total >= 0 && f.free >= 0 {
		fmt.Fprintf(&b, ", other files %s", fmtBytes(max(f.total-f.free-f.footage, 0)))
	}
	b.WriteString(". Retention deletes old footage only as fast as recording writes new, never held footage")
	if f.keep > 0 {
		fmt.Fprintf(&b, " nor the newest %s of a camera", f.keep)
	}
	b.WriteString(": free space by removing other files")
	return b.String()
}

// fmtBytes formats n bytes for a person: 1.5 GiB, 300 MiB, 12 KiB.
func fmtBytes(n int64) string {
	const unit = 1024
	if n < unit {
		return fmt.Sprintf("%d B", n)
	}
	div, exp := int64(unit), 0
	for m := n / unit; m >= unit && exp < 4; m /= unit {
		div *= unit
		exp++
	}
	return fmt.Sprintf("%.1f %ciB", float64(n)/float64(div), "KMGTP"[exp])
}
