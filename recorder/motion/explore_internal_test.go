package motion

import (
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"
)

func TestExploreInternal(t *testing.T) {
	pat := os.Getenv("EXPLORE_CLIP")
	if pat == "" {
		t.Skip()
	}
	files, _ := filepath.Glob(pat)
	b, _ := os.ReadFile(files[0])
	codec := "H264"
	if filepath.Ext(files[0]) == ".h265" {
		codec = "H265"
	}
	aus := splitAU(b)
	d := New(codec, Settings{})
	base := time.Unix(0, 0)
	for i, au := range aus {
		c, ok := d.Observe(Frame{Time: base.Add(time.Duration(i) * 100 * time.Millisecond), Key: au.Key, Size: au.Size, NALUs: au.NALUs})
		fi := d.p.frame(au.NALUs)
		if i%3 == 0 || ok {
			fmt.Printf("%d t=%.1f typ=%d ref=%v size=%d qp=%.1f lvl=%.2f mov=%v %v %v\n", i, float64(i)/10, fi.typ, fi.ref, fi.size, fi.qp, d.level, d.moving, ok, c)
		}
	}
}

type au struct {
	NALUs [][]byte
	Key   bool
	Size  int
}

func splitAU(b []byte) []au {
	var nal [][]byte
	start := -1
	for i := 0; i+2 < len(b); i++ {
		if b[i] == 0 && b[i+1] == 0 && b[i+2] == 1 {
			if start >= 0 {
				e := i
				for e > start && b[e-1] == 0 {
					e--
				}
				nal = append(nal, b[start:e])
			}
			start = i + 3
			i += 2
		}
	}
	nal = append(nal, b[start:])
	var out []au
	var cur au
	saw := false
	for _, n := range nal {
		t := n[0] & 0x1f
		vcl := t >= 1 && t <= 5
		if (!vcl || n[1]&0x80 != 0) && saw {
			out = append(out, cur)
			cur, saw = au{}, false
		}
		cur.NALUs = append(cur.NALUs, n)
		if vcl {
			saw = true
			cur.Size += len(n)
			cur.Key = cur.Key || t == 5
		}
	}
	return append(out, cur)
}
