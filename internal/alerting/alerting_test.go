package alerting

import (
	"context"
	"encoding/json"
	"log/slog"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/drupdate/drupdate/internal/drupal"
	"github.com/drupdate/drupdate/internal/store"
	"github.com/drupdate/drupdate/internal/store/bolt"
	"github.com/drupdate/drupdate/internal/watch"
	"github.com/drupdate/drupdate/notify"
)

func ptr(s string) *string { return &s }

func record(name string, managedBy string, report string) watch.PlatformRecord {
	inv := &drupal.Inventory{CoreVersion: "10.1.5", Projects: map[string]drupal.InstalledProject{
		"drupal":  {Version: ptr("10.1.5"), Type: "core"},
		"token":   {Version: ptr("8.x-1.11"), Type: "module"},
		"webform": {Version: ptr("6.2.0"), Type: "module"},
	}}
	inv.Platform = &drupal.Platform{ManagedBy: managedBy, DrupalMajor: 10}
	if managedBy == "composer" {
		p := inv.Projects["token"]
		p.Composer = &drupal.ComposerPackage{Name: "drupal/token", Version: "1.11.0"}
		inv.Projects["token"] = p
	}
	inv.Sites = []drupal.Site{{Dir: "sites/default", Aliases: []string{"www.example.com"}}, {Dir: "sites/blog"}}
	return watch.PlatformRecord{Name: name, Tags: []string{"production"}, Inventory: inv, Report: json.RawMessage(report), EvalKey: "k1"}
}

const report = `{"projects": {
	"drupal": {"status": "NOT_SECURE", "existing_version": "10.1.5", "recommended": "10.6.13"},
	"token": {"status": "NOT_SECURE", "existing_version": "8.x-1.11", "recommended": "8.x-1.15"},
	"webform": {"status": "NOT_CURRENT", "existing_version": "6.2.0", "recommended": "6.3.2"}},
	"advisories": {"drupal": [
		{"id": "DRUPAL-CORE-2026-012", "aliases": ["CVE-2026-55805"], "risk": {"label": "Critical", "score": 17}, "affected": "<10.6.13", "fixed": "10.6.13", "link": "https://www.drupal.org/sa-core-2026-012"},
		{"id": "DRUPAL-CORE-2026-010", "affected": "<10.6.13", "fixed": "10.6.13", "waived": "WAF rule"}]}}`

func TestFromRecord(t *testing.T) {
	now := time.Date(2026, 11, 25, 8, 0, 0, 0, time.UTC)
	alerts, err := FromRecord(record("shop", "composer", report), now)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, a := range alerts {
		id := ""
		if a.Advisory != nil {
			id = a.Advisory.ID + " " + a.Advisory.Risk
		}
		got = append(got, strings.Join(strings.Fields(a.Kind+" "+a.Project+" "+a.Installed+"→"+a.Recommended+" "+id+" |"), " ")+" "+a.Fix)
		if a.Platform != "shop" || !slices.Equal(a.Sites, []string{"www.example.com", "sites/blog"}) || !a.At.Equal(now) {
			t.Errorf("alert %+v: platform, sites or time wrong", a)
		}
	}
	slices.Sort(got)
	want := []string{
		"security.advisory drupal 10.1.5→10.6.13 DRUPAL-CORE-2026-012 Critical | composer require 'drupal/core:^10.6.13' --update-with-all-dependencies",
		"security.release token 8.x-1.11→8.x-1.15 | composer require 'drupal/token:^1.15' --update-with-all-dependencies",
		"update.available webform 6.2.0→6.3.2 | composer require 'drupal/webform:^6.3.2' --update-with-all-dependencies",
	}
	if !slices.Equal(got, want) {
		t.Errorf("FromRecord =\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	// Unevaluated and failed platforms give nothing; a broken report is an error.
	if a, err := FromRecord(watch.PlatformRecord{Name: "x"}, now); a != nil || err != nil {
		t.Errorf("FromRecord(unevaluated) = %v, %v", a, err)
	}
	if a, err := FromRecord(record("x", "archive", `{"error": "scan failed"}`), now); a != nil || err != nil {
		t.Errorf("FromRecord(failed) = %v, %v", a, err)
	}
	if _, err := FromRecord(record("x", "archive", `{"projects": [`), now); err == nil {
		t.Errorf("FromRecord(broken report) = nil error")
	}
}

func TestFixCommand(t *testing.T) {
	for _, tc := range []struct {
		managedBy     string
		major         int
		project, pkg  string
		version, want string
	}{
		{"composer", 10, "token", "drupal/token", "8.x-1.15", "composer require 'drupal/token:^1.15' --update-with-all-dependencies"},
		{"composer", 10, "drupal", "", "10.6.13", "composer require 'drupal/core:^10.6.13' --update-with-all-dependencies"},
		{"archive", 7, "views", "", "7.x-3.29", "drush pm-update views-7.x-3.29"},
		{"archive", 10, "token", "", "8.x-1.15", "download https://www.drupal.org/project/token/releases/8.x-1.15"},
		{"archive", 10, "token", "", "", ""},
	} {
		inv := &drupal.Inventory{}
		inv.Platform = &drupal.Platform{ManagedBy: tc.managedBy, DrupalMajor: tc.major}
		if got := FixCommand(inv, tc.project, tc.pkg, tc.version); got != tc.want {
			t.Errorf("FixCommand(%s D%d, %s, %q, %q) = %q, want %q", tc.managedBy, tc.major, tc.project, tc.pkg, tc.version, got, tc.want)
		}
	}
}

type sink struct{ got []notify.Alert }

func (s *sink) Submit(_ context.Context, alerts ...notify.Alert) error {
	s.got = append(s.got, alerts...)
	return nil
}

// TestAlerterOnce: everything at first, then only changed platforms, then
// everything again for reminders.
func TestAlerterOnce(t *testing.T) {
	now := time.Date(2026, 11, 25, 8, 0, 0, 0, time.UTC)
	st, err := bolt.Open(t.TempDir()+"/s.db", bolt.Options{Now: func() time.Time { return now }})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	put := func(rec watch.PlatformRecord) {
		b, _ := json.Marshal(rec)
		if _, err := st.Apply(context.Background(), store.Batch{Writes: []store.Write{{Bucket: watch.BucketPlatforms, Key: rec.Name, Value: b}}}); err != nil {
			t.Fatal(err)
		}
	}
	put(record("a", "composer", report))
	put(record("b", "archive", report))
	s := &sink{}
	al := &Alerter{Store: st, Sink: s, Now: func() time.Time { return now }, Log: slog.New(slog.DiscardHandler)}
	for i, want := range []int{6, 0, 3, 6} {
		switch i {
		case 2:
			r := record("b", "archive", report)
			r.EvalKey = "k2"
			put(r)
		case 3:
			now = now.Add(RemindEvery)
		}
		s.got = nil
		if err := al.Once(context.Background()); err != nil {
			t.Fatal(err)
		}
		if len(s.got) != want {
			t.Errorf("round %d: %d alerts submitted, want %d", i, len(s.got), want)
		}
	}
}

func TestFromRecordWaitsForFeeds(t *testing.T) {
	pending := strings.Replace(report, `"webform": {"status": "NOT_CURRENT"`, `"webform": {"status": "FETCH_PENDING"`, 1)
	if a, err := FromRecord(record("x", "composer", pending), time.Now()); a != nil || err != nil {
		t.Errorf("FromRecord(a feed pending) = %d alerts, %v; want none until every feed is in", len(a), err)
	}
}
