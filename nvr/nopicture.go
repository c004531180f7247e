package nvr

import "os/exec"

// pictureSources says why a camera's events can have no snapshot. A snapshot comes from ffmpeg (the
// keyframe stage decodes one keyframe) or from the camera's snapshot_url; with neither, events have none.
type pictureSources struct {
	n      *Node
	ffmpeg bool // ffmpeg was on PATH when the node started
}

func newPictureSources(n *Node) pictureSources {
	_, err := exec.LookPath("ffmpeg")
	return pictureSources{n: n, ffmpeg: err == nil}
}

// noPicture is the reason camera's events have no snapshot, or "" when they can have one.
func (p pictureSources) noPicture(camera string) string {
	if p.ffmpeg {
		return ""
	}
	p.n.camMu.Lock()
	defer p.n.camMu.Unlock()
	for _, c := range p.n.cfg.Cameras {
		if c.Name == camera && c.SnapshotURL == "" {
			return "ffmpeg not found on PATH and no snapshot_url"
		}
	}
	return ""
}
