package motiontest

// The standard scenes. Each starts with a still stretch long enough for a detector to learn the scene,
// and the still stretches between motion are longer than the default post-roll, so each motion
// stretch is an event of its own.

// noise is the sensor noise over every scene: visible grain that changes every frame, as a camera
// sensor gives in daylight.
const noise = 2

// Scenes returns the scenes with motion and the hard negatives, in table order.
func Scenes() []Scene {
	return []Scene{
		{Name: "pedestrians", Source: Pedestrians, Noise: noise, Stretches: []Stretch{
			{At: 30, Seconds: 25}, {Motion: true, At: 5, Seconds: 15}, {At: 30, Seconds: 30},
			{Motion: true, At: 40, Seconds: 20}, {At: 62, Seconds: 30},
		}},
		{Name: "tree", Source: Tree, Noise: noise, Stretches: []Stretch{
			{At: 1, Seconds: 25}, {Motion: true, At: 2, Seconds: 12}, {At: 14, Seconds: 30},
			{Motion: true, At: 15, Seconds: 12}, {At: 27, Seconds: 30},
		}},
		{Name: "pedestrians-night", Source: Pedestrians, Noise: 3 * noise, Night: true, Stretches: []Stretch{
			{At: 30, Seconds: 25}, {Motion: true, At: 5, Seconds: 15}, {At: 30, Seconds: 30},
			{Motion: true, At: 40, Seconds: 20}, {At: 62, Seconds: 30},
		}},
		// Hard negatives: no motion at all.
		{Name: "still-noise", Source: Pedestrians, Noise: noise, Stretches: []Stretch{{At: 20, Seconds: 180}}},
		{Name: "still-ramp", Source: Pedestrians, Noise: noise, Ramp: -0.4, Stretches: []Stretch{{At: 50, Seconds: 180}}},
		{Name: "still-night", Source: Pedestrians, Noise: 3 * noise, Night: true, Stretches: []Stretch{{At: 70, Seconds: 180}}},
	}
}

// Encodings returns every encoding of the full table: x264 and x265, CRF and CBR, 10 and 25 fps,
// GOP 1 s and 4 s, with and without B-frames. x264 CRF, the common camera case, gets four variants; the
// others two each, to keep the table's first run (every clip encoded) within about half an hour on a
// shared two-core machine.
func Encodings() []Encoding {
	return []Encoding{
		{Codec: "H264", FPS: 25, GOP: 1},
		{Codec: "H264", FPS: 10, GOP: 4},
		{Codec: "H264", FPS: 25, GOP: 4, BFrames: 3},
		{Codec: "H264", FPS: 10, GOP: 1, BFrames: 2},
		{Codec: "H264", CBR: true, FPS: 25, GOP: 1},
		{Codec: "H264", CBR: true, FPS: 10, GOP: 4, BFrames: 2},
		{Codec: "H265", FPS: 10, GOP: 1},
		{Codec: "H265", FPS: 10, GOP: 4, BFrames: 2},
		{Codec: "H265", CBR: true, FPS: 10, GOP: 1},
		{Codec: "H265", CBR: true, FPS: 10, GOP: 4, BFrames: 2},
	}
}
