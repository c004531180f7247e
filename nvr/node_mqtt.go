package nvr

import (
	"context"
	"log/slog"
	"time"

	"github.com/porchlight/porchlight/nvr/mqtt"
)

// newMQTT builds the MQTT publisher when the config has a broker, else returns nil.
func newMQTT(cfg *Config, n *Node, log *slog.Logger) (*mqtt.Publisher, error) {
	if !cfg.MQTT.on() {
		return nil, nil
	}
	mc, err := mqttPublisherConfig(cfg, log)
	if err != nil {
		return nil, err
	}
	return mqtt.New(mc, mqttSource{rec: n.rec, ag: n.ag, fed: n.fed, reads: n.reads, now: time.Now})
}

// runMQTT starts the publisher, if any, and returns the function that stops it within a deadline.
func (n *Node) runMQTT() (stop func() error) {
	if n.mqtt == nil {
		return func() error { return nil }
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- n.mqtt.Run(ctx) }()
	return func() error {
		cancel()
		return waitFor(done, 2*time.Second, "mqtt")
	}
}
