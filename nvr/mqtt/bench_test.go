package mqtt_test

import (
	"slices"
	"testing"
	"time"

	"github.com/porchlight/porchlight/nvr/mqtt"
	"github.com/porchlight/porchlight/nvr/mqtt/mqtttest"
)

// BenchmarkEventToMotionOn measures the time from an event opening (handed to the publisher, as the
// recorder's event subscription does) to mosquitto_sub printing the camera's motion ON, through a real
// mosquitto on loopback. It reports p50 and p99 in milliseconds; each iteration opens and closes one
// event.
func BenchmarkEventToMotionOn(b *testing.B) {
	br := mqtttest.StartBroker(b, "")
	src := newFakeSource("front")
	runPublisher(b, mqtt.Config{URL: br.URL()}, src)
	sub := mqtttest.Subscribe(b, br.Port, "porchlight/"+node+"/front/motion")
	on := func(m mqtttest.Msg) bool { return m.Payload == "ON" }
	off := func(m mqtttest.Msg) bool { return m.Payload == "OFF" }
	_, i := sub.Wait(b, 10*time.Second, 0, "motion OFF at start", off)
	var lat []time.Duration
	b.ResetTimer()
	for n := range b.N {
		id := uint64(n + 1)
		start := time.Now()
		src.events <- mqtt.Event{ID: id, Camera: "front", Kind: "motion", Start: start}
		var m mqtttest.Msg
		m, i = sub.Wait(b, 10*time.Second, i+1, "motion ON", on)
		lat = append(lat, m.Seen.Sub(start))
		end := time.Now()
		src.events <- mqtt.Event{ID: id, Camera: "front", Kind: "motion", Start: start, End: &end}
		_, i = sub.Wait(b, 10*time.Second, i+1, "motion OFF", off)
	}
	b.StopTimer()
	slices.Sort(lat)
	b.ReportMetric(float64(lat[len(lat)/2].Microseconds())/1000, "p50-ms")
	b.ReportMetric(float64(lat[len(lat)*99/100].Microseconds())/1000, "p99-ms")
}
