package watch

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/prometheus/client_golang/prometheus"

	"github.com/drupdate/drupdate/internal/secdb"
)

// osvRecord writes an OSV record affecting drupal/<project> below fixed.
func osvRecord(t *testing.T, dir, id, project, fixed string) {
	t.Helper()
	rec := `{"id": "` + id + `", "modified": "2026-03-01T00:00:00Z", "published": "2026-03-01T00:00:00Z", "aliases": ["CVE-2026-0` + id[len(id)-3:] + `"],
		"affected": [{"package": {"ecosystem": "Packagist:https://packages.drupal.org/8", "name": "drupal/` + project + `"},
		"ranges": [{"type": "ECOSYSTEM", "events": [{"introduced": "0"}, {"fixed": "` + fixed + `"}]}]}],
		"references": [{"type": "ADVISORY", "url": "https://www.drupal.org/sa-contrib-2026-` + id[len(id)-3:] + `"}]}`
	p := filepath.Join(dir, "advisories", project, id+".json")
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, []byte(rec), 0o644); err != nil {
		t.Fatal(err)
	}
}

// A new advisory affecting a platform raises one event, once; the
// advisories a platform starts with are its baseline; a waived one raises
// nothing.
func TestAdvisoryEvents(t *testing.T) {
	r := newFleetRig(t)
	osvDir := t.TempDir()
	osvRecord(t, osvDir, "DRUPAL-CONTRIB-2026-100", "token", "1.12.0")
	waivers := []secdb.Waiver{{Advisory: "SA-CONTRIB-2026-102", Platform: "agency-d10", Reason: "pathauto is disabled", Expires: "2026-12-31"}}
	for i := range waivers {
		if err := waivers[i].Validate(); err != nil {
			t.Fatal(err)
		}
	}
	m, err := NewMetrics(prometheus.NewRegistry())
	if err != nil {
		t.Fatal(err)
	}
	r.w, err = New(Config{}, Deps{Store: r.st, Feeds: r.srv.client(t, "a"), Fleet: fleetIn(r.dir),
		Now: r.clock.Now, Rand: half, Logger: testLogger(t), Instance: "a", Metrics: m,
		Advisories: &Advisories{Sources: secdb.Sources{OSV: osvDir}, Waivers: waivers}})
	if err != nil {
		t.Fatal(err)
	}
	r.scan()
	r.poll()
	if evs, _ := r.newEvents(0); len(evs) != 0 {
		t.Errorf("first scan: events %q, want none (a platform's first findings are its baseline)", evs)
	}
	rec := getPlatformRecord(t, r.st, "agency-d10")
	if !rec.FindingsSeen || !cmp.Equal(rec.Findings, []string{"token|DRUPAL-CONTRIB-2026-100"}) {
		t.Errorf("agency-d10 findings = %q (seen %v)", rec.Findings, rec.FindingsSeen)
	}
	var rep PlatformReport
	if err := json.Unmarshal(rec.Report, &rep); err != nil {
		t.Fatal(err)
	}
	if n := rep.Advisories["token"]; len(n) != 1 || n[0].ID != "DRUPAL-CONTRIB-2026-100" || n[0].Fixed != "1.12.0" {
		t.Errorf("agency-d10 report advisories = %+v", rep.Advisories)
	}
	if raw, err := r.st.Get(context.Background(), BucketAdvisories, "DRUPAL-CONTRIB-2026-100"); err != nil || !strings.Contains(string(raw), "drupal/token") {
		t.Errorf("stored advisory = %s, %v", raw, err)
	}
	_, seq := r.newEvents(0)

	// Two new advisories: one for paragraphs (agency-d10 runs 8.x-1.15),
	// one for pathauto, waived on agency-d10.
	osvRecord(t, osvDir, "DRUPAL-CONTRIB-2026-101", "paragraphs", "1.16.0")
	osvRecord(t, osvDir, "DRUPAL-CONTRIB-2026-102", "pathauto", "1.99.0")
	r.clock.Advance(30 * time.Minute)
	r.scan()
	if evs, _ := r.newEvents(seq); len(evs) != 0 {
		t.Errorf("before the refresh interval: events %q, want none", evs)
	}
	r.clock.Advance(31 * time.Minute)
	r.scan()
	evs, seq := r.newEvents(seq)
	want := []string{
		"advisory.affects agency-d10 paragraphs 8.x-1.15 DRUPAL-CONTRIB-2026-101",
		"advisory.affects shop-d10-composer pathauto 8.x-1.12 DRUPAL-CONTRIB-2026-102", // not waived there
	}
	if diff := cmp.Diff(want, evs); diff != "" {
		t.Errorf("after new advisories: events (-want +got):\n%s", diff)
	}
	// Nothing new: nothing raised, however often the sources are read.
	r.clock.Advance(2 * time.Hour)
	r.scan()
	if evs, _ := r.newEvents(seq); len(evs) != 0 {
		t.Errorf("no new advisory: events %q, want none", evs)
	}
	// The waived finding is in the report, marked, but not in Findings.
	rec = getPlatformRecord(t, r.st, "agency-d10")
	if strings.Contains(strings.Join(rec.Findings, " "), "pathauto") {
		t.Errorf("waived pathauto finding recorded as unwaived: %q", rec.Findings)
	}
	rep = PlatformReport{}
	json.Unmarshal(rec.Report, &rep)
	if n := rep.Advisories["pathauto"]; len(n) != 1 || n[0].Waived != "pathauto is disabled" {
		t.Errorf("agency-d10 pathauto advisories = %+v, want one, waived", n)
	}
}
