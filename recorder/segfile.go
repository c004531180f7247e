package recorder

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"path/filepath"

	"github.com/bluenviron/mediacommon/v2/pkg/formats/fmp4"
	"github.com/bluenviron/mediacommon/v2/pkg/formats/fmp4/seekablebuffer"
)

// Segment files are fragmented MP4: ftyp, moov (with mvex), a free box holding segMeta as JSON, then
// moof+mdat parts. The free box makes a file self-describing, so recovery can index a segment the database
// never heard of; players skip it.

// segMeta is what a segment file says about itself.
type segMeta struct {
	Version int    `json:"v"`
	Stream  string `json:"stream"`
	ID      uint64 `json:"id"`
	Run     uint64 `json:"run"`
	Start   int64  `json:"start"` // unix nanoseconds of media time 0
}

const segMetaVersion = 1

// SegmentLayoutVersion is the version of what the recorder keeps on disk beside the index: segment files
// (fMP4 with the segMeta box, version segMetaVersion) named %016x.mp4 by segment ID in
// recordings/<camera>/<stream>/. It is recorded in index.db's meta (index.Options.SegmentLayout); a data
// dir with a newer layout is refused.
const SegmentLayoutVersion = 1

// segFileName is the name of a segment's file inside its stream directory.
func segFileName(id uint64) string { return fmt.Sprintf("%016x.mp4", id) }

// streamDir is the directory holding a stream's segments, e.g. recordings/front/main.
func streamDir(dataDir, stream string) string {
	return filepath.Join(dataDir, "recordings", filepath.FromSlash(stream))
}

// marshalInit returns the init of a segment: ftyp, moov and the meta box.
func marshalInit(tracks []*fmp4.InitTrack, meta segMeta) ([]byte, error) {
	var buf seekablebuffer.Buffer
	if err := (&fmp4.Init{Tracks: tracks}).Marshal(&buf); err != nil {
		return nil, fmt.Errorf("marshal init: %w", err)
	}
	js, err := json.Marshal(meta)
	if err != nil {
		return nil, err
	}
	out := bytes.Clone(buf.Bytes())
	out = binary.BigEndian.AppendUint32(out, uint32(8+len(js)))
	out = append(out, "free"...)
	return append(out, js...), nil
}
