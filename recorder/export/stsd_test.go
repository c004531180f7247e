package export

import (
	"bytes"
	"errors"
	"testing"

	"github.com/bluenviron/mediacommon/v2/pkg/codecs/mpeg4audio"
	"github.com/bluenviron/mediacommon/v2/pkg/formats/fmp4"
	"github.com/bluenviron/mediacommon/v2/pkg/formats/fmp4/seekablebuffer"
	"github.com/bluenviron/mediacommon/v2/pkg/formats/mp4"
)

// testInit is an init as the recorder writes it: H.264 as track 1, AAC as track 2.
func testInit(t testing.TB) []byte {
	t.Helper()
	var buf seekablebuffer.Buffer
	err := fmp4.Init{Tracks: []*fmp4.InitTrack{
		{ID: 1, TimeScale: 90000, Codec: &mp4.CodecH264{
			SPS: []byte{0x67, 0x42, 0xc0, 0x1f, 0xd9, 0x00, 0xf0, 0x11, 0x7e, 0xf0, 0x11, 0x00, 0x00, 0x03,
				0x00, 0x01, 0x00, 0x00, 0x03, 0x00, 0x30, 0x8f, 0x18, 0x32, 0x48},
			PPS: []byte{0x68, 0xcb, 0x8c, 0xb2}}},
		{ID: 2, TimeScale: 48000, Codec: &mp4.CodecMPEG4Audio{Config: mpeg4audio.AudioSpecificConfig{
			Type: mpeg4audio.ObjectTypeAACLC, SampleRate: 48000, ChannelCount: 2}}},
	}}.Marshal(&buf)
	if err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func TestFindSampleEntries(t *testing.T) {
	init := testInit(t)
	moov := bytes.Index(init, []byte("moov")) - 4
	cases := []struct {
		name      string
		init      []byte
		track     uint32
		wantType  string
		wantCount uint32
		wantErr   error
	}{
		{"video", init, 1, "avc1", 1, nil},
		{"audio", init, 2, "mp4a", 1, nil},
		{"unknown track", init, 3, "", 0, ErrBadIndex},
		{"no moov", init[:moov], 1, "", 0, ErrBadIndex},
		{"truncated moov", init[:len(init)-10], 1, "", 0, ErrBadIndex},
		{"empty", nil, 1, "", 0, ErrBadIndex},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			entries, count, err := findSampleEntries(tc.init, tc.track)
			if !errors.Is(err, tc.wantErr) {
				t.Fatalf("error: got %v, want %v", err, tc.wantErr)
			}
			if err != nil {
				return
			}
			if count != tc.wantCount || len(entries) < 8 || string(entries[4:8]) != tc.wantType {
				t.Errorf("got %d entries starting %q, want %d starting %q", count, entries[4:8], tc.wantCount,
					tc.wantType)
			}
			if !bytes.Contains(tc.init, entries) {
				t.Errorf("entries are not a verbatim slice of the init")
			}
		})
	}
}

// FuzzFindSampleEntries feeds damaged inits to the box walker, which reads bytes from disk.
func FuzzFindSampleEntries(f *testing.F) {
	init := testInit(f)
	f.Add(init, uint32(1))
	f.Add(init[:len(init)/2], uint32(2))
	f.Fuzz(func(t *testing.T, b []byte, track uint32) {
		entries, _, err := findSampleEntries(b, track)
		if err != nil && !errors.Is(err, ErrBadIndex) {
			t.Fatalf("error %v does not wrap ErrBadIndex", err)
		}
		if err == nil && !bytes.Contains(b, entries) {
			t.Fatalf("entries are not a slice of the input")
		}
	})
}
