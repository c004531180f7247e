package deliver

import (
	"bytes"
	"errors"
	"io"
	"testing"

	"github.com/libp2p/go-msgio"
)

func TestReadResume(t *testing.T) {
	tests := []struct {
		name     string
		frame    []byte
		wantHave int64
		wantErr  error
	}{
		{"resume", frame(t, reply{Resume: &Resume{Have: 7}}), 7, nil},
		{"resume at end", frame(t, reply{Resume: &Resume{Have: 10}}), 10, nil},
		{"refuse", frame(t, reply{Refuse: &Refuse{Reason: "no"}}), 0, ErrRefused},
		{"done too early", frame(t, reply{Done: &Done{}}), 0, ErrProtocol},
		{"resume and refuse", frame(t, reply{Resume: &Resume{}, Refuse: &Refuse{}}), 0, ErrProtocol},
		{"empty", frame(t, reply{}), 0, ErrProtocol},
		{"have over size", frame(t, reply{Resume: &Resume{Have: 11}}), 0, ErrProtocol},
		{"negative have", frame(t, reply{Resume: &Resume{Have: -1}}), 0, ErrProtocol},
		{"unknown field", frame(t, map[int]any{1: map[int]int{1: 1}, 9: 1}), 0, ErrProtocol},
		{"cut short", frame(t, reply{Resume: &Resume{Have: 7}})[:3], 0, io.ErrUnexpectedEOF},
		{"not cbor", rawFrame([]byte{0xff}), 0, ErrProtocol},
		{"too large", rawFrame(make([]byte, MaxFrame+1)), 0, msgio.ErrMsgTooLarge},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			have, err := readResume(bytes.NewReader(tt.frame), 10)
			if !errors.Is(err, tt.wantErr) || have != tt.wantHave {
				t.Errorf("got %d, %v; want %d, %v", have, err, tt.wantHave, tt.wantErr)
			}
		})
	}
}

func TestReadDone(t *testing.T) {
	tests := []struct {
		name    string
		frame   []byte
		want    string
		wantErr error
	}{
		{"done", frame(t, reply{Done: &Done{Receipt: []byte("r")}}), "r", nil},
		{"refuse", frame(t, reply{Refuse: &Refuse{Reason: "sha256 mismatch"}}), "", ErrRefused},
		{"resume", frame(t, reply{Resume: &Resume{}}), "", ErrProtocol},
		{"done and refuse", frame(t, reply{Done: &Done{}, Refuse: &Refuse{}}), "", ErrProtocol},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := readDone(bytes.NewReader(tt.frame))
			if string(got) != tt.want || !errors.Is(err, tt.wantErr) {
				t.Errorf("got %q, %v; want %q, %v", got, err, tt.want, tt.wantErr)
			}
		})
	}
}

func TestRefuseReasonIsCut(t *testing.T) {
	var b bytes.Buffer
	if err := writeRefuse(&b, string(make([]byte, 3*MaxReason)), false); err != nil {
		t.Fatal(err)
	}
	_, err := readDone(&b)
	var re *RefusedError
	if !errors.As(err, &re) || len(re.Reason) != MaxReason {
		t.Errorf("got %v, want a refusal with a %d-byte reason", err, MaxReason)
	}
}

// rawFrame prefixes b with its varint length, without checking it.
func rawFrame(b []byte) []byte {
	var out bytes.Buffer
	msgio.NewVarintWriter(&out).WriteMsg(b)
	return out.Bytes()
}
