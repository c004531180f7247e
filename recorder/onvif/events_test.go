package onvif_test

import (
	"context"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/porchlight/porchlight/recorder/onvif"
)

// TestPullPointFake follows a subscription on the hand-written device: its address on a LAN host is
// reached where the device answered, motion on and off is read from both motion topics, a scene change
// is not motion, and Renew and Unsubscribe reach the subscription.
func TestPullPointFake(t *testing.T) {
	f := &fakeDevice{}
	f.set("ID", "7")
	f.set("STATE", "true")
	f.set("OP", "Initialized")
	f.answer = func(w http.ResponseWriter, r *http.Request, action string) bool {
		switch action {
		case "PullMessages", "Renew", "Unsubscribe":
			if r.URL.Path != "/onvif/Events/PullSubManager_7" {
				w.WriteHeader(http.StatusNotFound)
				return true
			}
		}
		switch action {
		case "PullMessages":
			f.reply(w, http.StatusOK, "PullMessagesMotion.xml")
		case "Renew":
			w.Write([]byte(`<e:Envelope xmlns:e="http://www.w3.org/2003/05/soap-envelope"><e:Body><RenewResponse><TerminationTime>2030-01-01T00:00:00Z</TerminationTime></RenewResponse></e:Body></e:Envelope>`))
		case "Unsubscribe":
			w.Write([]byte(`<e:Envelope xmlns:e="http://www.w3.org/2003/05/soap-envelope"><e:Body><UnsubscribeResponse/></e:Body></e:Envelope>`))
		default:
			return false
		}
		return true
	}
	dev := startFake(t, f)
	c, _ := onvif.NewClient(dev, "admin", "pw")
	ctx := context.Background()
	svc, err := c.Services(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if svc.Events == "" {
		t.Fatal("no events service found")
	}
	sub, err := c.Subscribe(ctx, svc.Events, time.Minute)
	if err != nil {
		t.Fatal(err)
	}
	for _, state := range []string{"true", "false"} {
		f.set("STATE", state)
		ns, err := sub.Pull(ctx, time.Second)
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, n := range ns {
			on, ok := n.Motion()
			got = append(got, n.Topic+" "+map[bool]string{true: "motion", false: "-"}[ok]+" "+map[bool]string{true: "on", false: "off"}[on])
		}
		want := []string{"VideoSource/MotionAlarm motion " + onOff(state), "RuleEngine/CellMotionDetector/Motion motion " + onOff(state),
			"VideoSource/GlobalSceneChange/ImagingService - off"}
		if !slices.Equal(got, want) {
			t.Errorf("state %s: got %q, want %q", state, got, want)
		}
		if ns[0].SourceKey() == ns[1].SourceKey() {
			t.Error("two sources share a key")
		}
	}
	if err := sub.Renew(ctx, time.Minute); err != nil || sub.Termination.Year() != 2030 {
		t.Errorf("Renew: %v, termination %v", err, sub.Termination)
	}
	if err := sub.Unsubscribe(ctx); err != nil {
		t.Errorf("Unsubscribe: %v", err)
	}
	if f.tokens != len(f.called()) {
		t.Errorf("%d of the calls %q carried a UsernameToken, want all", f.tokens, f.called())
	}
}

func onOff(s string) string {
	if s == "true" {
		return "on"
	}
	return "off"
}

func TestParseProbeMatches(t *testing.T) {
	b, err := os.ReadFile(filepath.Join("testdata", "ProbeMatches.xml"))
	if err != nil {
		t.Fatal(err)
	}
	msg := strings.ReplaceAll(string(b), "{{ID}}", "urn:uuid:1")
	got := onvif.ParseProbeMatches([]byte(msg), "urn:uuid:1")
	if len(got) != 1 {
		t.Fatalf("got %+v, want one match", got)
	}
	f := got[0]
	if f.Endpoint != "urn:uuid:4d454930-3031-1030-8000-a41437c0ffee" || f.Name != "HIKVISION Front Door" ||
		f.Hardware != "DS-2CD2143G0-I" || len(f.XAddrs) != 2 || f.XAddrs[0] != "http://192.168.1.64/onvif/device_service" {
		t.Errorf("got %+v", f)
	}
	if got := onvif.ParseProbeMatches([]byte(msg), "urn:uuid:2"); len(got) != 0 {
		t.Errorf("an answer to another probe: got %+v, want none", got)
	}
}
