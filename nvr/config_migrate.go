package nvr

import (
	"fmt"

	"go.yaml.in/yaml/v3"
)

// A migration rewrites the top-level mapping of a config document from one version to the next, in place.
// Working on the yaml.Node keeps comments, so a migrated file can be written back as the user wrote it.
type migration func(root *yaml.Node) error

// migrations maps a config version N to the function that turns an N document into an N+1 document.
// When CurrentVersion goes up, add the step from the old version here and a testdata file of the old
// version (testdata/config_vN.yml) that a test loads.
var migrations = map[int]migration{}

// migrate brings the document to CurrentVersion with the steps in table and sets its version key.
func migrate(root *yaml.Node, table map[int]migration) error {
	vn := mappingValue(root, "version")
	if vn == nil || isNull(vn) {
		return fmt.Errorf("version: required")
	}
	var v int
	if vn.Kind != yaml.ScalarNode || vn.ShortTag() != "!!int" || vn.Decode(&v) != nil {
		return fmt.Errorf("version: must be an integer, got %q", vn.Value)
	}
	if v > CurrentVersion {
		return fmt.Errorf("version: format %d; this porchlight knows up to %d: upgrade porchlight", v, CurrentVersion)
	}
	for from := v; from < CurrentVersion; from++ {
		step, ok := table[from]
		if !ok {
			return fmt.Errorf("version: unsupported version %d (oldest supported is %d)", v, oldestVersion(table))
		}
		if err := step(root); err != nil {
			return fmt.Errorf("version: migrate from %d to %d: %w", from, from+1, err)
		}
	}
	vn.Kind, vn.Tag, vn.Value = yaml.ScalarNode, "!!int", fmt.Sprint(CurrentVersion)
	return nil
}

// oldestVersion returns the oldest version from which table reaches CurrentVersion.
func oldestVersion(table map[int]migration) int {
	v := CurrentVersion
	for table[v-1] != nil {
		v--
	}
	return v
}

// mappingValue returns the value node of key in mapping m, or nil.
func mappingValue(m *yaml.Node, key string) *yaml.Node {
	for i := 0; i+1 < len(m.Content); i += 2 {
		if k := deref(m.Content[i]); k.Kind == yaml.ScalarNode && k.Value == key {
			return deref(m.Content[i+1])
		}
	}
	return nil
}
