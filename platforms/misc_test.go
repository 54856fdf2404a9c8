package platforms

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"testing"

	"github.com/drupdate/drupdate/internal/drupal"
)

func TestDrupalVersion(t *testing.T) {
	tests := []struct {
		composer string
		legacy   bool
		prefix   string
		want     string
	}{
		{"1.9.0", true, "8.x", "8.x-1.9"},
		{"2.0.0-beta7", true, "8.x", "8.x-2.0-beta7"},
		{"1.x-dev", true, "8.x", "8.x-1.x-dev"},
		{"3.20.0", true, "7.x", "7.x-3.20"},
		{"3.1.0", false, "8.x", "3.1.0"},
		{"v1.0.0", false, "8.x", "1.0.0"},
		{"dev-8.x-1.x", false, "8.x", "8.x-1.x-dev"},
		{"dev-3.x", true, "8.x", "3.x-dev"},
		{"1.9.1", true, "8.x", "1.9.1"}, // not a legacy release: kept
	}
	for _, tc := range tests {
		if got := DrupalVersion(tc.composer, tc.legacy, tc.prefix); got != tc.want {
			t.Errorf("DrupalVersion(%q, %v, %q) = %q, want %q", tc.composer, tc.legacy, tc.prefix, got, tc.want)
		}
	}
}

func TestComposerPackageVersion(t *testing.T) {
	mk := func(version, extra, src, distURL string) *composerPkg {
		p := &composerPkg{Version: version}
		if extra != "" {
			p.Extra.Drupal.Version = []byte(`"` + extra + `"`)
		}
		p.Source.Reference = src
		p.Dist.URL = distURL
		return p
	}
	tests := []struct {
		name string
		p    *composerPkg
		want string
	}{
		{"extra wins", mk("1.9.0", "8.x-1.9", "whatever", ""), "8.x-1.9"},
		{"legacy tag", mk("1.9.0", "", "8.x-1.9", ""), "8.x-1.9"},
		{"tag of another release ignored", mk("1.9.0", "", "8.x-1.8", ""), "1.9.0"},
		{"dist file name", mk("2.0.0-beta7", "", "0123456789abcdef0123456789abcdef01234567", "https://ftp.drupal.org/files/projects/foo-8.x-2.0-beta7.zip"), "8.x-2.0-beta7"},
		{"semver", mk("4.1.0", "", "4.1.0", ""), "4.1.0"},
		{"sha reference", mk("v1.0.0", "", "08a37b750a0c4b00a616c70f2d58f51ece3daa72", ""), "1.0.0"},
	}
	for _, tc := range tests {
		if got := tc.p.drupalVersion("8.x"); got != tc.want {
			t.Errorf("%s: drupalVersion(%q) = %q, want %q", tc.name, tc.p.Version, got, tc.want)
		}
	}
}

func TestSettingsText(t *testing.T) {
	env := phpEnv{appRoot: "/srv/web", sitePath: "sites/default", dir: "/srv/web/sites/default"}
	tests := []struct {
		src  string
		want string // the config sync directory, "?" when not understood
	}{
		{`<?php $settings['config_sync_directory'] = '../config/sync';`, "../config/sync"},
		{`<?php $settings["config_sync_directory"] = "$app_root/../config";`, "/srv/web/../config"},
		{`<?php $settings['config_sync_directory'] = $app_root . '/' . $site_path . '/files/sync';`, "/srv/web/sites/default/files/sync"},
		{`<?php $settings['config_sync_directory'] = dirname(DRUPAL_ROOT) . '/config';`, "/srv/config"},
		{`<?php $settings['config_sync_directory'] = dirname(__DIR__, 3) . "/config/{$site_path}";`, "/srv/config/sites/default"},
		{`<?php $config_directories[CONFIG_SYNC_DIRECTORY] = 'sites/default/files/config_abc/sync';`, "sites/default/files/config_abc/sync"},
		{"<?php\n// $settings['config_sync_directory'] = 'commented';\n/* $settings['config_sync_directory'] = 'too'; */\n$settings['config_sync_directory'] = 'real'; # trailing\n", "real"},
		{`<?php $settings['config_sync_directory'] = getenv('CONFIG');`, "?"},
		{`<?php $settings['config_sync_directory'] = 'a' . $other;`, "?"},
		{`<?php $settings['config_sync_directory'] = 'x\'y';`, "x'y"},
		{`<?php $config_directories = ['sync' => '../cfg', 'active' => 'x'];`, "../cfg"},
	}
	for _, tc := range tests {
		got := "(none)"
		for _, st := range scanStatements(tokenizePHP(tc.src), env) {
			a := st.assign
			if a == nil {
				continue
			}
			switch {
			case a.keyOK && (a.key == "config_sync_directory" || a.key == "CONFIG_SYNC_DIRECTORY"):
				got = a.value
				if !a.valueOK {
					got = "?"
				}
			case a.variable == "config_directories" && a.arrayValues != nil:
				got = a.arrayValues["sync"]
			}
		}
		if got != tc.want {
			t.Errorf("config sync directory of %q = %q, want %q", tc.src, got, tc.want)
		}
	}
}

func TestRemoteProject(t *testing.T) {
	for url, want := range map[string]string{
		"https://git.drupalcode.org/project/ctools.git": "ctools",
		"git@git.drupal.org:project/devel.git":          "devel",
		"https://git.drupal.org/project/views":          "views",
		"git@github.com:acme/ctools.git":                "",
	} {
		if got := remoteProject([]byte("[remote \"origin\"]\n\turl = " + url + "\n")); got != want {
			t.Errorf("remoteProject(%q) = %q, want %q", url, got, want)
		}
	}
}

// TestInstalledJSON reads vendor/composer/installed.json in both shapes:
// its install paths place packages anywhere, and a version that disagrees
// with the info file's is reported.
func TestInstalledJSON(t *testing.T) {
	for _, shape := range []string{"composer2", "composer1"} {
		t.Run(shape, func(t *testing.T) {
			pkgs := `[
  {"name": "drupal/foo", "version": "1.3.0", "type": "drupal-module",
   "extra": {"drupal": {"version": "8.x-1.3", "datestamp": "1600000000"}},
   "install-path": "../../web/modules/elsewhere/foo"},
  {"name": "drupal/bar", "version": "2.1.0", "type": "drupal-module",
   "extra": {"drupal": {"version": "2.1.0", "datestamp": 1600000001}},
   "install-path": "../../web/modules/contrib/bar"}
]`
			if shape == "composer2" {
				pkgs = `{"packages": ` + pkgs + `, "dev": true}`
			}
			files := map[string]string{
				"web/core/lib/Drupal.php":                 "<?php\nclass Drupal {\n  const VERSION = '10.2.0';\n}\n",
				"web/core/modules/system/system.info.yml": "name: System\ntype: module\nversion: VERSION\n",
				"web/sites/default/settings.php":          "<?php\n",
				"composer.json":                           `{"extra": {"drupal-scaffold": {"locations": {"web-root": "web/"}}}}`,
				"vendor/composer/installed.json":          pkgs,
				"web/modules/elsewhere/foo/foo.info.yml":  "name: Foo\ntype: module\ncore_version_requirement: ^10\n",
				"web/modules/contrib/bar/bar.info.yml":    "name: Bar\ntype: module\ncore_version_requirement: ^10\nversion: '2.0.0'\nproject: bar\ndatestamp: 1\n",
			}
			inv, err := Scan(context.Background(), tree(t, files), Options{})
			if err != nil {
				t.Fatal(err)
			}
			foo := inv.Projects["foo"]
			if v, _ := foo.VersionString(); v != "8.x-1.3" || foo.VersionSource != drupal.SourceComposer || foo.Datestamp != 1600000000 || foo.Custom {
				t.Errorf(`Projects["foo"] = %q from %q at %d (custom %v), want 8.x-1.3 from composer at 1600000000`, v, foo.VersionSource, foo.Datestamp, foo.Custom)
			}
			if v, _ := inv.Projects["bar"].VersionString(); v != "2.0.0" {
				t.Errorf(`Projects["bar"].Version = %q, want the info file's 2.0.0`, v)
			}
			if !hasIssue(inv.Warnings, "web/modules/contrib/bar", "composer says 2.1.0") && !hasIssue(inv.Warnings, "web/modules/contrib/bar", "installed.json says 2.1.0") {
				t.Errorf("no warning about bar's two versions: %+v", inv.Warnings)
			}
			if inv.Platform.ManagedBy != "composer" || inv.Platform.ComposerFile != "vendor/composer/installed.json" {
				t.Errorf("platform = %+v, want managed by composer from installed.json", inv.Platform)
			}
		})
	}
}

func TestPHPFloat(t *testing.T) {
	for f, want := range map[float64]string{1: "1", 1.5: "1.5", 1.1: "1.1", -2: "-2", 1e20: "1.0E+20", 1.5e-7: "1.5E-7", 0.0001: "0.0001"} {
		if got := phpFloat(f); got != want {
			t.Errorf("phpFloat(%v) = %q, want %q", f, got, want)
		}
	}
}

// TestComposerOnly: a directory with only Composer's metadata is
// inventoried from the lock; a dev snapshot takes the lock's commit time.
func TestComposerOnly(t *testing.T) {
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "composer.json"), []byte(`{"require": {"drupal/core-recommended": "^10"}}`), 0o644)
	os.WriteFile(filepath.Join(dir, "composer.lock"), []byte(`{"packages": [
		{"name": "drupal/core", "version": "10.2.3", "type": "drupal-core"},
		{"name": "drupal/token", "version": "1.13.0", "type": "drupal-module", "extra": {"drupal": {"version": "8.x-1.13", "datestamp": "1700000000"}}},
		{"name": "drupal/gin", "version": "dev-3.x", "type": "drupal-theme", "time": "2024-01-02T03:04:05+00:00"},
		{"name": "symfony/console", "version": "v6.4.0", "type": "library"}],
		"packages-dev": [{"name": "drupal/devel", "version": "5.1.2", "type": "drupal-module"}]}`), 0o644)
	inv, err := Scan(context.Background(), dir, Options{})
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]string{}
	for name, p := range inv.Projects {
		v, _ := p.VersionString()
		got[name] = fmt.Sprintf("%s %s %d %s", v, p.Type, p.Datestamp, p.Composer.Name)
	}
	want := map[string]string{
		"drupal": "10.2.3 core 0 drupal/core",
		"token":  "8.x-1.13 module 1700000000 drupal/token",
		"gin":    "3.x-dev theme 1704164645 drupal/gin",
		"devel":  "5.1.2 module 0 drupal/devel",
	}
	if !maps.Equal(got, want) || inv.CoreVersion != "10.2.3" || inv.Platform.ManagedBy != "composer" || len(inv.Warnings) != 1 {
		t.Errorf("Scan(composer-only) = %v, core %s, platform %+v, warnings %v", got, inv.CoreVersion, inv.Platform, inv.Warnings)
	}
	// Without any Drupal package it is not a platform at all.
	os.WriteFile(filepath.Join(dir, "composer.lock"), []byte(`{"packages": [{"name": "symfony/console", "version": "v6.4.0"}]}`), 0o644)
	if _, err := Scan(context.Background(), dir, Options{}); !errors.Is(err, ErrNotDrupal) {
		t.Errorf("Scan(no Drupal package) = %v, want ErrNotDrupal", err)
	}
}
