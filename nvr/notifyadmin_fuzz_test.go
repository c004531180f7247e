package nvr

import (
	"encoding/json"
	"reflect"
	"regexp"
	"strings"
	"testing"

	"go.yaml.in/yaml/v3"

	"github.com/porchlight/porchlight/ui"
)

// FuzzNotifyFromAPI: a channel as the API takes it (JSON from a browser) either is refused with an error
// naming its key, or becomes a notify entry that the config file writes and Parse reads back unchanged
// (or refuses, naming the entry's key): what the API accepts is what the file says.
func FuzzNotifyFromAPI(f *testing.F) {
	for _, s := range []string{
		`{"name":"phone","type":"ntfy","url":"https://ntfy.example/t","priority":4,"tags":["house"],"events":["request","motion"],"motion_cooldown":"5m","quiet_hours":"22:00-07:00","user":"dana"}`,
		`{"name":"mail","type":"email","smtp":"smtp.example:587","username":"u","from":"a@x.example","to":["b@y.example"],"tls":"starttls","events":["request","alert","motion","camera","disk","member"]}`,
		`{"name":"hook","type":"webhook","url":"https://h.example/x","events":[]}`,
		`{"name":"x","type":"email","tls":"ssl"}`,
		`{"name":"x","type":"pager"}`,
		`{"name":"x","type":"ntfy","quiet_hours":"25:00-01:00","motion_cooldown":"-1s"}`,
	} {
		f.Add([]byte(s))
	}
	keyErr := regexp.MustCompile(`^[a-z_]+(\[\d+\])?: `)
	f.Fuzz(func(t *testing.T, body []byte) {
		var c ui.NotifyChannel
		if json.Unmarshal(body, &c) != nil {
			return
		}
		nc := DefaultNotify()
		if err := fromAPI(&nc, c); err != nil {
			if !keyErr.MatchString(err.Error()) {
				t.Fatalf("fromAPI error %q does not start with its key", err)
			}
			return
		}
		out, err := setList([]byte("version: 1\n"), "notify", []listEntry{{name: nc.Name, value: nc}},
			func(int, *yaml.Node) string { return "" })
		if err != nil {
			t.Fatalf("write %+v: %v", nc, err)
		}
		cfg, err := Parse(out)
		if err != nil {
			if !strings.HasPrefix(err.Error(), "notify[0].") {
				t.Fatalf("Parse of the written entry: %q does not name the entry's key\n%s", err, out)
			}
			return
		}
		if !reflect.DeepEqual(cfg.Notify[0], nc) {
			t.Fatalf("round trip:\n got %+v\nwant %+v\n%s", cfg.Notify[0], nc, out)
		}
	})
}
