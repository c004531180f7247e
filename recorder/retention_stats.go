package recorder

import (
	"maps"

	"github.com/prometheus/client_golang/prometheus"
)

// deletionLabels are the labels of retention's deletion counters: reason is one of the reason
// constants (max_age, events_max_age, max_bytes, free_space), footage "continuous" or "event".
var deletionLabels = []string{"camera", "stream", "reason", "footage"}

var (
	mDeleted     = prometheus.NewDesc("porchlight_recorder_retention_deleted_bytes_total", "Bytes deleted by retention, by reason and kind of footage.", deletionLabels, nil)
	mDeletedSegs = prometheus.NewDesc("porchlight_recorder_retention_deleted_segments_total", "Segments deleted by retention, by reason and kind of footage.", deletionLabels, nil)
)

// deletionKind is why retention deleted a segment and whether it held event footage.
type deletionKind struct {
	reason string
	event  bool
}

type deletionCount struct{ bytes, segments uint64 }

// deleted counts a segment of n bytes retention deleted.
func (st *streamStats) deleted(n int64, reason string, event bool) {
	st.mu.Lock()
	defer st.mu.Unlock()
	st.s.Deleted += uint64(n)
	if st.dels == nil {
		st.dels = map[deletionKind]deletionCount{}
	}
	k := deletionKind{reason, event}
	d := st.dels[k]
	d.bytes += uint64(n)
	d.segments++
	st.dels[k] = d
}

// collectDeletions sends the deletion counters of a stream, labelled lv (camera, stream).
func (st *streamStats) collectDeletions(ch chan<- prometheus.Metric, lv []string) {
	st.mu.Lock()
	dels := maps.Clone(st.dels)
	st.mu.Unlock() // the frame path takes st.mu: never hold it while the scrape reads ch
	for k, d := range dels {
		footage := "continuous"
		if k.event {
			footage = "event"
		}
		l := append(append([]string(nil), lv...), k.reason, footage)
		ch <- prometheus.MustNewConstMetric(mDeleted, prometheus.CounterValue, float64(d.bytes), l...)
		ch <- prometheus.MustNewConstMetric(mDeletedSegs, prometheus.CounterValue, float64(d.segments), l...)
	}
}
