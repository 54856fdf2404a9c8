package secdb

import (
	"context"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/drupdate/drupdate/feeds"
	"github.com/drupdate/drupdate/feeds/sa"
	"github.com/drupdate/drupdate/internal/drupal"
	"github.com/drupdate/drupdate/resolver/advisory"
)

// TestLoadAllSources: the OSV database, the Composer API, the RSS feeds
// and psa.json, merged by advisory. feeds/sa's fixtures are served as
// drupal.org would.
func TestLoadAllSources(t *testing.T) {
	fixture := func(name string) []byte {
		b, err := os.ReadFile(filepath.Join("..", "..", "feeds", "sa", "testdata", name))
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	var asked []string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/security/contrib/rss.xml":
			w.Write(fixture("contrib.rss.xml"))
		case "/security/core/rss.xml":
			w.Write(fixture("core.rss.xml"))
		case "/security/psa/rss.xml":
			w.Write(fixture("psa.rss.xml"))
		case "/psa.json":
			w.Write(fixture("psa.json"))
		case "/8/security-advisories":
			asked = append(asked, r.URL.Query()["packages[]"]...)
			w.Write(fixture("composer.json"))
		default:
			http.NotFound(w, r)
		}
	}))
	defer srv.Close()
	// One OSV record, for token, with no risk: the RSS feed adds it.
	osvDir := t.TempDir()
	os.MkdirAll(filepath.Join(osvDir, "advisories", "token"), 0o755)
	os.WriteFile(filepath.Join(osvDir, "advisories", "token", "DRUPAL-CONTRIB-2026-015.json"), []byte(`{"id": "DRUPAL-CONTRIB-2026-015",
		"modified": "2026-05-21T00:00:00Z", "aliases": ["CVE-2026-10234"], "affected": [{"package": {"ecosystem": "Packagist:https://packages.drupal.org/8", "name": "drupal/token"},
		"ranges": [{"type": "ECOSYSTEM", "events": [{"introduced": "0"}, {"fixed": "1.15.0"}]}]}]}`), 0o644)
	src := Sources{
		OSV:         osvDir,
		ComposerAPI: []string{srv.URL + "/8/security-advisories"},
		RSS:         []string{srv.URL + "/security/contrib/rss.xml", srv.URL + "/security/core/rss.xml", srv.URL + "/security/psa/rss.xml"},
		PSA:         srv.URL + "/psa.json",
	}
	v := func(s string) *string { return &s }
	inv := &drupal.Inventory{CoreVersion: "10.6.12", Projects: map[string]drupal.InstalledProject{
		"drupal":     {Version: v("10.6.12")},
		"token":      {Version: v("8.x-1.11")},
		"paragraphs": {Version: v("8.x-1.18")},
	}}
	db, err := Load(context.Background(), src, feeds.Getter{}, Packages(inv))
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(asked, []string{"drupal/core", "drupal/paragraphs", "drupal/token"}) {
		t.Errorf("the Composer API was asked about %q", asked)
	}
	found, _, _ := db.Audit("p", inv, nil, time.Now())
	var got []string
	for _, f := range found {
		s := f.Project + " " + f.ID + " fixed:" + f.Fixed
		if f.Risk != nil {
			s += " " + f.Risk.String()
		}
		got = append(got, s)
	}
	want := []string{
		"drupal DRUPAL-CORE-2026-003 fixed:10.6.13 Moderately critical 13/25",  // Composer API and RSS agree; risk from RSS
		"paragraphs DRUPAL-CONTRIB-2026-013 fixed:1.19.0 Critical 16/25",       // RSS only; ">=8.x-1.0 <8.x-1.19" read as Composer versions
		"token DRUPAL-CONTRIB-2023-031 fixed:1.12.0",                           // Composer API only
		"token DRUPAL-CONTRIB-2026-015 fixed:1.15.0 Moderately critical 12/25", // OSV, risk from RSS
	}
	slices.Sort(got)
	if !slices.Equal(got, want) {
		t.Errorf("findings:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	for _, f := range found {
		if f.ID == "DRUPAL-CONTRIB-2026-015" && !slices.Equal(f.Aliases, []string{"CVE-2026-10234"}) {
			t.Errorf("merged aliases %q, want the CVE once", f.Aliases)
		}
	}
	if len(db.Notices) == 0 {
		t.Errorf("no PSA notices")
	}
	var sources []string
	for _, l := range db.Loaded {
		sources = append(sources, l.Source)
	}
	if !slices.Equal(sources, []string{"osv", "composer", "rss", "rss", "rss", "psa.json"}) {
		t.Errorf("loaded %q", sources)
	}
	// A source that fails stops the load with its (redacted) address.
	src.PSA = srv.URL + "/missing.json?key=s3cret"
	if _, err := Load(context.Background(), src, feeds.Getter{}, nil); err == nil || strings.Contains(err.Error(), "s3cret") || !strings.Contains(err.Error(), "missing.json") {
		t.Errorf("Load with a missing psa.json = %v", err)
	}
}

// An advisory from a feed whose versions cannot be read is left out with
// a warning; the others still load.
func TestMergerLeavesOutBadRecords(t *testing.T) {
	m := &merger{byID: map[string]int{}}
	a := fromRSSText("SA-CONTRIB-2026-100", "foo", "<not-a-version")
	if m.add("rss", a) || len(m.warnings) != 1 || !strings.Contains(m.warnings[0], "DRUPAL-CONTRIB-2026-100") {
		t.Errorf("add(bad) = list %d, warnings %q", len(m.list), m.warnings)
	}
	if !m.add("rss", fromRSSText("SA-CONTRIB-2026-101", "foo", "<7.x-1.5 || <8.x-2.3")) {
		t.Fatalf("add(mixed generations) refused: %q", m.warnings)
	}
	aff := m.list[0].Affected
	if len(aff) != 2 || aff[0].Ranges[0].Text != "<2.3.0" || aff[1].Ranges[0].Text != "<1.5" {
		t.Errorf("mixed generations split into %+v", aff)
	}
}

func fromRSSText(id, project, affected string) advisory.Advisory {
	return fromRSS(sa.Item{ID: id, Project: project, AffectedVersions: affected})
}
