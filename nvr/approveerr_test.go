package nvr

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"testing"
	"time"

	"github.com/porchlight/porchlight/recorder"
	"github.com/porchlight/porchlight/ui"
)

// TestApproveErrorsOfTheRecorder: an approval whose clip the recorder refuses answers the client's error,
// not a 500. A request window may be up to a week (roster.MaxWindowHard) and an approval without a range
// takes the whole window, but the recorder exports at most a day (recorder.ErrRangeTooLong): that is a
// 400 saying so; a range with nothing recorded is the recorder's "nothing recorded".
func TestApproveErrorsOfTheRecorder(t *testing.T) {
	rec, err := recorder.New(recorder.Config{DataDir: t.TempDir(), Logger: slog.New(slog.DiscardHandler),
		Cameras: []recorder.CameraConfig{{Name: "front", URL: "rtsp://127.0.0.1:1/none"}}})
	if err != nil {
		t.Fatal(err)
	}
	defer rec.Close()
	src := clipSource{rec}
	start := time.Now().Add(-72 * time.Hour).Truncate(time.Second)
	for _, tt := range []struct {
		name string
		end  time.Time
		want error
	}{
		{"two days", start.Add(48 * time.Hour), ui.ErrBadRequest},
		{"nothing recorded", start.Add(time.Hour), ui.ErrNoRecording},
	} {
		_, err := src.WriteClip(context.Background(), "front", start, tt.end, io.Discard)
		if err == nil {
			t.Fatalf("%s: WriteClip returned no error", tt.name)
		}
		err = approveErr(fmt.Errorf("export clip: %w", err)) // as agency.Approve wraps it (sealClip)
		if !errors.Is(err, tt.want) {
			t.Errorf("%s: approval error %q is not %v", tt.name, err, tt.want)
		}
	}
}
