package tlog_test

import (
	"testing"

	"github.com/porchlight/porchlight/federation/tlog"
)

// BenchmarkAppend appends one entry at a time, each with its own bbolt transaction (and fsync) and
// signed checkpoint, as an agency posting requests one by one would; the log restarts every 10,000.
func BenchmarkAppend(b *testing.B) {
	s, _ := testKeys(b, testOrigin, "agency")
	entry := make([]byte, 300) // about a request record
	var l *tlog.Log
	i := 0
	for b.Loop() {
		if i%10000 == 0 {
			b.StopTimer()
			l = openLog(b, tempDB(b), s)
			b.StartTimer()
		}
		if _, _, err := l.Append(entry); err != nil {
			b.Fatal(err)
		}
		i++
	}
}

// BenchmarkProofs measures proving at 10,000 entries and reports the wire size of an inclusion proof
// and of the consistency proof from 5,000 to 10,000.
func BenchmarkProofs(b *testing.B) {
	s, v := testKeys(b, testOrigin, "agency")
	l := openLog(b, tempDB(b), s)
	half := appendN(b, l, v, "req", 5000)
	full := appendN(b, l, v, "req", 5000)
	var inclBytes, consBytes int
	for b.Loop() {
		incl, err := l.InclusionProof(4321, full.Size)
		if err != nil {
			b.Fatal(err)
		}
		cons, err := l.ConsistencyProof(half.Size, full.Size)
		if err != nil {
			b.Fatal(err)
		}
		inclBytes, consBytes = len(tlog.EncodeProof(incl)), len(tlog.EncodeProof(cons))
	}
	b.ReportMetric(float64(inclBytes), "inclusion-bytes")
	b.ReportMetric(float64(consBytes), "consistency-bytes")
	b.ReportMetric(float64(len(full.Signed)), "checkpoint-bytes")
}
