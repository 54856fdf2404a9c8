package advisory

import "testing"

func TestComposerVersion(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want Version
	}{
		// The semver shim's table (data-sources.md §2), checked against real lock entries.
		{"8.x-1.9", Version{Composer: "1.9.0", Core: 8}},
		{"8.x-2.0-beta7", Version{Composer: "2.0.0-beta7", Core: 8}},
		{"3.1.0", Version{Composer: "3.1.0", Core: 8}},
		{"8.x-1.x-dev", Version{Composer: "1.x-dev", Core: 8, Dev: true}},
		// Drupal 7 contrib keeps two parts, as packages.drupal.org/7 does, and is marked 7.
		{"7.x-3.20", Version{Composer: "3.20", Core: 7}},
		{"7.x-2.0-rc3", Version{Composer: "2.0-rc3", Core: 7}},
		{"7.x-1.x-dev", Version{Composer: "1.x-dev", Core: 7, Dev: true}},
		// Drupal 6 stays apart too.
		{"6.x-1.4", Version{Composer: "1.4", Core: 6}},
		// Semver contrib pre-releases and branches.
		{"2.0.0-rc1", Version{Composer: "2.0.0-rc1", Core: 8}},
		{"3.1.x-dev", Version{Composer: "3.1.x-dev", Core: 8, Dev: true}},
		{"2.x-dev", Version{Composer: "2.x-dev", Core: 8, Dev: true}},
		// Core: its own Composer version; two-part versions are Drupal 7 core and older.
		{"8.9.20", Version{Composer: "8.9.20", Core: 8}},
		{"10.2.0-beta1", Version{Composer: "10.2.0-beta1", Core: 8}},
		{"7.86", Version{Composer: "7.86", Core: 7}},
		{"6.38", Version{Composer: "6.38", Core: 6}},
	} {
		got, err := ComposerVersion(tc.in)
		if err != nil || got != tc.want {
			t.Errorf("ComposerVersion(%q) = %+v, %v; want %+v", tc.in, got, err, tc.want)
		}
	}
}

func TestComposerVersionErrors(t *testing.T) {
	for _, in := range []string{
		"", "1", "x", "8.x-1", "8.x-1.x", // no branch suffix
		"8.x-1.9-dev",   // dev suffix on a release
		"9.x-1.0",       // there was never a 9.x- prefix
		"8.9",           // Drupal 8+ needs three parts
		"3.1.x",         // branch without -dev
		"1.x.0",         // x before a number
		"v1.0.0",        // a tag, not a drupal.org version
		"8.x-1.9 ",      // trailing space
		"8.x-1.9+3-dev", // git snapshot suffix: not supported yet
	} {
		if got, err := ComposerVersion(in); err == nil {
			t.Errorf("ComposerVersion(%q) = %+v, want an error", in, got)
		}
	}
}
