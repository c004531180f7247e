// Package mqtt publishes a node's cameras, events and neighbor alerts to an MQTT broker, with Home
// Assistant MQTT discovery, so that Home Assistant (or any MQTT consumer) sees motion, camera state and the
// latest event snapshot without polling the HTTP API. It owns the broker connection (paho, with TLS,
// credentials, reconnects and a last will) and the topic layout; it reads the node through the small
// Source interface that nvr implements, and imports no other room.
//
// # Topics
//
// With topic prefix P, node N (a slug of the node's name) and discovery prefix D:
//
//	P/N/availability                 online | offline (retained; offline is the last will)
//	P/N/<camera>/motion              ON | OFF (retained): ON while a motion event is open
//	P/N/<camera>/state               the main stream's state (retained)
//	P/N/<camera>/bitrate             the main stream's bitrate in kbit/s (retained)
//	P/N/<camera>/snapshot            JPEG of the newest event snapshot (retained)
//	P/N/open_requests, neighbor_alerts, disk_used, retention_horizon   node sensors (retained)
//	P/N/events                       every event change as JSON (not retained)
//	P/N/alerts                       every neighbor alert as JSON, what the owner's UI shows (not retained)
//	D/<component>/N/<object>/config  Home Assistant discovery (retained; empty when the entity goes)
//
// Every entity carries a unique_id, the node's device block and the availability topic. When a camera
// is removed its entities' config topics are cleared (an empty retained message), also for cameras
// removed while the node was down: on connect the publisher subscribes to its own discovery topics and
// clears every retained config it no longer publishes.
//
// # Caveats
//
// Settings apply on restart. Node sensors and camera state are refreshed every Config.Refresh; motion,
// events, snapshots and alerts are published as they happen.
package mqtt
