package advisory

import (
	"encoding/json"
	"flag"
	"math/rand/v2"
	"os"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/drupdate/drupdate/feeds/osv"
	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

var update = flag.Bool("update", false, "rewrite testdata/golden files")

const (
	advisoryDir = "../../testdata/advisories/drupal-advisory-database-osv"
	lockFile    = "../../testdata/advisories/drupal-8.9.20-sas-isus.composer.lock"
)

func realEntries(t testing.TB) []*osv.Entry {
	t.Helper()
	entries, err := osv.LoadDir(os.DirFS(advisoryDir), "advisories")
	if err != nil {
		t.Fatal(err)
	}
	return entries
}

type lockPackage struct {
	Name    string `json:"name"`
	Version string `json:"version"`
	Extra   struct {
		Drupal struct {
			Version string `json:"version"`
		} `json:"drupal"`
	} `json:"extra"`
}

// lockInstalled lists the lock's packages with the version drupdate would
// see: extra.drupal.version for drupal.org packages, else the Composer
// version (without a leading "v", as Composer normalizes it).
func lockInstalled(t testing.TB) []Installed {
	data, err := os.ReadFile(lockFile)
	if err != nil {
		t.Fatal(err)
	}
	var lock struct {
		Packages    []lockPackage `json:"packages"`
		PackagesDev []lockPackage `json:"packages-dev"`
	}
	if err := json.Unmarshal(data, &lock); err != nil {
		t.Fatal(err)
	}
	var out []Installed
	for _, p := range slices.Concat(lock.Packages, lock.PackagesDev) {
		v := p.Extra.Drupal.Version
		if v == "" {
			v = strings.TrimPrefix(p.Version, "v")
		}
		out = append(out, Installed{Package: p.Name, Version: v})
		if p.Extra.Drupal.Version != "" || p.Name == "drupal/core" {
			fromDrupalOrg[p.Name] = true
		}
	}
	return out
}

// fromDrupalOrg holds the lock's drupal.org projects and core, whose
// versions must always map.
var fromDrupalOrg = map[string]bool{}

type golden struct {
	Note     string               `json:"note"`
	Checked  int                  `json:"packages_checked"`
	Skipped  map[string]string    `json:"skipped,omitempty"`
	Findings map[string][]Finding `json:"findings"`
}

// TestGoldenDrupal8920 audits every package of a real Drupal 8.9.20 site's
// composer.lock against the real advisories. testdata/advisories/drupal-8.9.20.golden.json
// was checked by hand against each advisory's ranges.
func TestGoldenDrupal8920(t *testing.T) {
	db := mustCompile(t, realEntries(t)...)
	got := golden{
		Note:     "findings for testdata/advisories/drupal-8.9.20-sas-isus.composer.lock; regenerate with go test -update and re-check by hand",
		Skipped:  map[string]string{},
		Findings: map[string][]Finding{},
	}
	for _, p := range lockInstalled(t) {
		got.Checked++
		fs, err := db.Match(p)
		if err != nil {
			// Only packages that are not drupal.org projects may fail to map.
			if fromDrupalOrg[p.Package] {
				t.Errorf("Match(%+v): %v", p, err)
			}
			got.Skipped[p.Package] = err.Error()
			continue
		}
		if len(fs) > 0 {
			got.Findings[p.Package] = fs
		}
	}
	const file = "../../testdata/advisories/drupal-8.9.20.golden.json"
	if *update {
		data, _ := json.MarshalIndent(got, "", " ")
		if err := os.WriteFile(file, append(data, '\n'), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	data, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	var want golden
	if err := json.Unmarshal(data, &want); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(want, got, cmpopts.EquateEmpty()); diff != "" {
		t.Errorf("findings (-want +got):\n%s", diff)
	}
}

// TestGHSADrupalCore8918: every GHSA advisory osv-detector matched for
// drupal/core 8.9.18 has a finding, matched through its CVE alias.
func TestGHSADrupalCore8918(t *testing.T) {
	db := mustCompile(t, realEntries(t)...)
	var ids struct {
		GHSA []struct{ ID string } `json:"ghsa"`
	}
	var aliases struct {
		Aliases map[string]*string `json:"aliases"`
	}
	for file, v := range map[string]any{"drupal-core-8.9.18-ghsa-ids.json": &ids, "ghsa-cve-aliases.json": &aliases} {
		data, err := os.ReadFile("../../testdata/advisories/" + file)
		if err != nil {
			t.Fatal(err)
		}
		if err := json.Unmarshal(data, v); err != nil {
			t.Fatal(err)
		}
	}
	fs, err := db.Match(Installed{Package: "drupal/core", Version: "8.9.18"})
	if err != nil {
		t.Fatal(err)
	}
	cves := map[string]string{}
	for _, f := range fs {
		for _, a := range f.Aliases {
			cves[a] = f.ID
		}
	}
	if len(ids.GHSA) != 11 {
		t.Fatalf("%d GHSA ids, want 11", len(ids.GHSA))
	}
	checked := 0
	for _, g := range ids.GHSA {
		cve, ok := aliases.Aliases[g.ID]
		if !ok {
			t.Errorf("%s: not in ghsa-cve-aliases.json", g.ID)
			continue
		}
		if cve == nil {
			t.Logf("%s: CVE unknown offline, not checked", g.ID)
			continue
		}
		checked++
		if id, ok := cves[*cve]; !ok {
			t.Errorf("%s (%s): no finding for drupal/core 8.9.18", g.ID, *cve)
		} else {
			t.Logf("%s (%s) = %s", g.ID, *cve, id)
		}
	}
	t.Logf("checked %d of %d GHSA ids; %d findings in all", checked, len(ids.GHSA), len(fs))
}

// TestFixedNeverReported: for every range of every real record, a version
// equal to a "fixed" event is not affected by that range, and the version
// just below an "introduced"-to-"fixed" interval's fix is.
func TestFixedNeverReported(t *testing.T) {
	n := 0
	for _, e := range FromOSV(realEntries(t)) {
		for _, a := range e.Affected {
			for _, r := range a.Ranges {
				crs, err := compileRanges(r)
				if err != nil {
					t.Fatalf("%s: %v", e.ID, err)
				}
				for _, cr := range crs {
					for _, ev := range cr.events {
						if ev.kind != fixed {
							continue
						}
						n++
						if cr.affects(ev.canon) {
							t.Errorf("%s %s: fixed version %s reported as affected by %s", e.ID, a.Name, ev.version, cr.text)
						}
					}
				}
			}
		}
	}
	if n < 500 {
		t.Errorf("only %d fixed events checked", n)
	}
	// And through Match, on random synthetic records.
	rng := rand.New(rand.NewPCG(1, 2))
	for i := 0; i < 2000; i++ {
		var pairs []string
		var fixes []string
		lo := 0
		for j := 0; j < 1+rng.IntN(3); j++ {
			intro := lo + rng.IntN(3)
			fix := intro + 1 + rng.IntN(3)
			lo = fix + rng.IntN(2)
			iv, fv := "1."+itoa(intro)+".0", "1."+itoa(fix)+".0"
			pairs = append(pairs, iv+":"+fv)
			fixes = append(fixes, fv)
		}
		db := mustCompile(t, rec("P-1", osv.EcosystemDrupalOrg8, "drupal/p", "2022-01-01", pairs...))
		for _, f := range fixes {
			got, err := db.Match(Installed{Package: "p", Version: f})
			if err != nil {
				t.Fatal(err)
			}
			for _, g := range got {
				for _, r := range strings.Split(g.Range, " || ") {
					if strings.HasSuffix(r, "<"+f) {
						t.Errorf("ranges %v: version %s reported by %q", pairs, f, r)
					}
				}
			}
		}
	}
}

func itoa(i int) string { return string(rune('0'+i/10)) + string(rune('0'+i%10)) }

// TestRealDrupal7NeverMatches: every package with an advisory in the real
// database, installed as a Drupal 7 release or branch, has no finding,
// while the same versions on Drupal 8+ have some. Drupal 7 core is the
// exception, from drupal.org's affected-versions field (TestRealDrupal7Core).
func TestRealDrupal7NeverMatches(t *testing.T) {
	db := mustCompile(t, realEntries(t)...)
	some := 0
	for k := range db.byKey {
		if k.core == 7 {
			continue
		}
		for _, v := range []string{"7.x-1.0", "7.x-2.3-beta1", "7.x-1.x-dev", "7.50", "6.x-1.0"} {
			if v == "7.50" && k.name == "drupal/core" {
				continue // TestRealDrupal7Core
			}
			got, err := db.Match(Installed{Package: k.name, Version: v})
			if err != nil || len(got) != 0 {
				t.Errorf("Match(%s %s) = %d findings, %v; want none", k.name, v, len(got), err)
			}
		}
		if got, _ := db.Match(Installed{Package: k.name, Version: "8.x-1.0"}); len(got) > 0 {
			some++
		}
	}
	if some < 100 {
		t.Errorf("only %d packages have findings at 8.x-1.0", some)
	}
}

// TestRealDevBranch: a real branch is judged by its line and date.
func TestRealDevBranch(t *testing.T) {
	db := mustCompile(t, realEntries(t)...)
	ids := func(p Installed) string {
		fs, err := db.Match(p)
		if err != nil {
			t.Fatal(err)
		}
		var s []string
		for _, f := range fs {
			s = append(s, f.ID+"["+f.Fixed+"]")
		}
		return strings.Join(s, " ")
	}
	// google_tag: DRUPAL-CONTRIB-2025-011 and -012 are fixed in 1.8.0, on the 1.x line.
	undated := ids(Installed{Package: "drupal/google_tag", Version: "8.x-1.x-dev"})
	if !strings.Contains(undated, "DRUPAL-CONTRIB-2025-011[1.8.0]") {
		t.Errorf("undated 8.x-1.x-dev of google_tag = %q, want DRUPAL-CONTRIB-2025-011 fixed in 1.8.0 on its line", undated)
	}
	recent := ids(Installed{Package: "drupal/google_tag", Version: "8.x-1.x-dev", Datestamp: time.Date(2026, 9, 1, 0, 0, 0, 0, time.UTC)})
	if strings.Contains(recent, "DRUPAL-CONTRIB-2025-011") {
		t.Errorf("a 1.x-dev snapshot from after the fix = %q; the fix has reached it", recent)
	}
	// colorbox: DRUPAL-CONTRIB-2025-041 affects everything below 2.1.3; 1.x never got a fix.
	old := ids(Installed{Package: "drupal/colorbox", Version: "8.x-1.x-dev", Datestamp: time.Date(2026, 9, 1, 0, 0, 0, 0, time.UTC)})
	if !strings.Contains(old, "DRUPAL-CONTRIB-2025-041[]") {
		t.Errorf("colorbox 8.x-1.x-dev = %q, want DRUPAL-CONTRIB-2025-041 with no fix on the line", old)
	}
}

// TestMatchConcurrent: a Database is shared by goroutines (run with -race).
func TestMatchConcurrent(t *testing.T) {
	db := mustCompile(t, realEntries(t)...)
	want, _ := db.Match(Installed{Package: "drupal/core", Version: "8.9.18"})
	done := make(chan int)
	for range 8 {
		go func() {
			n := 0
			for range 50 {
				got, _ := db.Match(Installed{Package: "drupal/core", Version: "8.9.18"})
				n += len(got)
			}
			done <- n
		}()
	}
	for range 8 {
		if n := <-done; n != 50*len(want) {
			t.Errorf("concurrent Match found %d, want %d", n, 50*len(want))
		}
	}
}

// TestRealDrupal7Core: Drupal 7 core is matched only against the Drupal 7
// alternatives of drupal.org's affected-versions field.
func TestRealDrupal7Core(t *testing.T) {
	db := mustCompile(t, realEntries(t)...)
	ids := func(v string) []string {
		fs, err := db.Match(Installed{Package: "drupal", Version: v})
		if err != nil {
			t.Fatal(err)
		}
		var s []string
		for _, f := range fs {
			s = append(s, f.ID+"["+f.Fixed+"]")
			if !strings.HasPrefix(f.Fixed, "7.") && f.Fixed != "" {
				t.Errorf("core %s: %s fixed in %s, not on Drupal 7", v, f.ID, f.Fixed)
			}
		}
		return s
	}
	// SA-CORE-2018-006 (DRUPAL-CORE-2018-006): ">=7.0 <7.62 || >= 8.0.0 <8.5.9 || >=8.6.0 <8.6.6"? 7.61 is affected.
	got := ids("7.61")
	if len(got) == 0 {
		t.Fatalf("core 7.61: no findings")
	}
	if n := len(ids("7.105")); n >= len(got) {
		t.Errorf("core 7.105 has %d findings, 7.61 %d: the newer release should have fewer", n, len(got))
	}
	for _, f := range got {
		if strings.HasSuffix(f, "[7.61]") {
			t.Errorf("core 7.61 reported as affected by an advisory fixed in 7.61: %s", f)
		}
	}
}
