// Package motion finds motion in a compressed H.264/H.265 video stream without decoding it.
//
// # How it works
//
// A Detector sees each access unit as the recorder received it (Frame: wall time, keyframe flag, coded
// size and NAL units) and never reconstructs pixels. Its parser (bits.go, h264*.go, h265.go) removes the
// emulation-prevention bytes from the first bytes of each NAL unit and reads, with exp-Golomb codes:
//
//   - the NAL type and reference flag (H.264 nal_ref_idc; H.265 sub-layer non-reference types and
//     TemporalId);
//   - the slice type (I/P/B) from the slice header;
//   - the slice QP (H.264: 26 + pic_init_qp_minus26 + slice_qp_delta; H.265: 26 + init_qp_minus26 +
//     slice_qp_delta), which needs the SPS and PPS (kept per id, parsed again only when their bytes
//     change) and every slice header field before it: H.264 reference list modification, weighted
//     prediction table, reference marking; H.265 picture order count, a short-term reference picture
//     set coded in the slice header, SAO flags, collocated reference, weighted prediction table.
//
// Each frame gets a cost: ln(size) + QP·ln2/6. The quantiser step doubles every 6 QP and the bits
// roughly halve, so the cost stays about the same whatever the rate control chose and rises with what
// the picture holds: under CRF/VBR the size rises, under CBR the size stays and the QP rises.
//
// Frames are placed in classes with different still-scene costs: the first inter frame after a
// keyframe, P-frames, reference B-frames, other B-frames (keyframes are tracked, not scored). Each class
// has its own baseline (mean and mean absolute deviation of the cost), learned from its first 8 frames
// and then followed with a time constant of 8 s while the scene is still (so noise, a slow change of
// light, a change of bitrate are absorbed) and of 5 min while it moves (so a lasting change of the scene
// ends its event within minutes). While a class's recent frames cost less than its baseline, the
// baseline comes down four times faster, so a detector started during motion settles on the still
// scene.
//
// Each class's residual (cost − baseline) is averaged over about 0.5 s of stream time, and that average
// is measured against its own noise floor: the typical size of the averaged residual while the scene is
// still, learned with a time constant of 16 s from residuals clipped at twice the floor (so motion that
// stays under the threshold does not raise it fast). A class is scored once its floor has been learned
// for 16 s after its 8 warm-up frames: a detector is blind for about its first 17 s. A noisy camera,
// whose single frames swing by half their size, thus needs a larger sustained rise than a clean one,
// and a clean one is held by a floor of 2%. The motion level is the highest of the classes seen in the
// last 2 s, not their mix: in a stream whose B-frames barely change (a camera repeating pictures,
// foliage moving behind a window at 25 fps with 3 B-frames), the P-frames carry the motion alone.
//
// Whole GOPs are scored too, once each at the keyframe that ends them: the mean cost of the GOP's inter
// frames against that of still GOPs (learned over about 8 GOPs, and over minutes while the scene
// moves), in units of its own noise floor (at least 5%), after 16 GOPs, for GOPs up to 2 s (a longer
// one would hold its score, and an event, too long), gated by the excess against a keyframe like the
// classes. Under CBR the rate control moves bits between places in the GOP, so single frames swing
// with their place while the GOP as a whole stays steady in a still scene and rises with motion. The
// GOP's score is held until the next keyframe and joins the classes' in the level.
//
// Motion starts when the level passes the threshold (Sensitivity 0.5: 5.5 noise floors; 1: 2.75; 0:
// 13.75) and ends when it falls under 0.6 of it. While a class is over half the threshold its baseline
// learns four times slower, so motion that builds up slowly is not learned as the scene before it
// counts. A class must also cost more than its baseline, averaged like its residual, by at least a
// fraction of a keyframe's cost (Sensitivity 0.5: 1%) to count: a brightness step that weighted
// prediction missed costs a few hundred bytes, a walking person thousands. The keyframe cost comes
// from the first keyframe on, so a GOP of 4 s does not leave the gate off for half a minute.
//
// # Events and timing
//
// An event opens when motion has lasted MinDuration; its Start is back-dated to the first frame whose
// level passed half the threshold. So "motion start → event open" is MinDuration plus the averaging
// delay (a few frames): about 1.0–1.5 s with the default MinDuration of 1 s. The guide's example config says
// min_duration 2s; with that value the open latency is about 2.3 s, over the 2 s target, which is why
// the default here is 1 s. The event closes once PostRoll has passed without motion; its End is the last
// frame with motion (no post-roll tail).
//
// # Caveats
//
//   - CBR is weak (see BENCHMARKS.md). At 1 Mbit/s and a 1 s GOP, x264 spends most of the budget on the
//     keyframe and starves the frames after it (tens of bytes) and the rate control's buffer, not the
//     picture, sets a P-frame's cost; walking people raise the early P-frames' QP by about 2 and their
//     size 2–4×, which a per-class baseline does not separate from the GOP's own swing. The GOP score
//     finds them (about +1 in the mean cost of every GOP with people); with GOPs over 2 s it is off, and
//     a running average one GOP long, tried first, held events a GOP too long on VBR.
//   - H.265 streams with long-term reference pictures, reference list modification or PPS scaling
//     lists, and only the first slice segment of a picture, give slice types without QP; such frames
//     count by size alone, which under CBR barely moves.
//   - H.264 with FMO (slice groups) or an SPS that mediacommon cannot read gives slice types without
//     QP; unreadable headers are counted in Stats.Malformed and the frame still counts by its size.
//   - Night under x264 (dark, low contrast, strong sensor noise; CRF 23) is not found: x264 codes the
//     noise in P-frames whose sizes swing 4× from one frame to the next (and in episodes of several
//     seconds) in a still picture, and the people add about 30% to the average, which the size of a
//     frame or of a second of frames does not separate from those swings (a threshold low enough to
//     find them raised false events on the still night). x265 at the same settings finds them. A
//     per-macroblock signal (skip flags, QP deltas) would be needed, and with CABAC that means
//     decoding the slice data's entropy coding. Also tried (2026-12-06, not kept): the lower envelope
//     of the P-frames' cost (the cheapest frames rise with a subject, the noise swings the dear ones),
//     which found about half the night stretches and raised false events on the still night; and a
//     lower threshold whose events a pixel stage would confirm, which even confirmed perfectly found
//     only 3–89% of them. What finds them is the keyframe stage decoding every keyframe (the camera's
//     motion.decode_keyframes, recorder/detect_pixels.go): the keyframes of the night walk differ by
//     0.8–4.4% of the picture, those of the still night by none.
//   - The detector learns the scene in its first seconds (8 frames of each class, then 16 s of its
//     noise floor); motion in them is learned as the baseline and comes out as the baseline falls
//     back, and motion in the first ~17 s after a (re)connect raises no event.
//
// # Contract
//
// The package is pure: no goroutines, no I/O, no clock of its own, and no allocation per frame in steady
// state (parameter sets allocate when they change). The recorder feeds it off the recording path and
// stores what it reports. Package motiontest measures it against real footage.
package motion
