package nvr

import (
	"strings"
	"testing"
)

// camera wraps camera keys (indented by 4) into a document with one camera list.
func camera(keys string) string {
	return "version: 1\ncameras:\n  - " + strings.TrimPrefix(keys, "    ")
}

// parseErrorTests has one entry per rule of Parse and Validate, with the exact error a user sees.
var parseErrorTests = []struct {
	name string
	yaml string
	want string
}{
	// Syntax and shape.
	{"syntax error names the line", "version: 1\nname: a\n  role: x\n", "syntax error: line 3: mapping values are not allowed in this context"},
	{"tab indentation", "version: 1\nhttp:\n\tlisten: x\n", "syntax error: line 3: found character that cannot start any token"},
	{"two documents", "version: 1\n---\nversion: 1\n", "syntax error: line 2: more than one YAML document"},
	{"top level is a list", "- version: 1\n", "line 1: the config must be a mapping of keys, not a list"},
	{"top level is a value", "porchlight\n", "line 1: the config must be a mapping of keys, not a single value"},
	{"unknown key", "version: 1\nnmae: x\n", "nmae: unknown key"},
	{"unknown nested key", "version: 1\nstorage:\n  part: 1s\n", "storage.part: unknown key"},
	{"unknown camera key", camera("    name: a\n    urll: rtsp://h/\n"), "cameras[0].urll: unknown key"},
	{"odd key quoted", "version: 1\n\"a.b c\": 1\n", `"a.b c": unknown key`},
	{"duplicate key", "version: 1\nname: a\nname: b\n", "name: duplicate key"},
	{"mapping for a value", "version: 1\nname: {first: a}\n", "name: must be a single value, not a mapping"},
	{"list for a mapping", "version: 1\nhttp: []\n", "http: must be a mapping, not a list"},
	{"value for a list", "version: 1\np2p:\n  listen: /ip4/0.0.0.0/tcp/1\n", "p2p.listen: must be a list, not a single value"},
	{"mapping for a list", "version: 1\ncameras: {}\n", "cameras: must be a list, not a mapping"},
	{"list for a typed value", "version: 1\nrole: [agency]\n", "role: must be a single value, not a list"},
	// version
	{"version missing", "name: a\n", "version: required"},
	{"empty document", "", "version: required"},
	{"version null", "version:\n", "version: required"},
	{"version not a number", "version: one\n", `version: must be an integer, got "one"`},
	{"version quoted", "version: \"1\"\n", `version: must be an integer, got "1"`},
	{"version newer", "version: 2\n", "version: format 2; this porchlight knows up to 1: upgrade porchlight"},
	{"version older", "version: 0\n", "version: unsupported version 0 (oldest supported is 1)"},
	// name, role, data_dir, log_level
	{"name blank", "version: 1\nname: \"  \"\n", "name: required"},
	{"name too long", "version: 1\nname: " + strings.Repeat("x", 65) + "\n", "name: too long (at most 64 characters)"},
	{"name control character", "version: 1\nname: \"a\\tb\"\n", "name: must not contain control characters"},
	{"role unknown", "version: 1\nrole: boss\n", `role: invalid role "boss" (want household or agency)`},
	{"data_dir empty", "version: 1\ndata_dir: \"\"\n", "data_dir: required"},
	{"data_dir NUL", "version: 1\ndata_dir: \"a\\0b\"\n", "data_dir: must not contain NUL"},
	{"log_level unknown", "version: 1\nlog_level: loud\n", `log_level: invalid log level "loud" (want debug, info, warn or error)`},
	// http, p2p
	{"http.listen without port", "version: 1\nhttp: {listen: 127.0.0.1}\n", `http.listen: invalid address "127.0.0.1" (want host:port)`},
	{"http.listen empty", "version: 1\nhttp: {listen: \"\"}\n", `http.listen: invalid address "" (want host:port)`},
	{"http.listen port range", "version: 1\nhttp: {listen: \"127.0.0.1:99999\"}\n", `http.listen: invalid port "99999"`},
	{"restream.listen without port", "version: 1\nrestream: {listen: 0.0.0.0}\n", `restream.listen: invalid address "0.0.0.0" (want host:port)`},
	{"backup.every too short", "version: 1\nbackup: {every: 10s}\n", `backup.every: must be at least 1m, got 10s`},
	{"backup.keep zero", "version: 1\nbackup: {keep: 0}\n", `backup.keep: must be 1..1000, got 0`},
	{"backup.dir without passphrase", "version: 1\nbackup: {dir: /mnt/usb}\n", `backup.passphrase_file: required when backup.dir is set (or backup.encrypt: false for unencrypted archives)`},
	{"backup passphrase unencrypted", "version: 1\nbackup: {dir: /mnt/usb, encrypt: false, passphrase_file: p}\n", `backup.passphrase_file: set, but backup.encrypt is false`},
	{"backup unknown key", "version: 1\nbackup: {copies: 3}\n", `backup.copies: unknown key`},
	{"restream unknown key", "version: 1\nrestream: {port: 8554}\n", `restream.port: unknown key`},
	{"http.tls_cert without key", "version: 1\nhttp: {tls: true, tls_cert: c.pem}\n", `http.tls_key: required with http.tls_cert`},
	{"http.tls_key without cert", "version: 1\nhttp: {tls: true, tls_key: k.pem}\n", `http.tls_cert: required with http.tls_key`},
	{"http.tls_cert without tls", "version: 1\nhttp: {tls_cert: c.pem, tls_key: k.pem}\n", `http.tls_cert: set http.tls: true to serve HTTPS`},
	{"http.tls not a bool", "version: 1\nhttp: {tls: maybe}\n", `http.tls: must be true or false, got "maybe"`},
	// http behind a reverse proxy
	{"http.base_path relative", "version: 1\nhttp: {base_path: nvr}\n", "http.base_path: must start with /"},
	{"http.base_path trailing slash", "version: 1\nhttp: {base_path: /nvr/}\n", "http.base_path: must not end with / (write /nvr, not /nvr/)"},
	{"http.base_path dot dot", "version: 1\nhttp: {base_path: /a/../nvr}\n", "http.base_path: must not contain . or .. segments"},
	{"http.base_path characters", "version: 1\nhttp: {base_path: \"/my nvr\"}\n", "http.base_path: must be /segment[/segment...] of letters, digits and . _ ~ - (such as /nvr)"},
	{"http.public_url without the base path", "version: 1\nhttp: {base_path: /nvr, public_url: \"https://home.example/\"}\n", "http.public_url: must end with http.base_path (/nvr), as in https://nvr.example/nvr"},
	{"http.public_url with a path but no base path", "version: 1\nhttp: {public_url: \"https://home.example/nvr\"}\n", "http.public_url: has the path \"/nvr\" but http.base_path is empty: set http.base_path: /nvr (the proxy must pass the path through)"},
	{"http.trusted_proxies not an address", "version: 1\nhttp: {trusted_proxies: [127.0.0.1, proxy.lan]}\n", `http.trusted_proxies[1]: "proxy.lan" is not an IP address or CIDR prefix (such as 127.0.0.1 or 10.0.0.0/8)`},
	{"http.trusted_proxies bad prefix", "version: 1\nhttp: {trusted_proxies: [\"10.0.0.0/33\"]}\n", `http.trusted_proxies[0]: "10.0.0.0/33" is not an IP address or CIDR prefix (such as 127.0.0.1 or 10.0.0.0/8)`},
	{"http.trusted_proxies not a list", "version: 1\nhttp: {trusted_proxies: 127.0.0.1}\n", "http.trusted_proxies: must be a list, not a single value"},
	{"http.listen port name", "version: 1\nhttp: {listen: \"localhost:http\"}\n", `http.listen: invalid port "http"`},
	{"http.listen bad host", "version: 1\nhttp: {listen: \"a b:80\"}\n", `http.listen: invalid host "a b"`},
	{"p2p.listen not a multiaddr", "version: 1\np2p: {listen: [/ip4/0.0.0.0/tcp/1, tcp/7481]}\n",
		`p2p.listen[1]: invalid multiaddr "tcp/7481" (must start with /, e.g. /ip4/0.0.0.0/tcp/7481)`},
	{"p2p.listen empty component", "version: 1\np2p: {listen: [/ip4//tcp/1]}\n", `p2p.listen[0]: invalid multiaddr "/ip4//tcp/1"`},
	// storage
	{"segment_duration short", "version: 1\nstorage: {segment_duration: 500ms}\n", "storage.segment_duration: must be between 1s and 1h"},
	{"segment_duration long", "version: 1\nstorage: {segment_duration: 2d}\n", "storage.segment_duration: must be between 1s and 1h"},
	{"part_duration long", "version: 1\nstorage: {part_duration: 2s}\n", "storage.part_duration: must be between 100ms and 1s"},
	{"part_duration short", "version: 1\nstorage: {part_duration: 10ms}\n", "storage.part_duration: must be between 100ms and 1s"},
	{"fsync_interval long", "version: 1\nstorage: {fsync_interval: 2m}\n", "storage.fsync_interval: must be between 0s and 60s"},
	{"queue zero", "version: 1\nstorage: {queue: 0s}\n", "storage.queue: must be between 1s and 60s"},
	{"duration garbage", "version: 1\nstorage: {queue: fast}\n", `storage.queue: invalid duration "fast"`},
	{"duration negative", "version: 1\nstorage: {queue: -1s}\n", `storage.queue: invalid duration "-1s" (must not be negative)`},
	{"duration days garbage", "version: 1\nretention: {max_age: 1e3d}\n", `retention.max_age: invalid duration "1e3d"`},
	// retention
	{"max_bytes unit", "version: 1\nretention: {max_bytes: 20XB}\n", `retention.max_bytes: invalid size "20XB"`},
	{"max_bytes fraction of a byte", "version: 1\nretention: {max_bytes: 1.5B}\n", `retention.max_bytes: invalid size "1.5B" (not a whole number of bytes)`},
	{"max_bytes too large", "version: 1\nretention: {max_bytes: 9300PB}\n", `retention.max_bytes: invalid size "9300PB" (too large)`},
	{"min_free negative", "version: 1\nretention: {min_free: -1GB}\n", `retention.min_free: invalid size "-1GB"`},
	{"max_age shorter than a segment", "version: 1\nretention: {max_age: 30s}\n",
		"retention.max_age: must be 0 (no limit) or at least storage.segment_duration (60s)"},
	{"events_max_age shorter than max_age", "version: 1\nretention: {max_age: 30d, events_max_age: 7d}\n",
		"retention.events_max_age: must be 0 (as long as max_age) or at least retention.max_age (720h)"},
	{"events_max_age negative", "version: 1\nretention: {events_max_age: -1h}\n",
		`retention.events_max_age: invalid duration "-1h" (must not be negative)`},
	{"events_max_age garbage", "version: 1\nretention: {events_max_age: long}\n", `retention.events_max_age: invalid duration "long"`},
	// cameras
	{"camera null entry", "version: 1\ncameras: [~]\n", "cameras[0].name: required"},
	{"camera name missing", camera("    url: rtsp://h/\n"), "cameras[0].name: required"},
	{"camera name invalid", camera("    name: Front\n    url: rtsp://h/\n"), `cameras[0].name: invalid name "Front" (want 1-32 of a-z 0-9 _ -)`},
	{"camera name too long", camera("    name: " + strings.Repeat("a", 33) + "\n    url: rtsp://h/\n"),
		`cameras[0].name: invalid name "` + strings.Repeat("a", 33) + `" (want 1-32 of a-z 0-9 _ -)`},
	{"camera name duplicate", "version: 1\ncameras:\n  - {name: front, url: rtsp://a/}\n  - {name: front, url: rtsp://b/}\n",
		`cameras[1].name: duplicate name "front"`},
	{"camera url missing", camera("    name: a\n"), "cameras[0].url: required"},
	{"camera url scheme", camera("    name: a\n    url: http://user:secret@h/\n"), "cameras[0].url: scheme must be rtsp or rtsps"},
	{"camera url without scheme", camera("    name: a\n    url: 192.168.1.2:554/s\n"), "cameras[0].url: not a valid URL"},
	{"camera url host", camera("    name: a\n    url: rtsp:///stream1\n"), "cameras[0].url: missing host"},
	{"camera url unparsable", camera("    name: a\n    url: \"rtsp://user:secret@[::1\"\n"), "cameras[0].url: not a valid URL"},
	{"camera url port range", camera("    name: a\n    url: rtsp://user:secret@127.0.0.1:99999/x\n"), `cameras[0].url: invalid port "99999" (want 1 to 65535)`},
	{"camera url port zero", camera("    name: a\n    url: rtsp://h:0/x\n"), `cameras[0].url: invalid port "0" (want 1 to 65535)`},
	{"camera sub_url port range", camera("    name: a\n    url: rtsp://h/\n    sub_url: rtsps://h:65536/\n"), `cameras[0].sub_url: invalid port "65536" (want 1 to 65535)`},
	{"camera sub_url scheme", camera("    name: a\n    url: rtsp://h/\n    sub_url: http://h/\n"), "cameras[0].sub_url: scheme must be rtsp or rtsps"},
	{"camera transport", camera("    name: a\n    url: rtsp://h/\n    transport: quic\n"), `cameras[0].transport: invalid transport "quic" (want tcp or udp)`},
	{"camera enabled", camera("    name: a\n    url: rtsp://h/\n    enabled: maybe\n"), `cameras[0].enabled: must be true or false, got "maybe"`},
	{"camera lat range", camera("    name: a\n    url: rtsp://h/\n    location: {lat: 91, lon: 0}\n"), "cameras[0].location.lat: must be between -90 and 90"},
	{"camera lon range", camera("    name: a\n    url: rtsp://h/\n    location: {lat: 0, lon: -180.5}\n"), "cameras[0].location.lon: must be between -180 and 180"},
	{"camera lat text", camera("    name: a\n    url: rtsp://h/\n    location: {lat: north}\n"), `cameras[0].location.lat: must be a number, got "north"`},
	{"camera lat NaN", camera("    name: a\n    url: rtsp://h/\n    location: {lat: .nan}\n"), `cameras[0].location.lat: must be a number, got ".nan"`},
	{"camera location key", camera("    name: a\n    url: rtsp://h/\n    location: {lng: 1}\n"), "cameras[0].location.lng: unknown key"},
	{"camera view radius", camera("    name: a\n    url: rtsp://h/\n    location: {lat: 1, lon: 1, radius: 5000}\n"), "cameras[0].location.radius: must be between 0 (default 30 m) and 2000 metres"},
	{"camera direction", camera("    name: a\n    url: rtsp://h/\n    location: {lat: 1, lon: 1, direction: 360}\n"), "cameras[0].location.direction: must be degrees from north, 0 up to 360"},
	{"camera fov", camera("    name: a\n    url: rtsp://h/\n    location: {lat: 1, lon: 1, fov: -1}\n"), "cameras[0].location.fov: must be between 0 (default 90°) and 360 degrees"},
	{"camera max_age", camera("    name: a\n    url: rtsp://h/\n    retention: {max_age: 10s}\n"),
		"cameras[0].retention.max_age: must be 0 (no limit) or at least storage.segment_duration (60s)"},
	{"camera max_bytes", camera("    name: a\n    url: rtsp://h/\n    retention: {max_bytes: lots}\n"), `cameras[0].retention.max_bytes: invalid size "lots"`},
	{"camera min_free is global only", camera("    name: a\n    url: rtsp://h/\n    retention: {min_free: 1GB}\n"), "cameras[0].retention.min_free: unknown key"},
	// motion, snapshot_url, events_max_age (events issue)
	{"motion sensitivity", camera("    name: a\n    url: rtsp://h/\n    motion: {sensitivity: 1.5}\n"), "cameras[0].motion.sensitivity: must be above 0 and at most 1 (for the least sensitive use a small value such as 0.05; to turn detection off set enabled: false)"},
	{"motion sensitivity zero", camera("    name: a\n    url: rtsp://h/\n    motion: {sensitivity: 0}\n"), "cameras[0].motion.sensitivity: must be above 0 and at most 1 (for the least sensitive use a small value such as 0.05; to turn detection off set enabled: false)"},
	{"motion sensitivity negative", camera("    name: a\n    url: rtsp://h/\n    motion: {sensitivity: -0.1}\n"), "cameras[0].motion.sensitivity: must be above 0 and at most 1 (for the least sensitive use a small value such as 0.05; to turn detection off set enabled: false)"},
	{"motion sensitivity text", camera("    name: a\n    url: rtsp://h/\n    motion: {sensitivity: high}\n"), `cameras[0].motion.sensitivity: must be a number, got "high"`},
	{"motion enabled", camera("    name: a\n    url: rtsp://h/\n    motion: {enabled: sometimes}\n"), `cameras[0].motion.enabled: must be true or false, got "sometimes"`},
	{"motion decode_keyframes", camera("    name: a\n    url: rtsp://h/\n    motion: {decode_keyframes: sometimes}\n"), `cameras[0].motion.decode_keyframes: must be true or false, got "sometimes"`},
	{"motion unknown key", camera("    name: a\n    url: rtsp://h/\n    motion: {threshold: 3}\n"), "cameras[0].motion.threshold: unknown key"},
	{"motion min_duration negative", camera("    name: a\n    url: rtsp://h/\n    motion: {min_duration: -1s}\n"), `cameras[0].motion.min_duration: invalid duration "-1s" (must not be negative)`},
	{"motion pre_roll too long", camera("    name: a\n    url: rtsp://h/\n    motion: {pre_roll: 1h}\n"), "cameras[0].motion.pre_roll: must be between 0s and 10m0s"},
	{"motion post_roll garbage", camera("    name: a\n    url: rtsp://h/\n    motion: {post_roll: soon}\n"), `cameras[0].motion.post_roll: invalid duration "soon"`},
	{"motion zone of two points", camera("    name: a\n    url: rtsp://h/\n    motion: {zones: [[[0,0],[1,1]]]}\n"), "cameras[0].motion.zones[0]: a polygon needs at least 3 points, got 2"},
	{"motion zone point outside", camera("    name: a\n    url: rtsp://h/\n    motion: {zones: [[[0,0],[1,0],[1,1.2]]]}\n"), "cameras[0].motion.zones[0][2]: coordinates must be between 0 and 1 (frame units)"},
	{"motion mask point of three numbers", camera("    name: a\n    url: rtsp://h/\n    motion: {masks: [[[0,0],[1,0,0],[1,1]]]}\n"), "cameras[0].motion.masks[0][1]: a point is [x, y], got 3 numbers"},
	{"motion mask negative", camera("    name: a\n    url: rtsp://h/\n    motion: {masks: [[], [[0,0],[1,0],[-0.1,1]]]}\n"), "cameras[0].motion.masks[0]: a polygon needs at least 3 points, got 0"},
	{"motion zone not a list", camera("    name: a\n    url: rtsp://h/\n    motion: {zones: [[0.1, 0.2]]}\n"), "cameras[0].motion.zones[0][0]: must be a list, not a single value"},
	{"snapshot_url scheme", camera("    name: a\n    url: rtsp://h/\n    snapshot_url: rtsp://user:secret@h/snap\n"), "cameras[0].snapshot_url: scheme must be http or https"},
	{"snapshot_url host", camera("    name: a\n    url: rtsp://h/\n    snapshot_url: http://user:secret@/snap.jpg\n"), "cameras[0].snapshot_url: missing host"},
	{"snapshot_url port", camera("    name: a\n    url: rtsp://h/\n    snapshot_url: https://user:secret@h:70000/snap.jpg\n"), `cameras[0].snapshot_url: invalid port "70000" (want 1 to 65535)`},
	// cameras[].onvif and discovery (cameras found on the LAN)
	{"onvif url required", camera("    name: a\n    url: rtsp://h/\n    onvif: {events: true}\n"), "cameras[0].onvif.url: required (the device service, e.g. http://192.168.1.20/onvif/device_service)"},
	{"onvif url scheme", camera("    name: a\n    url: rtsp://h/\n    onvif: {url: rtsp://admin:secret@h/onvif, events: true}\n"), "cameras[0].onvif.url: scheme must be http or https"},
	{"onvif url host", camera("    name: a\n    url: rtsp://h/\n    onvif: {url: http://admin:secret@/onvif/device_service}\n"), "cameras[0].onvif.url: missing host"},
	{"onvif unknown key", camera("    name: a\n    url: rtsp://h/\n    onvif: {url: http://h/, event: true}\n"), "cameras[0].onvif.event: unknown key"},
	{"discovery wait", "version: 1\ndiscovery:\n  wait: 1h\n", "discovery.wait: must be between 100ms and 30s"},
	{"discovery interface", "version: 1\ndiscovery:\n  interfaces: [\"\"]\n", "discovery.interfaces[0]: must be an interface name of 1 to 15 characters"},
	{"events_max_age negative", "version: 1\nretention: {events_max_age: -1h}\n", `retention.events_max_age: invalid duration "-1h" (must not be negative)`},
	{"events_max_age below max_age", "version: 1\nretention: {max_age: 720h, events_max_age: 24h}\n",
		"retention.events_max_age: must be 0 (as long as max_age) or at least retention.max_age (720h)"},
	{"second camera", "version: 1\ncameras:\n  - {name: a, url: rtsp://h/}\n  - {name: b, url: rtsp://h/, urll: x}\n", "cameras[1].urll: unknown key"},
}

func TestParseErrors(t *testing.T) {
	for _, tt := range parseErrorTests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := Parse([]byte(tt.yaml))
			if err == nil {
				t.Fatalf("got config %+v, want error %q", c, tt.want)
			}
			if got := err.Error(); got != tt.want {
				t.Errorf("got error %q, want %q", got, tt.want)
			}
			if strings.Contains(err.Error(), "secret") {
				t.Errorf("error %q leaks the camera password", err)
			}
		})
	}
}
