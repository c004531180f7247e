package nvr

import (
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"strings"

	"github.com/porchlight/porchlight/nvr/mqtt"
)

// MQTTConfig is the `mqtt` block: the broker the node publishes its cameras, events and alerts to, with
// Home Assistant discovery. Without the block, or with an empty url, MQTT is off. Omitted keys take the
// values of DefaultMQTT. Changes apply on restart.
type MQTTConfig struct {
	URL      string `yaml:"url"` // tcp://host:1883, or ssl://host:8883 for TLS
	Username string `yaml:"username"`
	Password Secret `yaml:"password"`
	// PasswordFile holds the password instead (relative to the config file; one line): it keeps the
	// password out of the config file and its backups.
	PasswordFile    string `yaml:"password_file"`
	CAFile          string `yaml:"ca_file"` // PEM CA certificates for ssl:// brokers; empty: the system roots
	DiscoveryPrefix string `yaml:"discovery_prefix"`
	TopicPrefix     string `yaml:"topic_prefix"`
}

// DefaultMQTT returns the values an `mqtt` block starts from.
func DefaultMQTT() MQTTConfig {
	return MQTTConfig{DiscoveryPrefix: "homeassistant", TopicPrefix: "porchlight"}
}

func (m *MQTTConfig) applyDefaults() { *m = DefaultMQTT() }

// Secret is a config value that never shows: not in logs, errors, JSON or fmt output.
type Secret string

const redactedSecret = "[redacted]"

func (s Secret) String() string {
	if s == "" {
		return ""
	}
	return redactedSecret
}

// LogValue keeps the secret out of slog output.
func (s Secret) LogValue() slog.Value { return slog.StringValue(s.String()) }

// MarshalJSON keeps the secret out of JSON.
func (s Secret) MarshalJSON() ([]byte, error) { return []byte(`"` + s.String() + `"`), nil }

// on reports whether MQTT is configured.
func (m *MQTTConfig) on() bool { return m != nil && m.URL != "" }

func (m *MQTTConfig) validate() error {
	if !m.on() {
		return nil
	}
	if err := mqtt.ValidateURL(m.URL); err != nil {
		return fmt.Errorf("mqtt.url: %w", err)
	}
	if m.Password != "" && m.PasswordFile != "" {
		return errors.New("mqtt.password_file: set password or password_file, not both")
	}
	if (m.Password != "" || m.PasswordFile != "") && m.Username == "" {
		return errors.New("mqtt.username: required with a password")
	}
	if m.CAFile != "" && !mqttSecure(m.URL) {
		return errors.New("mqtt.ca_file: only for ssl://, tls:// or mqtts:// URLs")
	}
	if err := mqtt.ValidatePrefix(m.DiscoveryPrefix); err != nil {
		return fmt.Errorf("mqtt.discovery_prefix: %w", err)
	}
	if err := mqtt.ValidatePrefix(m.TopicPrefix); err != nil {
		return fmt.Errorf("mqtt.topic_prefix: %w", err)
	}
	return nil
}

func mqttSecure(u string) bool {
	s, _, _ := strings.Cut(u, "://")
	return s == "ssl" || s == "tls" || s == "mqtts"
}

// mqttPublisherConfig reads the password file and CA file of the mqtt block; errors name the key and the
// file, never the password.
func mqttPublisherConfig(cfg *Config, log *slog.Logger) (mqtt.Config, error) {
	m := cfg.MQTT
	out := mqtt.Config{URL: m.URL, Username: m.Username, Password: string(m.Password),
		DiscoveryPrefix: m.DiscoveryPrefix, TopicPrefix: m.TopicPrefix, NodeName: cfg.Name, Version: Version(),
		Logger: log}
	if m.PasswordFile != "" {
		p := cfg.resolve(m.PasswordFile)
		b, err := os.ReadFile(p)
		if err != nil {
			return out, fmt.Errorf("mqtt.password_file: %w", err)
		}
		pw, _, _ := strings.Cut(string(b), "\n")
		if pw = strings.TrimSuffix(pw, "\r"); pw == "" {
			return out, fmt.Errorf("mqtt.password_file: %s is empty", p)
		}
		out.Password = pw
	}
	if m.CAFile != "" {
		p := cfg.resolve(m.CAFile)
		pem, err := os.ReadFile(p)
		if err != nil {
			return out, fmt.Errorf("mqtt.ca_file: %w", err)
		}
		pool := x509.NewCertPool()
		if !pool.AppendCertsFromPEM(pem) {
			return out, fmt.Errorf("mqtt.ca_file: %s holds no PEM certificate", p)
		}
		out.TLS = &tls.Config{RootCAs: pool, MinVersion: tls.VersionTLS12}
	}
	return out, nil
}
