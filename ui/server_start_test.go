package ui

import (
	"errors"
	"io/fs"
	"testing"
)

func TestStartNeedsDataDirWithUsers(t *testing.T) {
	tests := []struct {
		name    string
		dataDir string
		wantErr error
	}{
		{"no data dir", "", nil},
		{"no users.json", t.TempDir(), fs.ErrNotExist},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := &Server{Listen: "127.0.0.1:0", DataDir: tt.dataDir, Cameras: &fakeCameras{}}
			err := s.Start()
			if err == nil {
				s.ln.Close()
				t.Fatal("got no error, want one")
			}
			if tt.wantErr != nil && !errors.Is(err, tt.wantErr) {
				t.Errorf("got error %v, want one wrapping %v", err, tt.wantErr)
			}
		})
	}
}
