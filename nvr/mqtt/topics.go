package mqtt

import (
	"fmt"
	"strings"
)

// Slug turns a name into a topic level and id part: lower-case letters, digits and underscores, runs of
// anything else folded into one underscore, at most 64 bytes.
func Slug(name string) string {
	var b strings.Builder
	under := false
	for _, r := range strings.ToLower(name) {
		switch {
		case r >= 'a' && r <= 'z', r >= '0' && r <= '9':
			b.WriteRune(r)
			under = false
		case !under && b.Len() > 0:
			b.WriteByte('_')
			under = true
		}
		if b.Len() >= 64 {
			break
		}
	}
	return strings.TrimSuffix(b.String(), "_")
}

// topics names the topics of one node.
type topics struct {
	discovery, prefix, node string // discovery prefix, topic prefix, node slug
}

func (t topics) state(parts ...string) string {
	return t.prefix + "/" + t.node + "/" + strings.Join(parts, "/")
}

func (t topics) availability() string { return t.state("availability") }

// config is the discovery topic of an entity: D/<component>/<node>/<object>/config.
func (t topics) config(component, object string) string {
	return fmt.Sprintf("%s/%s/%s/%s/config", t.discovery, component, t.node, object)
}

// configFilter matches every discovery topic of this node.
func (t topics) configFilter() string { return t.discovery + "/+/" + t.node + "/+/config" }

// entityKey names an entity across config topics: component/object.
type entityKey struct{ component, object string }

// parseConfigTopic returns the entity a discovery topic of this node configures, or ErrBadTopic. It reads
// topics the broker delivers, which anyone with access to the broker may have published.
func (t topics) parseConfigTopic(topic string) (entityKey, error) {
	rest, ok := strings.CutPrefix(topic, t.discovery+"/")
	if !ok {
		return entityKey{}, ErrBadTopic
	}
	parts := strings.Split(rest, "/")
	if len(parts) != 4 || parts[1] != t.node || parts[3] != "config" || parts[0] == "" || parts[2] == "" {
		return entityKey{}, ErrBadTopic
	}
	return entityKey{parts[0], parts[2]}, nil
}
