package notify

import "github.com/prometheus/client_golang/prometheus"

// metrics are the notifier's Prometheus series.
type metrics struct {
	sent, failed, dropped *prometheus.CounterVec
	depth                 *prometheus.GaugeVec
}

func newMetrics() *metrics {
	return &metrics{
		sent: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "porchlight_notify_sent_total",
			Help: "Notifications a channel accepted."}, []string{"channel", "type"}),
		failed: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "porchlight_notify_failed_total",
			Help: "Failed attempts to send a notification (each is retried until dropped)."}, []string{"channel", "type"}),
		dropped: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "porchlight_notify_dropped_total",
			Help: "Notifications given up: older than a day, pushed out of a full queue, or refused by the receiver."},
			[]string{"channel", "type"}),
		depth: prometheus.NewGaugeVec(prometheus.GaugeOpts{Name: "porchlight_notify_queue_depth",
			Help: "Notifications waiting for a channel."}, []string{"channel"}),
	}
}

func (m *metrics) Describe(ch chan<- *prometheus.Desc) {
	m.sent.Describe(ch)
	m.failed.Describe(ch)
	m.dropped.Describe(ch)
	m.depth.Describe(ch)
}

func (m *metrics) Collect(ch chan<- prometheus.Metric) {
	m.sent.Collect(ch)
	m.failed.Collect(ch)
	m.dropped.Collect(ch)
	m.depth.Collect(ch)
}
