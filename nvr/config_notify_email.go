package nvr

import (
	"crypto/x509"
	"fmt"
	"os"

	"github.com/porchlight/porchlight/nvr/notify"
)

// validateKeys checks that an entry uses only the keys of its type; errors start with the key.
func (n *NotifyConfig) validateKeys() error {
	email := n.Type == notify.KindEmail
	for _, k := range []struct {
		key     string
		set     bool
		inEmail bool
	}{
		{"secret_file", n.SecretFile != "", false},
		{"priority", n.Priority != 0, false},
		{"tags", len(n.Tags) > 0, false},
		{"smtp", n.SMTP != "", true},
		{"username", n.Username != "", true},
		{"password_file", n.PasswordFile != "", true},
		{"from", n.From != "", true},
		{"to", len(n.To) > 0, true},
		{"tls", n.TLS != "", true},
		{"ca_file", n.CAFile != "", true},
	} {
		if k.set && k.inEmail != email {
			return fmt.Errorf("%s: not a key of the %s channel type", k.key, n.Type)
		}
	}
	if email && n.Username != "" && n.PasswordFile == "" {
		return fmt.Errorf("password_file: required with a username (a file holding the SMTP password)")
	}
	if email && n.Username == "" && n.PasswordFile != "" {
		return fmt.Errorf("username: required with a password_file")
	}
	return nil
}

// addNotifyCAs reads each email channel's ca_file (relative to the config file) into its RootCAs. Errors
// name the key and the file.
func (c *Config) addNotifyCAs(chans []notify.ChannelConfig) error {
	for i, n := range c.Notify {
		if n.CAFile == "" {
			continue
		}
		b, err := os.ReadFile(c.resolve(n.CAFile))
		if err != nil {
			return fmt.Errorf("notify[%d].ca_file: %w", i, err)
		}
		pool := x509.NewCertPool()
		if !pool.AppendCertsFromPEM(b) {
			return fmt.Errorf("notify[%d].ca_file: %s holds no PEM certificate", i, c.resolve(n.CAFile))
		}
		chans[i].Email.RootCAs = pool
	}
	return nil
}
