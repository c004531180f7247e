package keyframe

// Region is the set of pixels of a w×h frame that comparison looks at: inside a zone (or anywhere, with
// no zones) and outside every mask. Zone[i] lists the pixels of zone i that are not masked.
type Region struct {
	W, H  int
	All   []int32   // pixel indexes compared, in raster order
	Zones [][]int32 // per zone; one entry (equal to All) when there are no zones
}

// NewRegion rasterises zones and masks for a w×h frame. A pixel belongs to a polygon when its centre does
// (even-odd rule), so the result does not depend on the frame size beyond rounding.
func NewRegion(w, h int, zones, masks []Polygon) Region {
	r := Region{W: w, H: h}
	masked := make([]bool, w*h)
	for _, m := range masks {
		fill(w, h, m, func(i int) { masked[i] = true })
	}
	if len(zones) == 0 {
		zones = []Polygon{{{0, 0}, {1, 0}, {1, 1}, {0, 1}}}
	}
	in := make([]bool, w*h)
	for _, z := range zones {
		var idx []int32
		fill(w, h, z, func(i int) {
			if !masked[i] {
				idx = append(idx, int32(i))
				in[i] = true
			}
		})
		r.Zones = append(r.Zones, idx)
	}
	for i, ok := range in {
		if ok {
			r.All = append(r.All, int32(i))
		}
	}
	return r
}

// fill calls set for every pixel whose centre lies inside p (even-odd scanline fill).
func fill(w, h int, p Polygon, set func(i int)) {
	xs := make([]float64, 0, 8)
	for y := range h {
		cy := (float64(y) + 0.5) / float64(h)
		xs = xs[:0]
		for i := range p {
			a, b := p[i], p[(i+1)%len(p)]
			if (a[1] <= cy) == (b[1] <= cy) {
				continue // the edge does not cross this scanline
			}
			xs = append(xs, a[0]+(cy-a[1])*(b[0]-a[0])/(b[1]-a[1]))
		}
		sortFloats(xs)
		for k := 0; k+1 < len(xs); k += 2 {
			for x := range w {
				cx := (float64(x) + 0.5) / float64(w)
				if cx >= xs[k] && cx < xs[k+1] {
					set(y*w + x)
				}
			}
		}
	}
}

// sortFloats is an insertion sort: a scanline crosses a handful of edges.
func sortFloats(s []float64) {
	for i := 1; i < len(s); i++ {
		for j := i; j > 0 && s[j] < s[j-1]; j-- {
			s[j], s[j-1] = s[j-1], s[j]
		}
	}
}
