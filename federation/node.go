package federation

import (
	"context"
	"crypto/ed25519"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"path/filepath"
	"sync"
	"sync/atomic"
	"time"

	pubsub "github.com/libp2p/go-libp2p-pubsub"
	"github.com/libp2p/go-libp2p/core/host"
	lpmetrics "github.com/libp2p/go-libp2p/core/metrics"
	"github.com/libp2p/go-libp2p/core/peer"
	ma "github.com/multiformats/go-multiaddr"
	"github.com/prometheus/client_golang/prometheus"

	"github.com/porchlight/porchlight/internal/broadcast"
)

// Reachability says whether the node is reachable from the internet; auto asks peers (AutoNAT).
type Reachability string

// Reachability values.
const (
	ReachAuto    Reachability = "auto"
	ReachPublic  Reachability = "public"
	ReachPrivate Reachability = "private"
)

// ClipSource is what the federation needs of the recorder to share a clip the owner attached to an alert.
type ClipSource interface {
	// WriteClip writes the MP4 of a camera's [start, end) to w and returns its size.
	WriteClip(ctx context.Context, camera string, start, end time.Time, w io.Writer) (int64, error)
	// Hold keeps [start, end) of a camera from retention until the given time.
	Hold(camera string, start, end, until time.Time)
}

// Config configures a Node. Zero values take the documented defaults.
type Config struct {
	DataDir      string             // holds federation.db
	Key          ed25519.PrivateKey // the node identity; its public key is the member ID
	Name         string             // display name in hoods
	Role         string             // wire.RoleHousehold or wire.RoleAgency
	Listen       []string           // multiaddrs
	Reachability Reachability
	RelayService bool // serve circuit relay v2 (and guests) for members: public nodes
	MDNS         bool // find members on the LAN
	UPnP         bool // ask the router for a port mapping
	Clips        ClipSource
	Logger       *slog.Logger
	Registerer   prometheus.Registerer
	Clock        func() time.Time
	// AttachRequests, when set, builds the node's agency-request side (nvr: agency.New) during New, after
	// the store opens and before the host starts, so that no notice, sync or join can arrive before it is
	// attached. The protocols it serves (Handle) are registered with the host as it starts. Nil: the node
	// has none, unless SetRequests gives it one later.
	AttachRequests func(core *Node) (Requests, error)

	// Tuning, mostly for tests; zero means the default in parentheses.
	AlertRate         float64       // alerts a member may post per second, sustained (0.2)
	AlertBurst        int           // and in a burst (20)
	SeenTTL           time.Duration // gossipsub's duplicate cache (2 min)
	GuestPeriod       time.Duration // how long a non-member may stay connected to join (60 s)
	SyncInterval      time.Duration // periodic catch-up with a random member (5 min)
	DiscoverInterval  time.Duration // how often known members are redialled (30 s)
	LocationPrecision float64       // metres an alert's place is coarsened to (150)
}

// Node is a household's or agency's presence in its hoods.
type Node struct {
	cfg     Config
	log     *slog.Logger
	now     func() time.Time
	self    peer.ID
	host    host.Host
	ps      *pubsub.PubSub
	store   *store
	metrics *metrics
	gater   *gater
	limits  *rateLimits
	rejects *rejectLog

	mu    sync.RWMutex
	hoods map[string]*hood

	alertSubs broadcast.Broadcast[Alert]

	// reqs is the agency-request side (federation/agency, set by SetRequests), which owns its state.
	reqs atomic.Pointer[requestsHook]
	// early holds the protocols handled before the host started (by AttachRequests), for startHost.
	early []earlyHandler

	stopPubsub    context.CancelFunc
	writer        *alertWriter
	bw            *lpmetrics.BandwidthCounter
	discoverKick  chan struct{}
	punchWaits    sync.Map // peer.ID → time.Time: when openTo last waited for hole punching to it
	syncKick      chan peer.ID
	syncMu        sync.Mutex
	syncing       map[peer.ID]bool // peers being synced with → whether to sync once more after
	hoodSyncs     map[string]*sync.Mutex
	lastSyncs     map[string]int64 // hood → last sync (unix ms)
	lastSyncSaved map[string]time.Time
	wg            sync.WaitGroup
	cancel        context.CancelFunc
	closed        chan struct{}
}

// ErrClosed is returned by calls on a node that was closed.
var ErrClosed = errors.New("federation node closed")

// New opens the store, attaches the agency-request side (Config.AttachRequests) and starts the libp2p
// host. Run starts the background work; Close stops it all.
func New(cfg Config) (*Node, error) {
	if len(cfg.Key) != ed25519.PrivateKeySize {
		return nil, errors.New("federation: no node key")
	}
	cfg.setDefaults()
	n := &Node{cfg: cfg, log: cfg.Logger, now: cfg.Clock, hoods: map[string]*hood{},
		syncKick: make(chan peer.ID, 64), discoverKick: make(chan struct{}, 1), syncing: map[peer.ID]bool{}, hoodSyncs: map[string]*sync.Mutex{},
		lastSyncs: map[string]int64{}, lastSyncSaved: map[string]time.Time{}, closed: make(chan struct{})}
	n.bw = lpmetrics.NewBandwidthCounter()
	if cfg.Registerer != nil {
		cfg.Registerer.MustRegister(bandwidthCollector{n.bw})
	}
	n.metrics = newMetrics(cfg.Registerer)
	n.rejects = newRejectLog(n.log, n.metrics)
	n.limits = newRateLimits(cfg.AlertRate, cfg.AlertBurst, n.now)
	st, err := openStore(filepath.Join(cfg.DataDir, DBFile))
	if err != nil {
		return nil, err
	}
	n.store = st
	n.writer = startAlertWriter(st, n.log)
	if err := n.loadHoods(); err != nil {
		n.writer.close()
		st.close()
		return nil, err
	}
	n.gater = &gater{n: n}
	n.gater.init()
	n.loadOpenInvites()
	if cfg.AttachRequests != nil {
		r, err := cfg.AttachRequests(n)
		if err != nil {
			n.writer.close()
			st.close()
			return nil, err
		}
		n.SetRequests(r)
	}
	if err := n.startHost(); err != nil {
		n.writer.close()
		st.close()
		return nil, err
	}
	return n, nil
}

func (c *Config) setDefaults() {
	if c.Logger == nil {
		c.Logger = slog.New(slog.DiscardHandler)
	}
	if c.Clock == nil {
		c.Clock = time.Now
	}
	if c.Role == "" {
		c.Role = "household"
	}
	if c.Reachability == "" {
		c.Reachability = ReachAuto
	}
	def := func(d *time.Duration, v time.Duration) {
		if *d == 0 {
			*d = v
		}
	}
	def(&c.SeenTTL, 2*time.Minute)
	def(&c.GuestPeriod, time.Minute)
	def(&c.SyncInterval, 5*time.Minute)
	def(&c.DiscoverInterval, 30*time.Second)
	if c.AlertRate == 0 {
		c.AlertRate = 0.2
	}
	if c.AlertBurst == 0 {
		c.AlertBurst = 20
	}
	if c.LocationPrecision == 0 {
		c.LocationPrecision = 150
	}
}

// ID is this node's member ID (its libp2p peer ID).
func (n *Node) ID() peer.ID { return n.self }

// Addrs returns the node's addresses with its /p2p/ component, best first.
func (n *Node) Addrs() []ma.Multiaddr {
	addrs, _ := peer.AddrInfoToP2pAddrs(&peer.AddrInfo{ID: n.self, Addrs: n.host.Addrs()})
	return addrs
}

// Host is the libp2p host (for tests and benchmarks that add their own protocols).
func (n *Node) Host() host.Host { return n.host }

// Run runs discovery, sync and housekeeping until ctx is done, then returns.
func (n *Node) Run(ctx context.Context) error {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	n.mu.Lock()
	n.cancel = cancel
	n.mu.Unlock()
	n.startMDNS(ctx)
	n.restoreHolds()
	loops := []func(context.Context){n.discoverLoop, n.syncLoop, n.guestLoop, n.watchPeers, n.pruneLoop}
	for _, l := range loops {
		n.wg.Add(1)
		go func() { defer n.wg.Done(); l(ctx) }()
	}
	<-ctx.Done()
	n.wg.Wait()
	return nil
}

// Close stops the host and closes the store. Call it after Run returned (or instead of Run).
func (n *Node) Close() error {
	select {
	case <-n.closed:
		return nil
	default:
		close(n.closed)
	}
	n.mu.Lock()
	if n.cancel != nil {
		n.cancel()
	}
	n.mu.Unlock()
	n.wg.Wait()
	var errs []error
	n.mu.RLock()
	var hoods []*hood
	for _, h := range n.hoods {
		hoods = append(hoods, h)
	}
	n.mu.RUnlock()
	for _, h := range hoods { // outside the lock: pubsub calls back into the peer filter
		h.close()
	}
	n.stopPubsub()
	n.writer.close() // nothing queues any more: commit what is left
	errs = append(errs, n.host.Close())
	n.syncMu.Lock()
	for hood, t := range n.lastSyncs { // what setLastSync has not saved yet
		errs = append(errs, n.store.put(hood, bMeta, []byte("lastsync"), put64(uint64(t))))
	}
	n.syncMu.Unlock()
	errs = append(errs, n.store.close())
	if err := errors.Join(errs...); err != nil {
		return fmt.Errorf("close federation: %w", err)
	}
	return nil
}
