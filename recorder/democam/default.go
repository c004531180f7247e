package democam

import (
	_ "embed"
	"fmt"
	"sync"
)

// clipMP4 is the demo clip; doc.go has the command that made it.
//
//go:embed clip.mp4
var clipMP4 []byte

// porchMP4 is the demo's motion clip; doc.go has the command that made it.
//
//go:embed porch.mp4
var porchMP4 []byte

var (
	defaultClip = sync.OnceValue(func() *Clip { return mustLoad("clip.mp4", clipMP4) })
	porchClip   = sync.OnceValue(func() *Clip { return mustLoad("porch.mp4", porchMP4) })
)

// mustLoad parses an embedded clip. The files are part of the build and a
// test loads them, so the panic cannot happen in a released binary.
func mustLoad(name string, b []byte) *Clip {
	c, err := LoadClip(b)
	if err != nil {
		panic(fmt.Sprintf("democam: embedded %s: %v", name, err))
	}
	return c
}

// Default returns the embedded demo clip: 10 s of 640x360 H.264 at 25 fps
// (a key frame every 2 s) with 48 kHz mono AAC. It is parsed once and shared;
// do not modify it.
func Default() *Clip {
	return defaultClip()
}

// Porch returns the embedded motion clip: 20 s of 640x360 H.264 at 25 fps
// (a key frame every 2 s) with 48 kHz mono AAC. A still, noisy scene (a
// house front) is crossed by an orange figure from second 8 to 14, so a
// motion detector sees an event every loop and 14 s of still scene between
// them (longer than the default post-roll of 10 s). It is parsed once and
// shared; do not modify it.
func Porch() *Clip {
	return porchClip()
}
