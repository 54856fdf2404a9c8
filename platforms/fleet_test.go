package platforms

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestParseFleet(t *testing.T) {
	good := `
platforms:
  - name: prod
    path: /srv/prod
    tags: [prod, d10]
  - name: legacy
    path: d7
    ssh: aegir@old.example.org
`
	f, err := ParseFleet("fleet.yml", []byte(good))
	if err != nil {
		t.Fatalf("ParseFleet(good) error: %v", err)
	}
	want := &Fleet{Platforms: []PlatformConfig{
		{Name: "prod", Path: "/srv/prod", Tags: []string{"prod", "d10"}},
		{Name: "legacy", Path: "d7", SSH: "aegir@old.example.org"},
	}}
	if diff := cmp.Diff(want, f); diff != "" {
		t.Errorf("ParseFleet(good) (-want +got):\n%s", diff)
	}
	bad := []struct{ in, wantErr string }{
		{"", "empty file"},
		{"platforms: {}\n", `fleet.yml:1: platforms: expected a list`},
		{"platform:\n  - name: x\n", `fleet.yml:1: unknown key "platform"`},
		{"platforms:\n  - name: x\n", `fleet.yml:2: path: missing for platform "x"`},
		{"platforms:\n  - path: /x\n", `fleet.yml:2: name: missing`},
		{"platforms:\n  - name: x\n    path: /a\n  - name: x\n    path: /b\n", `fleet.yml:4: name: "x" is already used on line 2`},
		{"platforms:\n  - name: x\n    path: /a\n    tgas: [a]\n", `fleet.yml:4: unknown key "tgas"`},
		{"platforms:\n  - name: x\n    path: [a]\n", `fleet.yml:3: path: expected a string`},
		{"platforms:\n  - name: x\n    path: /a\n    tags: a\n", `fleet.yml:4: tags: expected a list`},
		{"platforms:\n  - name: x\n    name: y\n", `fleet.yml:3: name: duplicate key`},
		{"platforms: [\n", "fleet config fleet.yml: yaml: line 1"},
	}
	for _, tc := range bad {
		_, err := ParseFleet("fleet.yml", []byte(tc.in))
		if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
			t.Errorf("ParseFleet(%q) error = %v, want it to contain %q", tc.in, err, tc.wantErr)
		}
	}
}

// TestScanFleet drives a fleet of the shared fixtures, with a remote
// platform and a broken one: every platform gets its result, in order,
// and the feeds the fleet needs are listed once.
func TestScanFleet(t *testing.T) {
	dir := t.TempDir()
	platforms, _ := filepath.Abs(filepath.Join("..", "testdata", "platforms"))
	cfg := "platforms:\n" +
		"  - {name: demo, path: " + filepath.Join(platforms, "demo") + ", tags: [d10]}\n" +
		"  - {name: d7, path: " + filepath.Join(platforms, "d7") + "}\n" +
		"  - {name: composer, path: " + filepath.Join(platforms, "composer") + "}\n" +
		"  - {name: gone, path: missing}\n" +
		"  - {name: remote, path: /srv/x, ssh: aegir@host}\n"
	file := filepath.Join(dir, "fleet.yml")
	if err := os.WriteFile(file, []byte(cfg), 0o644); err != nil {
		t.Fatal(err)
	}
	f, err := LoadFleet(file)
	if err != nil {
		t.Fatal(err)
	}
	if got := f.Platforms[3].Path; got != filepath.Join(dir, "missing") {
		t.Errorf("relative path resolved to %q, want it under the config's directory", got)
	}
	res := ScanFleet(context.Background(), f, Options{})
	for i, r := range res {
		if r.Platform.Name != f.Platforms[i].Name {
			t.Errorf("result %d is for %q, want %q", i, r.Platform.Name, f.Platforms[i].Name)
		}
	}
	for _, i := range []int{0, 1, 2} {
		if res[i].Err != nil {
			t.Errorf("%s: %v", res[i].Platform.Name, res[i].Err)
		}
	}
	if res[3].Err == nil {
		t.Errorf("gone: no error")
	}
	if !errors.Is(res[4].Err, ErrRemote) {
		t.Errorf("remote: error = %v, want ErrRemote", res[4].Err)
	}
}

func TestFleetSections(t *testing.T) {
	data := []byte("serve:\n  listen: 127.0.0.1:0\nplatforms:\n  - name: a\n    path: /a\n")
	f, err := ParseFleet("f.yml", data, "serve")
	if err != nil {
		t.Fatalf("ParseFleet with a serve section allowed: %v", err)
	}
	if n := f.Sections["serve"]; n == nil || n.Line != 2 {
		t.Errorf("Sections[serve] = %+v, want the node at line 2", n)
	}
	if _, err := ParseFleet("f.yml", data); err == nil || !strings.Contains(err.Error(), `f.yml:1: unknown key "serve"`) {
		t.Errorf("ParseFleet without allowing serve = %v, want an unknown-key error at line 1", err)
	}
}
