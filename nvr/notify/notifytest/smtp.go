package notifytest

import (
	"bytes"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	_ "embed"
	"encoding/json"
	"encoding/pem"
	"math/big"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"
)

//go:embed smtp_server.py
var smtpScript []byte

// SMTP is a running aiosmtpd server (Debian's python3-aiosmtpd) that requires TLS and AUTH, with a
// certificate signed by a CA the test made (CAFile).
type SMTP struct {
	Addr     string // 127.0.0.1:port
	Port     string
	User     string
	Password string
	Mode     string // starttls or tls
	dir      string
	proc     process
}

// SMTPMail is one mail the server accepted.
type SMTPMail struct {
	From string   `json:"from"`
	To   []string `json:"to"`
	Data []byte   `json:"data"` // the raw message (JSON base64)
}

// StartSMTP starts the server on a free port in mode "starttls" or "tls"; it stops with the test.
func StartSMTP(t testing.TB, mode string) *SMTP {
	t.Helper()
	dir := t.TempDir()
	s := &SMTP{User: "porch@example.org", Password: "smtp-pass-" + filepath.Base(dir), Mode: mode, dir: dir}
	if err := os.WriteFile(filepath.Join(dir, "server.py"), smtpScript, 0o600); err != nil {
		t.Fatal(err)
	}
	writeCerts(t, dir)
	s.Start(t, "0")
	return s
}

// CAFile is the PEM file of the CA that signed the server's certificate.
func (s *SMTP) CAFile() string { return filepath.Join(s.dir, "ca.pem") }

// Start (re)starts the server on port ("0": any free one); it keeps what it recorded before.
func (s *SMTP) Start(t testing.TB, port string) {
	t.Helper()
	cmd := exec.Command("/usr/bin/python3", filepath.Join(s.dir, "server.py"), filepath.Join(s.dir, "cert.pem"),
		filepath.Join(s.dir, "key.pem"), s.User, s.Password, filepath.Join(s.dir, "record.jsonl"), s.Mode, port)
	s.Port = s.proc.start(t, "aiosmtpd (is python3-aiosmtpd installed? .ci/deps installs it)", cmd)
	s.Addr = net.JoinHostPort("127.0.0.1", s.Port)
}

// Stop kills the server (it may be started again with Start(t, s.Port)).
func (s *SMTP) Stop() {
	s.proc.stop()
}

// Mails returns the mails accepted so far.
func (s *SMTP) Mails(t testing.TB) []SMTPMail {
	t.Helper()
	var out []SMTPMail
	for _, l := range s.records(t) {
		if bytes.Contains(l, []byte(`"data"`)) {
			var m SMTPMail
			if err := json.Unmarshal(l, &m); err != nil {
				t.Fatalf("record %q: %v", l, err)
			}
			out = append(out, m)
		}
	}
	return out
}

// Logins returns the outcome of every AUTH attempt so far.
func (s *SMTP) Logins(t testing.TB) (ok, failed int) {
	t.Helper()
	for _, l := range s.records(t) {
		switch string(l) {
		case `{"auth": true}`:
			ok++
		case `{"auth": false}`:
			failed++
		}
	}
	return ok, failed
}

func (s *SMTP) records(t testing.TB) [][]byte {
	b, err := os.ReadFile(filepath.Join(s.dir, "record.jsonl"))
	if os.IsNotExist(err) {
		return nil
	}
	if err != nil {
		t.Fatal(err)
	}
	return bytes.Split(bytes.TrimSpace(b), []byte("\n"))
}

// writeCerts writes ca.pem, and cert.pem and key.pem of a server certificate for 127.0.0.1 and
// localhost signed by that CA, into dir.
func writeCerts(t testing.TB, dir string) {
	t.Helper()
	caKey, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	now := time.Now()
	ca := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "porchlight test CA"},
		NotBefore: now.Add(-time.Hour), NotAfter: now.Add(24 * time.Hour), IsCA: true, BasicConstraintsValid: true,
		KeyUsage: x509.KeyUsageCertSign}
	caDER, err := x509.CreateCertificate(rand.Reader, ca, ca, &caKey.PublicKey, caKey)
	if err != nil {
		t.Fatal(err)
	}
	caCert, _ := x509.ParseCertificate(caDER)
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	leaf := &x509.Certificate{SerialNumber: big.NewInt(2), Subject: pkix.Name{CommonName: "127.0.0.1"},
		NotBefore: now.Add(-time.Hour), NotAfter: now.Add(24 * time.Hour), KeyUsage: x509.KeyUsageDigitalSignature,
		ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth}, IPAddresses: []net.IP{net.IPv4(127, 0, 0, 1)},
		DNSNames: []string{"localhost"}}
	der, err := x509.CreateCertificate(rand.Reader, leaf, caCert, &key.PublicKey, caKey)
	if err != nil {
		t.Fatal(err)
	}
	kb, err := x509.MarshalECPrivateKey(key)
	if err != nil {
		t.Fatal(err)
	}
	for name, blk := range map[string]*pem.Block{"ca.pem": {Type: "CERTIFICATE", Bytes: caDER},
		"cert.pem": {Type: "CERTIFICATE", Bytes: der}, "key.pem": {Type: "EC PRIVATE KEY", Bytes: kb}} {
		if err := os.WriteFile(filepath.Join(dir, name), pem.EncodeToMemory(blk), 0o600); err != nil {
			t.Fatal(err)
		}
	}
}
