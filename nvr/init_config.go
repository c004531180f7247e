package nvr

import (
	"bytes"
	"fmt"
	"strings"

	"go.yaml.in/yaml/v3"
)

// setScalars returns the YAML document src with the top-level scalar values of the given keys replaced,
// keeping everything else, comments and alignment included. Where a value is a plain scalar that can be
// located in the source it is replaced in place; otherwise the document is re-encoded from its node tree,
// which keeps the comments but not the original spacing.
func setScalars(src []byte, values map[string]string) ([]byte, error) {
	var doc yaml.Node
	if err := yaml.Unmarshal(src, &doc); err != nil {
		return nil, fmt.Errorf("%w: %s", ErrSyntax, strings.TrimPrefix(err.Error(), "yaml: "))
	}
	if doc.Kind != yaml.DocumentNode || len(doc.Content) != 1 || doc.Content[0].Kind != yaml.MappingNode {
		return nil, fmt.Errorf("template is not a mapping")
	}
	lines := strings.SplitAfter(string(src), "\n")
	inPlace := true
	edited := map[int]bool{} // two edits on one line would shift each other's columns
	for key, val := range values {
		n := mappingValue(doc.Content[0], key)
		if n == nil || n.Kind != yaml.ScalarNode {
			return nil, fmt.Errorf("template has no scalar %q", key)
		}
		enc, err := encodeScalar(val)
		if err != nil {
			return nil, err
		}
		if inPlace && n.Style == 0 && n.Line >= 1 && n.Line <= len(lines) && !edited[n.Line] {
			line := lines[n.Line-1]
			if col := n.Column - 1; col >= 0 && strings.HasPrefix(line[min(col, len(line)):], n.Value) {
				lines[n.Line-1] = line[:col] + enc + keepCommentColumn(line[col+len(n.Value):], len(n.Value)-len(enc))
				edited[n.Line] = true
			} else {
				inPlace = false
			}
		} else {
			inPlace = false
		}
		n.Kind, n.Tag, n.Style, n.Value = yaml.ScalarNode, "!!str", 0, val
	}
	if inPlace {
		return []byte(strings.Join(lines, "")), nil
	}
	var buf bytes.Buffer
	e := yaml.NewEncoder(&buf)
	e.SetIndent(2)
	if err := e.Encode(&doc); err != nil {
		return nil, fmt.Errorf("encode config: %w", err)
	}
	if err := e.Close(); err != nil {
		return nil, fmt.Errorf("encode config: %w", err)
	}
	return buf.Bytes(), nil
}

// encodeScalar returns s as a one-line YAML string scalar, quoted when it would otherwise read as another
// type or break the syntax.
func encodeScalar(s string) (string, error) {
	b, err := yaml.Marshal(s)
	if err != nil {
		return "", fmt.Errorf("encode %q: %w", s, err)
	}
	out := strings.TrimSuffix(string(b), "\n")
	if strings.Contains(out, "\n") {
		return "", fmt.Errorf("encode %q: value must fit on one line", s)
	}
	return out, nil
}

// keepCommentColumn re-pads rest, the text after a replaced value, by delta spaces so a line comment stays
// in its column where there is room; at least one space remains before the '#'.
func keepCommentColumn(rest string, delta int) string {
	trimmed := strings.TrimLeft(rest, " ")
	if !strings.HasPrefix(trimmed, "#") {
		return rest
	}
	return strings.Repeat(" ", max(1, len(rest)-len(trimmed)+delta)) + trimmed
}
