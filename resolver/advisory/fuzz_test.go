package advisory

import (
	"strconv"
	"strings"
	"testing"

	"github.com/drupdate/drupdate/feeds/osv"
	"github.com/drupdate/drupdate/resolver/composer"
)

// FuzzMatch: mapping never panics, a mapped version is one Composer
// normalizes, and Match never panics nor reports a version equal to the
// fix of the only range.
func FuzzMatch(f *testing.F) {
	for _, s := range []string{"8.x-1.9", "8.x-2.0-beta7", "3.1.0", "8.x-1.x-dev", "7.x-3.20", "7.86", "2.x-dev", "1.0.0-beta3"} {
		f.Add(s, "1.0.0")
	}
	f.Fuzz(func(t *testing.T, version, fix string) {
		v, err := ComposerVersion(version)
		if err == nil {
			if _, err := composer.Normalize(v.Composer); err != nil {
				t.Errorf("ComposerVersion(%q) = %q, which Composer rejects: %v", version, v.Composer, err)
			}
		}
		db, err := Compile(FromOSV([]*osv.Entry{rec("F-1", osv.EcosystemDrupalOrg8, "drupal/f", "2022-01-01", "0:"+fix)}))
		if err != nil {
			return
		}
		got, err := db.Match(Installed{Package: "f", Version: version})
		if err != nil || v.Dev {
			return
		}
		if len(got) > 0 && strings.TrimSuffix(v.Composer, ".0") == strings.TrimSuffix(fix, ".0") {
			nv, _ := composer.Normalize(v.Composer)
			nf, _ := composer.Normalize(fix)
			if nv == nf {
				t.Errorf("Match(%q) with fix %q = %+v; a fixed version is never affected", version, fix, got)
			}
		}
	})
}

// FuzzComposerRange: for a Composer constraint "<FIX" or ">=LO,<FIX" as
// the Composer advisory API writes them, the fix itself is never
// affected, a pre-release of the fix always is when the range reaches it,
// and compiling and matching never panic whatever the text.
func FuzzComposerRange(f *testing.F) {
	f.Add(uint8(1), uint8(2), uint8(3), uint8(0), "<1.2.3")
	f.Add(uint8(2), uint8(0), uint8(0), uint8(1), ">=1.0,<2.0.0|>=3.0.0 <3.1.0")
	f.Fuzz(func(t *testing.T, major, minor, patch, lo uint8, text string) {
		// Any text: an error or a database, never a panic.
		if db, err := Compile([]Advisory{{ID: "Z-1", Affected: []Affected{{Ecosystem: EcosystemDrupalOrg8, Name: "drupal/z",
			Ranges: []Range{{Type: RangeComposer, Text: text}}}}}}); err == nil {
			db.Match(Installed{Package: "z", Version: "1.0.0"})
		}
		fix := itoa3(major, minor, patch)
		constraint := "<" + fix
		if lo > 0 {
			constraint = ">=" + itoa3(0, 0, lo) + "," + constraint
		}
		db, err := Compile([]Advisory{{ID: "F-1", Affected: []Affected{{Ecosystem: EcosystemDrupalOrg8, Name: "drupal/f",
			Ranges: []Range{{Type: RangeComposer, Text: constraint}}}}}})
		if err != nil {
			t.Fatalf("Compile(%q): %v", constraint, err)
		}
		if got, err := db.Match(Installed{Package: "f", Version: fix}); err != nil || len(got) != 0 {
			t.Errorf("Match(%s) against %q = %v, %v; the fix is never affected", fix, constraint, got, err)
		}
		pre := fix + "-beta1"
		got, err := db.Match(Installed{Package: "f", Version: pre})
		// Without a lower bound everything below the fix is affected; with
		// one, the pre-release is affected when the fix is above the bound.
		reaches := lo == 0 || major > 0 || minor > 0 || patch > lo
		if err == nil && reaches && len(got) != 1 {
			t.Errorf("Match(%s) against %q = %v; a pre-release of the fix is affected", pre, constraint, got)
		}
	})
}

func itoa3(a, b, c uint8) string {
	return strconv.Itoa(int(a)) + "." + strconv.Itoa(int(b)) + "." + strconv.Itoa(int(c))
}
