package democam

import (
	"log/slog"
	"math/rand/v2"
	"time"
)

// maxLag is how far the pacer may fall behind the clip's schedule (a stalled
// machine) before it skips ahead instead of bursting packets to catch up.
const maxLag = 500 * time.Millisecond

// pacer sends the clip in real time, loop after loop. One goroutine runs it;
// it alone touches its fields and the output's encoders.
type pacer struct {
	s       *Server
	log     *slog.Logger
	out     *output
	plan    *plan
	anchor  time.Time // wall time of the current loop's start
	videoTS uint32    // RTP timestamp of the current loop's start
	audioTS uint32
}

func newPacer(s *Server, log *slog.Logger, out *output) *pacer {
	return &pacer{
		s:       s,
		log:     log,
		out:     out,
		plan:    newPlan(out.clip),
		anchor:  time.Now(),
		videoTS: rand.Uint32(), // cameras start at random timestamps (RFC 3550)
		audioTS: rand.Uint32(),
	}
}

// run paces until stop is closed, then closes done.
func (p *pacer) run(stop <-chan struct{}, done chan<- struct{}) {
	defer close(done)
	timer := time.NewTimer(time.Hour)
	defer timer.Stop()
	for {
		p.startLoop()
		for _, ev := range p.plan.events {
			due := p.anchor.Add(ev.at)
			if wait := time.Until(due); wait > 0 {
				timer.Reset(wait)
				select {
				case <-stop:
					return
				case <-timer.C:
				}
			} else {
				select {
				case <-stop:
					return
				default:
				}
				if -wait > maxLag {
					p.log.Warn("fell behind the clip, skipping ahead", "lag", -wait)
					p.anchor = p.anchor.Add(-wait)
					due = due.Add(-wait)
				}
			}
			p.send(ev, due)
		}
		p.anchor = p.anchor.Add(p.plan.length)
		p.videoTS += p.plan.videoLen
		p.audioTS += p.plan.audioLen
	}
}

// startLoop picks up a clip set with SetClip. A clip with another codec or
// audio layout needs a new SDP, so it gets a new stream and current readers
// are disconnected, as when a real camera is reconfigured.
func (p *pacer) startLoop() {
	c := p.s.nextClip()
	if c == p.plan.clip {
		return
	}
	if p.out.fits(c) {
		p.out.use(c)
		p.plan = newPlan(c)
		return
	}
	out, err := newOutput(p.out.stream.Server, c)
	if err != nil {
		p.log.Error("cannot switch clip, keeping the current one", "err", err)
		p.s.revertClip(c, p.plan.clip)
		return
	}
	p.log.Info("clip layout changed, readers must reconnect", "codec", c.Codec, "audio", c.Audio != nil)
	p.s.replaceOutput(out).close()
	p.out = out
	p.plan = newPlan(c)
	p.videoTS, p.audioTS = rand.Uint32(), rand.Uint32()
}

// send packetizes one event and writes its packets, stamped for the loop in
// progress; wall is the event's due time, used for RTCP sender reports.
func (p *pacer) send(ev event, wall time.Time) {
	media, enc, base := p.out.video, p.out.videoEnc, p.videoTS
	if ev.audio {
		media, enc, base = p.out.audio, p.out.audioEnc, p.audioTS
	}
	pkts, err := enc.Encode(ev.data)
	if err != nil {
		p.log.Error("packetize", "audio", ev.audio, "err", err)
		return
	}
	for _, pkt := range pkts {
		pkt.Timestamp = base + ev.ts
		if p.s.Filter != nil && !p.s.Filter(pkt) {
			continue
		}
		// Errors here concern single readers (a full queue), which
		// gortsplib handles by dropping that reader.
		if err := p.out.stream.WritePacketRTPWithNTP(media, pkt, wall); err != nil {
			p.log.Debug("write packet", "err", err)
		}
	}
}
