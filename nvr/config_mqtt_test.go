package nvr

import (
	"encoding/json"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestMQTTConfigErrors: each rule of the mqtt block, with the exact error; none shows the password.
func TestMQTTConfigErrors(t *testing.T) {
	for _, c := range []struct{ name, yaml, want string }{
		{"unknown key", "mqtt: {url: tcp://h:1883, prefix: x}", "mqtt.prefix: unknown key"},
		{"bad scheme", "mqtt: {url: http://h:1883}", `mqtt.url: scheme must be tcp, mqtt, ssl, tls or mqtts, not "http"`},
		{"no host", "mqtt: {url: 'tcp://:1883'}", "mqtt.url: host required"},
		{"credentials in url", "mqtt: {url: 'tcp://u:hunter2@h:1883'}", "mqtt.url: put credentials in username and password, not in the URL"},
		{"path", "mqtt: {url: 'tcp://h:1883/x'}", "mqtt.url: no path or query allowed"},
		{"both passwords", "mqtt: {url: tcp://h, username: u, password: hunter2, password_file: p}", "mqtt.password_file: set password or password_file, not both"},
		{"password without user", "mqtt: {url: tcp://h, password: hunter2}", "mqtt.username: required with a password"},
		{"ca_file without tls", "mqtt: {url: tcp://h, ca_file: ca.pem}", "mqtt.ca_file: only for ssl://, tls:// or mqtts:// URLs"},
		{"empty discovery prefix", "mqtt: {url: tcp://h, discovery_prefix: ''}", "mqtt.discovery_prefix: required"},
		{"wildcard topic prefix", "mqtt: {url: tcp://h, topic_prefix: 'a/#'}", "mqtt.topic_prefix: must not contain + # or NUL"},
		{"trailing slash", "mqtt: {url: tcp://h, topic_prefix: 'a/'}", "mqtt.topic_prefix: no leading, trailing or empty level"},
		{"password not a value", "mqtt: {url: tcp://h, username: u, password: [hunter2]}", "mqtt.password: must be a single value, not a list"},
	} {
		t.Run(c.name, func(t *testing.T) {
			_, err := Parse([]byte("version: 1\n" + c.yaml + "\n"))
			if err == nil || err.Error() != c.want {
				t.Fatalf("got %v, want %q", err, c.want)
			}
			if strings.Contains(err.Error(), "hunter2") {
				t.Errorf("error %q shows the password", err)
			}
		})
	}
}

// TestMQTTConfigDefaults: without the block MQTT is off; a block given in part takes the defaults; the
// password shows in no fmt, slog or JSON output of the config.
func TestMQTTConfigDefaults(t *testing.T) {
	c, err := Parse([]byte("version: 1\n"))
	if err != nil || c.MQTT.on() {
		t.Fatalf("no block: %+v, %v; want MQTT off", c.MQTT, err)
	}
	c, err = Parse([]byte("version: 1\nmqtt: {url: ssl://broker.lan:8883, username: ha, password: hunter2}\n"))
	if err != nil {
		t.Fatal(err)
	}
	want := MQTTConfig{URL: "ssl://broker.lan:8883", Username: "ha", Password: "hunter2", DiscoveryPrefix: "homeassistant", TopicPrefix: "porchlight"}
	if *c.MQTT != want {
		t.Errorf("got %+v, want %+v", *c.MQTT, want)
	}
	var logged strings.Builder
	slog.New(slog.NewTextHandler(&logged, nil)).Info("config", "mqtt", c.MQTT, "password", c.MQTT.Password)
	js, _ := json.Marshal(c)
	for what, s := range map[string]string{"%+v": fmt.Sprintf("%+v", *c.MQTT), "%v": fmt.Sprint(c.MQTT.Password),
		"slog": logged.String(), "json": string(js)} {
		if strings.Contains(s, "hunter2") {
			t.Errorf("%s output shows the password: %s", what, s)
		}
	}
}

// TestMQTTPasswordFile: password_file and ca_file are read relative to the config file; a missing or
// empty file is an error that names the key.
func TestMQTTPasswordFile(t *testing.T) {
	dir := t.TempDir()
	cfgPath := filepath.Join(dir, "porchlight.yml")
	if err := os.WriteFile(filepath.Join(dir, "mqtt.pass"), []byte("hunter2\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	load := func(keys string) *Config {
		t.Helper()
		if err := os.WriteFile(cfgPath, []byte("version: 1\nname: Elm\nmqtt: {url: 'ssl://h:8883', username: u"+keys+"}\n"), 0o600); err != nil {
			t.Fatal(err)
		}
		c, err := Load(cfgPath)
		if err != nil {
			t.Fatal(err)
		}
		return c
	}
	mc, err := mqttPublisherConfig(load(", password_file: mqtt.pass"), nil)
	if err != nil || mc.Password != "hunter2" || mc.Username != "u" || mc.TLS != nil {
		t.Errorf("got %+v, %v; want the file's password, system roots", mc, err)
	}
	if _, err := mqttPublisherConfig(load(", password_file: nope.pass"), nil); err == nil ||
		!strings.HasPrefix(err.Error(), "mqtt.password_file: open "+filepath.Join(dir, "nope.pass")) {
		t.Errorf("missing file: %v", err)
	}
	if err := os.WriteFile(filepath.Join(dir, "empty.pass"), []byte("\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := mqttPublisherConfig(load(", password_file: empty.pass"), nil); err == nil ||
		err.Error() != "mqtt.password_file: "+filepath.Join(dir, "empty.pass")+" is empty" {
		t.Errorf("empty file: %v", err)
	}
	if _, err := mqttPublisherConfig(load(", password_file: mqtt.pass, ca_file: mqtt.pass"), nil); err == nil ||
		err.Error() != "mqtt.ca_file: "+filepath.Join(dir, "mqtt.pass")+" holds no PEM certificate" || strings.Contains(err.Error(), "hunter2") {
		t.Errorf("ca_file without PEM: %v", err)
	}
}
