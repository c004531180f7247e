package ui

import (
	"encoding/json"
	"strings"
	"testing"
)

func TestDecodeJSON(t *testing.T) {
	tests := []struct {
		in      string
		wantErr bool
	}{
		{`{"user":"a","password":"b"}`, false},
		{` {"user":"a"} `, false},
		{`{"user":"a","role":"admin"}`, true},
		{`{"user":"a"}{"user":"b"}`, true},
		{`{"user":1}`, true},
		{`{"user":"a"`, true},
		{``, true},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			var req loginRequest
			err := decodeJSON(strings.NewReader(tt.in), &req)
			if (err != nil) != tt.wantErr {
				t.Errorf("got error %v, want error %v", err, tt.wantErr)
			}
		})
	}
}

func FuzzDecodeLogin(f *testing.F) {
	for _, s := range []string{`{"user":"admin","password":"x"}`, `{"user":"\u00e9"}`, `{}`, `[]`, `{"a":1}`, `null`} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, in string) {
		var req loginRequest
		if err := decodeJSON(strings.NewReader(in), &req); err != nil {
			return
		}
		// What decodes must survive a round trip unchanged.
		b, err := json.Marshal(req)
		if err != nil {
			t.Fatal(err)
		}
		var again loginRequest
		if err := decodeJSON(strings.NewReader(string(b)), &again); err != nil || again != req {
			t.Fatalf("round trip of %q: got %+v, %v, want %+v", in, again, err, req)
		}
	})
}
