package github

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/drupdate/drupdate/internal/drupal"
	"github.com/drupdate/drupdate/resolver/status"
)

func link(tag string) string { return "https://github.com/acme/mymodule/releases/tag/" + tag }

// gh is a release for tests: tag, then flags "pre" and "sec".
func gh(tag string, flags ...string) Release {
	r := Release{Tag: tag, URL: link(tag), Published: t0}
	for _, f := range flags {
		switch f {
		case "pre":
			r.Prerelease = true
		case "sec":
			r.Security = true
		default:
			panic("unknown flag " + f)
		}
	}
	return r
}

func TestHistory(t *testing.T) {
	noLink := gh("1.0.0")
	noLink.URL = ""
	undated := gh("8.x-1.1")
	undated.Published = time.Time{}
	in := []Release{
		gh("v2.0.0-beta1", "pre"),
		gh("1.3.0", "pre"), // a stable-looking pre-release
		gh("latest"),
		gh("1.2.1", "sec"),
		gh("v1.2.0"),
		gh("1.2.0", "sec"), // same version as v1.2.0; its security mark survives
		gh("2.x-dev"),
		undated,
		gh("7.x-1.0"),
		noLink,
	}
	got, skipped := History("mymodule", in)

	date := drupal.Some(fmt.Sprint(t0.Unix()))
	typ := func(v string) drupal.Term { return drupal.Term{Name: "Release type", Value: v} }
	release := func(key, version, tag string, terms ...drupal.Term) drupal.Release {
		return drupal.Release{Key: key, Version: drupal.Some(version), Name: drupal.Some("mymodule " + key), Tag: drupal.Some(tag),
			Status: drupal.Some("published"), ReleaseLink: drupal.Some(link(tag)), Date: date, Terms: terms}
	}
	legacy := release("8.x-1.1", "8.x-1.1", "8.x-1.1", typ(drupal.TypeInsecure))
	legacy.Date = drupal.Opt{}
	want := &drupal.History{
		ShortName:         "mymodule",
		Title:             drupal.Some("mymodule"),
		ProjectStatus:     drupal.Some("published"),
		SupportedBranches: drupal.Some("2.,1.,8.x-1."),
		Releases: []drupal.Release{
			release("2.0.0-beta1", "2.0.0-beta1", "v2.0.0-beta1"),
			release("1.3.0", "1.3.0-prerelease", "1.3.0"),
			release("1.2.1", "1.2.1", "1.2.1", typ(drupal.TypeSecurityUpdate)),
			release("1.2.0", "1.2.0", "v1.2.0", typ(drupal.TypeSecurityUpdate), typ(drupal.TypeInsecure)),
			legacy,
		},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("History (-want +got):\n%s", diff)
	}

	var gotSkipped []string
	for _, e := range skipped {
		gotSkipped = append(gotSkipped, e.Error())
	}
	wantSkipped := []string{
		`tag "latest": not a Drupal release version`,
		`tag "1.2.0": version 1.2.0 is taken by tag "v1.2.0"`,
		`tag "2.x-dev": not a Drupal release version: a development branch`,
		`tag "7.x-1.0": not a Drupal release version: a Drupal 7 or older release, which a modern history cannot hold`,
		`tag "1.0.0": no release page URL, without which Drupal ignores a release`,
	}
	if diff := cmp.Diff(wantSkipped, gotSkipped); diff != "" {
		t.Errorf("History skipped (-want +got):\n%s", diff)
	}
}

func TestHistoryDuplicatePrefersFullRelease(t *testing.T) {
	got, skipped := History("mymodule", []Release{gh("v1.0.0", "pre"), gh("1.0.0")})
	if len(got.Releases) != 1 || got.Releases[0].Tag.Value != "1.0.0" || got.Releases[0].Version.Value != "1.0.0" {
		t.Errorf("History(v1.0.0 pre-release, 1.0.0) kept %+v, want the full release 1.0.0", got.Releases)
	}
	if len(skipped) != 1 || skipped[0].Tag != "v1.0.0" {
		t.Errorf("History(v1.0.0 pre-release, 1.0.0) skipped %v, want v1.0.0", skipped)
	}
}

func TestHistoryEmpty(t *testing.T) {
	got, skipped := History("mymodule", []Release{gh("latest")})
	if len(got.Releases) != 0 || got.SupportedBranches.Set || len(skipped) != 1 {
		t.Errorf("History(latest) = %+v, skipped %v; want no releases, no supported_branches, one skipped", got, skipped)
	}
}

// TestHistoryStatus runs Drupal's modern update-status algorithm over
// built histories: they must read as drupal.org feeds would.
func TestHistoryStatus(t *testing.T) {
	for _, tc := range []struct {
		name      string
		releases  []Release // in the API's order
		installed string
		want      string
	}{
		{"installed older than the newest stable",
			[]Release{gh("v1.2.0"), gh("v1.1.0"), gh("v1.0.0")}, "1.1.0",
			"NOT_CURRENT rec=1.2.0 latest=1.2.0"},
		{"installed the newest",
			[]Release{gh("v1.2.0"), gh("v1.1.0")}, "1.2.0",
			"CURRENT rec=1.2.0 latest=1.2.0"},
		{"only a newer pre-release",
			[]Release{gh("1.3.0-beta1", "pre"), gh("1.2.0")}, "1.2.0",
			"CURRENT rec=1.2.0 latest=1.3.0-beta1"},
		{"only a newer GitHub pre-release with a stable-looking tag",
			[]Release{gh("1.3.0", "pre"), gh("1.2.0")}, "1.2.0",
			"CURRENT rec=1.2.0 latest=1.3.0"},
		{"a stable-looking pre-release is not recommended to older installs",
			[]Release{gh("1.3.0", "pre"), gh("1.2.0"), gh("1.1.0")}, "1.1.0",
			"NOT_CURRENT rec=1.2.0 latest=1.3.0"},
		{"a stable-looking pre-release installed is current",
			[]Release{gh("1.3.0", "pre"), gh("1.2.0")}, "1.3.0",
			"CURRENT rec=1.3.0 latest=1.3.0"},
		{"only pre-releases: the newest is recommended",
			[]Release{gh("1.0.0-beta2", "pre"), gh("1.0.0-beta1", "pre")}, "1.0.0-beta1",
			"NOT_CURRENT rec=1.0.0-beta2 latest=1.0.0-beta2"},
		{"a security release above the installed one",
			[]Release{gh("1.2.1", "sec"), gh("1.2.0"), gh("1.1.0")}, "1.2.0",
			"NOT_SECURE rec=1.2.1 latest=1.2.1 sec=1.2.1"},
		{"an older security release is superseded",
			[]Release{gh("1.3.0"), gh("1.2.1", "sec"), gh("1.2.0")}, "1.2.1",
			"NOT_CURRENT rec=1.3.0 latest=1.3.0"},
		// Drupal keeps the installed release as the recommendation when no
		// newer stable exists, insecure or not.
		{"a newer security pre-release leaves older stables insecure",
			[]Release{gh("1.3.0-rc1", "pre", "sec"), gh("1.2.0")}, "1.2.0",
			"NOT_SECURE rec=1.2.0 latest=1.3.0-rc1 sec=1.3.0-rc1"},
		{"a security release of another major leaves the installed one alone",
			[]Release{gh("2.0.1", "sec"), gh("2.0.0"), gh("1.5.0")}, "1.5.0",
			"CURRENT rec=1.5.0 latest=1.5.0 also=2:2.0.1"},
		{"an older major stays supported, the newer also available",
			[]Release{gh("2.0.0"), gh("1.5.0"), gh("1.4.0")}, "1.4.0",
			"NOT_CURRENT rec=1.5.0 latest=1.5.0 also=2:2.0.0"},
		{"legacy tags",
			[]Release{gh("8.x-1.3"), gh("8.x-1.2")}, "8.x-1.2",
			"NOT_CURRENT rec=8.x-1.3 latest=8.x-1.3"},
		{"the API's order does not matter",
			[]Release{gh("1.1.0"), gh("1.2.1", "sec"), gh("1.0.0"), gh("1.2.0")}, "1.1.0",
			"NOT_SECURE rec=1.2.1 latest=1.2.1 sec=1.2.1"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			h, _ := History("mymodule", tc.releases)
			p := status.Platform{Algorithm: status.AlgorithmModern, Projects: []status.Installed{
				{Name: "mymodule", Type: "module", Version: tc.installed, HasVersion: true},
			}}
			p.Prepare()
			ev := &status.Evaluator{Now: func() time.Time { return t0 }}
			rep := ev.Evaluate(p, map[string]status.Data{"mymodule": {Feed: status.Prepare(h), State: status.Fetched}})
			if got := summarize(rep.Projects[0]); got != tc.want {
				var tags []string
				for _, r := range tc.releases {
					tags = append(tags, r.Tag)
				}
				t.Errorf("Evaluate(installed %s, History(%s)) = %s, want %s", tc.installed, strings.Join(tags, " "), got, tc.want)
			}
		})
	}
}

// summarize renders what a status case pins, on one line.
func summarize(r status.Result) string {
	var b strings.Builder
	b.WriteString(r.Status.String())
	for _, f := range []struct{ name, v string }{{"rec", r.Recommended}, {"latest", r.LatestVersion}} {
		if f.v != "" {
			fmt.Fprintf(&b, " %s=%s", f.name, f.v)
		}
	}
	if len(r.SecurityUpdates) > 0 {
		fmt.Fprintf(&b, " sec=%s", strings.Join(r.SecurityUpdates, ","))
	}
	for _, a := range r.Also {
		fmt.Fprintf(&b, " also=%s:%s", a.Major, a.Version)
	}
	return b.String()
}
