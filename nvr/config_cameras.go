package nvr

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/porchlight/porchlight/internal/atomicfile"
)

// UpdateCameras replaces the cameras list of the config file at path with cams, keeping the rest of the
// file byte for byte, comments included. A camera that keeps its name keeps its comments and key order.
// The new document must pass Parse (errors name the key, e.g. `cameras[1].url: ...`), or the file is left
// as it was; it is written atomically (temp file, fsync, rename). Cameras should start from
// DefaultCamera: every key is written as given.
func UpdateCameras(path string, cams []CameraConfig) error {
	_, err := updateCameras(path, cams)
	return err
}

// updateCameras is UpdateCameras returning the config as written.
func updateCameras(path string, cams []CameraConfig) (*Config, error) {
	return updateConfigFile(path, "cameras", func(src []byte) ([]byte, error) { return setCameras(src, cams) })
}

// updateConfigFile rewrites the config file at path with edit, provided the result passes Parse (the
// file is left as it was otherwise; the error is Parse's, naming the key), atomically and keeping its
// mode, and returns the config as written. what names the edit in other errors.
func updateConfigFile(path, what string, edit func(src []byte) ([]byte, error)) (*Config, error) {
	src, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("update %s: %w", what, err)
	}
	fi, err := os.Stat(path)
	if err != nil {
		return nil, fmt.Errorf("update %s: %w", what, err)
	}
	out, err := edit(src)
	if err != nil {
		return nil, fmt.Errorf("update %s in %s: %w", what, path, err)
	}
	c, err := Parse(out)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	if err := atomicfile.WriteFile(path, out, fi.Mode().Perm()); err != nil {
		return nil, fmt.Errorf("update %s: %w", what, err)
	}
	if c.Path, err = filepath.Abs(path); err != nil {
		return nil, fmt.Errorf("update %s: %w", what, err)
	}
	return c, nil
}

// setCameras returns the YAML document src with its top-level cameras list replaced by cams. Only the
// lines of the cameras key and its value are rewritten; a missing key is appended.
func setCameras(src []byte, cams []CameraConfig) ([]byte, error) {
	entries := make([]listEntry, len(cams))
	for i, c := range cams {
		entries[i] = listEntry{name: c.Name, value: c}
	}
	return setList(src, "cameras", entries, func(_ int, item *yaml.Node) string {
		if n := mappingValue(item, "name"); n != nil && n.Kind == yaml.ScalarNode {
			return n.Value
		}
		return ""
	})
}

// listEntry is one entry of a top-level list that setList writes: its value, and the name by which it
// is matched with an entry of the old list (whose comments and key order it then keeps).
type listEntry struct {
	name  string
	value any
}

// setList returns the YAML document src with its top-level list key replaced by entries. Only the lines
// of the key and its value are rewritten; a missing key is appended. nameOf names the old list's entry i.
func setList(src []byte, keyName string, entries []listEntry, nameOf func(i int, item *yaml.Node) string) ([]byte, error) {
	var doc yaml.Node
	if err := yaml.Unmarshal(src, &doc); err != nil {
		return nil, fmt.Errorf("%w: %s", ErrSyntax, strings.TrimPrefix(err.Error(), "yaml: "))
	}
	var root *yaml.Node
	if doc.Kind == yaml.DocumentNode && len(doc.Content) == 1 && doc.Content[0].Kind == yaml.MappingNode {
		root = doc.Content[0]
	} else if doc.Kind != 0 {
		return nil, fmt.Errorf("the config is not a mapping of keys")
	}
	lines := strings.SplitAfter(string(src), "\n")
	key := &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: keyName}
	var old *yaml.Node
	first, last := len(lines), len(lines) // lines [first, last) are replaced; appended when absent
	if root != nil {
		for i := 0; i+1 < len(root.Content); i += 2 {
			if k := root.Content[i]; k.Kind == yaml.ScalarNode && k.Value == keyName {
				key.LineComment = k.LineComment
				old = root.Content[i+1]
				first, last = k.Line-1, valueEnd(lines, old, k.Column-1)
				break
			}
		}
	}
	region := strings.Join(lines[first:last], "")
	seq := &yaml.Node{Kind: yaml.SequenceNode, Tag: "!!seq"}
	for _, e := range entries {
		var n yaml.Node
		if err := n.Encode(e.value); err != nil {
			return nil, fmt.Errorf("encode %s %q: %w", keyName, e.name, err)
		}
		if prev := oldEntry(old, e.name, nameOf); prev != nil {
			mergeNode(prev, &n)
			scrubComments(prev, region)
			seq.Content = append(seq.Content, prev)
		} else {
			seq.Content = append(seq.Content, &n)
		}
	}
	if old != nil {
		seq.HeadComment = old.HeadComment
		if key.LineComment == "" {
			key.LineComment = old.LineComment
		}
		scrubComments(seq, region)
	}
	var buf bytes.Buffer
	e := yaml.NewEncoder(&buf)
	e.SetIndent(2)
	if err := e.Encode(&yaml.Node{Kind: yaml.MappingNode, Tag: "!!map", Content: []*yaml.Node{key, seq}}); err != nil {
		return nil, fmt.Errorf("encode %s: %w", keyName, err)
	}
	if err := e.Close(); err != nil {
		return nil, fmt.Errorf("encode %s: %w", keyName, err)
	}
	head := strings.Join(lines[:first], "")
	if head != "" && !strings.HasSuffix(head, "\n") {
		head += "\n"
	}
	return []byte(head + buf.String() + strings.Join(lines[last:], "")), nil
}

// valueEnd returns the index of the first line after the value v of a key at column keyCol: past the last
// line holding a node of v, and past any lines after it indented deeper than the key (the rest of a
// multi-line value, comments inside the list), but not past trailing blank lines.
func valueEnd(lines []string, v *yaml.Node, keyCol int) int {
	end := maxLine(v) // 1-based line of the last node = index of the line after it
	for i := end; i < len(lines); i++ {
		t := strings.TrimLeft(lines[i], " ")
		if strings.TrimSpace(t) == "" {
			continue
		}
		if len(lines[i])-len(t) <= keyCol {
			break
		}
		end = i + 1
	}
	return min(end, len(lines))
}

func maxLine(n *yaml.Node) int {
	m := n.Line
	for _, c := range n.Content {
		m = max(m, maxLine(c))
	}
	return m
}

// oldEntry returns the entry of the old list that nameOf calls name, or nil.
func oldEntry(list *yaml.Node, name string, nameOf func(int, *yaml.Node) string) *yaml.Node {
	if list == nil || list.Kind != yaml.SequenceNode {
		return nil
	}
	for i, item := range list.Content {
		if item.Kind == yaml.MappingNode && nameOf(i, item) == name {
			return item
		}
	}
	return nil
}

// mergeNode makes dst say what src says, keeping dst's comments, key order and styles where its values
// stay: keys only dst has are dropped, keys only src has are appended, equal scalars are left alone.
func mergeNode(dst, src *yaml.Node) {
	if dst.Kind == yaml.MappingNode && src.Kind == yaml.MappingNode {
		var content []*yaml.Node
		taken := map[string]bool{}
		for i := 0; i+1 < len(dst.Content); i += 2 {
			k := dst.Content[i]
			if v := mappingValue(src, k.Value); v != nil {
				mergeNode(dst.Content[i+1], v)
				content = append(content, k, dst.Content[i+1])
				taken[k.Value] = true
			}
		}
		for i := 0; i+1 < len(src.Content); i += 2 {
			if !taken[src.Content[i].Value] {
				content = append(content, src.Content[i], src.Content[i+1])
			}
		}
		dst.Content = content
		return
	}
	if dst.Kind == yaml.ScalarNode && src.Kind == yaml.ScalarNode && dst.Value == src.Value {
		return
	}
	dst.Kind, dst.Tag, dst.Value, dst.Style, dst.Content, dst.Alias = src.Kind, src.Tag, src.Value, src.Style, src.Content, nil
}

// scrubComments drops comments of n that are not in region: the YAML parser may attach comments that
// follow the list to its last entry, and those stay in the text outside the rewritten lines.
func scrubComments(n *yaml.Node, region string) {
	keep := func(c string) string {
		if first, _, _ := strings.Cut(c, "\n"); first != "" && !strings.Contains(region, first) {
			return ""
		}
		return c
	}
	n.HeadComment, n.LineComment, n.FootComment = keep(n.HeadComment), keep(n.LineComment), keep(n.FootComment)
	for _, c := range n.Content {
		scrubComments(c, region)
	}
}
