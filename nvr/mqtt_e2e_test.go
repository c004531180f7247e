package nvr_test

import (
	"encoding/json"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/porchlight/porchlight/nvr/mqtt/mqtttest"
)

// TestServeMQTT runs a real `porchlight serve` recording a camera that alternates still and moving
// pictures, publishing to a real mosquitto; mosquitto_sub sees the node online, Home Assistant's discovery
// config of the camera's motion sensor, motion ON when the event opens and OFF when it closes (the same
// event the API lists), the event's snapshot on the image topic, and, after kill -9, the node offline
// (the last will).
func TestServeMQTT(t *testing.T) {
	cam := startMotionCamera(t)
	br := mqtttest.StartBroker(t, "")
	sub := mqtttest.Subscribe(t, br.Port, "porchlight/elm_street_12/#")
	cfgPath, base, tok := initNode(t, "    url: "+cam.URL()+"\n    motion: {post_roll: 2s}\n", func(b []byte) []byte {
		return append(b, []byte("\nmqtt:\n  url: "+br.URL()+"\n")...)
	})
	serve, _ := startServe(t, cfgPath)

	const p = "porchlight/elm_street_12/"
	sub.Wait(t, 20*time.Second, 0, "online", func(m mqtttest.Msg) bool { return m.Topic == p+"availability" && m.Payload == "online" })
	var opened apiEvent
	_, i := sub.Wait(t, 60*time.Second, 0, "an event opening on the events topic", func(m mqtttest.Msg) bool {
		return m.Topic == p+"events" && json.Unmarshal([]byte(m.Payload), &opened) == nil && opened.End == nil
	})
	_, i = sub.Wait(t, 10*time.Second, i, "motion ON", func(m mqtttest.Msg) bool { return m.Topic == p+"front/motion" && m.Payload == "ON" })
	sub.Wait(t, 30*time.Second, i, "motion OFF", func(m mqtttest.Msg) bool { return m.Topic == p+"front/motion" && m.Payload == "OFF" })
	resp, b := apiGet(t, base, tok, "/api/v1/events?camera=front")
	var listed []apiEvent
	if err := json.Unmarshal(b, &listed); resp.StatusCode != 200 || err != nil {
		t.Fatalf("events: %s %s", resp.Status, b)
	}
	closed := false
	for _, e := range listed {
		closed = closed || (e.ID == opened.ID && e.End != nil && e.Kind == "motion")
	}
	if !closed || opened.Camera != "front" {
		t.Errorf("the API lists %+v; want event %+v of front closed", listed, opened)
	}
	sub.Wait(t, 30*time.Second, 0, "an event snapshot", func(m mqtttest.Msg) bool {
		return m.Topic == p+"front/snapshot" && m.PayloadLen > 1000 && m.Retain == 0
	})

	configs := mqtttest.Retained(t, br.Port, "homeassistant/#", time.Second)
	var motion struct {
		UniqueID          string `json:"unique_id"`
		StateTopic        string `json:"state_topic"`
		AvailabilityTopic string `json:"availability_topic"`
		DeviceClass       string `json:"device_class"`
	}
	if err := json.Unmarshal([]byte(configs["homeassistant/binary_sensor/elm_street_12/front_motion/config"].Payload), &motion); err != nil ||
		motion.UniqueID == "" || motion.StateTopic != p+"front/motion" || motion.AvailabilityTopic != p+"availability" || motion.DeviceClass != "motion" {
		t.Errorf("front's motion config: %+v (err %v) among %d configs", motion, err, len(configs))
	}

	// The node sensors, from the real node: no requests, no alerts, footage on disk (read at connect, so
	// perhaps none yet), an unknown horizon (too little footage to tell).
	states := mqtttest.Retained(t, br.Port, p+"#", time.Second)
	for topic, ok := range map[string]func(string) bool{
		"open_requests": func(v string) bool { return v == "0" }, "neighbor_alerts": func(v string) bool { return v == "0" },
		"disk_used":         func(v string) bool { n, err := strconv.ParseInt(v, 10, 64); return err == nil && n >= 0 },
		"retention_horizon": func(v string) bool { return v == "None" },
		"front/state":       func(v string) bool { return v != "" }, "front/bitrate": func(v string) bool { _, err := strconv.Atoi(v); return err == nil },
	} {
		if v := states[p+topic].Payload; !ok(v) {
			t.Errorf("%s = %q", topic, v)
		}
	}

	if err := serve.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	sub.Wait(t, 10*time.Second, 0, "offline after kill -9", func(m mqtttest.Msg) bool {
		return m.Topic == p+"availability" && m.Payload == "offline"
	})
	if got := mqtttest.Retained(t, br.Port, p+"availability", time.Second)[p+"availability"]; !strings.EqualFold(got.Payload, "offline") {
		t.Errorf("retained availability %q, want offline", got.Payload)
	}
}
