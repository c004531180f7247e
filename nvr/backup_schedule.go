package nvr

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/porchlight/porchlight/internal/atomicfile"
)

// backupPrefix starts the name of every archive the schedule writes; the UTC time follows, so names sort
// by age.
const backupPrefix = "porchlight-backup-"

// scheduledBackup writes a backup archive into a directory every so often, keeping the newest few. Its
// state is its own: the metrics and the time of the next run.
type scheduledBackup struct {
	cfg     *Config
	dir     string // cfg.Backup.Dir resolved
	snap    snapshotFunc
	log     *slog.Logger
	now     func() time.Time
	failed  func(error) // tells the owner (notify); nil: only logged
	first   time.Duration
	success prometheus.Gauge
	failure prometheus.Gauge
	size    prometheus.Gauge
}

// newScheduledBackup returns the schedule of cfg.Backup, or nil when backups are off; an error when the
// passphrase file holds no passphrase. Its metrics join reg.
func newScheduledBackup(cfg *Config, snap snapshotFunc, reg prometheus.Registerer, log *slog.Logger) (*scheduledBackup, error) {
	if cfg.Backup.Dir == "" {
		return nil, nil
	}
	if cfg.Backup.Encrypt {
		if _, err := readPassphrase(cfg.resolve(cfg.Backup.PassphraseFile)); err != nil {
			return nil, fmt.Errorf("backup.passphrase_file: %w", err)
		}
	}
	s := &scheduledBackup{cfg: cfg, dir: cfg.resolve(cfg.Backup.Dir), snap: snap, log: log.With("component", "backup"),
		now: time.Now, first: time.Minute,
		success: prometheus.NewGauge(prometheus.GaugeOpts{Name: "porchlight_backup_last_success_timestamp_seconds",
			Help: "When the last scheduled backup was written (Unix time); 0: none since start."}),
		failure: prometheus.NewGauge(prometheus.GaugeOpts{Name: "porchlight_backup_last_failure_timestamp_seconds",
			Help: "When the last scheduled backup failed (Unix time); 0: none since start."}),
		size: prometheus.NewGauge(prometheus.GaugeOpts{Name: "porchlight_backup_last_size_bytes",
			Help: "Size of the last backup archive written."}),
	}
	reg.MustRegister(s.success, s.failure, s.size)
	return s, nil
}

// run writes a backup when the newest archive in the directory is Every old (the first no sooner than
// s.first after start, so that a node restarting in a loop does not write one each time), until ctx ends.
func (s *scheduledBackup) run(ctx context.Context) error {
	every := time.Duration(s.cfg.Backup.Every)
	next := s.now().Add(s.first)
	if newest, ok := s.newest(); ok && newest.Add(every).After(next) {
		next = newest.Add(every)
	}
	for {
		t := time.NewTimer(next.Sub(s.now()))
		select {
		case <-ctx.Done():
			t.Stop()
			return nil
		case <-t.C:
		}
		if err := s.once(ctx); err != nil && ctx.Err() == nil {
			s.failure.Set(float64(s.now().Unix()))
			s.log.Error("scheduled backup failed", "dir", s.dir, "err", err)
			if s.failed != nil {
				s.failed(err)
			}
			next = s.now().Add(min(every, time.Hour)) // try again sooner than a whole period later
			continue
		}
		next = s.now().Add(every)
	}
}

// once writes one archive (temp file, fsync, rename) and removes the oldest beyond Keep.
func (s *scheduledBackup) once(ctx context.Context) error {
	b := s.cfg.Backup
	opts := backupOptions{WithRecordings: b.WithRecordings, Exclude: []string{s.dirAbs()}}
	if b.Encrypt {
		pass, err := readPassphrase(s.cfg.resolve(b.PassphraseFile))
		if err != nil {
			return fmt.Errorf("backup.passphrase_file: %w", err)
		}
		opts.Passphrase = pass
	}
	if err := os.MkdirAll(s.dir, 0o700); err != nil {
		return fmt.Errorf("backup.dir: %w", err)
	}
	name := backupPrefix + s.now().UTC().Format("20060102T150405Z") + archiveExt(b.Encrypt)
	path := filepath.Join(s.dir, name)
	n, err := atomicfile.WriteFrom(path, 0o600, func(w io.Writer) error {
		_, warnings, err := writeBackup(ctx, s.cfg, w, opts, s.snap)
		for _, w := range warnings {
			s.log.Warn("scheduled backup: " + w)
		}
		return err
	})
	if err != nil {
		return err
	}
	s.success.Set(float64(s.now().Unix()))
	s.size.Set(float64(n))
	s.log.Info("scheduled backup written", "file", path, "bytes", n)
	return s.prune()
}

// dirAbs is the backup directory as an absolute path.
func (s *scheduledBackup) dirAbs() string {
	if abs, err := filepath.Abs(s.dir); err == nil {
		return abs
	}
	return s.dir
}

// archiveExt is the file name extension of an archive.
func archiveExt(encrypted bool) string {
	if encrypted {
		return ".tar.gz.age"
	}
	return ".tar.gz"
}

// archives lists the schedule's archives in the directory, oldest first.
func (s *scheduledBackup) archives() []string {
	entries, _ := os.ReadDir(s.dir)
	var names []string
	for _, e := range entries {
		if n := e.Name(); e.Type().IsRegular() && strings.HasPrefix(n, backupPrefix) && strings.Contains(n, ".tar.gz") {
			names = append(names, n)
		}
	}
	slices.Sort(names)
	return names
}

// newest returns when the newest archive was written.
func (s *scheduledBackup) newest() (time.Time, bool) {
	names := s.archives()
	if len(names) == 0 {
		return time.Time{}, false
	}
	fi, err := os.Stat(filepath.Join(s.dir, names[len(names)-1]))
	if err != nil {
		return time.Time{}, false
	}
	return fi.ModTime(), true
}

// prune removes the oldest archives beyond Keep.
func (s *scheduledBackup) prune() error {
	names := s.archives()
	var errs []error
	for _, n := range names[:max(0, len(names)-s.cfg.Backup.Keep)] {
		if err := os.Remove(filepath.Join(s.dir, n)); err != nil {
			errs = append(errs, err)
		} else {
			s.log.Info("old backup removed", "file", n)
		}
	}
	if len(errs) > 0 {
		return fmt.Errorf("backup.keep: %w", errs[0])
	}
	return nil
}

// runBackup starts the scheduled backups, if any; stop ends them and waits up to d.
func (n *Node) runBackup() (stop func(d time.Duration) error) {
	if n.backup == nil {
		return func(time.Duration) error { return nil }
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- n.backup.run(ctx) }()
	return func(d time.Duration) error {
		cancel()
		return waitFor(done, d, "scheduled backup")
	}
}
