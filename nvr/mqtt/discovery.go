package mqtt

import "encoding/json"

// Home Assistant MQTT discovery (https://www.home-assistant.io/integrations/mqtt/#mqtt-discovery): one
// retained config message per entity at D/<component>/<node>/<object>/config, with a unique_id, the
// device it belongs to and the availability topic. An empty retained message removes the entity.

// device is the discovery device block: one per node.
type device struct {
	Identifiers  []string `json:"identifiers"`
	Name         string   `json:"name"`
	Manufacturer string   `json:"manufacturer"`
	Model        string   `json:"model"`
	SWVersion    string   `json:"sw_version,omitempty"`
}

// entity is the discovery config of one entity. Fields unused by a component stay out of its JSON.
type entity struct {
	Name              string  `json:"name"`
	UniqueID          string  `json:"unique_id"`
	Device            *device `json:"device"`
	AvailabilityTopic string  `json:"availability_topic"`
	PayloadAvailable  string  `json:"payload_available"`
	PayloadNotAvail   string  `json:"payload_not_available"`
	StateTopic        string  `json:"state_topic,omitempty"`
	PayloadOn         string  `json:"payload_on,omitempty"`
	PayloadOff        string  `json:"payload_off,omitempty"`
	DeviceClass       string  `json:"device_class,omitempty"`
	StateClass        string  `json:"state_class,omitempty"`
	Unit              string  `json:"unit_of_measurement,omitempty"`
	Icon              string  `json:"icon,omitempty"`
	ImageTopic        string  `json:"image_topic,omitempty"`
	ContentType       string  `json:"content_type,omitempty"`
	EntityCategory    string  `json:"entity_category,omitempty"`
}

// discoveryMsg is one retained config message.
type discoveryMsg struct {
	key     entityKey
	payload []byte
}

// Payloads of the state topics.
const (
	online    = "online"
	offline   = "offline"
	motionOn  = "ON"
	motionOff = "OFF"
)

// builder makes the discovery messages of one node.
type builder struct {
	t      topics
	device device
}

func newBuilder(t topics, nodeName, version string) builder {
	return builder{t: t, device: device{Identifiers: []string{"porchlight_" + t.node}, Name: nodeName,
		Manufacturer: "Porchlight", Model: "Porchlight NVR", SWVersion: version}}
}

func (b builder) entity(component, object, name, stateTopic string) entity {
	return entity{Name: name, UniqueID: "porchlight_" + b.t.node + "_" + object,
		Device: &b.device, AvailabilityTopic: b.t.availability(), PayloadAvailable: online,
		PayloadNotAvail: offline, StateTopic: stateTopic}
}

// camera returns the entities of a camera: motion, state, bitrate and the newest event snapshot.
func (b builder) camera(cam string) []discoveryMsg {
	motion := b.entity("binary_sensor", cam+"_motion", cam+" motion", b.t.state(cam, "motion"))
	motion.DeviceClass, motion.PayloadOn, motion.PayloadOff = "motion", motionOn, motionOff
	state := b.entity("sensor", cam+"_state", cam+" state", b.t.state(cam, "state"))
	state.Icon = "mdi:cctv"
	rate := b.entity("sensor", cam+"_bitrate", cam+" bitrate", b.t.state(cam, "bitrate"))
	rate.DeviceClass, rate.StateClass, rate.Unit = "data_rate", "measurement", "kbit/s"
	img := b.entity("image", cam+"_snapshot", cam+" snapshot", "")
	img.ImageTopic, img.ContentType = b.t.state(cam, "snapshot"), "image/jpeg"
	return []discoveryMsg{
		msg("binary_sensor", cam+"_motion", motion), msg("sensor", cam+"_state", state),
		msg("sensor", cam+"_bitrate", rate), msg("image", cam+"_snapshot", img),
	}
}

// node returns the node's own sensors.
func (b builder) node() []discoveryMsg {
	req := b.entity("sensor", "open_requests", "Open agency requests", b.t.state("open_requests"))
	req.StateClass, req.Icon = "measurement", "mdi:file-document-alert"
	al := b.entity("sensor", "neighbor_alerts", "Unread neighbor alerts", b.t.state("neighbor_alerts"))
	al.StateClass, al.Icon = "measurement", "mdi:bell-alert"
	disk := b.entity("sensor", "disk_used", "Disk used", b.t.state("disk_used"))
	disk.DeviceClass, disk.StateClass, disk.Unit, disk.EntityCategory = "data_size", "measurement", "B", "diagnostic"
	hz := b.entity("sensor", "retention_horizon", "Retention horizon", b.t.state("retention_horizon"))
	hz.DeviceClass, hz.StateClass, hz.Unit, hz.EntityCategory = "duration", "measurement", "d", "diagnostic"
	return []discoveryMsg{msg("sensor", "open_requests", req), msg("sensor", "neighbor_alerts", al),
		msg("sensor", "disk_used", disk), msg("sensor", "retention_horizon", hz)}
}

func msg(component, object string, e entity) discoveryMsg {
	b, err := json.Marshal(e)
	if err != nil {
		panic(err) // a struct of strings always marshals
	}
	return discoveryMsg{key: entityKey{component, object}, payload: b}
}
