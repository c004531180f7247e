package motion

import (
	"bytes"
	"testing"
	"time"
)

func fuzzSlices(f *testing.F, codec, file string) {
	p := newParser(codec)
	for _, n := range nalus(f, file) {
		if fi := p.frame([][]byte{n}); fi.size > 0 {
			f.Add(n[:min(len(n), 64)])
		}
	}
	f.Fuzz(func(t *testing.T, nalu []byte) {
		p := newParser(codec)
		for _, n := range nalus(t, file)[:4] { // the parameter sets (and SEI) of the stream
			p.frame([][]byte{n})
		}
		fi := p.frame([][]byte{nalu})
		if fi.size > len(nalu) || fi.bad > 1 {
			t.Fatalf("got size %d bad %d for %d bytes", fi.size, fi.bad, len(nalu))
		}
		if fi.hasQP && (fi.qp < -12 || fi.qp > 51) {
			t.Fatalf("got QP %v", fi.qp)
		}
	})
}

// FuzzSliceHeader reads hostile H.264 NAL units after a real stream's parameter sets.
func FuzzSliceHeader(f *testing.F) { fuzzSlices(f, "H264", "testdata/qp30-b2.h264") }

// FuzzH265SliceHeader reads hostile H.265 NAL units after a real stream's parameter sets.
func FuzzH265SliceHeader(f *testing.F) { fuzzSlices(f, "H265", "testdata/qp30-b2.h265") }

// FuzzObserve feeds a detector access units cut from hostile bytes (0xff 0xff separates NAL units,
// 0xfe 0xfe access units), parameter sets included.
func FuzzObserve(f *testing.F) {
	for _, file := range []string{"testdata/qp30-b2.h264", "testdata/qp30-b2.h265"} {
		f.Add(file[len(file)-1] == '5', bytes.Join(nalus(f, file)[:8], []byte{0xff, 0xff}))
	}
	f.Fuzz(func(t *testing.T, h265 bool, data []byte) {
		codec := "H264"
		if h265 {
			codec = "H265"
		}
		d := New(codec, Settings{Sensitivity: 1})
		at := time.Unix(0, 0)
		for i, au := range bytes.Split(data, []byte{0xfe, 0xfe}) {
			ns := bytes.Split(au, []byte{0xff, 0xff})
			d.Observe(Frame{Time: at.Add(time.Duration(i) * 40 * time.Millisecond), Key: i%10 == 0, Size: len(au), NALUs: ns})
		}
		if s := d.Stats(); s.Frames == 0 {
			t.Fatal("no frame counted")
		}
	})
}
