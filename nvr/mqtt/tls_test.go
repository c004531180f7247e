package mqtt_test

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"fmt"
	"math/big"
	"net"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/porchlight/porchlight/nvr/mqtt"
	"github.com/porchlight/porchlight/nvr/mqtt/mqtttest"
)

// TestTLSAndPassword connects over ssl:// to a mosquitto that serves TLS with a certificate of a test CA and
// admits only a user with a password (mosquitto_passwd): the node comes online, as mosquitto_sub sees.
func TestTLSAndPassword(t *testing.T) {
	dir := t.TempDir()
	caPEM, pool := writeCerts(t, dir)
	pw := filepath.Join(dir, "passwd")
	if out, err := execCommand("mosquitto_passwd", "-b", "-c", pw, "porch", "s3cret pass"); err != nil {
		t.Fatalf("mosquitto_passwd: %v %s", err, out)
	}
	br := mqtttest.StartBroker(t, fmt.Sprintf("listener {{PORT}} 127.0.0.1\nallow_anonymous false\npassword_file %s\n"+
		"cafile %s\ncertfile %s\nkeyfile %s\n", pw, caPEM, filepath.Join(dir, "server.pem"), filepath.Join(dir, "server.key")))
	tlsArgs := []string{"--cafile", caPEM, "-u", "porch", "-P", "s3cret pass"}
	sub := mqtttest.Subscribe(t, br.Port, "porchlight/#", tlsArgs...)

	runPublisher(t, mqtt.Config{URL: fmt.Sprintf("ssl://127.0.0.1:%d", br.Port), Username: "porch",
		Password: "s3cret pass", TLS: &tls.Config{RootCAs: pool, MinVersion: tls.VersionTLS12}}, newFakeSource("front"))
	sub.Wait(t, 10*time.Second, 0, "online over TLS", func(m mqtttest.Msg) bool {
		return m.Topic == "porchlight/"+node+"/availability" && m.Payload == "online"
	})
	sub.Wait(t, 10*time.Second, 0, "front's motion over TLS", func(m mqtttest.Msg) bool {
		return m.Topic == "porchlight/"+node+"/front/motion" && m.Payload == "OFF"
	})
}

// writeCerts writes a CA (ca.pem) and a server certificate for 127.0.0.1 it signed (server.pem,
// server.key) to dir, and returns the CA's path and pool.
func writeCerts(t *testing.T, dir string) (string, *x509.CertPool) {
	t.Helper()
	caKey, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	caTmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "test CA"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour), IsCA: true,
		BasicConstraintsValid: true, KeyUsage: x509.KeyUsageCertSign}
	caDER, err := x509.CreateCertificate(rand.Reader, caTmpl, caTmpl, &caKey.PublicKey, caKey)
	if err != nil {
		t.Fatal(err)
	}
	ca, _ := x509.ParseCertificate(caDER)
	key, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(2), Subject: pkix.Name{CommonName: "127.0.0.1"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour),
		IPAddresses: []net.IP{net.IPv4(127, 0, 0, 1)}, ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		KeyUsage: x509.KeyUsageDigitalSignature}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, ca, &key.PublicKey, caKey)
	if err != nil {
		t.Fatal(err)
	}
	keyDER, _ := x509.MarshalECPrivateKey(key)
	caPath := filepath.Join(dir, "ca.pem")
	for name, blk := range map[string]*pem.Block{"ca.pem": {Type: "CERTIFICATE", Bytes: caDER},
		"server.pem": {Type: "CERTIFICATE", Bytes: der}, "server.key": {Type: "EC PRIVATE KEY", Bytes: keyDER}} {
		if err := os.WriteFile(filepath.Join(dir, name), pem.EncodeToMemory(blk), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	pool := x509.NewCertPool()
	pool.AddCert(ca)
	return caPath, pool
}
