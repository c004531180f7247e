package recorder

import (
	"github.com/prometheus/client_golang/prometheus"
)

// Collector returns a Prometheus collector of every stream's counters and disk usage. The HTTP server
// registers it; the recorder keeps no registry of its own.
func (r *Recorder) Collector() prometheus.Collector { return (*collector)(r) }

type collector Recorder

var (
	labels     = []string{"camera", "stream"}
	mRTPBytes  = prometheus.NewDesc("porchlight_recorder_rtp_payload_bytes_total", "RTP payload bytes received.", labels, nil)
	mBytesIn   = prometheus.NewDesc("porchlight_recorder_part_bytes_total", "Bytes of parts (media and moof) handed to the writer.", labels, nil)
	mBytesOut  = prometheus.NewDesc("porchlight_recorder_written_bytes_total", "Bytes written to segment files.", labels, nil)
	mFrames    = prometheus.NewDesc("porchlight_recorder_frames_total", "Video frames received.", labels, nil)
	mDroppedG  = prometheus.NewDesc("porchlight_recorder_dropped_gops_total", "GOPs dropped because the disk fell behind.", labels, nil)
	mDroppedF  = prometheus.NewDesc("porchlight_recorder_dropped_frames_total", "Frames not recorded (dropped GOPs, waiting for a keyframe, failed writes).", labels, nil)
	mReconn    = prometheus.NewDesc("porchlight_recorder_reconnects_total", "Camera reconnects.", labels, nil)
	mDiscont   = prometheus.NewDesc("porchlight_recorder_discontinuities_total", "Timestamp discontinuities (re-anchored in the open segment, or a new run after a gap).", labels, nil)
	mRefused   = prometheus.NewDesc("porchlight_recorder_segment_starts_refused_total", "Segment starts refused because the camera's timeline broke too often; frames until the next start are dropped.", labels, nil)
	mWriteSec  = prometheus.NewDesc("porchlight_recorder_write_seconds_total", "Time spent in segment writes.", labels, nil)
	mWrites    = prometheus.NewDesc("porchlight_recorder_writes_total", "Segment writes (one per part).", labels, nil)
	mDisk      = prometheus.NewDesc("porchlight_recorder_disk_bytes", "Bytes of footage on disk.", labels, nil)
	mBitrate   = prometheus.NewDesc("porchlight_recorder_bitrate_bps", "Recent media bitrate.", labels, nil)
	mRecording = prometheus.NewDesc("porchlight_recorder_recording", "1 while the stream is recording.", labels, nil)
	mEvents    = prometheus.NewDesc("porchlight_events_total", "Events opened.", []string{"camera", "kind"}, nil)
	mDetectSec = prometheus.NewDesc("porchlight_motion_detect_seconds_total", "Wall time the motion detector spent observing frames (time blocked included; CPU: porchlight_motion_cpu_seconds_total).", labels, nil)
	mDetectCPU = prometheus.NewDesc("porchlight_motion_cpu_seconds_total", "CPU time the motion detector used observing frames (its thread's user+system time; Linux).", labels, nil)
	mShed      = prometheus.NewDesc("porchlight_motion_frames_shed_total", "Frames the motion detector did not analyse because it fell behind (recording is unaffected).", labels, nil)
	mKfCPU     = prometheus.NewDesc("porchlight_keyframe_cpu_seconds_total", "CPU time of the keyframe stage: its ffmpeg processes' utime+stime (decoder and snapshots) and comparing frames.", labels, nil)
	mKfDecoded = prometheus.NewDesc("porchlight_keyframes_decoded_total", "Keyframes the keyframe stage decoded and compared.", labels, nil)
	mKfShed    = prometheus.NewDesc("porchlight_keyframes_shed_total", "Keyframes the keyframe stage did not decode: its queue was full or ffmpeg was restarting (recording is unaffected).", labels, nil)
	mSnapOK    = prometheus.NewDesc("porchlight_snapshots_taken_total", "Event snapshots taken and stored.", labels, nil)
	mSnapFail  = prometheus.NewDesc("porchlight_snapshots_failed_total", "Event snapshots that no source could give.", labels, nil)
	mDiskWarn  = prometheus.NewDesc("porchlight_recorder_disk_warning", "1 while the disk is filling for other reasons than recording and retention frees no more (the storage API says why).", nil, nil)
)

// Describe implements prometheus.Collector.
func (c *collector) Describe(ch chan<- *prometheus.Desc) {
	for _, d := range []*prometheus.Desc{mRTPBytes, mBytesIn, mBytesOut, mFrames, mDroppedG, mDroppedF, mReconn, mDiscont, mRefused,
		mWriteSec, mWrites, mDeleted, mDeletedSegs, mDisk, mBitrate, mRecording, mDiskWarn, mEvents, mDetectSec, mDetectCPU, mShed,
		mKfCPU, mKfDecoded, mKfShed, mSnapOK, mSnapFail} {
		ch <- d
	}
}

// Collect implements prometheus.Collector.
func (c *collector) Collect(ch chan<- prometheus.Metric) {
	r := (*Recorder)(c)
	warn := 0.0
	if r.DiskWarning() != "" {
		warn = 1
	}
	ch <- prometheus.MustNewConstMetric(mDiskWarn, prometheus.GaugeValue, warn)
	for k, n := range r.events.countsSnapshot() {
		ch <- prometheus.MustNewConstMetric(mEvents, prometheus.CounterValue, float64(n), k[0], k[1])
	}
	_, streams := r.snapshot()
	for _, s := range streams {
		st := s.stats.snapshot()
		lv := []string{s.camera, s.name}
		counter := func(d *prometheus.Desc, v float64) {
			ch <- prometheus.MustNewConstMetric(d, prometheus.CounterValue, v, lv...)
		}
		counter(mRTPBytes, float64(st.RTPBytes))
		counter(mBytesIn, float64(st.BytesIn))
		counter(mBytesOut, float64(st.BytesOut))
		counter(mFrames, float64(st.Frames))
		counter(mDroppedG, float64(st.DroppedGOPs))
		counter(mDroppedF, float64(st.Dropped))
		counter(mReconn, float64(st.Reconnects))
		counter(mDiscont, float64(st.Discont))
		counter(mRefused, float64(st.SegmentsRefused))
		counter(mWriteSec, float64(st.WriteNanos)/1e9)
		counter(mWrites, float64(st.Writes))
		s.stats.collectDeletions(ch, lv)
		if s.det != nil {
			counter(mDetectSec, float64(s.det.nanos.Load())/1e9)
			counter(mDetectCPU, float64(s.det.cpu.Load())/1e9)
			counter(mShed, float64(s.det.shed.Load()))
			kf := s.det.keyframeStatus()
			counter(mKfCPU, float64(kf.CPUNanos)/1e9)
			counter(mKfDecoded, float64(kf.Decoded))
			counter(mKfShed, float64(kf.Shed))
			counter(mSnapOK, float64(kf.SnapshotsTaken))
			counter(mSnapFail, float64(kf.SnapshotsFailed))
		}
		if u, err := r.db.Usage(s.key); err == nil {
			ch <- prometheus.MustNewConstMetric(mDisk, prometheus.GaugeValue, float64(u.Bytes), lv...)
		}
		ch <- prometheus.MustNewConstMetric(mBitrate, prometheus.GaugeValue, st.BitrateBps, lv...)
		rec := 0.0
		if st.State == StateRecording {
			rec = 1
		}
		ch <- prometheus.MustNewConstMetric(mRecording, prometheus.GaugeValue, rec, lv...)
	}
}
