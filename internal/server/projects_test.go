package server

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/drupdate/drupdate/internal/drupal"
	"github.com/drupdate/drupdate/internal/watch"
	"github.com/google/go-cmp/cmp"
)

func TestGetProject(t *testing.T) {
	st := openStore(t)
	views := watch.HistoryRecord{
		Project: "views", Category: "7.x", State: watch.StateOK,
		Body:         []byte("<project><title>Views</title></project>"),
		ETag:         `"5f3-abc"`,
		LastModified: "Sun, 01 Jun 2025 10:00:00 GMT",
		FetchedAt:    t0.Add(-time.Hour), ChangedAt: t0.Add(-48 * time.Hour), NextPollAt: t0.Add(time.Hour), PolledAt: t0.Add(-time.Minute),
		LastError: "GET https://updates.drupal.org/release-history/views/7.x: 503", LastErrorAt: t0.Add(-2 * time.Hour),
		Failures: 0,
		Summary: &watch.Summary{Title: "Views", ProjectStatus: "published", SupportedBranches: "7.x-3.", Releases: 42,
			Newest: []string{"7.x-3.29"}, SecurityReleases: []string{"7.x-3.29"}},
	}
	// Never fetched, failing.
	tokenCurrent := watch.HistoryRecord{Project: "token", Category: "current", State: watch.StateNotFetched,
		NextPollAt: t0.Add(-time.Minute), LastError: "timeout", LastErrorAt: t0.Add(-time.Minute), Failures: 3}
	put(t, st, watch.BucketHistories, map[string]watch.HistoryRecord{
		watch.FeedKey("7.x", "views"):      views,
		watch.FeedKey("current", "token"):  tokenCurrent,
		watch.FeedKey("current", "tokens"): {Project: "tokens", Category: "current", State: watch.StateOK},
	})
	putPlatforms(t, st,
		platform("legacy", nil, map[string]drupal.Status{"views": drupal.NotSecure, "drupal": drupal.Current}),
		platform("d10-a", nil, map[string]drupal.Status{"token": drupal.NotFetched, "drupal": drupal.NotSecure}),
		platform("d10-b", nil, map[string]drupal.Status{"token": drupal.NotFetched, "drupal": drupal.Current}),
		// Installed but custom: no feed, yet a project of a platform.
		platform("d10-c", nil, map[string]drupal.Status{"my_custom": drupal.NotChecked}),
	)
	s, _ := newServer(t, Config{}, st)

	for _, tc := range []struct {
		name string
		want Project
	}{
		{"views", Project{Name: "views",
			Feeds: map[string]Feed{"7.x": {
				State: "ok", FetchedAt: views.FetchedAt, ChangedAt: views.ChangedAt, NextPollAt: views.NextPollAt, PolledAt: views.PolledAt,
				HasETag: true, LastModified: views.LastModified, LastError: views.LastError, LastErrorAt: views.LastErrorAt,
				BodyBytes: len(views.Body), Summary: views.Summary,
			}},
			Platforms: []ProjectPlatform{{"legacy", "NOT_SECURE"}},
		}},
		{"token", Project{Name: "token",
			Feeds: map[string]Feed{"current": {State: "not_fetched", NextPollAt: tokenCurrent.NextPollAt,
				LastError: "timeout", LastErrorAt: tokenCurrent.LastErrorAt, Failures: 3}},
			Platforms: []ProjectPlatform{{"d10-a", "NOT_FETCHED"}, {"d10-b", "NOT_FETCHED"}},
		}},
		{"drupal", Project{Name: "drupal", Feeds: map[string]Feed{},
			Platforms: []ProjectPlatform{{"d10-a", "NOT_SECURE"}, {"d10-b", "CURRENT"}, {"legacy", "CURRENT"}}}},
		{"my_custom", Project{Name: "my_custom", Feeds: map[string]Feed{}, Platforms: []ProjectPlatform{{"d10-c", "NOT_CHECKED"}}}},
		{"tokens", Project{Name: "tokens", Feeds: map[string]Feed{"current": {State: "ok"}}, Platforms: []ProjectPlatform{}}},
	} {
		target := "/v1/projects/" + tc.name
		w := get(s.Handler(), "GET", target)
		if w.Code != http.StatusOK {
			t.Errorf("GET %s = %d %s, want 200", target, w.Code, w.Body)
			continue
		}
		if diff := cmp.Diff(tc.want, decode[Project](t, w)); diff != "" {
			t.Errorf("GET %s: (-want +got)\n%s", target, diff)
		}
		if strings.Contains(w.Body.String(), "body\"") || strings.Contains(w.Body.String(), `5f3-abc`) {
			t.Errorf("GET %s shows the body or the ETag's value: %s", target, w.Body)
		}
	}

	for _, tc := range []struct {
		target string
		code   int
	}{
		{"/v1/projects/unknown", http.StatusNotFound},
		{"/v1/projects/" + strings.Repeat("a", 128), http.StatusNotFound},
		{"/v1/projects/" + strings.Repeat("a", 129), http.StatusBadRequest},
		{"/v1/projects/a%20b", http.StatusBadRequest},
		{"/v1/projects/views%2Fx", http.StatusBadRequest},
		{"/v1/projects/vi$ews", http.StatusBadRequest},
		{"/v1/projects/drupal.org-x_1", http.StatusNotFound},
		{"/v1/projects/views?x=1", http.StatusBadRequest},
	} {
		w := get(s.Handler(), "GET", tc.target)
		if w.Code != tc.code {
			t.Errorf("GET %s = %d %s, want %d", tc.target, w.Code, w.Body, tc.code)
		}
		if e := decode[errorBody](t, w); e.Error == "" {
			t.Errorf("GET %s: no error message in %s", tc.target, w.Body)
		}
	}
}

// TestHistoryHeadMatchesRecord checks that historyHead reads the fields
// watch.HistoryRecord writes.
func TestHistoryHeadMatchesRecord(t *testing.T) {
	rec := watch.HistoryRecord{
		Project: "p", Category: "current", State: watch.StateNoData, Body: make([]byte, 1001),
		ETag: "e", LastModified: "lm", FetchedAt: t0, ChangedAt: t0.Add(1), NextPollAt: t0.Add(2), PolledAt: t0.Add(5),
		LastError: "err", LastErrorAt: t0.Add(3), Failures: 4, Summary: &watch.Summary{Title: "P", Releases: 1},
	}
	data, err := json.Marshal(rec)
	if err != nil {
		t.Fatal(err)
	}
	h, err := decodeHistory(data)
	if err != nil {
		t.Fatal(err)
	}
	want := Feed{State: rec.State, FetchedAt: rec.FetchedAt, ChangedAt: rec.ChangedAt, NextPollAt: rec.NextPollAt, PolledAt: rec.PolledAt,
		HasETag: true, LastModified: rec.LastModified, LastError: rec.LastError, LastErrorAt: rec.LastErrorAt,
		Failures: rec.Failures, BodyBytes: 1001, Summary: rec.Summary}
	if diff := cmp.Diff(want, h.feed()); diff != "" {
		t.Errorf("feed of a HistoryRecord: (-want +got)\n%s", diff)
	}
	for n := range 7 {
		b, _ := json.Marshal(make([]byte, n))
		if got := base64Len(b); got != n {
			t.Errorf("base64Len(%s) = %d, want %d", b, got, n)
		}
	}
}
