package hls

import (
	"errors"
	"strconv"
	"testing"
)

func TestParseName(t *testing.T) {
	for _, c := range []struct {
		name string
		k    kind
		n    uint64
	}{{"init1.mp4", kindInit, 1}, {"s0.m4s", kindSegment, 0}, {"p12345.m4s", kindPart, 12345},
		{"s18446744073709551615.m4s", kindSegment, 1<<64 - 1}} {
		k, n, err := parseName(c.name)
		if err != nil || k != c.k || n != c.n {
			t.Errorf("parseName(%q): got %d %d %v, want %d %d", c.name, k, n, err, c.k, c.n)
		}
	}
	for _, name := range []string{"", "index.m3u8", "s.m4s", "s01.m4s", "p+1.m4s", "p-1.m4s", "init1.m4s",
		"s1.mp4", "s18446744073709551616.m4s", "p1.m4s/x", "../s1.m4s"} {
		if _, _, err := parseName(name); !errors.Is(err, ErrBadRequest) {
			t.Errorf("parseName(%q): got %v, want ErrBadRequest", name, err)
		}
	}
}

func FuzzParseName(f *testing.F) {
	for _, s := range []string{"init1.mp4", "s0.m4s", "p12.m4s", "s01.m4s", "p-1.m4s", "init.mp4", "x", "s.m4s"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, name string) {
		k, n, err := parseName(name)
		if err != nil {
			if !errors.Is(err, ErrBadRequest) {
				t.Fatalf("parseName(%q): %v does not wrap ErrBadRequest", name, err)
			}
			return
		}
		// One resource, one name: the name is rebuilt from what was parsed.
		num := strconv.FormatUint(n, 10)
		want := map[kind]string{kindInit: "init" + num + ".mp4", kindSegment: "s" + num + ".m4s", kindPart: "p" + num + ".m4s"}[k]
		if name != want {
			t.Fatalf("parseName(%q): got kind %d number %d, which is named %q", name, k, n, want)
		}
	})
}
