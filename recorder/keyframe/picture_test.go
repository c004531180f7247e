package keyframe

import (
	"bytes"
	"context"
	"image"
	"image/jpeg"
	"os/exec"
	"testing"
	"time"
)

// ffmpegGray is what the decoder used to output: ffmpeg's own area scale to width 160 and gray.
func ffmpegGray(t *testing.T, k Keyframe) []byte {
	t.Helper()
	cmd := exec.Command("ffmpeg", "-hide_banner", "-loglevel", "error", "-f", "h264", "-i", "pipe:0",
		"-vf", "scale=160:-2:flags=area,format=gray", "-frames:v", "1", "-f", "rawvideo", "pipe:1")
	cmd.Stdin = bytes.NewReader(annexB(k, "h264"))
	out, err := cmd.Output()
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// TestGrayMatchesFFmpeg: the compared frame shrunk in Go from the decoder's 4:2:0 picture is ffmpeg's
// scale=160:-2:flags=area,format=gray within rounding, for a whole ratio (720p: 8×8) and a fractional
// one (704×576 to 160×130), at video and at full levels.
func TestGrayMatchesFFmpeg(t *testing.T) {
	for _, size := range []string{"1280x720", "704x576"} {
		t.Run(size, func(t *testing.T) {
			kfs := clip{Codec: "H264", Size: size, Seconds: 4, BoxX: 100, BoxY: 100, Step: 50}.keyframes(t)
			p, err := startProc("ffmpeg", decodeArgs("h264"), "h264")
			if err != nil {
				t.Fatal(err)
			}
			defer p.stop(time.Second)
			for i, k := range kfs {
				pic, err := p.decode(k, time.Now().Add(10*time.Second))
				if err != nil {
					t.Fatal(err)
				}
				if pic.Full || pic.Cb == nil {
					t.Fatalf("picture: full %v, chroma %v; want 4:2:0 at video levels", pic.Full, pic.Cb != nil)
				}
				gray, w, h := pic.gray(DefaultWidth)
				want := ffmpegGray(t, k)
				if len(want) != w*h || len(gray) != w*h {
					t.Fatalf("keyframe %d: %dx%d (%d bytes), ffmpeg gave %d bytes", i, w, h, len(gray), len(want))
				}
				// swscale's area filter blurs a sharp edge slightly more: a few pixels along the test
				// card's bar edges differ by up to ~8; the rest by rounding.
				sum, off := 0, 0
				for j := range want {
					d := max(int(gray[j])-int(want[j]), int(want[j])-int(gray[j]))
					sum += d
					if d > 2 {
						off++
					}
				}
				if mean := float64(sum) / float64(len(want)); mean > 0.5 || off > len(want)/100 {
					t.Errorf("keyframe %d: differs from ffmpeg's by %.2f on average, by more than 2 in %d pixels", i, mean, off)
				}
			}
		})
	}
}

func TestAreaScaleFractional(t *testing.T) {
	// 3 pixels to 2: the middle one splits in half between both outputs.
	got := areaScale([]byte{0, 90, 180, 0, 90, 180}, 3, 2, 2, 1)
	if want := []byte{30, 150}; !bytes.Equal(got, want) { // (0+45)/1.5, (45+180)/1.5
		t.Errorf("got %v, want %v", got, want)
	}
}

// decodeJPEG decodes a snapshot and checks its size.
func decodeJPEG(t *testing.T, b []byte, w, h int) image.Image {
	t.Helper()
	img, err := jpeg.Decode(bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	if got := img.Bounds().Size(); got.X != w || got.Y != h {
		t.Fatalf("snapshot %v, want %dx%d", got, w, h)
	}
	return img
}

// TestSnapshotFromDecoder: a snapshot of a keyframe the running decoder decoded, or is about to, is
// its picture encoded in Go (no one-shot ffmpeg), looks like the one-shot's, and a keyframe the decoder
// never saw still gets a one-shot snapshot.
func TestSnapshotFromDecoder(t *testing.T) {
	kfs := clip{Codec: "H264", Size: "1280x720", Seconds: 8, BoxX: 100, BoxY: 100, Step: 10}.keyframes(t)
	s := runStage(t, Config{Camera: "front", Codec: "H264"})
	check(t, s, kfs[:2])
	ctx := context.Background()
	fromDec, err := s.Snapshot(ctx, kfs[1]) // decoded
	if err != nil {
		t.Fatal(err)
	}
	if st := s.Status(); st.SnapshotsFromDecoder != 1 || st.SnapshotsOneShot != 0 {
		t.Fatalf("after a decoded keyframe's snapshot: status %+v, want 1 from the decoder and no one-shot", st)
	}
	// Submitted, not yet decoded: the snapshot waits for the decoder.
	if err := s.Submit(kfs[2]); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Snapshot(ctx, kfs[2]); err != nil {
		t.Fatal(err)
	}
	<-s.Results()
	if st := s.Status(); st.SnapshotsFromDecoder != 2 || st.SnapshotsOneShot != 0 {
		t.Fatalf("after a pending keyframe's snapshot: status %+v, want 2 from the decoder and no one-shot", st)
	}
	oneShot, err := s.Snapshot(ctx, kfs[1]) // the keyframe before the latest: held too
	if err != nil {
		t.Fatal(err)
	}
	if st := s.Status(); st.SnapshotsFromDecoder != 3 || st.SnapshotsOneShot != 0 {
		t.Fatalf("the keyframe before the latest: status %+v, want it from the decoder", st)
	}
	if _, err = s.Snapshot(ctx, kfs[3]); err != nil { // never submitted
		t.Fatal(err)
	}
	if st := s.Status(); st.SnapshotsOneShot != 1 || st.SnapshotsFromDecoder != 3 {
		t.Fatalf("a keyframe the decoder never saw: status %+v, want 1 one-shot", st)
	}
	// The same keyframe by a one-shot ffmpeg (a stage without a decoder): same picture, same levels.
	idle, err := New(Config{Camera: "front", Codec: "H264"})
	if err != nil {
		t.Fatal(err)
	}
	defer idle.Close()
	if oneShot, err = idle.Snapshot(ctx, kfs[1]); err != nil {
		t.Fatal(err)
	}
	if st := idle.Status(); st.SnapshotsOneShot != 1 || st.SnapshotsFromDecoder != 0 {
		t.Fatalf("stage without a decoder: status %+v, want 1 one-shot", st)
	}
	a, b := decodeJPEG(t, fromDec, 1280, 720).(*image.YCbCr), decodeJPEG(t, oneShot, 1280, 720).(*image.YCbCr)
	// Same levels (a video-levels picture is stretched to JFIF's full levels, as ffmpeg's mjpeg does): the
	// means agree closely; pixel by pixel the two encoders' quantisation of the sensor noise differs.
	sum, ma, mb := 0, 0, 0
	for i := range a.Y {
		sum += max(int(a.Y[i])-int(b.Y[i]), int(b.Y[i])-int(a.Y[i]))
		ma, mb = ma+int(a.Y[i]), mb+int(b.Y[i])
	}
	n := float64(len(a.Y))
	if d, shift := float64(sum)/n, float64(ma-mb)/n; d > 5 || shift > 1 || shift < -1 {
		t.Errorf("snapshot from the decoder differs from the one-shot's by %.1f levels a pixel, %.2f in the mean", d, shift)
	}
	for _, c := range [][2][]byte{{a.Cb, b.Cb}, {a.Cr, b.Cr}} {
		ca, cb := 0, 0
		for i := range c[0] {
			ca, cb = ca+int(c[0][i]), cb+int(c[1][i])
		}
		if shift := float64(ca-cb) / float64(len(c[0])); shift > 1 || shift < -1 {
			t.Errorf("chroma differs from the one-shot's by %.2f in the mean", shift)
		}
	}
	if r, g, bl, _ := a.At(160, 160).RGBA(); r>>8 < 200 || g>>8 < 200 || bl>>8 < 200 {
		t.Errorf("pixel inside the white box: got %d,%d,%d, want white", r>>8, g>>8, bl>>8)
	}
	t.Logf("JPEG from the decoder %d bytes, one-shot %d bytes", len(fromDec), len(oneShot))
}

// TestBoxScaleMatchesGeneral: the whole-ratio fast path gives what the general area path gives, for widths
// that are and are not multiples of 8.
func TestBoxScaleMatchesGeneral(t *testing.T) {
	for _, c := range [][4]int{{1280, 720, 160, 90}, {1288, 720, 161, 90}, {24, 600, 3, 2}, {6, 4, 3, 2}} {
		sw, sh, dw, dh := c[0], c[1], c[2], c[3]
		src := make([]byte, sw*sh)
		for i := range src {
			src[i] = byte(i*7 + i/sw*13)
		}
		box := make([]byte, dw*dh)
		boxScale(box, src, sw, dw, dh)
		if general := areaScaleGeneral(src, sw, sh, dw, dh); !bytes.Equal(box, general) {
			t.Errorf("%v: box path differs from the general one", c)
		}
	}
}
