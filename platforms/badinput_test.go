package platforms

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"github.com/drupdate/drupdate/internal/drupal"
)

// tree writes files (slash paths relative to dir) and returns dir.
func tree(t testing.TB, files map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	for rel, body := range files {
		p := filepath.Join(dir, filepath.FromSlash(rel))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

func d10(files map[string]string) map[string]string {
	out := map[string]string{
		"core/lib/Drupal.php":                     "<?php\nclass Drupal {\n  const VERSION = '10.2.0';\n}\n",
		"core/modules/system/system.info.yml":     "name: System\ntype: module\npackage: Core\nversion: VERSION\n",
		"modules/contrib/good/good.info.yml":      "name: Good\ntype: module\ncore_version_requirement: ^10\nversion: '2.0.0'\nproject: good\ndatestamp: 1700000000\n",
		"sites/default/settings.php":              "<?php\n",
		"modules/contrib/good/tests/t/t.info.yml": "name: T\ntype: module\npackage: Testing\n",
	}
	for k, v := range files {
		out[k] = v
	}
	return out
}

func hasIssue(list []drupal.ScanIssue, path, substr string) bool {
	for _, is := range list {
		if is.Path == path && strings.Contains(is.Message, substr) {
			return true
		}
	}
	return false
}

// TestBadInput feeds the scanner broken trees: each problem must be
// named in the inventory (and logged), and the scan must go on.
func TestBadInput(t *testing.T) {
	dir := tree(t, d10(map[string]string{
		"modules/contrib/broken/broken.info.yml":               "name: Broken\ntype: module\ndependencies: [unclosed\n",
		"modules/contrib/notype/notype.info.yml":               "name: No type\n",
		"modules/contrib/huge/huge.info.yml":                   "name: Huge\ntype: module\n# " + strings.Repeat("x", 2<<10) + "\n",
		"sites/all/modules/good/good.info.yml":                 "name: Good again\ntype: module\ncore_version_requirement: ^10\n",
		"modules/contrib/nocvr/nocvr.info.yml":                 "name: No cvr\ntype: module\n",
		"modules/contrib/badcvr/badcvr.info.yml":               "name: Bad cvr\ntype: module\ncore_version_requirement: '>=banana'\n",
		"modules/contrib/strdeps/strdeps.info.yml":             "name: Str deps\ntype: module\ncore_version_requirement: ^10\ndependencies: '-drupal:x'\n",
		"modules/contrib/dupkey/dupkey.info.yml":               "name: A\nname: B\ntype: module\n",
		"modules/contrib/life/life.info.yml":                   "name: Life\ntype: module\ncore_version_requirement: ^10\nlifecycle: retired\n",
		"modules/contrib/bad name/x.info.yml.txt":              "not an info file",
		"modules/contrib/0bad/0bad.info.yml":                   "name: Not a PHP function name\ntype: module\n",
		"sites/default/files/config_x/sync/core.extension.yml": "module: [broken\n",
	}))
	// A symlink loop, a link to nowhere and a FIFO.
	if err := os.Symlink("../..", filepath.Join(dir, "modules/contrib/good/loop")); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink("nowhere", filepath.Join(dir, "modules/contrib/dangling")); err != nil {
		t.Fatal(err)
	}
	if err := syscall.Mkfifo(filepath.Join(dir, "modules/contrib/fifo.info.yml"), 0o644); err != nil {
		t.Fatal(err)
	}
	var log bytes.Buffer
	inv, err := Scan(context.Background(), dir, Options{
		Logger:      slog.New(slog.NewTextHandler(&log, nil)),
		MaxInfoSize: 1 << 10,
	})
	if err != nil {
		t.Fatalf("Scan error: %v", err)
	}
	skipped := []struct{ path, msg string }{
		{"modules/contrib/broken/broken.info.yml", "broken YAML"},
		{"modules/contrib/notype/notype.info.yml", "missing required keys (type)"},
		{"modules/contrib/huge/huge.info.yml", "file too large"},
		{"modules/contrib/good/loop", "symlink loop"},
		{"modules/contrib/dangling", "broken symlink"},
		{"modules/contrib/fifo.info.yml", "not a regular file"},
		{"modules/contrib/dupkey/dupkey.info.yml", "duplicate key"},
		{"sites/default/files/config_x/sync/core.extension.yml", "broken YAML"},
	}
	for _, s := range skipped {
		if !hasIssue(inv.Skipped, s.path, s.msg) {
			t.Errorf("Skipped lacks %s: %q; got %+v", s.path, s.msg, inv.Skipped)
		}
		if !strings.Contains(log.String(), s.path) {
			t.Errorf("log does not name %s", s.path)
		}
	}
	warnings := []struct{ path, msg string }{
		{"sites/all/modules/good/good.info.yml", "duplicate machine name good"},
		{"modules/contrib/nocvr/nocvr.info.yml", "core_version_requirement' key must be present"},
		{"modules/contrib/badcvr/badcvr.info.yml", "not a valid value"},
		{"modules/contrib/strdeps/strdeps.info.yml", "dependencies is not a list"},
		{"modules/contrib/life/life.info.yml", "'lifecycle: retired' is not valid"},
	}
	for _, w := range warnings {
		if !hasIssue(inv.Warnings, w.path, w.msg) {
			t.Errorf("Warnings lacks %s: %q; got %+v", w.path, w.msg, inv.Warnings)
		}
	}
	// The scan went on: the good project is there, test modules are not.
	if v, _ := inv.Projects["good"].VersionString(); v != "2.0.0" {
		t.Errorf(`Projects["good"].Version = %q, want "2.0.0"`, v)
	}
	for _, e := range inv.Projects["good"].Extensions {
		if e.Name == "t" {
			t.Errorf("test extension t is in the inventory")
		}
	}
	for _, name := range []string{"nocvr", "badcvr"} {
		found := false
		for _, p := range inv.Problems {
			found = found || p.Extension == name && p.Kind == drupal.ProblemIncompatibleCore
		}
		if !found {
			t.Errorf("no incompatible_core problem for %s: %+v", name, inv.Problems)
		}
	}
}

func TestScanErrors(t *testing.T) {
	empty := t.TempDir()
	if _, err := Scan(context.Background(), empty, Options{}); !errors.Is(err, ErrNotDrupal) {
		t.Errorf("Scan(empty dir) error = %v, want ErrNotDrupal", err)
	}
	d6 := tree(t, map[string]string{
		"includes/bootstrap.inc":       "<?php\n",
		"modules/system/system.module": "<?php\ndefine('VERSION', '6.38');\n",
	})
	if _, err := Scan(context.Background(), d6, Options{}); !errors.Is(err, ErrUnsupportedCore) {
		t.Errorf("Scan(Drupal 6) error = %v, want ErrUnsupportedCore", err)
	}
	if _, err := Scan(context.Background(), filepath.Join(empty, "nope"), Options{}); err == nil {
		t.Errorf("Scan(missing dir) succeeded")
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := Scan(ctx, tree(t, d10(nil)), Options{}); !errors.Is(err, context.Canceled) {
		t.Errorf("Scan(cancelled) error = %v, want context.Canceled", err)
	}
}

// TestMultisite checks per-site views: private extensions, profiles,
// enabled lists, sites.php aliases and the settings.php forms of the
// configuration directory.
func TestMultisite(t *testing.T) {
	dir := tree(t, d10(map[string]string{
		"core/profiles/standard/standard.info.yml":                         "name: Standard\ntype: profile\nversion: VERSION\n",
		"profiles/contrib/acme/acme.info.yml":                              "name: ACME\ntype: profile\ncore_version_requirement: ^10\nproject: acme\nversion: '1.0.0'\n",
		"profiles/contrib/acme/modules/acme_feature/acme_feature.info.yml": "name: ACME feature\ntype: module\ncore_version_requirement: ^10\nproject: acme\nversion: '1.0.0'\n",
		"sites/sites.php":                              "<?php\n$sites['a.example.com'] = 'a';\n$sites[\"b.example.com\"] = \"b\"; // B\n$sites['c.example.com'] = 'missing';\n",
		"sites/a/settings.php":                         "<?php\n# comment $settings['config_sync_directory'] = 'wrong';\n$settings['config_sync_directory'] = dirname(__DIR__, 2) . '/config/a';\n",
		"sites/b/settings.php":                         "<?php\n$config_directories = array(\n  'sync' => __DIR__ . '/config/sync',\n);\ninclude $app_root . '/' . $site_path . '/settings.local.php';\n",
		"sites/b/settings.local.php":                   "<?php\n$settings['install_profile'] = 'acme';\n",
		"sites/b/config/sync/core.extension.yml":       "module:\n  system: 0\n  good: 0\n  private_b: 0\n  acme_feature: 0\n  acme: 1000\ntheme: {}\nprofile: acme\n",
		"sites/b/modules/private_b/private_b.info.yml": "name: Private B\ntype: module\ncore_version_requirement: ^10\n",
		"sites/c/settings.php":                         "<?php\n$settings['config_sync_directory'] = $unknown . '/x';\n",
		"config/a/core.extension.yml":                  "module:\n  system: 0\n  private_b: 0\ntheme:\n  olivero: 0\nprofile: standard\n",
	}))
	inv, err := Scan(context.Background(), dir, Options{})
	if err != nil {
		t.Fatal(err)
	}
	bySite := map[string]drupal.Site{}
	for _, s := range inv.Sites {
		bySite[s.Dir] = s
	}
	a, b, c, def := bySite["sites/a"], bySite["sites/b"], bySite["sites/c"], bySite["sites/default"]
	if a.ConfigSync != "config/a" || a.UsesAll || a.Profile != "standard" {
		t.Errorf("site a = %+v, want config/a, enabled known, profile standard", a)
	}
	if got := strings.Join(b.Aliases, ","); got != "b.example.com" || b.ConfigSync != "sites/b/config/sync" || b.Profile != "acme" {
		t.Errorf("site b = %+v", b)
	}
	if !c.UsesAll || !def.UsesAll {
		t.Errorf("sites c and default should count as using everything: %+v %+v", c, def)
	}
	if !hasIssue(inv.Warnings, "sites/c/settings.php", "cannot work out the configuration sync directory") {
		t.Errorf("no warning about site c's settings: %+v", inv.Warnings)
	}
	if !hasIssue(inv.Warnings, "sites/sites.php", "names sites/missing") {
		t.Errorf("no warning about sites.php's missing directory: %+v", inv.Warnings)
	}
	// Site a enables private_b, which only site b has, and olivero, which
	// is not there at all.
	if !hasIssue(inv.Warnings, "config/a/core.extension.yml", "module private_b") ||
		!hasIssue(inv.Warnings, "config/a/core.extension.yml", "theme olivero") {
		t.Errorf("no warnings about site a's unknown extensions: %+v", inv.Warnings)
	}
	if got := strings.Join(b.Projects, ","); got != "acme,drupal,good,private_b" {
		t.Errorf("site b projects = %s", got)
	}
	if got := strings.Join(a.Projects, ","); got != "drupal" {
		t.Errorf("site a projects = %s", got)
	}
}

// TestUnreadable needs a user file permissions apply to; root reads all.
func TestUnreadable(t *testing.T) {
	if os.Geteuid() == 0 {
		t.Skip("running as root: permissions do not stop reads")
	}
	dir := tree(t, d10(map[string]string{"modules/contrib/secret/secret.info.yml": "name: S\ntype: module\n"}))
	if err := os.Chmod(filepath.Join(dir, "modules/contrib/secret/secret.info.yml"), 0); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(filepath.Join(dir, "modules/contrib/good"), 0); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.Chmod(filepath.Join(dir, "modules/contrib/good"), 0o755) })
	inv, err := Scan(context.Background(), dir, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if !hasIssue(inv.Skipped, "modules/contrib/secret/secret.info.yml", "permission denied") ||
		!hasIssue(inv.Skipped, "modules/contrib/good", "permission denied") {
		t.Errorf("Skipped = %+v, want both unreadable paths", inv.Skipped)
	}
}
