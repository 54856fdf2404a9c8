package advisory

import (
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
