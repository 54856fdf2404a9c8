package platforms

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"

	"golang.org/x/sync/errgroup"
	"gopkg.in/yaml.v3"

	"github.com/drupdate/drupdate/internal/drupal"
)

// Fleet is a fleet configuration: the platforms one drupdate run covers.
type Fleet struct {
	Platforms []PlatformConfig
	// Sections holds the other top-level sections the caller allowed
	// (such as the service's "serve"), undecoded, for the caller to read
	// with their line numbers.
	Sections map[string]*yaml.Node
}

// PlatformConfig is one platform of a fleet.
type PlatformConfig struct {
	// Name identifies the platform in reports; unique within the fleet.
	Name string
	// Path is the codebase's directory; relative paths in the file are
	// resolved against the file's directory.
	Path string
	Tags []string
	// SSH is a host to reach the platform through, kept for remote scans;
	// ScanFleet does not scan such platforms yet.
	SSH string
}

// ErrRemote is returned for a platform with an ssh host, which drupdate
// cannot scan yet.
var ErrRemote = errors.New("remote platforms (ssh) are not supported yet")

// LoadFleet reads a fleet configuration file:
//
//	platforms:
//	  - name: prod-d10
//	    path: /var/aegir/platforms/drupal-10.2.3
//	    tags: [prod, d10]
//	  - name: legacy
//	    path: ../d7
//	    ssh: aegir@old.example.org
//
// Errors name the file, the line and the key. Top-level keys other than
// platforms are errors unless named in sections.
func LoadFleet(file string, sections ...string) (*Fleet, error) {
	data, err := os.ReadFile(file)
	if err != nil {
		return nil, fmt.Errorf("fleet config: %w", err)
	}
	f, err := ParseFleet(file, data, sections...)
	if err != nil {
		return nil, err
	}
	dir := filepath.Dir(file)
	for i := range f.Platforms {
		if p := f.Platforms[i].Path; !filepath.IsAbs(p) {
			f.Platforms[i].Path = filepath.Join(dir, p)
		}
	}
	return f, nil
}

// ParseFleet parses a fleet configuration; name is used in errors. Paths
// are returned as written.
func ParseFleet(name string, data []byte, sections ...string) (*Fleet, error) {
	errf := func(line int, format string, args ...any) error {
		return fmt.Errorf("fleet config %s:%d: %s", name, line, fmt.Sprintf(format, args...))
	}
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil {
		return nil, fmt.Errorf("fleet config %s: %w", name, err)
	}
	if doc.Kind == 0 || len(doc.Content) == 0 {
		return nil, fmt.Errorf("fleet config %s: empty file; expected a \"platforms\" list", name)
	}
	root := doc.Content[0]
	if root.Kind != yaml.MappingNode {
		return nil, errf(root.Line, "expected a mapping with a \"platforms\" list")
	}
	var list *yaml.Node
	var extra map[string]*yaml.Node
	for i := 0; i+1 < len(root.Content); i += 2 {
		k, v := root.Content[i], root.Content[i+1]
		switch {
		case k.Value == "platforms":
			if v.Kind != yaml.SequenceNode {
				return nil, errf(v.Line, "platforms: expected a list")
			}
			list = v
		case slices.Contains(sections, k.Value):
			if extra[k.Value] != nil {
				return nil, errf(k.Line, "%s: duplicate key", k.Value)
			}
			if extra == nil {
				extra = map[string]*yaml.Node{}
			}
			extra[k.Value] = v
		default:
			return nil, errf(k.Line, "unknown key %q (expected %s)", k.Value, strings.Join(append([]string{"platforms"}, sections...), " or "))
		}
	}
	if list == nil || len(list.Content) == 0 {
		return nil, errf(root.Line, "platforms: no platform listed")
	}
	f := &Fleet{Sections: extra}
	names := map[string]int{}
	for _, item := range list.Content {
		if item.Kind != yaml.MappingNode {
			return nil, errf(item.Line, "platforms: each entry must be a mapping with name and path")
		}
		var pc PlatformConfig
		keys := map[string]bool{}
		for i := 0; i+1 < len(item.Content); i += 2 {
			k, v := item.Content[i], item.Content[i+1]
			if keys[k.Value] {
				return nil, errf(k.Line, "%s: duplicate key", k.Value)
			}
			keys[k.Value] = true
			scalar := func() (string, error) {
				if v.Kind != yaml.ScalarNode || v.ShortTag() == "!!null" {
					return "", errf(v.Line, "%s: expected a string", k.Value)
				}
				return v.Value, nil
			}
			var err error
			switch k.Value {
			case "name":
				pc.Name, err = scalar()
			case "path":
				pc.Path, err = scalar()
			case "ssh":
				pc.SSH, err = scalar()
			case "tags":
				if v.Kind != yaml.SequenceNode {
					return nil, errf(v.Line, "tags: expected a list of strings")
				}
				for _, t := range v.Content {
					if t.Kind != yaml.ScalarNode || t.Value == "" {
						return nil, errf(t.Line, "tags: expected a list of strings")
					}
					pc.Tags = append(pc.Tags, t.Value)
				}
			default:
				return nil, errf(k.Line, "unknown key %q (expected name, path, tags or ssh)", k.Value)
			}
			if err != nil {
				return nil, err
			}
		}
		switch {
		case pc.Name == "":
			return nil, errf(item.Line, "name: missing")
		case pc.Path == "":
			return nil, errf(item.Line, "path: missing for platform %q", pc.Name)
		}
		if prev, dup := names[pc.Name]; dup {
			return nil, errf(item.Line, "name: %q is already used on line %d", pc.Name, prev)
		}
		names[pc.Name] = item.Line
		f.Platforms = append(f.Platforms, pc)
	}
	return f, nil
}

// FleetResult is one platform's scan.
type FleetResult struct {
	Platform  PlatformConfig
	Inventory *drupal.Inventory // nil when Err is set
	Err       error
}

// ScanFleet scans every platform of a fleet, a few at a time, and returns
// the results in the fleet's order. A platform that cannot be scanned has
// its error in its result; the others go on.
func ScanFleet(ctx context.Context, f *Fleet, opts Options) []FleetResult {
	out := make([]FleetResult, len(f.Platforms))
	// Scans are disk-bound; a few at a time keep the disk busy without
	// thrashing it. One platform's failure does not stop the others, so
	// the group's functions never return an error.
	var g errgroup.Group
	g.SetLimit(max(1, min(4, runtime.GOMAXPROCS(0))))
	for i, pc := range f.Platforms {
		out[i].Platform = pc
		if pc.SSH != "" {
			out[i].Err = fmt.Errorf("platform %s: %w", pc.Name, ErrRemote)
			continue
		}
		g.Go(func() error {
			o := opts
			if o.Logger != nil {
				o.Logger = o.Logger.With("platform_name", pc.Name)
			}
			out[i].Inventory, out[i].Err = Scan(ctx, pc.Path, o)
			return nil
		})
	}
	g.Wait()
	return out
}
