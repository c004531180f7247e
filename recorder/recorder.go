package recorder

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"slices"
	"sync"
	"time"

	bolt "go.etcd.io/bbolt"

	"github.com/porchlight/porchlight/recorder/export"
	"github.com/porchlight/porchlight/recorder/index"
)

// Errors callers branch on.
var (
	ErrUnknownCamera = errors.New("unknown camera")
	ErrNoRecording   = errors.New("nothing recorded in that range")
	// ErrRangeTooLong reports an export range longer than export.MaxRange (a day).
	ErrRangeTooLong = export.ErrRangeTooLong
)

// Recorder records every configured camera to disk and answers questions about what it recorded.
type Recorder struct {
	cfg     Config
	db      *index.DB
	mu      sync.Mutex
	streams map[string]*stream // by stream key "camera/main"
	order   []*stream
	holds   holds
	retMu   sync.Mutex // serialises retention passes (the periodic one and a full disk's)
	// setMu serialises SetCameras calls and recovery, so a stream added at run time is recovered once.
	setMu     sync.Mutex
	recovered bool            // Recover has run (under setMu)
	runCtx    context.Context // non-nil while Run is starting streams (under mu)
	usage     *usageRing      // disk usage history, sampled by Run
	events    *eventHub       // stores events and tells subscribers
	space     spaceBudget     // what retention may free for free space; the disk warning
	scan      retentionScan   // how retention reads its candidates (under retMu)
	// keeper reports the footage events keep, which retention keeps longer: the event store (tests
	// replace it before Run).
	keeper eventKeeper
	log    *slog.Logger

	recoverOnce sync.Once
}

// New validates cfg and opens the index. Run starts recording.
func New(cfg Config) (*Recorder, error) {
	cfg.setDefaults()
	if err := cfg.validate(); err != nil {
		return nil, err
	}
	if err := os.MkdirAll(cfg.DataDir, 0o750); err != nil {
		return nil, fmt.Errorf("recorder: %w", err)
	}
	db, err := index.Open(filepath.Join(cfg.DataDir, "index.db"), &index.Options{SegmentLayout: SegmentLayoutVersion})
	if err != nil {
		return nil, fmt.Errorf("recorder: open index: %w", err)
	}
	r := &Recorder{cfg: cfg, db: db, streams: make(map[string]*stream), usage: newUsageRing(usageSamples),
		events: newEventHub(db), log: cfg.Logger.With("component", "recorder")}
	r.keeper = eventKeep{r}
	for _, cam := range cfg.Cameras {
		ss, err := r.newStreams(cam)
		if err != nil {
			db.Close()
			return nil, err
		}
		for _, s := range ss {
			r.streams[s.key] = s
			r.order = append(r.order, s)
		}
	}
	return r, nil
}

// newStreams creates the streams of a camera (main, and sub if it has one) without starting them.
func (r *Recorder) newStreams(cam CameraConfig) ([]*stream, error) {
	s, err := r.newStream(cam, "main", cam.URL)
	if err != nil || cam.SubURL == "" {
		return []*stream{s}, err
	}
	sub, err := r.newStream(cam, "sub", cam.SubURL)
	return []*stream{s, sub}, err
}

func (r *Recorder) newStream(cam CameraConfig, name, url string) (*stream, error) {
	key := cam.Name + "/" + name
	st := &streamStats{s: StreamStatus{Camera: cam.Name, Stream: name, State: StateConnecting}}
	if cam.Disabled {
		st.s.State = StateDisabled
	}
	ids := &idSource{}
	if last, err := r.db.Last(key); err == nil {
		ids.last = last.ID
	} else if !errors.Is(err, index.ErrNotFound) {
		return nil, fmt.Errorf("recorder: %s: %w", key, err)
	}
	s := &stream{camera: cam.Name, name: name, key: key, url: url, transport: cam.Transport, disabled: cam.Disabled,
		cfg: &r.cfg, now: r.cfg.Now, readTimeout: r.cfg.ReadTimeout, ids: ids, queue: newDiskQueue(r.cfg.QueueDuration),
		hub: newHub(), stats: st,
		log: r.cfg.Logger.With("component", "recorder", "camera", cam.Name, "stream", name)}
	s.cuts = newCutBudget(s.log, st)
	s.writer = &segWriter{stream: key, dir: streamDir(r.cfg.DataDir, key), db: r.db, fsyncEvery: r.cfg.FsyncInterval,
		now: r.cfg.Now, log: s.log, stats: st}
	s.writer.makeRoom = func(need int64) bool { return r.freeNow(need) }
	if name == "main" {
		s.motion.Store(&cam.Motion)
		s.det = newDetector(cam.Name, &s.motion, r.events, s.log, r.cfg.Now)
		s.det.snaps.src.Store(&snapSources{url: cam.SnapshotURL, camera: cam.URL})
		if u := onvifEvents(cam); u != "" {
			snaps := s.det.snaps
			s.onvif = &cameraEvents{camera: cam.Name, url: u, events: r.events, log: s.log, now: r.cfg.Now,
				backoffMin: r.cfg.BackoffMin, backoffMax: r.cfg.BackoffMax,
				snapshot: func(id uint64) {
					// A still picture from the camera's URL (snapshot_url, else its ONVIF one); there is no
					// keyframe to decode for an event the camera reported.
					if snaps.src.Load().url != "" || snaps.onvif() != "" {
						snaps.queue(snapJob{id: id})
					}
				}}
		}
	}
	return s, nil
}

// Run recovers what a crash left, then records until ctx is done. Cameras added by SetCameras while it
// runs are started too. It returns when every session and writer it started has stopped.
func (r *Recorder) Run(ctx context.Context) error {
	r.Recover()
	r.mu.Lock()
	r.runCtx = ctx
	for _, s := range r.order {
		s.start(ctx)
	}
	r.mu.Unlock()
	var ret sync.WaitGroup
	ret.Go(func() { r.retentionLoop(ctx) })
	ret.Go(func() { r.usageLoop(ctx) })
	<-ctx.Done()
	r.mu.Lock()
	r.runCtx = nil // from here SetCameras adds streams without starting them
	streams := slices.Clone(r.order)
	r.mu.Unlock()
	// A stream SetCameras is replacing is still in r.order until it has stopped, so it is waited for here.
	stopStreams(streams)
	ret.Wait()
	r.events.shutdown()
	return nil
}

// Recover reconciles the index with the segment files, once: segments a crash left unindexed or
// indexed in part are scanned (torn tails cut) and rows whose files are gone are dropped. Run calls it;
// call it directly to inspect a data dir without recording.
func (r *Recorder) Recover() {
	r.recoverOnce.Do(func() {
		r.setMu.Lock()
		defer r.setMu.Unlock()
		r.mu.Lock()
		streams := slices.Clone(r.order)
		r.mu.Unlock()
		for _, s := range streams {
			r.recoverOne(s)
		}
		r.recoverEvents()
		r.recovered = true
	})
}

func (r *Recorder) recoverOne(s *stream) {
	if err := r.recoverStream(s); err != nil {
		s.log.Error("recovery failed", "err", err)
	}
}

// stream finds a stream by camera and stream name ("" means "main").
func (r *Recorder) stream(camera, name string) (*stream, error) {
	if name == "" {
		name = "main"
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	s, ok := r.streams[camera+"/"+name]
	if !ok {
		return nil, fmt.Errorf("%w: %q (stream %q)", ErrUnknownCamera, camera, name)
	}
	return s, nil
}

// Status returns the health of every stream, in config order.
func (r *Recorder) Status() []StreamStatus {
	r.mu.Lock()
	defer r.mu.Unlock()
	out := make([]StreamStatus, 0, len(r.order))
	for _, s := range r.order {
		st := s.stats.snapshot()
		if s.det != nil {
			st.MotionNanos, st.MotionCPUNanos, st.MotionShed = s.det.nanos.Load(), s.det.cpu.Load(), s.det.shed.Load()
			kf := s.det.keyframeStatus()
			st.Keyframe = &kf
		}
		if u, err := r.db.Usage(s.key); err == nil {
			st.DiskBytes, st.Oldest = u.Bytes, u.Oldest
		}
		out = append(out, st)
	}
	return out
}

// Close closes the index. Call it after Run has returned (or instead of Run).
func (r *Recorder) Close() error { return r.db.Close() }

// LivePartMax is the longest live part the recorder cuts (its fragment duration, at most its part
// duration): what an LL-HLS playlist announces as its part target.
func (r *Recorder) LivePartMax() time.Duration {
	return min(r.cfg.FragmentDuration, r.cfg.PartDuration)
}

// Live returns the live hub of a camera stream.
func (r *Recorder) Live(camera, stream string) (*Hub, error) {
	s, err := r.stream(camera, stream)
	if err != nil {
		return nil, err
	}
	return s.hub, nil
}

// SnapshotIndex begins a read transaction on the index for a consistent copy (see index.DB.Snapshot);
// the caller must Rollback it.
func (r *Recorder) SnapshotIndex() (*bolt.Tx, error) { return r.db.Snapshot() }

// WriteIndexWithoutSegments writes to path a copy of the index with its events but no segment records
// (see index.DB.WriteWithoutSegments), for a backup without the segment files.
func (r *Recorder) WriteIndexWithoutSegments(path string) error {
	return r.db.WriteWithoutSegments(path)
}
