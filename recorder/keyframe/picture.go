package keyframe

import (
	"bytes"
	"encoding/binary"
	"image"
	"image/jpeg"
	"time"
)

// picture is one decoded keyframe at the camera's size, as the decoder wrote it: 8-bit 4:2:0 planes
// (Cb and Cr of ⌈W/2⌉×⌈H/2⌉; nil for a gray stream), video (16..235) or full (0..255) levels. A picture
// is never written to once read, so the stage's held pictures are shared without copying.
type picture struct {
	W, H      int
	Full      bool
	Y, Cb, Cr []byte
	Time      time.Time // the keyframe's (set by the stage)
}

// grayHeight is the compared frame's height for width w: the aspect kept and rounded to an even number,
// as ffmpeg's scale=w:-2 does.
func grayHeight(w, srcW, srcH int) int {
	h := 2 * ((w*srcH + srcW) / (2 * srcW)) // round(w·srcH / (2·srcW))·2
	return max(2, h)
}

// gray is the picture's luma shrunk to width w (never enlarged: a narrower picture keeps its width) by
// area averaging, as ffmpeg's flags=area does, at full levels (video levels are stretched, as ffmpeg's
// format=gray does). Comparing at this size averages sensor noise away (8×8 pixels per gray pixel at 720p).
func (p *picture) gray(w int) (g []byte, gw, gh int) {
	gw = min(w, p.W)
	gh = min(grayHeight(gw, p.W, p.H), p.H)
	g = areaScale(p.Y, p.W, p.H, gw, gh)
	if !p.Full {
		lut := &videoToFullY
		for i, v := range g {
			g[i] = lut[v]
		}
	}
	return g, gw, gh
}

// areaScale shrinks a sw×sh plane to dw×dh (dw ≤ sw, dh ≤ sh): each output pixel is the mean of the
// input area it covers, pixels on its border weighted by the part inside. In units where an input pixel
// is dw (dh) long, output column x covers [x·sw, (x+1)·sw): every weight is an integer and each output
// pixel's weights add up to sw·sh. A whole ratio (720p and 1080p to 160×90) takes a plain box sum.
func areaScale(src []byte, sw, sh, dw, dh int) []byte {
	out := make([]byte, dw*dh)
	if sw%dw == 0 && sh%dh == 0 {
		boxScale(out, src, sw, dw, dh)
		return out
	}
	return areaScaleGeneral(src, sw, sh, dw, dh)
}

// areaScaleGeneral is areaScale for any ratio.
func areaScaleGeneral(src []byte, sw, sh, dw, dh int) []byte {
	out := make([]byte, dw*dh)
	cols, rows := spans(sw, dw), spans(sh, dh)
	rowSum := make([]uint64, dw)
	acc := make([]uint64, dw*dh)
	for y := range sh {
		clear(rowSum)
		for x, v := range src[y*sw : (y+1)*sw] {
			c := cols[x]
			rowSum[c.i] += uint64(c.w0) * uint64(v)
			if c.w1 > 0 {
				rowSum[c.i+1] += uint64(c.w1) * uint64(v)
			}
		}
		r := rows[y]
		line := acc[r.i*dw : (r.i+1)*dw]
		for x, s := range rowSum {
			line[x] += uint64(r.w0) * s
		}
		if r.w1 > 0 {
			line = acc[(r.i+1)*dw : (r.i+2)*dw]
			for x, s := range rowSum {
				line[x] += uint64(r.w1) * s
			}
		}
	}
	area := uint64(sw) * uint64(sh)
	for i, s := range acc {
		out[i] = uint8((s + area/2) / area)
	}
	return out
}

// boxScale is areaScale for whole ratios: the by rows of each output row are added column by column
// (a tight loop over whole rows, eight pixels at a time in two 16-bit lanes each), then each group of
// bx columns.
func boxScale(out, src []byte, sw, dw, dh int) {
	bx, by := sw/dw, len(src)/sw/dh
	area := uint32(bx * by)
	const lo = 0x00ff00ff00ff00ff
	words := sw / 8
	even, odd := make([]uint64, words), make([]uint64, words) // 16-bit lanes: by·255 fits when by ≤ 257
	col := make([]uint32, sw)
	for oy := range dh {
		clear(col)
		for y0 := oy * by; y0 < (oy+1)*by; y0 += 256 {
			clear(even)
			clear(odd)
			for y := y0; y < min(y0+256, (oy+1)*by); y++ {
				row := src[y*sw : (y+1)*sw]
				for i := range words {
					v := binary.LittleEndian.Uint64(row[8*i:])
					even[i] += v & lo
					odd[i] += v >> 8 & lo
				}
				for x := 8 * words; x < sw; x++ {
					col[x] += uint32(row[x])
				}
			}
			for i := range words {
				e, o := even[i], odd[i]
				for j := range 4 {
					col[8*i+2*j] += uint32(e >> (16 * j) & 0xffff)
					col[8*i+2*j+1] += uint32(o >> (16 * j) & 0xffff)
				}
			}
		}
		for ox := range dw {
			var s uint32
			for _, v := range col[ox*bx : (ox+1)*bx] {
				s += v
			}
			out[oy*dw+ox] = uint8((s + area/2) / area)
		}
	}
}

// span is how one input pixel splits between output pixel i (weight w0) and i+1 (w1).
type span struct{ i, w0, w1 int }

// spans maps each of n input pixels to the (at most two, since d ≤ n) of d output pixels it overlaps.
func spans(n, d int) []span {
	s := make([]span, n)
	for x := range s {
		lo, hi := x*d, (x+1)*d // in units where an output pixel is n long
		i := lo / n
		if end := (i + 1) * n; hi > end {
			s[x] = span{i, end - lo, hi - end}
		} else {
			s[x] = span{i, d, 0}
		}
	}
	return s
}

// Level tables from video (Y 16..235, C 16..240) to full (0..255) levels, rounded and clamped.
var videoToFullY, videoToFullC = levels(16, 235), levels(16, 240)

func levels(lo, hi int) (t [256]uint8) {
	for v := range t {
		f := (float64(v-lo)*255)/float64(hi-lo) + 0.5
		t[v] = uint8(min(255, max(0, f)))
	}
	return t
}

// snapshotQuality is image/jpeg's quality for snapshots made from the decoder's pictures: about the
// size and look of ffmpeg's mjpeg at -q:v 5, what one-shot snapshots use.
const snapshotQuality = 75

// jpeg encodes the picture at its full size (4:2:0, full levels as JFIF wants: video levels are
// stretched, as ffmpeg's mjpeg encoder does).
func (p *picture) jpeg() ([]byte, error) {
	r := image.Rect(0, 0, p.W, p.H)
	var img image.Image
	if p.Cb == nil {
		img = &image.Gray{Pix: p.Y, Stride: p.W, Rect: r}
	} else {
		y, cb, cr := p.Y, p.Cb, p.Cr
		if !p.Full {
			y, cb, cr = mapLevels(y, &videoToFullY), mapLevels(cb, &videoToFullC), mapLevels(cr, &videoToFullC)
		}
		img = &image.YCbCr{Y: y, Cb: cb, Cr: cr, YStride: p.W, CStride: (p.W + 1) / 2,
			SubsampleRatio: image.YCbCrSubsampleRatio420, Rect: r}
	}
	var b bytes.Buffer
	b.Grow(p.W * p.H / 8)
	if err := jpeg.Encode(&b, img, &jpeg.Options{Quality: snapshotQuality}); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}

func mapLevels(in []byte, t *[256]uint8) []byte {
	out := make([]byte, len(in))
	for i, v := range in {
		out[i] = t[v]
	}
	return out
}
