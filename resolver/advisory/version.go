package advisory

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"

	"github.com/drupdate/drupdate/resolver/composer"
)

// A Version is an installed drupal.org version mapped to Composer.
type Version struct {
	// Composer is the Composer version: "1.9.0", "2.0.0-beta7", "1.x-dev", "3.20".
	Composer string
	// Core is the Drupal major the version is for: 7 for "7.x-3.20" and
	// core 7.86, 8 for every "8.x-" and semver version (Drupal 8 and later
	// share one Composer repository).
	Core int
	// Dev is true for a development branch.
	Dev bool
}

var (
	// legacy contrib: 8.x-1.9, 8.x-2.0-beta7, 8.x-1.x-dev, 7.x-3.20, 6.x-1.0-rc2
	legacyRE = regexp.MustCompile(`^([5-8])\.x-(\d+)\.(\d+|x)(?:-([a-zA-Z]+\d*))?$`)
	// semver contrib and core: 3.1.0, 10.2.0-rc1, 3.1.x-dev, 2.x-dev
	semverRE = regexp.MustCompile(`^(\d+)\.(\d+|x)(?:\.(\d+|x))?(?:-([a-zA-Z]+\d*))?$`)
)

// ComposerVersion maps a drupal.org version to the Composer version
// drupal.org's Composer repositories publish it as (drupal.org issue
// 2622450, "the semver shim"). Legacy versions gain a patch level on
// Drupal 8 ("8.x-1.9" is "1.9.0") but not on Drupal 7 ("7.x-3.20" is
// "3.20", as packages.drupal.org/7 has it). Core versions are their own
// Composer versions; core below 8 ("7.86") is Drupal 7.
func ComposerVersion(drupalOrg string) (Version, error) {
	v, err := composerVersion(drupalOrg)
	if err != nil {
		return v, err
	}
	if _, err := composer.Normalize(v.Composer); err != nil {
		return Version{}, fmt.Errorf("drupal.org version %q: %w", drupalOrg, err)
	}
	return v, nil
}

func composerVersion(drupalOrg string) (Version, error) {
	if m := legacyRE.FindStringSubmatch(drupalOrg); m != nil {
		core, _ := strconv.Atoi(m[1])
		major, minor, extra := m[2], m[3], m[4]
		switch {
		case minor == "x" && extra == "dev":
			return Version{Composer: major + ".x-dev", Core: core, Dev: true}, nil
		case minor == "x" || extra == "dev":
			return Version{}, fmt.Errorf("drupal.org version %q: not a release or a branch", drupalOrg)
		}
		v := major + "." + minor
		if core >= 8 {
			v += ".0"
		}
		if extra != "" {
			v += "-" + extra
		}
		return Version{Composer: v, Core: core}, nil
	}
	if m := semverRE.FindStringSubmatch(drupalOrg); m != nil {
		major, _ := strconv.Atoi(m[1])
		minor, patch, extra := m[2], m[3], m[4]
		dev := extra == "dev"
		branch := minor == "x" || patch == "x"
		switch {
		case branch != dev, minor == "x" && patch != "":
			return Version{}, fmt.Errorf("drupal.org version %q: not a release or a branch", drupalOrg)
		case patch == "" && !dev && major >= 8:
			return Version{}, fmt.Errorf("drupal.org version %q: a Drupal 8+ version needs three parts", drupalOrg)
		}
		core := 8
		if patch == "" && !dev {
			core = major // Drupal 7 core and older: "7.86"
		}
		return Version{Composer: drupalOrg, Core: core, Dev: dev}, nil
	}
	return Version{}, fmt.Errorf("drupal.org version %q: not recognised", drupalOrg)
}

// libraryVersion reads a library's Composer version. A named branch
// ("dev-main") has no line to judge and is an error, never a pass.
func libraryVersion(v string) (Version, error) {
	n, err := composer.Normalize(v)
	if err != nil {
		return Version{}, err
	}
	if strings.HasPrefix(n, "dev-") {
		return Version{}, fmt.Errorf("version %q: a named branch cannot be matched against version ranges", v)
	}
	v = strings.TrimPrefix(strings.TrimPrefix(v, "v"), "V")
	return Version{Composer: v, Core: 8, Dev: composer.ParseStability(v) == "dev"}, nil
}
