package nvr_test

import (
	"encoding/json"
	"reflect"
	"testing"
	"time"

	"github.com/porchlight/porchlight/nvr/mqtt/mqtttest"
)

// TestServeMQTTAlerts: two real nodes in a hood; h2 posts an alert and h1, which publishes to a real
// mosquitto, puts it on its alerts topic with exactly the fields its own API shows (nothing more about the
// neighbor) and counts it on the neighbor alerts sensor; h1's own alert is on the topic with mine true and
// not counted. Once the household has read the feed (POST /api/v1/alerts/read, what the Neighborhood view
// does) the sensor falls to 0 at once, and h2's next alert counts again.
func TestServeMQTTAlerts(t *testing.T) {
	br := mqtttest.StartBroker(t, "")
	sub := mqtttest.Subscribe(t, br.Port, "porchlight/h1/#")
	h1 := newHoodNode(t, "h1", "household", func(cfg map[string]any) {
		cfg["mqtt"] = map[string]any{"url": br.URL()}
	})
	h2 := newHoodNode(t, "h2", "household", nil)
	h1.start(t)
	h2.start(t)
	h1.line(t, "hood create", "--name", "Elm Street")
	h2.cli(t, "hood join", h1.line(t, "hood invite"))
	sub.Wait(t, 20*time.Second, 0, "h1 online", func(m mqtttest.Msg) bool {
		return m.Topic == "porchlight/h1/availability" && m.Payload == "online"
	})

	posted := h2.line(t, "alert post", "--text", "Package taken from a porch", "--category", "theft",
		"--lat", "40.7128", "--lon", "-74.006")
	m, i := sub.Wait(t, 20*time.Second, 0, "h2's alert on h1's alerts topic", func(m mqtttest.Msg) bool {
		return m.Topic == "porchlight/h1/alerts"
	})
	var onTopic, inAPI map[string]any
	if err := json.Unmarshal([]byte(m.Payload), &onTopic); err != nil {
		t.Fatal(err)
	}
	var listed []map[string]any
	if err := json.Unmarshal(h1.get(t, "/api/v1/alerts"), &listed); err != nil {
		t.Fatal(err)
	}
	for _, a := range listed {
		if a["id"] == posted {
			inAPI = a
		}
	}
	delete(inAPI, "author")  // the member ID: the UI shows the name
	delete(inAPI, "matches") // this home's own events, not about the neighbor
	if onTopic["id"] != posted || onTopic["mine"] != false || !reflect.DeepEqual(onTopic, inAPI) {
		t.Errorf("alerts topic:\n%v\nh1's API:\n%v", onTopic, inAPI)
	}
	sub.Wait(t, 10*time.Second, i, "the neighbor alerts sensor at 1", func(m mqtttest.Msg) bool {
		return m.Topic == "porchlight/h1/neighbor_alerts" && m.Payload == "1"
	})

	mine := h1.line(t, "alert post", "--text", "Seen a fox")
	m, _ = sub.Wait(t, 20*time.Second, i, "h1's own alert", func(m mqtttest.Msg) bool {
		return m.Topic == "porchlight/h1/alerts" && json.Unmarshal([]byte(m.Payload), &onTopic) == nil && onTopic["id"] == mine
	})
	if onTopic["mine"] != true {
		t.Errorf("h1's own alert on the topic: %s, want mine true", m.Payload)
	}
	if got := mqtttest.Retained(t, br.Port, "porchlight/h1/neighbor_alerts", time.Second)["porchlight/h1/neighbor_alerts"]; got.Payload != "1" {
		t.Errorf("neighbor alerts %q after h1's own alert, want 1", got.Payload)
	}

	var unread struct {
		Unread    int        `json:"unread"`
		ReadUntil *time.Time `json:"read_until"`
	}
	if err := json.Unmarshal(h1.get(t, "/api/v1/alerts/unread"), &unread); err != nil || unread.Unread != 1 || unread.ReadUntil != nil {
		t.Errorf("unread before reading: %+v, %v; want 1 and no mark", unread, err)
	}
	seen, _ := h1.alert(t, posted)
	if err := json.Unmarshal(h1.do(t, "POST", "/api/v1/alerts/read", map[string]any{"until": seen.Time}), &unread); err != nil ||
		unread.Unread != 0 || unread.ReadUntil == nil || !unread.ReadUntil.Equal(seen.Time) {
		t.Errorf("unread after reading up to h2's alert (%s): %+v, %v; want 0 and the mark there", seen.Time, unread, err)
	}
	_, i = sub.Wait(t, 10*time.Second, i, "the neighbor alerts sensor at 0 once read", func(m mqtttest.Msg) bool {
		return m.Topic == "porchlight/h1/neighbor_alerts" && m.Payload == "0"
	})
	h2.line(t, "alert post", "--text", "The van is back")
	sub.Wait(t, 20*time.Second, i, "the neighbor alerts sensor at 1 again", func(m mqtttest.Msg) bool {
		return m.Topic == "porchlight/h1/neighbor_alerts" && m.Payload == "1"
	})
}
