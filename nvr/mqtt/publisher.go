package mqtt

import (
	"context"
	"crypto/tls"
	"encoding/json"
	"log/slog"
	"strconv"
	"sync"
	"time"

	paho "github.com/eclipse/paho.mqtt.golang"
)

// qos is the quality of service of every message: the broker acknowledges each.
const qos = 1

// Publisher keeps a broker up to date with a node: discovery, states, events and alerts.
type Publisher struct {
	cfg    Config
	src    Source
	log    *slog.Logger
	t      topics
	b      builder
	client paho.Client

	poke chan struct{} // Refresh: republish the node sensors now

	mu     sync.Mutex
	st     *state
	wanted map[entityKey]bool // the entities published now: any other retained config of this node goes
}

// New checks cfg and prepares a Publisher; it connects when Run starts.
func New(cfg Config, src Source) (*Publisher, error) {
	if err := cfg.validate(); err != nil {
		return nil, err
	}
	if cfg.Refresh <= 0 {
		cfg.Refresh = 30 * time.Second
	}
	if cfg.RetryDelay <= 0 {
		cfg.RetryDelay = 30 * time.Second
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	t := topics{discovery: cfg.DiscoveryPrefix, prefix: cfg.TopicPrefix, node: Slug(cfg.NodeName)}
	if t.node == "" { // a name of no ASCII letter or digit
		t.node = "porchlight"
	}
	p := &Publisher{cfg: cfg, src: src, log: cfg.Logger.With("component", "mqtt"), t: t, poke: make(chan struct{}, 1),
		b: newBuilder(t, cfg.NodeName, cfg.Version), st: newState(), wanted: map[entityKey]bool{}}
	p.client = paho.NewClient(p.options())
	return p, nil
}

func (p *Publisher) options() *paho.ClientOptions {
	o := paho.NewClientOptions().AddBroker(p.cfg.URL).SetClientID("porchlight-"+p.t.node).
		SetCleanSession(true).SetAutoReconnect(true).SetConnectRetry(true).
		SetConnectRetryInterval(time.Second).SetMaxReconnectInterval(p.cfg.RetryDelay).
		SetConnectTimeout(10*time.Second).SetKeepAlive(30*time.Second).SetOrderMatters(false).
		SetWill(p.t.availability(), offline, qos, true).
		SetOnConnectHandler(func(paho.Client) { p.connected() }).
		SetConnectionLostHandler(func(_ paho.Client, err error) { p.log.Warn("broker connection lost", "err", err) })
	if p.cfg.Username != "" {
		o.SetUsername(p.cfg.Username)
	}
	if p.cfg.Password != "" {
		o.SetPassword(p.cfg.Password)
	}
	if p.cfg.secure() {
		tc := p.cfg.TLS
		if tc == nil {
			tc = &tls.Config{MinVersion: tls.VersionTLS12}
		}
		o.SetTLSConfig(tc)
	}
	return o
}

// Run connects (retrying until it can) and publishes until ctx ends; then it marks the node offline and
// disconnects. It returns nil: a broker that is down is logged, not fatal to the node.
func (p *Publisher) Run(ctx context.Context) error {
	events, stopEvents := p.src.SubscribeEvents()
	defer stopEvents()
	alerts, stopAlerts := p.src.SubscribeAlerts()
	defer stopAlerts()
	p.client.Connect() // retries in the background; connected() publishes everything once it is in
	tick := time.NewTicker(p.cfg.Refresh)
	defer tick.Stop()
	for {
		select {
		case <-ctx.Done():
			p.stop()
			return nil
		case e, ok := <-events:
			if !ok {
				events = nil
				continue
			}
			p.event(e)
		case a, ok := <-alerts:
			if !ok {
				alerts = nil
				continue
			}
			p.publishJSON(p.t.state("alerts"), a)
			p.refresh(false) // the neighbor alerts sensor counts it now, not at the next tick
		case <-tick.C:
			p.refresh(false)
		case <-p.poke:
			p.refresh(false)
		}
	}
}

// Refresh republishes the node sensors now rather than at the next tick: the source's figures changed
// (the household read its neighbor alerts). It does not block.
func (p *Publisher) Refresh() {
	select {
	case p.poke <- struct{}{}:
	default:
	}
}

// Close releases nothing New opened; it is here for the lifecycle shape.
func (p *Publisher) Close() error { return nil }

func (p *Publisher) stop() {
	if p.client.IsConnectionOpen() {
		p.client.Publish(p.t.availability(), qos, true, offline).WaitTimeout(time.Second)
	}
	p.client.Disconnect(250)
}

// connected runs on every (re)connect: the node is online, its discovery and states are published again,
// and stale configs are watched for.
func (p *Publisher) connected() {
	p.log.Info("connected to the broker", "url", p.cfg.URL)
	p.mu.Lock()
	p.st.forget()
	p.mu.Unlock()
	p.publish(p.t.availability(), true, online)
	p.refresh(true)
	p.client.Subscribe(p.t.configFilter(), qos, p.staleConfig)
}

// staleConfig clears a retained discovery config of this node that names no entity published now: a
// camera removed while the node was down, say.
func (p *Publisher) staleConfig(_ paho.Client, m paho.Message) {
	if !m.Retained() || len(m.Payload()) == 0 {
		return
	}
	key, err := p.t.parseConfigTopic(m.Topic())
	if err != nil {
		return
	}
	p.mu.Lock()
	keep := p.wanted[key]
	p.mu.Unlock()
	if !keep {
		p.log.Info("removing a stale Home Assistant entity", "topic", m.Topic())
		p.client.Publish(m.Topic(), qos, true, []byte{})
	}
}

// refresh publishes the camera set (discovery for new cameras, removal for gone ones; all when full),
// camera states and node sensors, each only when it changed since the last connect.
func (p *Publisher) refresh(full bool) {
	cams := p.src.Cameras()
	stats := p.src.Stats()
	var open map[string]bool
	if full {
		open = p.src.OpenMotion()
	}
	p.mu.Lock()
	added, removed := p.st.setCameras(cams, full)
	if full {
		p.st.seedMotion(open)
		for _, m := range p.b.node() {
			p.wanted[m.key] = true
		}
	}
	for _, c := range added {
		for _, m := range p.b.camera(c) {
			p.wanted[m.key] = true
		}
	}
	for _, c := range removed {
		for _, m := range p.b.camera(c) {
			delete(p.wanted, m.key)
		}
	}
	p.mu.Unlock()

	if full {
		for _, m := range p.b.node() {
			p.publish(p.t.config(m.key.component, m.key.object), true, m.payload)
		}
	}
	for _, c := range removed {
		for _, m := range p.b.camera(c) {
			p.publish(p.t.config(m.key.component, m.key.object), true, []byte{})
		}
		for _, s := range []string{"motion", "state", "bitrate", "snapshot"} {
			p.publish(p.t.state(c, s), true, []byte{})
		}
	}
	for _, c := range added {
		for _, m := range p.b.camera(c) {
			p.publish(p.t.config(m.key.component, m.key.object), true, m.payload)
		}
		p.mu.Lock()
		on := p.st.motionOn(c)
		p.mu.Unlock()
		p.publish(p.t.state(c, "motion"), true, onOff(on))
	}
	for _, c := range cams {
		p.publishChanged(p.t.state(c.Name, "state"), c.State)
		p.publishChanged(p.t.state(c.Name, "bitrate"), strconv.FormatFloat(c.BitrateBps/1000, 'f', 0, 64))
	}
	p.publishChanged(p.t.state("open_requests"), strconv.Itoa(stats.OpenRequests))
	p.publishChanged(p.t.state("neighbor_alerts"), strconv.Itoa(stats.NeighborAlerts))
	p.publishChanged(p.t.state("disk_used"), strconv.FormatInt(stats.DiskUsed, 10))
	hz := "None" // Home Assistant's "unknown"
	if stats.HorizonDays > 0 {
		hz = strconv.FormatFloat(stats.HorizonDays, 'f', 1, 64)
	}
	p.publishChanged(p.t.state("retention_horizon"), hz)
}

// event publishes an event on the events topic, the camera's motion state when it changes, and its
// snapshot once it has one.
func (p *Publisher) event(e Event) {
	p.publishJSON(p.t.state("events"), e)
	p.mu.Lock()
	changed, on := p.st.event(e)
	newSnap := e.Snapshot != nil && p.st.snapshotFirst(e.Camera, e.ID)
	p.mu.Unlock()
	if changed {
		p.publish(p.t.state(e.Camera, "motion"), true, onOff(on))
	}
	if newSnap {
		jpeg, err := p.src.EventSnapshot(e.ID)
		if err != nil {
			p.log.Warn("event snapshot", "event", e.ID, "err", err)
			return
		}
		p.publish(p.t.state(e.Camera, "snapshot"), true, jpeg)
	}
}

func onOff(on bool) string {
	if on {
		return motionOn
	}
	return motionOff
}

func (p *Publisher) publishJSON(topic string, v any) {
	b, err := json.Marshal(v)
	if err != nil {
		p.log.Error("encode", "topic", topic, "err", err)
		return
	}
	p.publish(topic, false, b)
}

// publishChanged publishes a retained value when it differs from the last one published since connect.
func (p *Publisher) publishChanged(topic, value string) {
	p.mu.Lock()
	changed := p.st.setValue(topic, value)
	p.mu.Unlock()
	if changed {
		p.publish(topic, true, value)
	}
}

// publish hands a message to the client without waiting: it may run in the client's own callbacks.
// While the broker is unreachable the message is dropped; the next connect republishes every state.
func (p *Publisher) publish(topic string, retained bool, payload any) {
	if !p.client.IsConnectionOpen() {
		return
	}
	p.client.Publish(topic, qos, retained, payload)
}
