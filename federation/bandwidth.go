package federation

import (
	lpmetrics "github.com/libp2p/go-libp2p/core/metrics"
	"github.com/libp2p/go-libp2p/core/protocol"
	"github.com/prometheus/client_golang/prometheus"
)

// Bytes this node sent and received on streams, by protocol: what leaves the house is countable, and
// footage can only be in the clip and delivery protocols (see egress.go).

var (
	sentDesc = prometheus.NewDesc("porchlight_p2p_sent_bytes_total",
		"Bytes sent to peers on libp2p streams, by protocol (payload, before encryption and muxing).", []string{"protocol"}, nil)
	recvDesc = prometheus.NewDesc("porchlight_p2p_received_bytes_total",
		"Bytes received from peers on libp2p streams, by protocol.", []string{"protocol"}, nil)
)

// bandwidthCollector reads libp2p's counter on each scrape.
type bandwidthCollector struct{ bw *lpmetrics.BandwidthCounter }

func (c bandwidthCollector) Describe(ch chan<- *prometheus.Desc) {
	ch <- sentDesc
	ch <- recvDesc
}

func (c bandwidthCollector) Collect(ch chan<- prometheus.Metric) {
	for p, s := range c.bw.GetBandwidthByProtocol() {
		ch <- prometheus.MustNewConstMetric(sentDesc, prometheus.CounterValue, float64(s.TotalOut), string(p))
		ch <- prometheus.MustNewConstMetric(recvDesc, prometheus.CounterValue, float64(s.TotalIn), string(p))
	}
}

// SentBytes reports the bytes this node sent on streams of a protocol ("" = all streams).
func (n *Node) SentBytes(proto string) int64 {
	if proto == "" {
		return n.bw.GetBandwidthTotals().TotalOut
	}
	return n.bw.GetBandwidthForProtocol(protocol.ID(proto)).TotalOut
}
