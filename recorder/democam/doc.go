// Package democam is Porchlight's built-in camera: an RTSP server
// (gortsplib) that loops a short H.264 + AAC clip in real time, so that
// `porchlight demo` runs on a machine with no camera and no ffmpeg, and so
// that the recorder's integration tests have a camera they control.
//
// # What it does
//
// A Server listens on TCP (interleaved transport) and on a pair of UDP ports,
// serves one stream at its Path and sends every access unit at its time in
// the clip, like a live camera: RTP timestamps start at random values and
// keep increasing across loops and clip switches (90 kHz for video, the
// sample rate for audio), key frames carry SPS/PPS (and VPS for H.265) in
// band, and gortsplib sends RTCP sender reports. SetClip switches the clip at
// the next loop boundary, which lets tests change resolution or codec
// mid-stream; Close followed by Start on the same address is a camera
// restart; Filter drops chosen packets to simulate a lossy link.
//
// A Clip is loaded from a fragmented MP4 with LoadClip; Default returns the
// embedded clip.mp4 (testsrc2, always moving) and Porch the embedded
// porch.mp4 (a still scene with a passer-by: motion events for the demo).
// The package owns no recording logic and imports nothing of the rest of
// Porchlight.
//
// # The embedded clips
//
// clip.mp4 was made once with ffmpeg 5.1 (Debian 12):
//
//	ffmpeg -f lavfi -i "testsrc2=size=640x360:rate=25,drawtext=fontfile=/usr/share/fonts/truetype/dejavu/DejaVuSansMono.ttf:text='Porchlight demo camera':x=20:y=h-th-20:fontsize=28:fontcolor=white:box=1:boxcolor=black@0.5:boxborderw=8" \
//	  -f lavfi -i "sine=frequency=440:sample_rate=48000,volume=0.25" -t 10 \
//	  -c:v libx264 -profile:v main -pix_fmt yuv420p -bf 0 -g 50 -keyint_min 50 -sc_threshold 0 \
//	  -b:v 500k -maxrate 500k -bufsize 1000k \
//	  -c:a aac -b:a 64k -ac 1 -ar 48000 -avoid_negative_ts make_non_negative \
//	  -movflags frag_keyframe+empty_moov+default_base_moof clip.mp4
//
// porch.mp4 (Porch, the clip `porchlight demo` plays, with stretches with
// and without motion) was made the same way: a still scene under temporal
// noise, crossed by a box from second 8 to 14:
//
//	ffmpeg -f lavfi -i "color=c=0x5d7b93:s=640x360:r=25,drawbox=x=0:y=240:w=640:h=120:color=0x4f6b3a:t=fill,drawbox=x=400:y=90:w=150:h=170:color=0xb8a58a:t=fill,drawbox=x=450:y=140:w=50:h=120:color=0x6e4b2a:t=fill,drawtext=fontfile=/usr/share/fonts/truetype/dejavu/DejaVuSansMono.ttf:text='Porchlight demo camera':x=20:y=h-th-20:fontsize=28:fontcolor=white:box=1:boxcolor=black@0.5:boxborderw=8" \
//	  -f lavfi -i "color=c=0xd35400:s=60x120:r=25" \
//	  -f lavfi -i "sine=frequency=440:sample_rate=48000,volume=0.25" -t 20 \
//	  -filter_complex "[0][1]overlay=x='-60+(t-8)*125':y=140:enable='between(t,8,14)',noise=alls=6:allf=t,format=yuv420p[v]" \
//	  -map "[v]" -map 2:a \
//	  -c:v libx264 -profile:v main -pix_fmt yuv420p -bf 0 -g 50 -keyint_min 50 -sc_threshold 0 \
//	  -crf 28 -maxrate 400k -bufsize 800k \
//	  -c:a aac -b:a 32k -ac 1 -ar 48000 -avoid_negative_ts make_non_negative \
//	  -movflags frag_keyframe+empty_moov+default_base_moof porch.mp4
//
// -avoid_negative_ts make_non_negative keeps the video's first frame 40 ms
// long; ffmpeg's default shifts later frames by the AAC priming delay. The
// clips in testdata are described in testdata/README.md.
//
// # Caveats
//
// The pacer runs on the wall clock; if it falls more than half a second
// behind (a stalled machine) it skips ahead rather than bursting. Audio frames
// that would reach past the end of the video are dropped, so at each loop
// boundary the audio timestamps skip up to one frame (16 ms for clip.mp4)
// while audio and video stay in sync.
package democam
