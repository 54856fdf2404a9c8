package platforms

import (
	"bytes"
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"

	"gopkg.in/yaml.v3"
)

// errNotMapping is returned for info.yml files whose document is not a
// mapping: Drupal cannot read the required keys from them.
var errNotMapping = errors.New("not a YAML mapping")

// parseInfoYAML decodes a Drupal 8+ .info.yml file into PHP values, the
// shape Drupal's YAML decoder gives it. Symfony's YAML parser, which Drupal
// 9 and later use, rejects duplicate keys; Drupal 8's (Symfony 3) keeps the
// first and warns, so firstWins selects that behaviour and the duplicates
// are returned for a warning.
func parseInfoYAML(data []byte, firstWins bool) (info *phpValue, dups []string, err error) {
	var doc yaml.Node
	dec := yaml.NewDecoder(bytes.NewReader(data))
	if err := dec.Decode(&doc); err != nil {
		return nil, nil, err
	}
	if doc.Kind != yaml.DocumentNode || len(doc.Content) != 1 || doc.Content[0].Kind != yaml.MappingNode {
		return nil, nil, errNotMapping
	}
	c := yamlConv{firstWins: firstWins}
	v, err := c.convert(doc.Content[0], 0)
	if err != nil {
		return nil, nil, err
	}
	return v, c.dups, nil
}

type yamlConv struct {
	firstWins bool
	dups      []string
}

// maxYAMLDepth bounds nesting; info files are flat, and aliases could
// otherwise expand without limit.
const maxYAMLDepth = 32

func (c *yamlConv) convert(n *yaml.Node, depth int) (*phpValue, error) {
	if depth > maxYAMLDepth {
		return nil, fmt.Errorf("line %d: nesting deeper than %d", n.Line, maxYAMLDepth)
	}
	switch n.Kind {
	case yaml.AliasNode:
		return c.convert(n.Alias, depth+1)
	case yaml.ScalarNode:
		return yamlScalar(n), nil
	case yaml.SequenceNode:
		arr := newArr()
		for i, e := range n.Content {
			v, err := c.convert(e, depth+1)
			if err != nil {
				return nil, err
			}
			arr.set(intKey(int64(i)), v)
		}
		return &phpValue{kind: phpArray, arr: arr}, nil
	case yaml.MappingNode:
		arr := newArr()
		for i := 0; i+1 < len(n.Content); i += 2 {
			kn, vn := n.Content[i], n.Content[i+1]
			if kn.Kind == yaml.AliasNode {
				kn = kn.Alias
			}
			if kn.Kind != yaml.ScalarNode {
				return nil, fmt.Errorf("line %d: a mapping key must be a scalar", kn.Line)
			}
			if kn.Tag == "!!merge" {
				// "<<: *anchor" merges the anchored mapping's keys that are
				// not set yet.
				m, err := c.convert(vn, depth+1)
				if err != nil {
					return nil, err
				}
				if m.kind == phpArray {
					for _, k := range m.arr.keys {
						if _, ok := arr.get(k); !ok {
							arr.set(k, m.arr.vals[k])
						}
					}
				}
				continue
			}
			k := keyOf(yamlScalar(kn).str())
			v, err := c.convert(vn, depth+1)
			if err != nil {
				return nil, err
			}
			if _, ok := arr.get(k); ok {
				if !c.firstWins {
					return nil, fmt.Errorf("line %d: duplicate key %q", kn.Line, k.String())
				}
				c.dups = append(c.dups, k.String())
				continue
			}
			arr.set(k, v)
		}
		return &phpValue{kind: phpArray, arr: arr}, nil
	}
	return &phpValue{kind: phpNull}, nil
}

// yamlScalar converts a scalar by its resolved tag: numbers become PHP's
// string form of the number (so "version: 1.0" reads "1", as PHP's string
// cast of the float gives), booleans and null keep their type.
func yamlScalar(n *yaml.Node) *phpValue {
	switch n.ShortTag() {
	case "!!null":
		return &phpValue{kind: phpNull}
	case "!!bool":
		var b bool
		if err := n.Decode(&b); err == nil {
			return &phpValue{kind: phpBool, b: b}
		}
	case "!!int":
		var i int64
		if err := n.Decode(&i); err == nil {
			return strVal(strconv.FormatInt(i, 10))
		}
		var f float64
		if err := n.Decode(&f); err == nil {
			return strVal(phpFloat(f))
		}
	case "!!float":
		var f float64
		if err := n.Decode(&f); err == nil {
			return strVal(phpFloat(f))
		}
	}
	return strVal(n.Value)
}

// phpFloat formats a float as PHP's string cast does (precision -1: the
// shortest repr, with an exponent from 1e15 on).
func phpFloat(f float64) string {
	switch {
	case math.IsInf(f, 1):
		return "INF"
	case math.IsInf(f, -1):
		return "-INF"
	case math.IsNaN(f):
		return "NAN"
	}
	if f == math.Trunc(f) && math.Abs(f) < 1e15 {
		return strconv.FormatFloat(f, 'f', -1, 64)
	}
	a := math.Abs(f)
	if a >= 1e-4 && a < 1e15 {
		return strconv.FormatFloat(f, 'f', -1, 64)
	}
	s := strconv.FormatFloat(f, 'E', -1, 64)
	// PHP writes 1.0E+25 where Go writes 1E+25.
	mant, exp, _ := strings.Cut(s, "E")
	if !strings.Contains(mant, ".") {
		mant += ".0"
	}
	if exp[0] == '+' {
		exp = "+" + strings.TrimLeft(exp[1:], "0")
	} else {
		exp = "-" + strings.TrimLeft(exp[1:], "0")
	}
	return mant + "E" + exp
}
