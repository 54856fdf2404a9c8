package watch

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/testutil"

	"github.com/drupdate/drupdate/internal/drupal"
	"github.com/drupdate/drupdate/internal/store"
)

// publishFleetFeeds serves the feeds of the demo and composer platforms:
// shop-d10-composer runs the newest token and core, agency-d10 older ones.
// bootstrap5 is unknown to the server (an <error> document).
func publishFleetFeeds(s *feedServer) {
	s.set("drupal", "current", feedXML("drupal", "10.1.,10.3.", "10.3.1", "10.3.0", "10.1.6", "10.1.5"))
	s.set("token", "current", feedXML("token", "8.x-1.", "8.x-1.14", "8.x-1.13", "8.x-1.12", "8.x-1.11"))
	for _, p := range []string{"admin_toolbar", "ctools", "entity_reference_revisions", "eu_cookie_compliance", "gin",
		"metatag", "paragraphs", "pathauto", "redirect", "webform", "legacy_widget"} {
		s.set(p, "current", feedXML(p, "8.x-1.,2.,3.,4.,6.", "4.1.0", "3.3.0", "8.x-1.22", "8.x-1.12"))
	}
}

// fleetRig is a watcher over copies of two real platform trees, a feed
// server and a bolt store, on a fake clock.
type fleetRig struct {
	t     *testing.T
	dir   string
	srv   *feedServer
	st    store.Store
	clock *clock
	w     *Watcher
	m     *Metrics
}

func newFleetRig(t *testing.T) *fleetRig {
	r := &fleetRig{t: t, dir: t.TempDir(), srv: newFeedServer(t), clock: newClock()}
	publishFleetFeeds(r.srv)
	r.st = openBolt(t, "", r.clock)
	var err error
	if r.m, err = NewMetrics(prometheus.NewRegistry()); err != nil {
		t.Fatal(err)
	}
	r.w, err = New(Config{}, Deps{Store: r.st, Feeds: r.srv.client(t, "a"), Fleet: copyPlatforms(t, r.dir),
		Now: r.clock.Now, Rand: half, Logger: testLogger(t), Instance: "a", Metrics: r.m})
	if err != nil {
		t.Fatal(err)
	}
	return r
}

func (r *fleetRig) scan() {
	r.t.Helper()
	if err := r.w.ScanOnce(context.Background()); err != nil {
		r.t.Fatalf("ScanOnce: %v", err)
	}
}

func (r *fleetRig) poll() {
	r.t.Helper()
	if err := r.w.PollOnce(context.Background()); err != nil {
		r.t.Fatalf("PollOnce: %v", err)
	}
}

// newEvents returns the events after seq, and the last seq.
func (r *fleetRig) newEvents(since uint64) ([]string, uint64) {
	r.t.Helper()
	var evs []store.Event
	for _, e := range events(r.t, r.st) {
		if e.Seq > since {
			evs = append(evs, e)
			since = e.Seq
		}
	}
	return summary(r.t, evs), since
}

func (r *fleetRig) statusOf(platform, project string) drupal.Status {
	return getPlatformRecord(r.t, r.st, platform).Statuses[project]
}

// The whole life of a fleet: first poll, a security release that makes an
// installed release insecure, a release marked insecure later, an update
// found by a re-scan; each change announced once.
func TestFleetEndToEnd(t *testing.T) {
	r := newFleetRig(t)
	r.scan()
	r.poll()
	evs, seq := r.newEvents(0)
	if len(evs) != 0 {
		t.Errorf("first scan and poll: events %q, want none (first histories and statuses are no news)", evs)
	}
	for _, tt := range []struct {
		platform, project string
		want              drupal.Status
	}{
		{"shop-d10-composer", "token", drupal.Current},
		{"agency-d10", "token", drupal.NotCurrent},
		{"shop-d10-composer", "drupal", drupal.Current},
		{"agency-d10", "drupal", drupal.NotCurrent},
		{"shop-d10-composer", "bootstrap5", drupal.Unknown}, // an <error> document
	} {
		if got := r.statusOf(tt.platform, tt.project); got != tt.want {
			t.Errorf("after the first poll, %s on %s is %v, want %v", tt.project, tt.platform, got, tt.want)
		}
	}
	// Each feed once for the fleet: token, ctools, pathauto, core... are
	// shared by both platforms.
	for _, h := range r.srv.hitLog() {
		if n := r.srv.count(strings.Split(h.path, "/")[1], "current"); n != 1 {
			t.Errorf("%s fetched %d times, want once for the fleet", h.path, n)
		}
	}

	// A security release; the shop's installed token is now insecure.
	r.srv.set("token", "current", feedXML("token", "8.x-1.", "8.x-1.15 Security update", "8.x-1.14 Insecure", "8.x-1.13", "8.x-1.12", "8.x-1.11"))
	r.clock.Advance(61 * time.Minute)
	r.poll()
	evs, seq = r.newEvents(seq)
	want := []string{
		"release.new token 8.x-1.15",
		"release.security token 8.x-1.15",
		"release.insecure token 8.x-1.14",
		"platform.status shop-d10-composer token CURRENT→NOT_SECURE",
	}
	if diff := cmp.Diff(want, evs); diff != "" {
		t.Errorf("events after the security release (-want +got):\n%s", diff)
	}
	// The agency's report changed (a security update is listed) but not its
	// status.
	agency := getPlatformRecord(t, r.st, "agency-d10")
	if !strings.Contains(string(agency.Report), `"security_updates":["8.x-1.15"]`) || agency.Statuses["token"] != drupal.NotCurrent {
		t.Errorf("agency-d10 after the security release: token %v, report without the security update", agency.Statuses["token"])
	}
	if got := testutil.ToFloat64(r.m.projects.WithLabelValues("NOT_SECURE")); got != 1 {
		t.Errorf("drupdate_watch_projects{status=NOT_SECURE} = %v, want 1", got)
	}

	// token is NOT_SECURE somewhere, and drupal is core: both are polled
	// at the urgent interval, the others not.
	r.clock.Advance(16 * time.Minute)
	r.poll()
	if tk, core, ct := r.srv.count("token", "current"), r.srv.count("drupal", "current"), r.srv.count("ctools", "current"); tk != 3 || core != 3 || ct != 2 {
		t.Errorf("16 minutes later: token, core and ctools fetched %d, %d, %d times in all; want 3, 3, 2: token and core are urgent", tk, core, ct)
	}

	// drupal.org marks the agency's older release insecure too.
	r.srv.set("token", "current", feedXML("token", "8.x-1.", "8.x-1.15 Security update", "8.x-1.14 Insecure", "8.x-1.13", "8.x-1.12", "8.x-1.11 Insecure"))
	r.clock.Advance(16 * time.Minute)
	r.poll()
	evs, seq = r.newEvents(seq)
	want = []string{
		"release.insecure token 8.x-1.11",
		"platform.status agency-d10 token NOT_CURRENT→NOT_SECURE",
	}
	if diff := cmp.Diff(want, evs); diff != "" {
		t.Errorf("events after 8.x-1.11 went insecure (-want +got):\n%s", diff)
	}

	// Nothing changes: nothing to say.
	for range 3 {
		r.clock.Advance(2 * time.Hour)
		r.poll()
	}
	if evs, _ := r.newEvents(seq); len(evs) != 0 {
		t.Errorf("polls of unchanged feeds: events %q, want none", evs)
	}

	// The shop updates token; the re-scan sees it.
	shop := filepath.Join(r.dir, "composer")
	for _, f := range []string{"composer.lock", "web/modules/contrib/token/token.info.yml"} {
		p := filepath.Join(shop, f)
		b, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		s := strings.NewReplacer("8.x-1.14", "8.x-1.15", "1.14.0", "1.15.0").Replace(string(b))
		if err := os.WriteFile(p, []byte(s), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	r.clock.Advance(time.Hour) // the scan lease has run out
	r.scan()
	evs, seq = r.newEvents(seq)
	want = []string{
		`platform.inventory {"platform":"shop-d10-composer","changed":{"token":["8.x-1.14","8.x-1.15"]}}`,
		"platform.status shop-d10-composer token NOT_SECURE→CURRENT",
	}
	if diff := cmp.Diff(want, evs); diff != "" {
		t.Errorf("events after the shop updated token (-want +got):\n%s", diff)
	}
	r.scan()
	r.poll()
	if evs, _ := r.newEvents(seq); len(evs) != 0 {
		t.Errorf("re-scan and poll without changes: events %q, want none", evs)
	}
}

// A restarted watcher (a new Watcher on the same store) repeats nothing.
func TestRestartRepeatsNothing(t *testing.T) {
	r := newFleetRig(t)
	r.scan()
	r.poll()
	r.srv.set("token", "current", feedXML("token", "8.x-1.", "8.x-1.15 Security update", "8.x-1.14 Insecure", "8.x-1.13", "8.x-1.12", "8.x-1.11"))
	r.clock.Advance(2 * time.Hour)
	r.poll()
	_, seq := r.newEvents(0)

	again, err := New(Config{}, Deps{Store: r.st, Feeds: r.srv.client(t, "a"), Fleet: r.w.fleet,
		Now: r.clock.Now, Rand: half, Logger: testLogger(t), Instance: "a"})
	if err != nil {
		t.Fatal(err)
	}
	before := r.srv.total()
	if err := again.PollOnce(context.Background()); err != nil {
		t.Fatal(err)
	}
	if n := r.srv.total() - before; n != 0 {
		t.Errorf("restarted watcher fetched %d feeds before they were due, want none", n)
	}
	if err := again.ScanOnce(context.Background()); err != nil {
		t.Fatal(err)
	}
	if evs, _ := r.newEvents(seq); len(evs) != 0 {
		t.Errorf("restarted watcher: events %q, want none", evs)
	}
}

// A platform that cannot be scanned gets the report `status` prints for
// it, and no feeds.
func TestUnscannablePlatform(t *testing.T) {
	r := newFleetRig(t)
	r.w.fleet.Platforms[0].Path = filepath.Join(r.dir, "nonexistent")
	r.scan()
	r.poll()
	rec := getPlatformRecord(t, r.st, "agency-d10")
	if rec.ScanError == "" || rec.Inventory != nil || !strings.Contains(string(rec.Report), `"error":`) || rec.Statuses != nil {
		t.Errorf("unscannable platform: scan error %q, report %s", rec.ScanError, rec.Report)
	}
	if n := r.srv.count("eu_cookie_compliance", "current"); n != 0 {
		t.Errorf("a feed only the unscannable platform uses was fetched %d times", n)
	}
}
