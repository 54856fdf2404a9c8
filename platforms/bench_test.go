package platforms

import (
	"context"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sync"
	"testing"
)

var (
	benchOnce sync.Once
	benchDir  string
)

// benchTree generates, once per test binary, a Drupal 10 platform of 1,000
// extensions: 200 contrib projects of one module and four submodules, each
// with the src/, css/, templates/ and tests/ directories real projects
// have, plus core's version file and a site.
func benchTree(b *testing.B) string {
	benchOnce.Do(func() {
		dir, err := os.MkdirTemp("", "drupdate-bench-")
		if err != nil {
			b.Fatal(err)
		}
		benchDir = dir
		write := func(rel, body string) {
			p := filepath.Join(dir, rel)
			if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
				b.Fatal(err)
			}
			if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
				b.Fatal(err)
			}
		}
		write("core/lib/Drupal.php", "<?php\nclass Drupal {\n  const VERSION = '10.2.0';\n}\n")
		write("core/modules/system/system.info.yml", "name: System\ntype: module\npackage: Core\nversion: VERSION\n")
		write("sites/default/settings.php", "<?php\n")
		for p := range 200 {
			proj := fmt.Sprintf("proj%03d", p)
			for m := range 5 {
				name, sub := proj, filepath.Join("modules", "contrib", proj)
				if m > 0 {
					name = fmt.Sprintf("%s_sub%d", proj, m)
					sub = filepath.Join(sub, "modules", name)
				}
				write(filepath.Join(sub, name+".info.yml"), fmt.Sprintf(
					"name: %s\ntype: module\ndescription: 'Generated.'\ncore_version_requirement: ^9.5 || ^10\ndependencies:\n  - drupal:system (>=9.5)\n  - %s:%s\n\n# Information added by Drupal.org packaging script on 2024-01-01\nversion: '8.x-1.%d'\nproject: '%s'\ndatestamp: 1704067200\n",
					name, proj, proj, p, proj))
				write(filepath.Join(sub, name+".module"), "<?php\n")
				write(filepath.Join(sub, "src", "Plugin", "Block", "Example.php"), "<?php\n")
				write(filepath.Join(sub, "css", name+".css"), "")
				write(filepath.Join(sub, "templates", name+".html.twig"), "")
			}
			write(filepath.Join("modules", "contrib", proj, "tests", "src", "Kernel", "ExampleTest.php"), "<?php\n")
		}
	})
	return benchDir
}

func TestMain(m *testing.M) {
	code := m.Run()
	if benchDir != "" {
		os.RemoveAll(benchDir)
	}
	os.Exit(code)
}

// BenchmarkScan is one full scan of the generated platform.
func BenchmarkScan(b *testing.B) {
	dir := benchTree(b)
	b.ReportAllocs()
	for b.Loop() {
		inv, err := Scan(context.Background(), dir, Options{})
		if err != nil {
			b.Fatal(err)
		}
		if len(inv.Projects) != 201 {
			b.Fatalf("%d projects, want 201", len(inv.Projects))
		}
	}
}

// BenchmarkWalk is the bare cost of visiting every file of the same tree,
// for comparison.
func BenchmarkWalk(b *testing.B) {
	dir := benchTree(b)
	b.ReportAllocs()
	for b.Loop() {
		n := 0
		err := filepath.WalkDir(dir, func(_ string, d fs.DirEntry, err error) error {
			n++
			return err
		})
		if err != nil {
			b.Fatal(err)
		}
	}
}
