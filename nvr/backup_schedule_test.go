package nvr

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	dto "github.com/prometheus/client_model/go"

	"github.com/porchlight/porchlight/internal/testutil"
)

// runScheduledNode starts an initialised node whose config turns scheduled backups on (into the returned
// directory, keep 3, the passphrase in pass beside the config) and stops it when the test ends.
func runScheduledNode(t *testing.T) (*Node, string) {
	t.Helper()
	cfgPath := initForServe(t)
	usb := filepath.Join(t.TempDir(), "usb")
	b, _ := os.ReadFile(cfgPath)
	s := strings.Replace(string(b), `  dir: ""  `, "  dir: "+usb+"  ", 1)
	s = strings.Replace(s, "  keep: 7 ", "  keep: 3 ", 1)
	s = strings.Replace(s, `  passphrase_file: ""`, "  passphrase_file: pass", 1)
	if err := os.WriteFile(cfgPath, []byte(s), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(filepath.Dir(cfgPath), "pass"), []byte("usb stick secret\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	cfg, err := Load(cfgPath)
	if err != nil {
		t.Fatal(err)
	}
	if cfg.Backup.Dir != usb || cfg.Backup.Keep != 3 {
		t.Fatalf("config edit failed: backup %+v", cfg.Backup)
	}
	n, err := NewNode(cfg, nil)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- n.Run(ctx) }()
	t.Cleanup(func() { cancel(); <-done })
	return n, usb
}

// TestScheduledBackupKeepsN: five scheduled backups an hour apart leave the newest three, each complete
// (it restores to the node's peer ID), and the success metric is set.
func TestScheduledBackupKeepsN(t *testing.T) {
	n, usb := runScheduledNode(t)
	clock := time.Date(2026, 12, 1, 3, 0, 0, 0, time.UTC)
	s := n.backup
	s.now = func() time.Time { return clock }
	var names []string
	for range 5 {
		if err := s.once(context.Background()); err != nil {
			t.Fatal(err)
		}
		names = append(names, backupPrefix+clock.Format("20060102T150405Z")+".tar.gz.age")
		clock = clock.Add(time.Hour)
	}
	entries, _ := os.ReadDir(usb)
	var got []string
	for _, e := range entries {
		got = append(got, e.Name())
	}
	if strings.Join(got, " ") != strings.Join(names[2:], " ") {
		t.Errorf("backup dir holds %v, want the newest 3: %v", got, names[2:])
	}
	if v := gaugeValue(s.success); v != float64(clock.Add(-time.Hour).Unix()) {
		t.Errorf("last success metric: got %v, want the last run's time", v)
	}
	f, err := os.Open(filepath.Join(usb, names[4]))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	res, err := Restore(filepath.Join(t.TempDir(), "r"), f, "usb stick secret", false)
	if err != nil {
		t.Fatal(err)
	}
	if res.Node != "Elm Street 12" || res.PeerID == "" {
		t.Errorf("restored %+v, want Elm Street 12 with its peer ID", res)
	}
}

// TestScheduledBackupFailure: when the passphrase file has gone, the schedule's run reports the failure
// (to the owner's notifications in the node), names the key, sets the failure metric and writes nothing.
func TestScheduledBackupFailure(t *testing.T) {
	n, usb := runScheduledNode(t)
	s, err := newScheduledBackup(n.cfg, nodeBackups{n}.snapshot, prometheus.NewRegistry(), n.log)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.Remove(filepath.Join(filepath.Dir(n.cfg.Path), "pass")); err != nil {
		t.Fatal(err)
	}
	s.first = 0
	failed := make(chan error, 1)
	s.failed = func(err error) {
		select {
		case failed <- err:
		default:
		}
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- s.run(ctx) }()
	select {
	case err = <-failed:
	case <-time.After(20 * time.Second):
		t.Fatal("no failure reported within 20s")
	}
	cancel()
	<-done
	if !strings.HasPrefix(err.Error(), "backup.passphrase_file: ") {
		t.Errorf("got %v, want an error naming backup.passphrase_file", err)
	}
	testutil.WaitFor(t, time.Second, "the failure metric", func() bool { return gaugeValue(s.failure) > 0 })
	if entries, _ := os.ReadDir(usb); len(entries) != 0 {
		t.Errorf("a failed backup left %v", entries)
	}
}

// gaugeValue reads a gauge's current value.
func gaugeValue(g prometheus.Gauge) float64 {
	var m dto.Metric
	if err := g.Write(&m); err != nil {
		return -1
	}
	return m.GetGauge().GetValue()
}
