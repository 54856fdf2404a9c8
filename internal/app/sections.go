package app

import (
	"fmt"
	"reflect"
	"strings"

	"gopkg.in/yaml.v3"
)

// Top-level sections of a fleet file besides platforms.
const (
	serveSection      = "serve"
	advisoriesSection = "advisories"
	waiversSection    = "waivers"
	githubSection     = "github"
	notifySection     = "notify"
)

// fleetSections are the sections every command accepts in a fleet file,
// so one file serves them all.
var fleetSections = []string{serveSection, advisoriesSection, waiversSection, githubSection, notifySection}

// decodeSection decodes a fleet file's section into v (a pointer to a
// struct or slice with yaml tags), refusing keys v does not have, with
// the line of the offending key. A nil node leaves v as it is.
func decodeSection(file, name string, n *yaml.Node, v any) error {
	if n == nil {
		return nil
	}
	if err := checkKeys(n, reflect.TypeOf(v).Elem()); err != nil {
		return fmt.Errorf("config %s: %s: %w", file, name, err)
	}
	if err := n.Decode(v); err != nil {
		return fmt.Errorf("config %s: %s: %w", file, name, err)
	}
	return nil
}

// checkKeys walks a node alongside the Go type it decodes into.
func checkKeys(n *yaml.Node, t reflect.Type) error {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	switch {
	case n.Kind == yaml.AliasNode:
		return fmt.Errorf("line %d: aliases are not allowed here", n.Line)
	case t.Kind() == reflect.Struct && n.Kind == yaml.MappingNode:
		fields := map[string]reflect.Type{}
		collectFields(t, fields)
		seen := map[string]bool{}
		for i := 0; i+1 < len(n.Content); i += 2 {
			k := n.Content[i]
			ft, ok := fields[k.Value]
			if !ok {
				return fmt.Errorf("line %d: unknown key %q", k.Line, k.Value)
			}
			if seen[k.Value] {
				return fmt.Errorf("line %d: duplicate key %q", k.Line, k.Value)
			}
			seen[k.Value] = true
			if err := checkKeys(n.Content[i+1], ft); err != nil {
				return err
			}
		}
	case t.Kind() == reflect.Slice && n.Kind == yaml.SequenceNode:
		for _, c := range n.Content {
			if err := checkKeys(c, t.Elem()); err != nil {
				return err
			}
		}
	case t.Kind() == reflect.Map && n.Kind == yaml.MappingNode:
		for i := 1; i < len(n.Content); i += 2 {
			if err := checkKeys(n.Content[i], t.Elem()); err != nil {
				return err
			}
		}
	}
	return nil // scalars and mismatches: Decode reports type errors
}

func collectFields(t reflect.Type, into map[string]reflect.Type) {
	for i := 0; i < t.NumField(); i++ {
		f := t.Field(i)
		tag, _, _ := strings.Cut(f.Tag.Get("yaml"), ",")
		switch {
		case !f.IsExported() || tag == "-":
		case f.Anonymous && tag == "" && f.Type.Kind() == reflect.Struct:
			collectFields(f.Type, into)
		case strings.Contains(f.Tag.Get("yaml"), ",inline"):
			collectFields(f.Type, into)
		case tag != "":
			into[tag] = f.Type
		default:
			into[strings.ToLower(f.Name)] = f.Type
		}
	}
}
