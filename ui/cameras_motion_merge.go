package ui

import (
	"bytes"
	"encoding/json"
	"fmt"
)

// cameraChange is the body of PUT /api/v1/config/cameras/{name}: the camera's settings, with its motion
// block kept raw so that the keys it gives can be merged into the stored block (mergeMotion).
type cameraChange struct {
	CameraSettings
	Motion json.RawMessage `json:"motion,omitempty"` // shadows CameraSettings.Motion
	// SnapshotURL and ONVIF shadow CameraSettings': absent, the camera keeps its own; "" or null removes it.
	SnapshotURL *string         `json:"snapshot_url,omitempty"`
	ONVIF       json.RawMessage `json:"onvif,omitempty"`
}

// mergeMotion applies a change of a camera's motion block to the stored one; nil when the change has
// no block (the camera keeps its own). Each key the change gives replaces the stored value, a key it leaves out keeps
// it. So a change of sensitivity keeps the zones; `"zones": []` clears them. The result is decoded as
// strictly as a request body (unknown keys and wrong types are errors naming the key).
func mergeMotion(stored *MotionSettings, change json.RawMessage) (*MotionSettings, error) {
	if len(change) == 0 || bytes.Equal(bytes.TrimSpace(change), []byte("null")) {
		return nil, nil // absent: the camera keeps its block as it is
	}
	var keys map[string]json.RawMessage
	if err := json.Unmarshal(change, &keys); err != nil || keys == nil {
		return nil, fmt.Errorf("motion: must be an object of motion keys")
	}
	merged := map[string]json.RawMessage{}
	if stored != nil {
		b, err := json.Marshal(stored) // a copy: decoding below never writes into the stored block
		if err != nil {
			return nil, err
		}
		if err := json.Unmarshal(b, &merged); err != nil {
			return nil, err
		}
	}
	for k, v := range keys {
		merged[k] = v
	}
	b, err := json.Marshal(merged)
	if err != nil {
		return nil, err
	}
	var m MotionSettings
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&m); err != nil {
		return nil, fmt.Errorf("motion: %w", err)
	}
	return &m, nil
}
