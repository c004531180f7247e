package ui

import (
	"crypto/tls"
	"crypto/x509"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestSelfSignedTLS: with TLS on and no certificate given, the server makes a self-signed one on first
// start, keeps it across restarts, serves HTTPS with it, and marks the session cookie Secure.
func TestSelfSignedTLS(t *testing.T) {
	env := newAuthEnv(t)
	cfg, certFile, err := TLSConfig(env.dir, "", "")
	if err != nil {
		t.Fatal(err)
	}
	first, _ := os.ReadFile(certFile)
	if _, again, err := TLSConfig(env.dir, "", ""); err != nil || again != certFile {
		t.Fatalf("second start: %v, %s", err, again)
	}
	if second, _ := os.ReadFile(certFile); string(second) != string(first) {
		t.Fatal("the certificate was made again on the second start")
	}
	if fi, err := os.Stat(filepath.Join(env.dir, SelfSignedKeyFile)); err != nil || fi.Mode().Perm() != 0o600 {
		t.Fatalf("key file: %v, %v", fi, err)
	}
	s := &Server{Listen: "127.0.0.1:0", DataDir: env.dir, Cameras: &fakeCameras{}, TLSConfig: cfg}
	if err := s.Start(); err != nil {
		t.Fatal(err)
	}
	go s.Run(t.Context())
	pool := x509.NewCertPool()
	pool.AppendCertsFromPEM(first)
	client := &http.Client{Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: pool}}}
	resp, err := client.Post("https://"+s.Addr()+"/api/v1/login", "application/json",
		strings.NewReader(`{"user":"admin","password":"`+env.adminPW+`"}`))
	if err != nil {
		t.Fatalf("HTTPS with the self-signed certificate: %v", err)
	}
	resp.Body.Close()
	if resp.StatusCode != 200 {
		t.Fatalf("login over HTTPS: %s", resp.Status)
	}
	var secure bool
	for _, c := range resp.Cookies() {
		secure = secure || (c.Name == "porchlight_session" && c.Secure)
	}
	if !secure {
		t.Error("session cookie over HTTPS is not Secure")
	}
	if _, err := http.Get("https://" + s.Addr() + "/"); err == nil {
		t.Error("a client that does not trust the certificate connected")
	}
}
