package advisory

import (
	"strings"
	"testing"
	"time"

	"github.com/drupdate/drupdate/feeds/osv"
)

// rec builds a record for one package from "introduced:fixed" pairs
// ("" fixed: open; a leading "<=" on the second part: last_affected).
func rec(id, eco, pkg string, published string, pairs ...string) *osv.Entry {
	a := osv.Affected{Package: osv.Package{Ecosystem: eco, Name: pkg}}
	for _, p := range pairs {
		intro, end, _ := strings.Cut(p, ":")
		r := osv.Range{Type: "ECOSYSTEM", Events: []osv.Event{{Introduced: intro}}}
		switch {
		case strings.HasPrefix(end, "<="):
			r.Events = append(r.Events, osv.Event{LastAffected: end[2:]})
		case end != "":
			r.Events = append(r.Events, osv.Event{Fixed: end})
		}
		a.Ranges = append(a.Ranges, r)
	}
	pub, _ := time.Parse(time.DateOnly, published)
	return &osv.Entry{ID: id, Published: pub, Aliases: []string{"CVE-" + id}, Affected: []osv.Affected{a},
		References: []osv.Reference{{Type: "WEB", URL: "https://www.drupal.org/" + strings.ToLower(id)}}}
}

func mustCompile(t testing.TB, entries ...*osv.Entry) *Database {
	t.Helper()
	db, err := Compile(FromOSV(entries))
	if err != nil {
		t.Fatal(err)
	}
	return db
}

func TestMatchEdges(t *testing.T) {
	const d8 = osv.EcosystemDrupalOrg8
	db := mustCompile(t,
		rec("A-1", d8, "drupal/foo", "2022-03-01", "0:1.0.0"),
		rec("A-2", d8, "drupal/foo", "2022-03-01", "1.0.0:1.5.0", "2.0.0:2.0.3"),
		rec("A-3", d8, "drupal/foo", "2022-03-01", "0:3.0.0"),
		rec("A-4", d8, "drupal/bar", "2022-03-01", "1.2.0:<=1.4.0"),
		rec("A-5", d8, "drupal/bar", "2022-03-01", "0:"),
		rec("C-1", osv.EcosystemPackagist, "drupal/core", "2021-09-15", "8.0.0:8.9.19", "9.1.0:9.1.13", "9.2.0:9.2.6"),
		rec("X-1", "npm", "drupal/foo", "2022-03-01", "0:"),
	)
	day := func(s string) time.Time { t, _ := time.Parse(time.DateOnly, s); return t }
	for _, tc := range []struct {
		why  string
		in   Installed
		want string // "ID[fixed] ..." in order; "" for none
	}{
		{"a pre-release of the fixing release is affected (composer audit's <1.0.0 would pass it)",
			Installed{Package: "foo", Version: "8.x-1.0-beta3"}, "A-1[1.0.0] A-3[]"},
		{"a version equal to a fix is not affected", Installed{Package: "foo", Version: "8.x-1.0"}, "A-2[1.5.0] A-3[]"},
		{"nearest fix on the installed major", Installed{Package: "foo", Version: "8.x-1.4"}, "A-2[1.5.0] A-3[]"},
		{"between two ranges", Installed{Package: "foo", Version: "8.x-1.9"}, "A-3[]"},
		{"second range, fixed on the same major", Installed{Package: "foo", Version: "2.0.1"}, "A-2[2.0.3] A-3[]"},
		{"past all fixes", Installed{Package: "drupal/foo", Version: "3.0.0"}, ""},
		{"last_affected is inclusive", Installed{Package: "bar", Version: "8.x-1.4"}, "A-4[] A-5[]"},
		{"above last_affected", Installed{Package: "bar", Version: "8.x-1.5"}, "A-5[]"},
		{"before introduced", Installed{Package: "bar", Version: "8.x-1.1"}, "A-5[]"},
		{"Drupal 7 namesake never matches an 8+ advisory", Installed{Package: "foo", Version: "7.x-0.9"}, ""},
		{"Drupal 7 branch never matches either", Installed{Package: "bar", Version: "7.x-1.x-dev"}, ""},
		{"Drupal 7 core never matches drupal/core", Installed{Package: "drupal", Version: "7.82"}, ""},
		{"Drupal 7 core branch never matches drupal/core", Installed{Package: "drupal", Version: "7.x-dev"}, ""},
		{"core: fix on the same major", Installed{Package: "drupal", Version: "8.9.18"}, "C-1[8.9.19]"},
		{"a pre-release of an introduced version is below it, so outside the range", Installed{Package: "drupal/core", Version: "9.1.0-rc1"}, ""},
		{"core: fixed", Installed{Package: "drupal/core", Version: "9.2.6"}, ""},
		{"unknown package", Installed{Package: "baz", Version: "8.x-1.0"}, ""},
		// Dev branches: judged by their line.
		{"branch whose line has a range and no date", Installed{Package: "foo", Version: "8.x-1.x-dev"}, "A-1[1.0.0] A-2[1.5.0] A-3[]"},
		{"branch snapshot after the advisories: fixes on the line reached it", Installed{Package: "foo", Version: "8.x-1.x-dev", Datestamp: day("2022-04-01")},
			"A-3[]"},
		{"branch snapshot before the advisories", Installed{Package: "foo", Version: "8.x-1.x-dev", Datestamp: day("2022-01-01")},
			"A-1[1.0.0] A-2[1.5.0] A-3[]"},
		{"branch line past every range", Installed{Package: "foo", Version: "4.0.x-dev"}, ""},
		{"minor branch inside a range", Installed{Package: "foo", Version: "2.0.x-dev", Datestamp: day("2022-04-01")}, "A-3[]"},
		{"core branch", Installed{Package: "drupal", Version: "9.2.x-dev"}, "C-1[9.2.6]"},
		{"open range covers every branch", Installed{Package: "bar", Version: "8.x-9.x-dev", Datestamp: day("2030-01-01")}, "A-5[]"},
	} {
		got, err := db.Match(tc.in)
		if err != nil {
			t.Errorf("Match(%+v): %v", tc.in, err)
			continue
		}
		var parts []string
		for _, f := range got {
			parts = append(parts, f.ID+"["+f.Fixed+"]")
		}
		if s := strings.Join(parts, " "); s != tc.want {
			t.Errorf("%s:\nMatch(%+v) = %q, want %q", tc.why, tc.in, s, tc.want)
		}
	}
}

func TestMatchFindingFields(t *testing.T) {
	e := rec("A-1", osv.EcosystemDrupalOrg8, "drupal/foo", "2022-03-01", "0:1.2.0")
	e.Affected[0].Ranges[0].DatabaseSpecific.Constraint = "<1.2.0"
	e.References = append([]osv.Reference{{Type: "PACKAGE", URL: "p"}}, e.References...)
	e.Severity = []osv.Severity{{Type: "CVSS_V3", Score: "CVSS:3.1/AV:N"}}
	db := mustCompile(t, e, rec("A-2", osv.EcosystemDrupalOrg8, "drupal/foo", "2022-03-01", "1.0.0:1.1.0"))
	got, err := db.Match(Installed{Package: "foo", Version: "8.x-1.0"})
	if err != nil || len(got) != 2 {
		t.Fatalf("Match = %+v, %v", got, err)
	}
	want := Finding{ID: "A-1", Aliases: []string{"CVE-A-1"}, Package: "drupal/foo", Installed: "1.0.0", Range: "<1.2.0",
		Fixed: "1.2.0", Severity: "CVSS:3.1/AV:N", Link: "https://www.drupal.org/a-1"}
	if g := got[0]; g.ID != want.ID || g.Aliases[0] != want.Aliases[0] || g.Package != want.Package || g.Installed != want.Installed ||
		g.Range != want.Range || g.Fixed != want.Fixed || g.Severity != want.Severity || g.Link != want.Link {
		t.Errorf("Match()[0] = %+v, want %+v", g, want)
	}
	if got[1].Range != ">=1.0.0 <1.1.0" {
		t.Errorf("Match()[1].Range = %q, want the events rendered", got[1].Range)
	}
}

// TestHostile covers records and inputs that must fail cleanly.
func TestHostile(t *testing.T) {
	for _, e := range []*osv.Entry{
		rec("B-1", osv.EcosystemDrupalOrg8, "drupal/foo", "2022-01-01", "0:not a version"),
		rec("B-2", osv.EcosystemDrupalOrg8, "drupal/foo", "2022-01-01", "1.x-dev:2.0.0"),
		{ID: "B-3", Affected: []osv.Affected{{Package: osv.Package{Ecosystem: osv.EcosystemDrupalOrg8, Name: "drupal/foo"},
			Ranges: []osv.Range{{Type: "ECOSYSTEM", Events: []osv.Event{{Fixed: "1.0.0"}}}}}}},
	} {
		if _, err := Compile(FromOSV([]*osv.Entry{e})); err == nil || !strings.Contains(err.Error(), e.ID) {
			t.Errorf("Compile(%s) error = %v, want one naming the record", e.ID, err)
		}
	}
	db := mustCompile(t, rec("A-1", osv.EcosystemDrupalOrg8, "drupal/foo", "2022-03-01", "0:1.0.0"))
	for _, v := range []string{"", "garbage", "8.x-1.0\x00", strings.Repeat("9", 200) + ".0.0", "8.x-99999999999999999999.x-dev"} {
		if got, err := db.Match(Installed{Package: "foo", Version: v}); err == nil && len(got) != 0 {
			t.Errorf("Match(foo %q) = %+v; want an error or nothing", v, got)
		}
	}
	// Withdrawn records and foreign ecosystems are left out.
	w := rec("W-1", osv.EcosystemDrupalOrg8, "drupal/foo", "2022-03-01", "0:")
	w.Withdrawn = time.Now()
	db = mustCompile(t, w, rec("N-1", "npm", "drupal/foo", "2022-03-01", "0:"))
	if got, _ := db.Match(Installed{Package: "foo", Version: "8.x-1.0"}); len(got) != 0 {
		t.Errorf("withdrawn or foreign records matched: %+v", got)
	}
}
