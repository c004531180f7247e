package keyframe

import (
	"math/rand/v2"
	"testing"
)

// scene draws a w×h gray frame: a fixed texture, a bright square at (sx, sy) of side side (none when
// side is 0), brightness gain, and Gaussian sensor noise of sigma levels.
func scene(w, h, sx, sy, side int, gain, sigma float64, rng *rand.Rand) []byte {
	f := make([]byte, w*h)
	for y := range h {
		for x := range w {
			v := 60 + float64((x*7+y*13)%50) // texture
			if side > 0 && x >= sx && x < sx+side && y >= sy && y < sy+side {
				v = 220
			}
			v = v*gain + rng.NormFloat64()*sigma
			f[y*w+x] = uint8(min(255, max(0, v)))
		}
	}
	return f
}

func TestCompareSynthetic(t *testing.T) {
	const w, h = 160, 90
	left := Polygon{{0, 0}, {0.5, 0}, {0.5, 1}, {0, 1}}
	right := Polygon{{0.5, 0}, {1, 0}, {1, 1}, {0.5, 1}}
	tests := []struct {
		name         string
		zones, masks []Polygon
		prev, cur    func(rng *rand.Rand) []byte
		want         bool
	}{
		{"sensor noise only", nil, nil,
			func(r *rand.Rand) []byte { return scene(w, h, 0, 0, 0, 1, 4, r) },
			func(r *rand.Rand) []byte { return scene(w, h, 0, 0, 0, 1, 4, r) }, false},
		{"heavy night noise", nil, nil,
			func(r *rand.Rand) []byte { return scene(w, h, 0, 0, 0, 0.3, 8, r) },
			func(r *rand.Rand) []byte { return scene(w, h, 0, 0, 0, 0.3, 8, r) }, false},
		{"global brightness change", nil, nil,
			func(r *rand.Rand) []byte { return scene(w, h, 0, 0, 0, 1, 3, r) },
			func(r *rand.Rand) []byte { return scene(w, h, 0, 0, 0, 1.4, 3, r) }, false},
		{"square moves", nil, nil,
			func(r *rand.Rand) []byte { return scene(w, h, 20, 30, 12, 1, 3, r) },
			func(r *rand.Rand) []byte { return scene(w, h, 40, 30, 12, 1, 3, r) }, true},
		{"square moves and brightness changes", nil, nil,
			func(r *rand.Rand) []byte { return scene(w, h, 20, 30, 12, 1, 3, r) },
			func(r *rand.Rand) []byte { return scene(w, h, 40, 30, 12, 1.2, 3, r) }, true},
		{"square moves inside the mask", nil, []Polygon{right},
			func(r *rand.Rand) []byte { return scene(w, h, 100, 30, 12, 1, 3, r) },
			func(r *rand.Rand) []byte { return scene(w, h, 130, 30, 12, 1, 3, r) }, false},
		{"square moves inside the zone", []Polygon{left}, nil,
			func(r *rand.Rand) []byte { return scene(w, h, 10, 30, 12, 1, 3, r) },
			func(r *rand.Rand) []byte { return scene(w, h, 40, 30, 12, 1, 3, r) }, true},
		{"square moves outside the zone", []Polygon{left}, nil,
			func(r *rand.Rand) []byte { return scene(w, h, 100, 30, 12, 1, 3, r) },
			func(r *rand.Rand) []byte { return scene(w, h, 130, 30, 12, 1, 3, r) }, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rng := rand.New(rand.NewPCG(1, 2))
			r := NewRegion(w, h, tt.zones, tt.masks)
			got := Compare(tt.prev(rng), tt.cur(rng), r, 0.5)
			if got.Motion != tt.want || got.Reference {
				t.Errorf("got %+v, want motion %v", got, tt.want)
			}
			if tt.want && got.Score < 0.5 || !tt.want && got.Score >= 0.5 {
				t.Errorf("score %.3f does not agree with motion %v", got.Score, tt.want)
			}
		})
	}
}

func TestCompareReference(t *testing.T) {
	r := NewRegion(4, 4, nil, nil)
	if got := Compare(nil, make([]byte, 16), r, 0.5); !got.Reference || got.Motion {
		t.Errorf("no previous frame: got %+v, want a reference", got)
	}
	if got := Compare(make([]byte, 9), make([]byte, 16), r, 0.5); !got.Reference {
		t.Errorf("frame size changed: got %+v, want a reference", got)
	}
}

func TestRegion(t *testing.T) {
	left := Polygon{{0, 0}, {0.5, 0}, {0.5, 1}, {0, 1}}
	top := Polygon{{0, 0}, {1, 0}, {1, 0.5}, {0, 0.5}}
	tri := Polygon{{0, 0}, {0.95, 0}, {0, 0.95}} // no pixel centre on its edge
	tests := []struct {
		name         string
		zones, masks []Polygon
		all          int
		zoneSizes    []int
	}{
		{"whole frame", nil, nil, 100, []int{100}},
		{"one zone", []Polygon{left}, nil, 50, []int{50}},
		{"mask only", nil, []Polygon{left}, 50, []int{50}},
		{"zone minus mask", []Polygon{left}, []Polygon{top}, 25, []int{25}},
		{"overlapping zones", []Polygon{left, top}, nil, 75, []int{50, 50}},
		{"triangle: pixel centres below the diagonal", []Polygon{tri}, nil, 45, []int{45}},
		{"mask covers everything", nil, []Polygon{{{0, 0}, {1, 0}, {1, 1}, {0, 1}}}, 0, []int{0}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := NewRegion(10, 10, tt.zones, tt.masks)
			if len(r.All) != tt.all {
				t.Errorf("got %d pixels, want %d", len(r.All), tt.all)
			}
			for i, want := range tt.zoneSizes {
				if len(r.Zones[i]) != want {
					t.Errorf("zone %d: got %d pixels, want %d", i, len(r.Zones[i]), want)
				}
			}
		})
	}
	if got := Compare(make([]byte, 100), make([]byte, 100), NewRegion(10, 10, nil, []Polygon{{{0, 0}, {1, 0}, {1, 1}, {0, 1}}}), 1); got.Motion {
		t.Errorf("everything masked: got %+v, want no motion", got)
	}
}

func BenchmarkCompare(b *testing.B) {
	rng := rand.New(rand.NewPCG(1, 2))
	prev, cur := scene(160, 90, 20, 30, 12, 1, 3, rng), scene(160, 90, 40, 30, 12, 1, 3, rng)
	r := NewRegion(160, 90, []Polygon{{{0, 0}, {0.5, 0}, {0.5, 1}, {0, 1}}}, nil)
	for b.Loop() {
		Compare(prev, cur, r, 0.5)
	}
}
