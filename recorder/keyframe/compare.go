package keyframe

// Result is what comparing one keyframe with the one before says.
type Result struct {
	Score  float64 // 0..1, the strongest zone's changed area against the motion threshold
	Motion bool    // some zone changed enough
	Zones  []ZoneResult
	// Reference: there was no earlier frame of this size to compare with (the first keyframe, or the
	// frame size changed); Score is 0 and Motion false.
	Reference bool
}

// ZoneResult is one zone's share of Result (one entry for the whole frame when there are no zones).
type ZoneResult struct {
	Changed float64 // fraction 0..1 of the zone's unmasked pixels that changed
	Motion  bool
}

// Threshold bounds on the per-pixel change, in gray levels after brightness normalisation. The floor
// keeps encoder and sensor noise out in a still scene; the ceiling keeps a large subject, which raises
// the median change, from hiding itself.
const (
	minPixelThreshold = 12
	maxPixelThreshold = 40
)

// MinArea is the changed fraction of a zone that counts as motion at sensitivity s (0..1): 0.1% at 1,
// 0.35% at 0.5 (a person at 20 m in a 720p wide view), 1.1% at 0.
func MinArea(s float64) float64 { return 0.001 + 0.01*(1-s)*(1-s) }

// Compare compares cur with prev, two gray frames of r.W×r.H pixels, inside r. Brightness is normalised
// by the ratio of the two frames' means over the region (auto exposure, clouds, dusk); a pixel changed
// when its normalised difference passes a threshold set from the median difference (the noise floor of
// this pair), and counts only when at least two of its four neighbours changed too (isolated noise
// pixels do not add up).
func Compare(prev, cur []byte, r Region, sensitivity float64) Result {
	n := r.W * r.H
	if len(prev) != n || len(cur) != n || len(r.All) == 0 {
		return Result{Reference: true, Zones: make([]ZoneResult, len(r.Zones))}
	}
	var sp, sc float64
	for _, i := range r.All {
		sp += float64(prev[i])
		sc += float64(cur[i])
	}
	gain := 1.0
	if sc > 0 && sp > 0 {
		gain = min(4, max(0.25, sp/sc))
	}
	diff := make([]uint8, n)
	var hist [256]int
	for _, i := range r.All {
		d := float64(cur[i])*gain - float64(prev[i])
		if d < 0 {
			d = -d
		}
		v := uint8(min(255, d+0.5))
		diff[i] = v
		hist[v]++
	}
	thr := min(maxPixelThreshold, max(minPixelThreshold, 4*median(hist[:], len(r.All))+4))
	changed := make([]bool, n)
	for _, i := range r.All {
		changed[i] = int(diff[i]) > thr
	}
	res := Result{Zones: make([]ZoneResult, len(r.Zones))}
	minArea := MinArea(sensitivity)
	for z, idx := range r.Zones {
		if len(idx) == 0 {
			continue
		}
		count := 0
		for _, i := range idx {
			if changed[i] && neighbours(changed, r.W, r.H, int(i)) >= 2 {
				count++
			}
		}
		frac := float64(count) / float64(len(idx))
		zr := ZoneResult{Changed: frac, Motion: frac >= minArea}
		res.Zones[z] = zr
		res.Motion = res.Motion || zr.Motion
		res.Score = max(res.Score, min(1, frac/(2*minArea)))
	}
	return res
}

func median(hist []int, total int) int {
	seen := 0
	for v, c := range hist {
		seen += c
		if 2*seen >= total {
			return v
		}
	}
	return len(hist) - 1
}

func neighbours(changed []bool, w, h, i int) int {
	x, y, c := i%w, i/w, 0
	if x > 0 && changed[i-1] {
		c++
	}
	if x+1 < w && changed[i+1] {
		c++
	}
	if y > 0 && changed[i-w] {
		c++
	}
	if y+1 < h && changed[i+w] {
		c++
	}
	return c
}
