package advisory

import (
	"strings"
	"testing"
)

// Composer-constraint ranges, as packages.drupal.org's advisory API gives
// them, must agree with the same ranges written as OSV events.
func TestMatchComposerRanges(t *testing.T) {
	comp := func(id, constraint string) Advisory {
		return Advisory{ID: id, Affected: []Affected{{Ecosystem: EcosystemDrupalOrg8, Name: "drupal/foo",
			Ranges: []Range{{Type: RangeComposer, Text: constraint}}}}}
	}
	db, err := Compile([]Advisory{
		comp("K-1", "<1.0.0"),
		comp("K-2", ">=1.0.0,<1.5.0|>=2.0.0 <2.0.3"),
		comp("K-3", "2.1.0|2.1.1"),    // exact insecure versions, as the old deprecated repository listed them
		comp("K-4", ">2.2.0,<=2.2.5"), // strict lower bound, inclusive upper
		comp("K-5", ">=3.0.0,<2.0.0"), // empty: matches nothing
		comp("K-6", "*"),              // everything, on a package of its own
	})
	if err != nil {
		t.Fatal(err)
	}
	// K-6 is on drupal/foo too; every line expects it.
	for _, tc := range []struct {
		why, version, want string
	}{
		{"a pre-release of the fix is affected (Composer's <1.0.0 would pass it)", "8.x-1.0-beta3", "K-1[1.0.0] K-6[]"},
		{"the fix itself is not", "8.x-1.0", "K-2[1.5.0] K-6[]"},
		{"second alternative, nearest fix on the line", "2.0.2", "K-2[2.0.3] K-6[]"},
		{"exact version listed", "2.1.1", "K-3[] K-6[]"},
		{"between exact versions' neighbours", "2.1.2", "K-6[]"},
		{"strict lower bound excludes the bound", "2.2.0", "K-6[]"},
		{"strict lower bound: above it", "2.2.1", "K-4[] K-6[]"},
		{"inclusive upper bound", "2.2.5", "K-4[] K-6[]"},
		{"above it", "2.2.6", "K-6[]"},
		{"a Drupal 7 namesake never matches", "7.x-1.0-beta3", ""},
	} {
		got, err := db.Match(Installed{Package: "foo", Version: tc.version})
		if err != nil {
			t.Errorf("Match(foo %s): %v", tc.version, err)
			continue
		}
		var parts []string
		for _, f := range got {
			parts = append(parts, f.ID+"["+f.Fixed+"]")
		}
		if s := strings.Join(parts, " "); s != tc.want {
			t.Errorf("%s:\nMatch(foo %s) = %q, want %q", tc.why, tc.version, s, tc.want)
		}
	}
	for _, bad := range []string{"!=1.0.0", "<nope", ">=1.0,<dev-main"} {
		if _, err := Compile([]Advisory{comp("BAD", bad)}); err == nil || !strings.Contains(err.Error(), "BAD") {
			t.Errorf("Compile(constraint %q) = %v, want an error naming the advisory", bad, err)
		}
	}
}

// Libraries (no drupal.org project) are matched by their own Composer
// versions against Packagist advisories, as composer audit does.
func TestMatchLibrary(t *testing.T) {
	db, err := Compile([]Advisory{{ID: "GHSA-q559-8m2m-g699", Aliases: []string{"CVE-2022-31090"}, Affected: []Affected{{Ecosystem: EcosystemPackagist, Name: "guzzlehttp/guzzle",
		Ranges: []Range{{Type: "ECOSYSTEM", Events: []Event{{Introduced: "0"}, {Fixed: "6.5.8"}}}, {Type: "ECOSYSTEM", Events: []Event{{Introduced: "7.0.0"}, {Fixed: "7.4.5"}}}}}}}})
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		version, want string
	}{
		{"7.4.1", "GHSA-q559-8m2m-g699[7.4.5]"},
		{"v7.4.1", "GHSA-q559-8m2m-g699[7.4.5]"},
		{"7.4.5", ""},
		{"7.5.0-beta1", ""},
		{"6.5.8-RC1", "GHSA-q559-8m2m-g699[6.5.8]"},
		{"7.x-dev", "GHSA-q559-8m2m-g699[7.4.5]"},
	} {
		got, err := db.Match(Installed{Package: "guzzlehttp/guzzle", Version: tc.version, Library: true})
		if err != nil {
			t.Errorf("Match(guzzle %s): %v", tc.version, err)
			continue
		}
		var parts []string
		for _, f := range got {
			parts = append(parts, f.ID+"["+f.Fixed+"]")
		}
		if s := strings.Join(parts, " "); s != tc.want {
			t.Errorf("Match(guzzle %s) = %q, want %q", tc.version, s, tc.want)
		}
	}
	if _, err := db.Match(Installed{Package: "guzzlehttp/guzzle", Version: "dev-main", Library: true}); err == nil {
		t.Errorf("Match(guzzle dev-main) = nil error; a named branch cannot be judged")
	}
}
