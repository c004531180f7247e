package notify

import (
	"crypto/x509"
	"fmt"
	"net"
	"net/mail"
	"slices"
	"strconv"
)

// TLSMode is how an email channel secures its SMTP connection.
type TLSMode string

// The TLS modes of an email channel. The zero value picks by port: implicit TLS on 465 (SMTPS), STARTTLS
// on any other; either way the server's certificate is verified.
const (
	TLSStartTLS TLSMode = "starttls" // plain connection upgraded with STARTTLS, which the server must offer
	TLSImplicit TLSMode = "tls"      // TLS from the first byte (SMTPS, port 465)
	TLSNone     TLSMode = "none"     // no encryption: only for a relay on the same host or LAN, without a password
)

// UnmarshalText accepts starttls, tls or none.
func (m *TLSMode) UnmarshalText(b []byte) error {
	switch TLSMode(b) {
	case TLSStartTLS, TLSImplicit, TLSNone, "":
		*m = TLSMode(b)
		return nil
	}
	return fmt.Errorf("%q is not starttls, tls or none", b)
}

// EmailConfig is an email channel's SMTP settings; the password is the channel's Secret.
type EmailConfig struct {
	SMTP     string   // host:port of the submission server
	Username string   // "" sends without AUTH
	From     string   // the sender address
	To       []string // the recipients
	TLS      TLSMode  // "": tls on port 465, else starttls
	// RootCAs verify the server's certificate; nil: the system's roots. (nvr reads them from ca_file.)
	RootCAs *x509.CertPool
}

// Mode returns the TLS mode in effect: TLS, or its default for the port.
func (e *EmailConfig) Mode() TLSMode {
	if e.TLS != "" {
		return e.TLS
	}
	if _, port, _ := net.SplitHostPort(e.SMTP); port == "465" {
		return TLSImplicit
	}
	return TLSStartTLS
}

func (e *EmailConfig) validate() error {
	host, port, err := net.SplitHostPort(e.SMTP)
	if e.SMTP == "" {
		return fmt.Errorf("smtp: missing (host:port of the mail server, e.g. smtp.example:587)")
	}
	if p, perr := strconv.Atoi(port); err != nil || host == "" || perr != nil || p < 1 || p > 65535 {
		return fmt.Errorf("smtp: must be host:port, e.g. smtp.example:587")
	}
	if _, err := mail.ParseAddress(e.From); err != nil {
		return fmt.Errorf("from: %q is not an email address", e.From)
	}
	if len(e.To) == 0 {
		return fmt.Errorf("to: at least one recipient")
	}
	for i, to := range e.To {
		if _, err := mail.ParseAddress(to); err != nil {
			return fmt.Errorf("to[%d]: %q is not an email address", i, to)
		}
	}
	if err := (new(TLSMode)).UnmarshalText([]byte(e.TLS)); err != nil {
		return fmt.Errorf("tls: %w", err)
	}
	if e.Mode() == TLSNone && e.Username != "" {
		return fmt.Errorf("tls: none would send the password in clear text: use starttls or tls")
	}
	return nil
}

func (e *EmailConfig) equal(o *EmailConfig) bool {
	return e.SMTP == o.SMTP && e.Username == o.Username && e.From == o.From && slices.Equal(e.To, o.To) &&
		e.TLS == o.TLS && rootsEqual(e.RootCAs, o.RootCAs)
}
