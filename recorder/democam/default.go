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

var defaultClip = sync.OnceValue(func() *Clip {
	c, err := LoadClip(clipMP4)
	if err != nil {
		// The file is part of the build and a test loads it, so this
		// cannot happen in a released binary.
		panic(fmt.Sprintf("democam: embedded clip.mp4: %v", err))
	}
	return c
})

// Default returns the embedded demo clip: 10 s of 640x360 H.264 at 25 fps
// (a key frame every 2 s) with 48 kHz mono AAC. It is parsed once and shared;
// do not modify it.
func Default() *Clip {
	return defaultClip()
}
