package onvif

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// seeds adds every testdata response, its fields filled, to f.
func seeds(f *testing.F) {
	files, _ := filepath.Glob(filepath.Join("testdata", "*.xml"))
	r := strings.NewReplacer("{{NOW}}", "2026-01-01T00:00:00Z", "{{TERMINATION}}", "2026-01-01T00:01:00Z", "{{STATE}}", "true",
		"{{OP}}", "Changed", "{{ID}}", "urn:uuid:1", "{{HOST}}", "127.0.0.1:80", "{{DATE}}", "")
	for _, p := range files {
		b, err := os.ReadFile(p)
		if err != nil {
			f.Fatal(err)
		}
		f.Add([]byte(r.Replace(string(b))))
	}
}

// FuzzResponse feeds every SOAP response decoder: whatever a device sends, decoding ends with a value or
// an error, faults print short, and what is kept is bounded.
func FuzzResponse(f *testing.F) {
	seeds(f)
	f.Fuzz(func(t *testing.T, b []byte) {
		outs := []any{&dateResponse{}, &profilesResponse{}, &pullResponse{}, &struct {
			Info DeviceInfo `xml:"Body>GetDeviceInformationResponse"`
		}{}}
		for _, out := range outs {
			err := parseResponse(b, out)
			if fe, ok := err.(*Fault); ok && len(fe.Error()) > 600 {
				t.Fatalf("fault message of %d bytes", len(fe.Error()))
			}
			if err != nil {
				continue
			}
			switch v := out.(type) {
			case *dateResponse:
				_ = v.time()
			case *pullResponse:
				ns := v.notifications()
				if len(ns) > maxNotifications {
					t.Fatalf("%d notifications kept", len(ns))
				}
				for _, n := range ns {
					_, _ = n.Motion()
					if len(n.Source) > maxItems || len(n.Data) > maxItems {
						t.Fatal("too many items kept")
					}
				}
			}
		}
	})
}

// FuzzProbeMatches feeds the WS-Discovery answer decoder, which reads datagrams from anyone on the LAN.
func FuzzProbeMatches(f *testing.F) {
	seeds(f)
	f.Fuzz(func(t *testing.T, b []byte) {
		for _, m := range ParseProbeMatches(b, "") {
			if len(m.XAddrs) == 0 || len(m.XAddrs) > 32 || len(m.Scopes) > 32 || len(m.Name) > 210 {
				t.Fatalf("kept %+v", m)
			}
		}
	})
}
