package keyframe

import (
	"bytes"
	"errors"
	"io"
	"testing"
)

func TestY4M(t *testing.T) {
	good := "YUV4MPEG2 W4 H2 F25:1 Ip A1:1 Cmono XCOLORRANGE=FULL\nFRAME\nabcdefghFRAME Ixyz\n12345678"
	y, err := newY4MReader(bytes.NewReader([]byte(good)))
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"abcdefgh", "12345678"} {
		f, err := y.Next()
		if err != nil || string(f) != want {
			t.Fatalf("Next: got %q, %v, want %q", f, err, want)
		}
	}
	if _, err := y.Next(); err != io.EOF {
		t.Errorf("at the end: got %v, want io.EOF", err)
	}
	bad := []string{
		"YUV4MPEG2 W4 H2 C420jpeg\n",                        // not gray
		"YUV4MPEG2 W0 H2 Cmono\n",                           // no size
		"YUV4MPEG2 W99999 H99999 Cmono\n",                   // too big
		"YUV4MPEG2 Wx H2 Cmono\n",                           // bad number
		"RIFF\n",                                            // not y4m
		"YUV4MPEG2 W4 H2 Cmono\nFRAMX\nabcdefgh",            // bad frame line
		"YUV4MPEG2 W4 H2 Cmono\nFRAME\nabc",                 // short frame
		"YUV4MPEG2 W4 H2 Cmono" + string(make([]byte, 300)), // endless header
	}
	for _, s := range bad {
		y, err := newY4MReader(bytes.NewReader([]byte(s)))
		if err == nil {
			_, err = y.Next()
		}
		if err == nil || err == io.EOF || !errors.Is(err, errY4M) && !errors.Is(err, io.ErrUnexpectedEOF) {
			t.Errorf("%q: got %v, want a yuv4mpeg error", s, err)
		}
	}
}

func FuzzY4M(f *testing.F) {
	f.Add([]byte("YUV4MPEG2 W4 H2 F25:1 Ip A1:1 Cmono XCOLORRANGE=FULL\nFRAME\nabcdefghFRAME\n12345678"))
	f.Add([]byte("YUV4MPEG2 W1 H1 Cmono\nFRAME\nx"))
	f.Fuzz(func(t *testing.T, b []byte) {
		y, err := newY4MReader(bytes.NewReader(b))
		if err != nil {
			return
		}
		if y.W*y.H > maxPixels || y.W <= 0 || y.H <= 0 {
			t.Fatalf("accepted size %dx%d", y.W, y.H)
		}
		for range 4 {
			fr, err := y.Next()
			if err != nil {
				return
			}
			if len(fr) != y.W*y.H {
				t.Fatalf("frame of %d bytes, want %d", len(fr), y.W*y.H)
			}
		}
	})
}
