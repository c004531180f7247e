package recorder_test

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"math/big"
	"strings"
	"testing"
	"time"

	"github.com/porchlight/porchlight/recorder"
	"github.com/porchlight/porchlight/recorder/democam"
	"github.com/porchlight/porchlight/recorder/mediatest"
)

// selfSigned returns a TLS config with a fresh self-signed certificate, as cameras ship.
func selfSigned(t *testing.T) *tls.Config {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "camera"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour)}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	return &tls.Config{Certificates: []tls.Certificate{{Certificate: [][]byte{der}, PrivateKey: key}}}
}

// TestRTSPSWithCredentials records a camera that serves RTSPS with a self-signed certificate and wants
// credentials, given in the URL; a wrong password is a clear error and a retry.
func TestRTSPSWithCredentials(t *testing.T) {
	cam := &democam.Server{Addr: "127.0.0.1:0", TLSConfig: selfSigned(t), User: "admin", Pass: "s3cret"}
	if err := cam.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(cam.Close)
	if !strings.HasPrefix(cam.URL(), "rtsps://admin:s3cret@") {
		t.Fatalf("camera URL %q, want rtsps with credentials", cam.URL())
	}
	wrong := strings.Replace(cam.URL(), "s3cret", "guess", 1)
	r := startRecorder(t, recorder.Config{BackoffMin: 100 * time.Millisecond, BackoffMax: 200 * time.Millisecond,
		Cameras: []recorder.CameraConfig{{Name: "front", URL: cam.URL()}, {Name: "wrong", URL: wrong}}})
	start, _ := waitRecorded(t, r, "front", 3*time.Second)
	checkExport(t, exportFile(t, r, "front", start, start.Add(2*time.Second)), "h264", "aac", 2*time.Second, 25)
	if n := recorder.FastPathPackets(r, "front"); n != 0 {
		t.Errorf("got %d packets on the fast path of an RTSPS session (TLS bytes), want 0", n)
	}
	mediatest.WaitFor(t, 20*time.Second, "the wrong password to fail twice", func() bool { return status(r, "wrong").Reconnects >= 2 })
	if st := status(r, "wrong"); !strings.Contains(st.LastError, "401") {
		t.Errorf("wrong password: last error %q, want it to say 401", st.LastError)
	}
}
