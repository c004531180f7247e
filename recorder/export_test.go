package recorder

import "time"

// SetEventSpans gives r an event keeper reporting spans, per camera [start, end) pairs with pre- and
// post-roll included, as the event store will. Safe while r runs: retention reads its keeper under retMu.
func SetEventSpans(r *Recorder, spans map[string][][2]time.Time) {
	k := &fakeKeeper{spans: map[string][]span{}}
	for cam, ss := range spans {
		for _, s := range ss {
			k.spans[cam] = append(k.spans[cam], span{s[0], s[1]})
		}
	}
	r.retMu.Lock()
	r.keeper = k
	r.retMu.Unlock()
}

// FastPathPackets returns how many RTP packets of a camera's main stream the fast path read.
func FastPathPackets(r *Recorder, camera string) uint64 {
	s, err := r.stream(camera, "main")
	if err != nil {
		return 0
	}
	return s.stats.fast.Load()
}
