package mqtt_test

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/porchlight/porchlight/internal/testutil"
	"github.com/porchlight/porchlight/nvr/mqtt"
	"github.com/porchlight/porchlight/nvr/mqtt/mqtttest"
)

const node = "elm_street_12" // Slug("Elm Street 12")

// runPublisher runs a publisher of src against the broker until the test ends.
func runPublisher(t testing.TB, cfg mqtt.Config, src mqtt.Source) {
	t.Helper()
	if cfg.NodeName == "" {
		cfg.NodeName = "Elm Street 12"
	}
	cfg.DiscoveryPrefix, cfg.TopicPrefix, cfg.Version = "homeassistant", "porchlight", "v9.9.9"
	if cfg.Refresh == 0 {
		cfg.Refresh = 100 * time.Millisecond
	}
	p, err := mqtt.New(cfg, src)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- p.Run(ctx) }()
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("Run: %v", err)
		}
	})
}

// discoveryConfig is what the tests read of a discovery payload.
type discoveryConfig struct {
	Name              string `json:"name"`
	UniqueID          string `json:"unique_id"`
	StateTopic        string `json:"state_topic"`
	ImageTopic        string `json:"image_topic"`
	AvailabilityTopic string `json:"availability_topic"`
	DeviceClass       string `json:"device_class"`
	Device            struct {
		Identifiers  []string `json:"identifiers"`
		Name         string   `json:"name"`
		Manufacturer string   `json:"manufacturer"`
		SWVersion    string   `json:"sw_version"`
	} `json:"device"`
}

// TestDiscovery checks, with mosquitto_sub, the retained discovery configs of a node with two cameras:
// valid JSON, a unique_id each, the node's device block, the availability topic and a state (or image)
// topic that carries a retained value; and the node online.
func TestDiscovery(t *testing.T) {
	br := mqtttest.StartBroker(t, "")
	src := newFakeSource("front", "back")
	src.setStats(mqtt.Stats{OpenRequests: 2, NeighborAlerts: 1, DiskUsed: 12345, HorizonDays: 29.5})
	runPublisher(t, mqtt.Config{URL: br.URL()}, src)
	sub := mqtttest.Subscribe(t, br.Port, "porchlight/"+node+"/#")
	sub.Wait(t, 10*time.Second, 0, "online", func(m mqtttest.Msg) bool {
		return m.Topic == "porchlight/"+node+"/availability" && m.Payload == "online"
	})
	sub.Wait(t, 10*time.Second, 0, "the retention horizon", func(m mqtttest.Msg) bool {
		return m.Topic == "porchlight/"+node+"/retention_horizon" && m.Payload == "29.5"
	})

	configs := mqtttest.Retained(t, br.Port, "homeassistant/#", time.Second)
	states := mqtttest.Retained(t, br.Port, "porchlight/#", time.Second)
	want := map[string]string{ // config topic -> device class
		"homeassistant/binary_sensor/" + node + "/front_motion/config": "motion",
		"homeassistant/sensor/" + node + "/front_state/config":         "",
		"homeassistant/sensor/" + node + "/front_bitrate/config":       "data_rate",
		"homeassistant/image/" + node + "/front_snapshot/config":       "",
		"homeassistant/binary_sensor/" + node + "/back_motion/config":  "motion",
		"homeassistant/sensor/" + node + "/back_state/config":          "",
		"homeassistant/sensor/" + node + "/back_bitrate/config":        "data_rate",
		"homeassistant/image/" + node + "/back_snapshot/config":        "",
		"homeassistant/sensor/" + node + "/open_requests/config":       "",
		"homeassistant/sensor/" + node + "/neighbor_alerts/config":     "",
		"homeassistant/sensor/" + node + "/disk_used/config":           "data_size",
		"homeassistant/sensor/" + node + "/retention_horizon/config":   "duration",
	}
	if len(configs) != len(want) {
		t.Errorf("got %d retained configs, want %d: %v", len(configs), len(want), keys(configs))
	}
	ids := map[string]string{}
	for topic, class := range want {
		m, ok := configs[topic]
		if !ok {
			t.Errorf("no retained config at %s", topic)
			continue
		}
		var c discoveryConfig
		if err := json.Unmarshal([]byte(m.Payload), &c); err != nil {
			t.Errorf("%s: %v in %q", topic, err, m.Payload)
			continue
		}
		if c.UniqueID == "" || ids[c.UniqueID] != "" {
			t.Errorf("%s: unique_id %q (also at %q)", topic, c.UniqueID, ids[c.UniqueID])
		}
		ids[c.UniqueID] = topic
		if c.Device.Manufacturer != "Porchlight" || c.Device.Name != "Elm Street 12" || c.Device.SWVersion != "v9.9.9" ||
			len(c.Device.Identifiers) != 1 || c.Device.Identifiers[0] != "porchlight_"+node {
			t.Errorf("%s: device %+v", topic, c.Device)
		}
		if c.AvailabilityTopic != "porchlight/"+node+"/availability" {
			t.Errorf("%s: availability_topic %q", topic, c.AvailabilityTopic)
		}
		if c.DeviceClass != class {
			t.Errorf("%s: device_class %q, want %q", topic, c.DeviceClass, class)
		}
		valueTopic := c.StateTopic
		if strings.HasPrefix(topic, "homeassistant/image/") {
			valueTopic = c.ImageTopic
			if c.StateTopic != "" || c.ImageTopic == "" {
				t.Errorf("%s: image_topic %q, state_topic %q", topic, c.ImageTopic, c.StateTopic)
			}
			continue // no snapshot yet
		}
		if _, ok := states[valueTopic]; !ok {
			t.Errorf("%s: state topic %q has no retained value", topic, valueTopic)
		}
	}
	for topic, wantValue := range map[string]string{
		"front/motion": "OFF", "front/state": "recording", "front/bitrate": "4000", "open_requests": "2",
		"neighbor_alerts": "1", "disk_used": "12345", "availability": "online",
	} {
		if got := states["porchlight/"+node+"/"+topic].Payload; got != wantValue {
			t.Errorf("%s = %q, want %q", topic, got, wantValue)
		}
	}
}

func keys[V any](m map[string]V) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	return out
}

// TestMotionSnapshotAlerts sends events and an alert through the publisher: motion goes ON when an event
// opens and OFF when it closes, the snapshot's JPEG reaches the image topic, and the events and alerts
// topics carry JSON.
func TestMotionSnapshotAlerts(t *testing.T) {
	br := mqtttest.StartBroker(t, "")
	src := newFakeSource("front")
	runPublisher(t, mqtt.Config{URL: br.URL()}, src)
	sub := mqtttest.Subscribe(t, br.Port, "porchlight/"+node+"/#")
	motion := "porchlight/" + node + "/front/motion"
	_, i := sub.Wait(t, 10*time.Second, 0, "motion OFF at start", func(m mqtttest.Msg) bool {
		return m.Topic == motion && m.Payload == "OFF"
	})

	start := time.Now().UTC()
	src.events <- mqtt.Event{ID: 7, Camera: "front", Kind: "motion", Start: start, Score: 0.4}
	_, i = sub.Wait(t, 5*time.Second, i, "motion ON", func(m mqtttest.Msg) bool { return m.Topic == motion && m.Payload == "ON" })
	jpeg := []byte("\xff\xd8\xff\xe0 a tiny JPEG \xff\xd9")
	src.mu.Lock()
	src.snaps[7] = jpeg
	src.mu.Unlock()
	snapURL := "/api/v1/events/7/snapshot.jpg"
	src.events <- mqtt.Event{ID: 7, Camera: "front", Kind: "motion", Start: start, Score: 0.6, Snapshot: &snapURL}
	sub.Wait(t, 5*time.Second, i, "the snapshot", func(m mqtttest.Msg) bool {
		return m.Topic == "porchlight/"+node+"/front/snapshot" && m.PayloadLen == len(jpeg)
	})
	end := start.Add(3 * time.Second)
	src.events <- mqtt.Event{ID: 7, Camera: "front", Kind: "motion", Start: start, End: &end, Score: 0.6, Snapshot: &snapURL}
	_, j := sub.Wait(t, 5*time.Second, i, "motion OFF", func(m mqtttest.Msg) bool { return m.Topic == motion && m.Payload == "OFF" })

	var closed struct {
		ID       uint64     `json:"id"`
		End      *time.Time `json:"end"`
		Snapshot *string    `json:"snapshot"`
	}
	m, _ := sub.Wait(t, 5*time.Second, 0, "the closed event", func(m mqtttest.Msg) bool {
		return m.Topic == "porchlight/"+node+"/events" && strings.Contains(m.Payload, `"end":"`)
	})
	if err := json.Unmarshal([]byte(m.Payload), &closed); err != nil || closed.ID != 7 || closed.End == nil ||
		!closed.End.Equal(end) || closed.Snapshot == nil || *closed.Snapshot != snapURL || m.Retain != 0 {
		t.Errorf("events topic: %+v (err %v, retain %d) from %s", closed, err, m.Retain, m.Payload)
	}

	src.alerts <- mqtt.Alert{ID: "a1", Hood: "h1", AuthorName: "Oak St 3", Category: "theft", Text: "bike gone", Time: start}
	m, _ = sub.Wait(t, 5*time.Second, j, "the alert", func(m mqtttest.Msg) bool { return m.Topic == "porchlight/"+node+"/alerts" })
	var al mqtt.Alert
	if err := json.Unmarshal([]byte(m.Payload), &al); err != nil || al.ID != "a1" || al.Text != "bike gone" || al.AuthorName != "Oak St 3" {
		t.Errorf("alerts topic: %+v (err %v)", al, err)
	}
}

// TestCameraRemoved: a camera removed while the publisher runs loses its entities (empty retained
// configs), and so does one removed while the node was down (a stale retained config found on connect).
func TestCameraRemoved(t *testing.T) {
	br := mqtttest.StartBroker(t, "")
	// A config left by an earlier run, for a camera this run does not have.
	stale := "homeassistant/binary_sensor/" + node + "/garage_motion/config"
	pub := mqtttest.Subscribe(t, br.Port, stale) // holds the line until the retained message is in
	if err := publishRetained(br.Port, stale, `{"name":"garage motion","unique_id":"porchlight_`+node+`_garage_motion"}`); err != nil {
		t.Fatal(err)
	}
	pub.Wait(t, 5*time.Second, 0, "the stale config", func(m mqtttest.Msg) bool { return m.Topic == stale })

	src := newFakeSource("front", "back")
	runPublisher(t, mqtt.Config{URL: br.URL()}, src)
	sub := mqtttest.Subscribe(t, br.Port, "homeassistant/#")
	sub.Wait(t, 10*time.Second, 0, "the stale config cleared", func(m mqtttest.Msg) bool {
		return m.Topic == stale && m.PayloadLen == 0
	})
	back := "homeassistant/sensor/" + node + "/back_state/config"
	sub.Wait(t, 10*time.Second, 0, "back's state config", func(m mqtttest.Msg) bool { return m.Topic == back && m.PayloadLen > 0 })

	src.setCameras(src.Cameras()[:1]) // back goes
	sub.Wait(t, 10*time.Second, 0, "back's state config cleared", func(m mqtttest.Msg) bool {
		return m.Topic == back && m.PayloadLen == 0
	})
	configs := mqtttest.Retained(t, br.Port, "homeassistant/#", time.Second)
	for topic := range configs {
		if strings.Contains(topic, "/back_") || strings.Contains(topic, "/garage_") {
			t.Errorf("retained config %s left after its camera went", topic)
		}
	}
	if _, ok := configs["homeassistant/binary_sensor/"+node+"/front_motion/config"]; !ok || len(configs) != 8 {
		t.Errorf("retained configs %v, want front's 4 and the node's 4", keys(configs))
	}
}

// publishRetained publishes with mosquitto_pub.
func publishRetained(port int, topic, payload string) error {
	out, err := execCommand("mosquitto_pub", "-h", "127.0.0.1", "-p", fmt.Sprint(port), "-t", topic, "-r", "-m", payload)
	if err != nil {
		return fmt.Errorf("mosquitto_pub: %v: %s", err, out)
	}
	return nil
}

// TestNoLeak: Run leaves no goroutine behind once it has returned.
func TestNoLeak(t *testing.T) {
	br := mqtttest.StartBroker(t, "")
	snap := testutil.Goroutines()
	src := newFakeSource("front")
	p, err := mqtt.New(mqtt.Config{URL: br.URL(), NodeName: "n", DiscoveryPrefix: "homeassistant", TopicPrefix: "p"}, src)
	if err != nil {
		t.Fatal(err)
	}
	sub := mqtttest.Subscribe(t, br.Port, "p/n/availability")
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- p.Run(ctx) }()
	sub.Wait(t, 10*time.Second, 0, "online", func(m mqtttest.Msg) bool { return m.Payload == "online" })
	cancel()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	// A clean stop says offline itself (the will is for crashes).
	sub.Wait(t, 5*time.Second, 0, "offline on a clean stop", func(m mqtttest.Msg) bool { return m.Payload == "offline" })
	snap.CheckEnded(t, 5*time.Second, "os/exec.(*Cmd).Start", "bufio.(*Scanner).Scan")
}
