package platforms

import (
	"compress/gzip"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path"
	"path/filepath"
	"sort"
	"strings"
	"testing"
)

// graphExt is one extension of a module-graph file (testdata/real).
type graphExt struct {
	Path                   string          `json:"path"`
	Name                   string          `json:"name"`
	Type                   string          `json:"type"`
	Description            string          `json:"description"`
	Package                *string         `json:"package"`
	Version                *string         `json:"version"`
	Core                   *string         `json:"core"`
	CoreVersionRequirement *string         `json:"core_version_requirement"`
	Hidden                 json.RawMessage `json:"hidden"`
	BaseTheme              json.RawMessage `json:"base theme"`
	Project                *string         `json:"project"`
	Datestamp              json.RawMessage `json:"datestamp"`
	PackagingDate          string          `json:"packaging_script_date"`
	Dependencies           []struct {
		Raw string `json:"raw"`
	} `json:"dependencies"`
	Malformed *string `json:"dependencies_malformed"`
	IsTest    bool    `json:"is_test"`
}

type moduleGraph struct {
	Extensions map[string]graphExt `json:"extensions"`
}

func readGz(t testing.TB, name string) []byte {
	t.Helper()
	f, err := os.Open(filepath.Join("testdata", "real", name))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	zr, err := gzip.NewReader(f)
	if err != nil {
		t.Fatal(err)
	}
	data, err := io.ReadAll(zr)
	if err != nil {
		t.Fatal(err)
	}
	return data
}

func loadGraph(t testing.TB, name string) map[string]graphExt {
	t.Helper()
	var g moduleGraph
	if err := json.Unmarshal(readGz(t, name), &g); err != nil {
		t.Fatal(err)
	}
	return g.Extensions
}

// writeRealTree rebuilds a platform from a module graph: each extension's
// info file (its keys, then the packaging block where the graph records
// one), core's version file and, for Drupal 7, the .module and .profile
// files discovery looks for.
func writeRealTree(t testing.TB, dir string, exts map[string]graphExt, coreVersion string, d7 bool) {
	t.Helper()
	write := func(rel, text string) {
		p := filepath.Join(dir, filepath.FromSlash(rel))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	names := make([]string, 0, len(exts))
	for n := range exts {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		e := exts[n]
		if d7 {
			write(e.Path, d7InfoText(e))
			base := strings.TrimSuffix(e.Path, ".info")
			switch e.Type {
			case "module":
				write(base+".module", "<?php\n")
			case "profile":
				write(base+".profile", "<?php\n")
			}
			continue
		}
		write(e.Path, infoYAMLText(e))
	}
	if d7 {
		write("includes/bootstrap.inc", fmt.Sprintf("<?php\ndefine('VERSION', '%s');\n", coreVersion))
	} else {
		write("web/core/lib/Drupal.php", fmt.Sprintf("<?php\nnamespace Drupal;\nclass Drupal {\n  const VERSION = '%s';\n}\n", coreVersion))
	}
}

func q(s string) string { b, _ := json.Marshal(s); return string(b) }

func infoYAMLText(e graphExt) string {
	var b strings.Builder
	fmt.Fprintf(&b, "name: %s\ntype: %s\ndescription: %s\n", q(e.Name), q(e.Type), q(e.Description))
	if e.Package != nil {
		fmt.Fprintf(&b, "package: %s\n", q(*e.Package))
	}
	if e.Core != nil {
		fmt.Fprintf(&b, "core: %s\n", q(*e.Core))
	}
	if e.CoreVersionRequirement != nil {
		fmt.Fprintf(&b, "core_version_requirement: %s\n", q(*e.CoreVersionRequirement))
	}
	if len(e.Hidden) > 0 {
		fmt.Fprintf(&b, "hidden: %s\n", e.Hidden)
	}
	if len(e.BaseTheme) > 0 {
		fmt.Fprintf(&b, "base theme: %s\n", e.BaseTheme)
	}
	switch {
	case e.Malformed != nil:
		fmt.Fprintf(&b, "dependencies: %s\n", *e.Malformed)
	case len(e.Dependencies) > 0:
		b.WriteString("dependencies:\n")
		for _, d := range e.Dependencies {
			fmt.Fprintf(&b, "  - %s\n", q(d.Raw))
		}
	}
	if e.PackagingDate != "" || e.Project != nil {
		if e.Version != nil {
			fmt.Fprintf(&b, "\n# Information added by Drupal.org packaging script on %s\nversion: %s\n", e.PackagingDate, q(*e.Version))
		}
		if e.Project != nil {
			fmt.Fprintf(&b, "project: %s\n", q(*e.Project))
		}
		if len(e.Datestamp) > 0 {
			fmt.Fprintf(&b, "datestamp: %s\n", e.Datestamp)
		}
	} else if e.Version != nil {
		fmt.Fprintf(&b, "version: %s\n", q(*e.Version))
	}
	return b.String()
}

// d7Quote writes a double-quoted .info value; stripslashes undoes it.
func d7Quote(s string) string {
	return `"` + strings.NewReplacer(`\`, `\\`, `"`, `\"`).Replace(s) + `"`
}

func d7InfoText(e graphExt) string {
	var b strings.Builder
	fmt.Fprintf(&b, "name = %s\ndescription = %s\n", d7Quote(e.Name), d7Quote(e.Description))
	if e.Package != nil {
		fmt.Fprintf(&b, "package = %s\n", d7Quote(*e.Package))
	}
	if e.Core != nil {
		fmt.Fprintf(&b, "core = %s\n", *e.Core)
	}
	if len(e.Hidden) > 0 {
		var h string
		if json.Unmarshal(e.Hidden, &h) == nil {
			fmt.Fprintf(&b, "hidden = %s\n", h)
		}
	}
	if len(e.BaseTheme) > 0 {
		var bt string
		if json.Unmarshal(e.BaseTheme, &bt) == nil {
			fmt.Fprintf(&b, "base theme = %s\n", d7Quote(bt))
		}
	}
	for _, d := range e.Dependencies {
		fmt.Fprintf(&b, "dependencies[] = %s\n", d.Raw)
	}
	ds := ""
	if len(e.Datestamp) > 0 {
		ds = jsonString(e.Datestamp)
	}
	switch {
	case e.Project != nil:
		fmt.Fprintf(&b, "\n; Information added by Drupal.org packaging script on %s\n", e.PackagingDate)
		if e.Version != nil {
			fmt.Fprintf(&b, "version = %s\n", d7Quote(*e.Version))
		}
		fmt.Fprintf(&b, "project = %s\ndatestamp = %s\n", d7Quote(*e.Project), d7Quote(ds))
	case e.Version != nil:
		fmt.Fprintf(&b, "version = %s\n", *e.Version) // VERSION, the constant
	}
	return b.String()
}

// isTestExt is the scanner's rule, applied to the graph: under tests/, in
// package Testing or in core's testing profile.
func isTestExt(e graphExt, docroot string) bool {
	rel := strings.TrimPrefix(e.Path, docroot)
	return e.IsTest || (e.Package != nil && *e.Package == "Testing") ||
		strings.HasPrefix(rel, "profiles/testing/") || strings.HasPrefix(rel, "core/profiles/testing/") ||
		strings.Contains(rel, "/tests/")
}

// TestRealPlatforms rebuilds the two real platforms from their module
// graphs and checks that the scanner finds every project at the version
// its info files record, and every non-test extension.
func TestRealPlatforms(t *testing.T) {
	tests := []struct {
		graph, core, docroot string
		d7                   bool
		composer             bool
	}{
		{"platform-drupal-8.9.20-sas-isus.json.gz", "8.9.20", "web/", false, true},
		{"platform-drupal-7.56-commerce-kickstart.json.gz", "7.56", "", true, false},
	}
	for _, tc := range tests {
		t.Run(tc.core, func(t *testing.T) {
			exts := loadGraph(t, tc.graph)
			dir := t.TempDir()
			writeRealTree(t, dir, exts, tc.core, tc.d7)
			if tc.composer {
				if err := os.WriteFile(filepath.Join(dir, "composer.lock"), readGz(t, "sas-isus-d8-refactored.composer.lock.gz"), 0o644); err != nil {
					t.Fatal(err)
				}
				cj, err := os.ReadFile(filepath.Join("testdata", "real", "sas-isus-d8-refactored.composer.json"))
				if err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(filepath.Join(dir, "composer.json"), cj, 0o644); err != nil {
					t.Fatal(err)
				}
			}
			inv, err := Scan(context.Background(), dir, Options{})
			if err != nil {
				t.Fatal(err)
			}
			if inv.CoreVersion != tc.core {
				t.Errorf("CoreVersion = %q, want %q", inv.CoreVersion, tc.core)
			}
			if v, _ := inv.Projects["drupal"].VersionString(); v != tc.core {
				t.Errorf(`Projects["drupal"].Version = %q, want %q`, v, tc.core)
			}
			want := map[string]string{}
			found := map[string]string{} // extension -> project
			for k, p := range inv.Projects {
				for _, e := range p.Extensions {
					found[e.Name] = k
				}
			}
			for k, p := range inv.Unused {
				for _, e := range p.Extensions {
					found[e.Name] = k
				}
			}
			nonTest := 0
			for name, e := range exts {
				if isTestExt(e, tc.docroot) {
					if _, ok := found[name]; ok && path.Base(path.Dir(e.Path)) != "testing" {
						t.Errorf("test extension %s (%s) is in the inventory", name, e.Path)
					}
					continue
				}
				nonTest++
				proj, ok := found[name]
				if !ok {
					t.Errorf("extension %s (%s) not found", name, e.Path)
					continue
				}
				if e.Project != nil {
					if proj != *e.Project {
						t.Errorf("extension %s filed under %q, want %q", name, proj, *e.Project)
					}
					if e.Version != nil {
						want[*e.Project] = *e.Version
					}
				}
			}
			for p, v := range want {
				got, ok := inv.Projects[p].VersionString()
				if !ok || got != v {
					t.Errorf("Projects[%q].Version = %q (present %v), want %q", p, got, ok, v)
				}
			}
			t.Logf("%d non-test extensions, %d projects with packaging metadata, %d projects in the inventory", nonTest, len(want), len(inv.Projects))
			if len(want) < 60 {
				t.Errorf("only %d projects with metadata: the graph was not read", len(want))
			}
		})
	}
}
