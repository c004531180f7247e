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
		if err != nil || string(f.Y) != want || f.Cb != nil || !f.Full {
			t.Fatalf("Next: got %+v, %v, want Y %q, full levels, no chroma", f, err, want)
		}
	}
	if _, err := y.Next(); err != io.EOF {
		t.Errorf("at the end: got %v, want io.EOF", err)
	}
	bad := []string{
		"YUV4MPEG2 W4 H2 C422\n",                            // not 4:2:0
		"YUV4MPEG2 W4 H2 C420p10\n",                         // not 8-bit
		"YUV4MPEG2 W0 H2 Cmono\n",                           // no size
		"YUV4MPEG2 W99999 H99999 Cmono\n",                   // too big
		"YUV4MPEG2 W9000 H9000 C420jpeg\n",                  // too big
		"YUV4MPEG2 Wx H2 Cmono\n",                           // bad number
		"RIFF\n",                                            // not y4m
		"YUV4MPEG2 W4 H2 Cmono\nFRAMX\nabcdefgh",            // bad frame line
		"YUV4MPEG2 W4 H2 Cmono\nFRAME\nabc",                 // short frame
		"YUV4MPEG2 W4 H2 C420mpeg2\nFRAME\nabcdefghij",      // short frame: chroma missing
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

// TestY4M420 reads 4:2:0 frames as ffmpeg writes them: Y, then Cb and Cr of ⌈W/2⌉×⌈H/2⌉ (odd sizes
// round up), video levels unless XCOLORRANGE=FULL.
func TestY4M420(t *testing.T) {
	for _, c := range []struct {
		head      string
		w, h, c   int
		full      bool
		frameBody string
	}{
		{"YUV4MPEG2 W4 H2 F25:1 Ip A1:1 C420mpeg2 XYSCSS=420MPEG2\n", 4, 2, 2, false, "YYYYYYYYbbrr"},
		{"YUV4MPEG2 W3 H3 C420jpeg XYSCSS=420JPEG XCOLORRANGE=FULL\n", 3, 3, 4, true, "YYYYYYYYYbbbbrrrr"},
		{"YUV4MPEG2 W2 H2\n", 2, 2, 1, false, "YYYYbr"}, // no C tag: 4:2:0
	} {
		y, err := newY4MReader(bytes.NewReader([]byte(c.head + "FRAME\n" + c.frameBody)))
		if err != nil {
			t.Fatalf("%q: %v", c.head, err)
		}
		f, err := y.Next()
		if err != nil {
			t.Fatalf("%q: %v", c.head, err)
		}
		if f.W != c.w || f.H != c.h || len(f.Y) != c.w*c.h || len(f.Cb) != c.c || len(f.Cr) != c.c || f.Full != c.full {
			t.Errorf("%q: got %dx%d, planes %d/%d/%d, full %v", c.head, f.W, f.H, len(f.Y), len(f.Cb), len(f.Cr), f.Full)
		}
		if bytes.ContainsAny(f.Y, "br") || bytes.ContainsAny(f.Cb, "Yr") || bytes.ContainsAny(f.Cr, "Yb") {
			t.Errorf("%q: planes split wrong: %q %q %q", c.head, f.Y, f.Cb, f.Cr)
		}
	}
}

func FuzzY4M(f *testing.F) {
	f.Add([]byte("YUV4MPEG2 W4 H2 F25:1 Ip A1:1 Cmono XCOLORRANGE=FULL\nFRAME\nabcdefghFRAME\n12345678"))
	f.Add([]byte("YUV4MPEG2 W1 H1 Cmono\nFRAME\nx"))
	f.Add([]byte("YUV4MPEG2 W4 H2 F25:1 Ip A1:1 C420mpeg2 XYSCSS=420MPEG2\nFRAME\nYYYYYYYYbbrrFRAME\nYYYYYYYYbbrr"))
	f.Add([]byte("YUV4MPEG2 W3 H1 C420jpeg XCOLORRANGE=FULL\nFRAME\nYYYbbrr"))
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
			c := 0
			if !y.mono {
				c = ((y.W + 1) / 2) * ((y.H + 1) / 2)
			}
			if fr.W != y.W || fr.H != y.H || len(fr.Y) != y.W*y.H || len(fr.Cb) != c || len(fr.Cr) != c {
				t.Fatalf("frame %dx%d with planes %d/%d/%d", fr.W, fr.H, len(fr.Y), len(fr.Cb), len(fr.Cr))
			}
			if _, _, err := jpegOrGray(fr); err != nil {
				t.Fatalf("a frame read does not encode: %v", err)
			}
		}
	})
}

// jpegOrGray exercises what the stage does with a frame read: shrink it for comparing, encode it.
func jpegOrGray(p *picture) ([]byte, []byte, error) {
	g, gw, gh := p.gray(DefaultWidth)
	if len(g) != gw*gh || gw > p.W || gh > p.H {
		return nil, nil, errors.New("gray frame of the wrong size")
	}
	j, err := p.jpeg()
	return j, g, err
}
