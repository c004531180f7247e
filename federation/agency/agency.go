package agency

import (
	"context"
	"crypto/ed25519"
	"errors"
	"io"
	"log/slog"
	"sync"
	"time"

	"filippo.io/age"
	"github.com/libp2p/go-libp2p/core/network"
	"github.com/libp2p/go-libp2p/core/peer"
	"github.com/prometheus/client_golang/prometheus"
	bolt "go.etcd.io/bbolt"

	"github.com/porchlight/porchlight/federation/roster"
	"github.com/porchlight/porchlight/federation/tlog"
	"github.com/porchlight/porchlight/federation/wire"
	"github.com/porchlight/porchlight/internal/broadcast"
)

// Agency is a node's agency-request side (see the package doc). It owns its state, its locks, its
// buckets in the node's database (reqStore) and its background work (Run); it reaches the hood core only
// through Core, and implements the core's federation.Requests hooks.
type Agency struct {
	cfg     Config
	core    Core
	log     *slog.Logger
	now     func() time.Time
	self    peer.ID
	store   *reqStore
	metrics *agencyMetrics
	witness *tlog.Witness // checkpoints of agencies' logs seen, and fork evidence
	reqSubs broadcast.Broadcast[RequestInfo]

	logMu      sync.Mutex // notices leave in log order; guards reqLog and lastNotice
	reqLog     *tlog.Log  // agency nodes: the public request log, opened on first use
	lastNotice int64      // the log size the last notice's checkpoint carried

	rateMu     sync.Mutex
	reqPending map[peer.ID]map[string]int64 // requests accepted, not stored yet, by agency

	auditMu   sync.Mutex // checking and applying fetched logs; the latest audit's reports, reused for a while
	auditAt   time.Time  // when the reports kept were made
	auditFrom time.Time  // when the audit that made them started
	auditReps []LogReport

	subMu     sync.Mutex      // one submission stored at a time: counts and log entries stay in step
	receiving map[string]bool // ciphertext IDs being received

	ageMu sync.Mutex
	ageID *age.X25519Identity // agency nodes: the key approved clips are encrypted to

	deliverKick chan struct{}

	bgMu     sync.Mutex // spawned work (checkpoint checks): none starts once bgCtx is done
	bg       sync.WaitGroup
	bgCtx    context.Context
	bgCancel context.CancelFunc
}

// Config configures an Agency. Zero values take the defaults in parentheses.
type Config struct {
	DataDir      string             // holds the submissions, the outbox and the age key
	Key          ed25519.PrivateKey // the node identity: it signs requests, notices, checkpoints, receipts, approvals
	Role         string             // wire.RoleHousehold or wire.RoleAgency (keeps a log, takes deliveries)
	Cameras      CameraSource       // where this home's cameras look; nil: no request ever matches
	Clips        ClipHolder         // holds an approved clip from retention; nil: this node records no cameras
	DeliverRetry time.Duration      // how long a home waits to retry a delivery that moved nothing (15 s)
	Logger       *slog.Logger
	Registerer   prometheus.Registerer
	Clock        func() time.Time
}

// ClipHolder is what the agency side needs of the recorder: keeping an approved clip from retention. The
// footage itself is read through the core (Core.ExportLocal), the one footage gate.
type ClipHolder interface {
	Hold(camera string, start, end, until time.Time)
}

// Core is what the agency side needs of the hood core (*federation.Node implements it): credentials and
// membership (the hoods' rosters), publishing to a hood, streams to members and the protocols it serves,
// the node's database, the rejection counter, and the footage gate (the core's egress.go).
type Core interface {
	// Roster runs fn with a hood's roster ("" is the only hood) under the core's lock; fn only reads.
	Roster(hood string, fn func(r *roster.Roster)) error
	// Rosters runs fn with every hood's roster, under the core's lock; fn only reads.
	Rosters(fn func(r *roster.Roster))
	IsMember(p peer.ID) bool
	IsHoodMember(hood string, p peer.ID) bool
	Publish(hood string, rec wire.Signed) error
	OpenStream(ctx context.Context, p peer.ID, proto string) (network.Stream, error)
	// Handle serves a protocol; guests (non-members let in to join) reach it only if guests is set.
	Handle(proto string, guests bool, serve network.StreamHandler)
	Reject(p peer.ID, reason, detail string)
	DB() *bolt.DB
	SendApproved(ctx context.Context, s network.Stream, a *wire.Approval, rec wire.Signed, sealed string) ([]byte, error)
	ExportLocal(ctx context.Context, camera string, start, end time.Time, w io.Writer) (int64, error)
}

// New opens the agency side's buckets in the core's database and serves its protocols on the core. nvr
// calls it from federation.Config.AttachRequests, so the core attaches it before its host starts; the
// caller then runs it, and closes it before the core.
func New(cfg Config, core Core) (*Agency, error) {
	if len(cfg.Key) != ed25519.PrivateKeySize {
		return nil, errors.New("agency: no node key")
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	if cfg.Clock == nil {
		cfg.Clock = time.Now
	}
	if cfg.DeliverRetry == 0 {
		cfg.DeliverRetry = 15 * time.Second
	}
	self, err := roster.PeerOf(cfg.Key.Public().(ed25519.PublicKey))
	if err != nil {
		return nil, err
	}
	st, err := openReqStore(core.DB())
	if err != nil {
		return nil, err
	}
	ag := &Agency{cfg: cfg, core: core, log: cfg.Logger, now: cfg.Clock, self: self, store: st,
		metrics: newAgencyMetrics(cfg.Registerer), reqPending: map[peer.ID]map[string]int64{},
		receiving: map[string]bool{}, deliverKick: make(chan struct{}, 1)}
	if ag.witness, err = tlog.NewWitness(st.db, bWitness); err != nil {
		return nil, err
	}
	ag.bgCtx, ag.bgCancel = context.WithCancel(context.Background())
	core.Handle(protoLog, true, ag.serveLog) // guests: the checkpoint and consistency proofs only
	core.Handle(protoDeliver, false, ag.serveDeliver)
	return ag, nil
}

// Run delivers approved clips and sweeps old requests and unfinished deliveries until ctx is done, and
// returns when all of it has stopped.
func (ag *Agency) Run(ctx context.Context) error {
	var wg sync.WaitGroup
	wg.Go(func() { ag.deliverLoop(ctx) })
	wg.Go(func() { ag.pruneLoop(ctx) })
	wg.Wait()
	return nil
}

// Close stops the checks it started in the background. Call it after Run returned and before the core
// closes its database.
func (ag *Agency) Close() error {
	ag.bgMu.Lock()
	ag.bgCancel()
	ag.bgMu.Unlock()
	ag.bg.Wait()
	return nil
}

// spawn runs f on its own goroutine unless the agency side is closing.
func (ag *Agency) spawn(f func(ctx context.Context)) {
	ag.bgMu.Lock()
	defer ag.bgMu.Unlock()
	if ag.bgCtx.Err() != nil {
		return
	}
	ag.bg.Add(1)
	go func() {
		defer ag.bg.Done()
		f(ag.bgCtx)
	}()
}

// pruneLoop deletes requests past RequestRetention and unfinished deliveries past partialLife, hourly.
func (ag *Agency) pruneLoop(ctx context.Context) {
	for {
		if _, err := ag.store.pruneRequests(ag.now().Add(-RequestRetention).UnixMilli(), ag.self); err != nil {
			ag.log.Warn("prune requests", "err", err)
		}
		ag.sweepPartials()
		select {
		case <-ctx.Done():
			return
		case <-time.After(time.Hour):
		}
	}
}

// pub is this node's public key.
func (ag *Agency) pub() []byte { return ag.cfg.Key.Public().(ed25519.PublicKey) }

// refuse counts a refused record from a peer under its reason.
func (ag *Agency) refuse(from peer.ID, err error) {
	var r *rejection
	if errors.As(err, &r) {
		ag.core.Reject(from, r.Reason, r.Err.Error())
		return
	}
	ag.core.Reject(from, "invalid", err.Error())
}

type agencyMetrics struct {
	requestsPosted   prometheus.Counter
	requestsReceived prometheus.Counter
	forks            prometheus.Counter
	delivered        prometheus.Counter // clips a home delivered (its own count, never sent anywhere)
	submissions      prometheus.Counter // clips an agency received
}

func newAgencyMetrics(reg prometheus.Registerer) *agencyMetrics {
	m := &agencyMetrics{
		requestsPosted: prometheus.NewCounter(prometheus.CounterOpts{Name: "porchlight_agency_requests_posted_total",
			Help: "Footage requests this agency node posted."}),
		requestsReceived: prometheus.NewCounter(prometheus.CounterOpts{Name: "porchlight_hood_requests_received_total",
			Help: "Agency requests accepted (every guardrail passed)."}),
		forks: prometheus.NewCounter(prometheus.CounterOpts{Name: "porchlight_agency_log_forks_total",
			Help: "Agency log forks detected: two signed checkpoints that cannot both be true."}),
		delivered: prometheus.NewCounter(prometheus.CounterOpts{Name: "porchlight_hood_clips_delivered_total",
			Help: "Approved clips delivered to agencies (with a receipt)."}),
		submissions: prometheus.NewCounter(prometheus.CounterOpts{Name: "porchlight_agency_submissions_total",
			Help: "Approved clips this agency node received and verified."}),
	}
	if reg != nil {
		reg.MustRegister(m.requestsPosted, m.requestsReceived, m.forks, m.delivered, m.submissions)
	}
	return m
}
