package nvr

import (
	"bytes"
	"encoding"
	"errors"
	"fmt"
	"io"
	"math"
	"reflect"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"
)

// ErrSyntax is wrapped by errors for documents that are not well-formed YAML.
var ErrSyntax = errors.New("syntax error")

// parseYAML parses a single YAML document and returns its top-level mapping; an empty document is an
// empty mapping.
func parseYAML(b []byte) (*yaml.Node, error) {
	dec := yaml.NewDecoder(bytes.NewReader(b))
	var doc yaml.Node
	if err := dec.Decode(&doc); err != nil {
		if errors.Is(err, io.EOF) {
			return &yaml.Node{Kind: yaml.MappingNode, Tag: "!!map"}, nil
		}
		return nil, fmt.Errorf("%w: %s", ErrSyntax, strings.TrimPrefix(err.Error(), "yaml: "))
	}
	var extra yaml.Node
	if err := dec.Decode(&extra); !errors.Is(err, io.EOF) {
		if err != nil {
			return nil, fmt.Errorf("%w: %s", ErrSyntax, strings.TrimPrefix(err.Error(), "yaml: "))
		}
		return nil, fmt.Errorf("%w: line %d: more than one YAML document", ErrSyntax, extra.Line)
	}
	root := deref(&doc)
	if root.Kind == yaml.DocumentNode && len(root.Content) == 1 {
		root = deref(root.Content[0])
	}
	switch {
	case isNull(root):
		return &yaml.Node{Kind: yaml.MappingNode, Tag: "!!map"}, nil
	case root.Kind != yaml.MappingNode:
		return nil, fmt.Errorf("line %d: the config must be a mapping of keys, not a %s", root.Line, kindName(root))
	}
	return root, nil
}

// defaulter is implemented by list elements that start from defaults rather than zero values.
type defaulter interface{ applyDefaults() }

func (c *CameraConfig) applyDefaults() { *c = DefaultCamera() }

var textUnmarshalerType = reflect.TypeFor[encoding.TextUnmarshaler]()

// decodeNode decodes n into out (a pointer) strictly: keys must match yaml struct tags, values must have
// the field's type, and every error starts with the key path (`cameras[0].url`). Null values and omitted
// keys leave out's current (default) values in place.
func decodeNode(n *yaml.Node, path string, out any) error {
	return decodeValue(n, path, reflect.ValueOf(out).Elem())
}

func decodeValue(n *yaml.Node, path string, v reflect.Value) error {
	n = deref(n)
	if isNull(n) {
		return nil
	}
	if v.CanAddr() && v.Addr().Type().Implements(textUnmarshalerType) {
		if n.Kind != yaml.ScalarNode {
			return fmt.Errorf("%s: must be a single value, not a %s", path, kindName(n))
		}
		if err := v.Addr().Interface().(encoding.TextUnmarshaler).UnmarshalText([]byte(n.Value)); err != nil {
			return fmt.Errorf("%s: %w", path, err)
		}
		return nil
	}
	switch v.Kind() {
	case reflect.Pointer:
		if v.IsNil() {
			v.Set(reflect.New(v.Type().Elem()))
			if d, ok := v.Interface().(defaulter); ok {
				d.applyDefaults() // a block given in part starts from its defaults
			}
		}
		return decodeValue(n, path, v.Elem())
	case reflect.Struct:
		return decodeStruct(n, path, v)
	case reflect.Slice:
		return decodeSlice(n, path, v)
	}
	if n.Kind != yaml.ScalarNode {
		return fmt.Errorf("%s: must be a single value, not a %s", path, kindName(n))
	}
	switch v.Kind() {
	case reflect.String:
		v.SetString(n.Value)
		return nil
	case reflect.Bool:
		var b bool
		if n.ShortTag() != "!!bool" || n.Decode(&b) != nil {
			return fmt.Errorf("%s: must be true or false, got %q", path, n.Value)
		}
		v.SetBool(b)
		return nil
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		var i int64
		if n.ShortTag() != "!!int" || n.Decode(&i) != nil || v.OverflowInt(i) {
			return fmt.Errorf("%s: must be an integer, got %q", path, n.Value)
		}
		v.SetInt(i)
		return nil
	case reflect.Float32, reflect.Float64:
		var f float64
		tag := n.ShortTag()
		if (tag != "!!float" && tag != "!!int") || n.Decode(&f) != nil || math.IsNaN(f) || math.IsInf(f, 0) {
			return fmt.Errorf("%s: must be a number, got %q", path, n.Value)
		}
		v.SetFloat(f)
		return nil
	}
	return fmt.Errorf("%s: cannot decode into %s", path, v.Type())
}

func decodeStruct(n *yaml.Node, path string, v reflect.Value) error {
	if n.Kind != yaml.MappingNode {
		return fmt.Errorf("%s: must be a mapping, not a %s", path, kindName(n))
	}
	fields := yamlFields(v.Type())
	seen := make(map[string]bool, len(n.Content)/2)
	for i := 0; i+1 < len(n.Content); i += 2 {
		k := deref(n.Content[i])
		key := keyPath(path, k.Value)
		if k.Kind != yaml.ScalarNode {
			return fmt.Errorf("%s: keys must be plain names, not a %s", keyPath(path, "?"), kindName(k))
		}
		idx, ok := fields[k.Value]
		if !ok {
			return fmt.Errorf("%s: unknown key", key)
		}
		if seen[k.Value] {
			return fmt.Errorf("%s: duplicate key", key)
		}
		seen[k.Value] = true
		if err := decodeValue(n.Content[i+1], key, v.Field(idx)); err != nil {
			return err
		}
	}
	return nil
}

func decodeSlice(n *yaml.Node, path string, v reflect.Value) error {
	if n.Kind != yaml.SequenceNode {
		return fmt.Errorf("%s: must be a list, not a %s", path, kindName(n))
	}
	s := reflect.MakeSlice(v.Type(), len(n.Content), len(n.Content))
	for i, e := range n.Content {
		ev := s.Index(i)
		if d, ok := ev.Addr().Interface().(defaulter); ok {
			d.applyDefaults()
		}
		if err := decodeValue(e, fmt.Sprintf("%s[%d]", path, i), ev); err != nil {
			return err
		}
	}
	v.Set(s)
	return nil
}

// yamlFields maps the yaml key of each tagged field of struct type t to its index.
func yamlFields(t reflect.Type) map[string]int {
	m := make(map[string]int, t.NumField())
	for i := range t.NumField() {
		name, _, _ := strings.Cut(t.Field(i).Tag.Get("yaml"), ",")
		if name != "" && name != "-" {
			m[name] = i
		}
	}
	return m
}

// keyPath appends key to path, quoting keys that are not plain names so messages stay on one line.
func keyPath(path, key string) string {
	plain := key != "" && strings.IndexFunc(key, func(r rune) bool {
		return !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '_' || r == '-')
	}) < 0
	if !plain {
		key = strconv.Quote(key)
	}
	if path == "" {
		return key
	}
	return path + "." + key
}

// deref follows aliases to the node they name.
func deref(n *yaml.Node) *yaml.Node {
	for n.Kind == yaml.AliasNode && n.Alias != nil {
		n = n.Alias
	}
	return n
}

func isNull(n *yaml.Node) bool {
	return n.Kind == yaml.ScalarNode && n.ShortTag() == "!!null"
}

func kindName(n *yaml.Node) string {
	switch n.Kind {
	case yaml.MappingNode:
		return "mapping"
	case yaml.SequenceNode:
		return "list"
	case yaml.ScalarNode:
		return "single value"
	}
	return "document"
}
