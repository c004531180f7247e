package federation

import (
	"log/slog"
	"sync"

	"github.com/libp2p/go-libp2p/core/peer"
	"github.com/prometheus/client_golang/prometheus"
	dto "github.com/prometheus/client_model/go"
)

type metrics struct {
	rejected     *prometheus.CounterVec
	received     prometheus.Counter
	posted       prometheus.Counter
	clipsServed  prometheus.Counter
	clipsFetched prometheus.Counter
	peers        prometheus.Gauge
}

func newMetrics(reg prometheus.Registerer) *metrics {
	m := &metrics{
		rejected: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "porchlight_hood_rejected_total",
			Help: "Messages, connections and requests from peers refused, by reason."}, []string{"reason"}),
		received: prometheus.NewCounter(prometheus.CounterOpts{Name: "porchlight_hood_alerts_received_total",
			Help: "Alerts from neighbors stored (gossip and catch-up)."}),
		posted: prometheus.NewCounter(prometheus.CounterOpts{Name: "porchlight_hood_alerts_posted_total",
			Help: "Alerts this node posted."}),
		clipsServed: prometheus.NewCounter(prometheus.CounterOpts{Name: "porchlight_hood_clips_served_total",
			Help: "Attached clips sent to neighbors."}),
		clipsFetched: prometheus.NewCounter(prometheus.CounterOpts{Name: "porchlight_hood_clips_fetched_total",
			Help: "Attached clips fetched from neighbors and verified."}),
		peers: prometheus.NewGauge(prometheus.GaugeOpts{Name: "porchlight_p2p_peers",
			Help: "Connected libp2p peers."}),
	}
	if reg != nil {
		reg.MustRegister(m.rejected, m.received, m.posted, m.clipsServed, m.clipsFetched, m.peers)
	}
	return m
}

// rejectLog counts every rejection and logs the first of each (peer, reason), so a hostile peer cannot
// flood the log.
type rejectLog struct {
	log  *slog.Logger
	m    *metrics
	mu   sync.Mutex
	seen map[string]struct{}
}

const rejectLogMax = 4096

func newRejectLog(log *slog.Logger, m *metrics) *rejectLog {
	return &rejectLog{log: log, m: m, seen: map[string]struct{}{}}
}

func (r *rejectLog) reject(p peer.ID, reason, detail string) {
	r.m.rejected.WithLabelValues(reason).Inc()
	if r.first(p, reason) {
		r.log.Warn("rejected", "peer", p, "reason", reason, "detail", detail)
	}
}

// rejectOnce counts and logs only the first rejection of a (peer, reason): for checks that run again and
// again on the same state, such as pubsub's peer filter on every heartbeat.
func (r *rejectLog) rejectOnce(p peer.ID, reason, detail string) {
	if r.first(p, reason) {
		r.m.rejected.WithLabelValues(reason).Inc()
		r.log.Warn("rejected", "peer", p, "reason", reason, "detail", detail)
	}
}

// first reports whether this is the first time (since the table was last cleared) that p is rejected for
// reason.
func (r *rejectLog) first(p peer.ID, reason string) bool {
	key := string(p) + "\x00" + reason
	r.mu.Lock()
	defer r.mu.Unlock()
	if _, dup := r.seen[key]; dup {
		return false
	}
	if len(r.seen) >= rejectLogMax {
		clear(r.seen)
	}
	r.seen[key] = struct{}{}
	return true
}

// Rejected returns how many rejections were counted for reason (for tests and the API).
func (n *Node) Rejected(reason string) float64 {
	var m dto.Metric
	if c, err := n.metrics.rejected.GetMetricWithLabelValues(reason); err == nil {
		c.Write(&m)
	}
	return m.GetCounter().GetValue()
}
