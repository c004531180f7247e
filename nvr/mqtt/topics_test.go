package mqtt

import (
	"errors"
	"testing"
)

func TestSlug(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"Elm Street 12", "elm_street_12"}, {"  --Ünïcode  Home!! ", "n_code_home"}, {"___", ""}, {"a-b_c", "a_b_c"},
	} {
		if got := Slug(c.in); got != c.want {
			t.Errorf("Slug(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}

func TestParseConfigTopic(t *testing.T) {
	tp := topics{discovery: "homeassistant", prefix: "porchlight", node: "elm"}
	if k, err := tp.parseConfigTopic("homeassistant/sensor/elm/front_state/config"); err != nil || k != (entityKey{"sensor", "front_state"}) {
		t.Errorf("got %v, %v", k, err)
	}
	for _, bad := range []string{"homeassistant/sensor/oak/front_state/config", "homeassistant/sensor/elm/front_state",
		"other/sensor/elm/x/config", "homeassistant//elm/x/config", "homeassistant/sensor/elm/x/y/config"} {
		if _, err := tp.parseConfigTopic(bad); !errors.Is(err, ErrBadTopic) {
			t.Errorf("%q: err %v, want ErrBadTopic", bad, err)
		}
	}
}

// FuzzParseConfigTopic: topics come from the broker, where anyone with access may publish. A topic is
// either refused or names an entity whose own config topic it is.
func FuzzParseConfigTopic(f *testing.F) {
	for _, s := range []string{"homeassistant/sensor/elm/front_state/config", "homeassistant/image/elm/x/config",
		"homeassistant/sensor/elm//config", "homeassistant/+/elm/#", "", "/", "homeassistant/a/elm/b/config/"} {
		f.Add(s)
	}
	tp := topics{discovery: "homeassistant", prefix: "porchlight", node: "elm"}
	f.Fuzz(func(t *testing.T, topic string) {
		k, err := tp.parseConfigTopic(topic)
		if err != nil {
			return
		}
		if got := tp.config(k.component, k.object); got != topic {
			t.Fatalf("parse(%q) = %v, which names %q", topic, k, got)
		}
	})
}
