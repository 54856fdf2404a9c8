package server

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/drupdate/drupdate/internal/drupal"
	"github.com/drupdate/drupdate/internal/watch"
	"github.com/google/go-cmp/cmp"
)

func TestListPlatforms(t *testing.T) {
	st := openStore(t)
	prod := platform("prod-d10", []string{"production", "client-a"}, map[string]drupal.Status{
		"drupal": drupal.NotSecure, "views": drupal.NotSecure, "token": drupal.Current, "ctools": drupal.NotCurrent,
	})
	legacy := platform("legacy", []string{"production"}, map[string]drupal.Status{
		"drupal": drupal.NotFetched, "date": drupal.Current,
	})
	// Scanned but not evaluated, and without tags.
	fresh := watch.PlatformRecord{Name: "fresh", Path: "/srv/fresh", ScannedAt: t0}
	// Whose scan failed.
	broken := watch.PlatformRecord{Name: "broken", Path: "/srv/broken", ScannedAt: t0, ScanError: "open /srv/broken: no such file or directory"}
	putPlatforms(t, st, prod, legacy, fresh, broken)
	s, _ := newServer(t, Config{}, st)

	prodSum := PlatformSummary{
		Name: "prod-d10", Path: prod.Path, Tags: []string{"production", "client-a"},
		ScannedAt: prod.ScannedAt, EvaluatedAt: prod.EvaluatedAt,
		Counts: map[string]int{"NOT_SECURE": 2, "CURRENT": 1, "NOT_CURRENT": 1},
		Worst:  "NOT_SECURE", Insecure: []string{"drupal", "views"},
	}
	legacySum := PlatformSummary{
		Name: "legacy", Path: legacy.Path, Tags: []string{"production"},
		ScannedAt: legacy.ScannedAt, EvaluatedAt: legacy.EvaluatedAt,
		// Drupal's order puts CURRENT before the negative statuses.
		Counts: map[string]int{"NOT_FETCHED": 1, "CURRENT": 1}, Worst: "CURRENT", Insecure: []string{},
	}
	freshSum := PlatformSummary{Name: "fresh", Path: "/srv/fresh", Tags: []string{}, ScannedAt: t0, Counts: map[string]int{}, Insecure: []string{}}
	brokenSum := PlatformSummary{Name: "broken", Path: "/srv/broken", Tags: []string{}, ScannedAt: t0, ScanError: broken.ScanError, Counts: map[string]int{}, Insecure: []string{}}

	type list struct {
		Platforms []PlatformSummary `json:"platforms"`
		Next      string            `json:"next"`
	}
	for _, tc := range []struct {
		target string
		want   list
	}{
		{"/v1/platforms", list{Platforms: []PlatformSummary{brokenSum, freshSum, legacySum, prodSum}}},
		{"/v1/platforms?tag=production", list{Platforms: []PlatformSummary{legacySum, prodSum}}},
		// Every tag must match.
		{"/v1/platforms?tag=production&tag=client-a", list{Platforms: []PlatformSummary{prodSum}}},
		{"/v1/platforms?tag=staging", list{Platforms: []PlatformSummary{}}},
		// A full page says where the next starts; a short one does not.
		{"/v1/platforms?limit=2", list{Platforms: []PlatformSummary{brokenSum, freshSum}, Next: "fresh"}},
		{"/v1/platforms?limit=2&after=fresh", list{Platforms: []PlatformSummary{legacySum, prodSum}, Next: "prod-d10"}},
		{"/v1/platforms?limit=2&after=prod-d10", list{Platforms: []PlatformSummary{}}},
		{"/v1/platforms?after=g&tag=production&limit=5", list{Platforms: []PlatformSummary{legacySum, prodSum}}},
	} {
		w := get(s.Handler(), "GET", tc.target)
		if w.Code != http.StatusOK {
			t.Errorf("GET %s = %d %s, want 200", tc.target, w.Code, w.Body)
			continue
		}
		got := decode[list](t, w)
		if diff := cmp.Diff(tc.want, got); diff != "" {
			t.Errorf("GET %s: (-want +got)\n%s", tc.target, diff)
		}
	}

	// The listing has every key, even empty.
	w := get(s.Handler(), "GET", "/v1/platforms?tag=production&limit=1")
	want := `{"platforms":[{"name":"legacy","path":"/var/aegir/platforms/legacy","tags":["production"],` +
		`"scanned_at":"2025-06-01T10:00:00Z","evaluated_at":"2025-06-01T11:00:00Z","counts":{"CURRENT":1,"NOT_FETCHED":1},` +
		`"worst":"CURRENT","insecure":[]}],"next":"legacy"}` + "\n"
	if got := w.Body.String(); got != want {
		t.Errorf("GET /v1/platforms?tag=production&limit=1 =\n%s\nwant\n%s", got, want)
	}
}

func TestListPlatformsPaging(t *testing.T) {
	st := openStore(t)
	var recs []watch.PlatformRecord
	for i := range 250 {
		tags := []string{"all"}
		if i%3 == 0 {
			tags = append(tags, "third")
		}
		recs = append(recs, platform(fmt.Sprintf("p%03d", i), tags, map[string]drupal.Status{"drupal": drupal.Current}))
	}
	putPlatforms(t, st, recs...)
	s, _ := newServer(t, Config{}, st)

	names := func(target string) ([]string, string) {
		t.Helper()
		w := get(s.Handler(), "GET", target)
		if w.Code != http.StatusOK {
			t.Fatalf("GET %s = %d %s, want 200", target, w.Code, w.Body)
		}
		var got struct {
			Platforms []PlatformSummary `json:"platforms"`
			Next      string            `json:"next"`
		}
		if err := json.Unmarshal(w.Body.Bytes(), &got); err != nil {
			t.Fatalf("GET %s: %v", target, err)
		}
		var out []string
		for _, p := range got.Platforms {
			out = append(out, p.Name)
		}
		return out, got.Next
	}
	want := func(step int) []string {
		var out []string
		for i := 0; i < 250; i += step {
			out = append(out, fmt.Sprintf("p%03d", i))
		}
		return out
	}

	// The whole list crosses three store pages.
	if got, next := names("/v1/platforms"); !cmp.Equal(got, want(1)) || next != "" {
		t.Errorf("GET /v1/platforms = %d names, next %q; want the 250 in order: %v", len(got), next, got)
	}
	if got, _ := names("/v1/platforms?tag=third"); !cmp.Equal(got, want(3)) {
		t.Errorf("GET /v1/platforms?tag=third = %v, want %v", got, want(3))
	}
	// A client paging 100 at a time sees each platform once.
	var all []string
	for after, pages := "", 0; ; pages++ {
		if pages > 3 {
			t.Fatal("paging did not end after 4 pages")
		}
		got, next := names("/v1/platforms?limit=100&after=" + after)
		all = append(all, got...)
		if next == "" {
			break
		}
		after = next
	}
	if !cmp.Equal(all, want(1)) {
		t.Errorf("paging with limit=100 gave %d names, want the 250 in order", len(all))
	}
}

func TestGetPlatform(t *testing.T) {
	st := openStore(t)
	prod := platform("prod-d10", nil, map[string]drupal.Status{"drupal": drupal.NotSecure})
	fresh := watch.PlatformRecord{Name: "fresh", Path: "/srv/fresh", ScannedAt: t0}
	broken := watch.PlatformRecord{Name: "broken", Path: "/srv/broken", ScannedAt: t0, ScanError: "no core found"}
	odd := platform("client a/b ü", nil, map[string]drupal.Status{"token": drupal.Current})
	putPlatforms(t, st, prod, fresh, broken, odd)
	s, _ := newServer(t, Config{}, st)
	h := s.Handler()

	w := get(h, "GET", "/v1/platforms/prod-d10")
	if w.Code != http.StatusOK || w.Body.String() != string(prod.Report) {
		t.Fatalf("GET /v1/platforms/prod-d10 = %d %s, want 200 and the stored report %s", w.Code, w.Body, prod.Report)
	}
	tag := w.Header().Get("ETag")
	if !strings.HasPrefix(tag, `"`) || len(tag) < 10 {
		t.Fatalf("GET /v1/platforms/prod-d10: ETag = %q, want a strong entity tag", tag)
	}
	if ct := w.Header().Get("Content-Type"); ct != "application/json" {
		t.Errorf("GET /v1/platforms/prod-d10: Content-Type = %q, want application/json", ct)
	}
	if got := get(h, "GET", "/v1/platforms/prod-d10").Header().Get("ETag"); got != tag {
		t.Errorf("ETag changed between two answers of the same report: %q, then %q", tag, got)
	}

	for _, tc := range []struct {
		method, target, ifNoneMatch string
		code                        int
	}{
		{"GET", "/v1/platforms/prod-d10", tag, http.StatusNotModified},
		{"HEAD", "/v1/platforms/prod-d10", tag, http.StatusNotModified},
		{"GET", "/v1/platforms/prod-d10", "W/" + tag, http.StatusNotModified},
		{"GET", "/v1/platforms/prod-d10", `"other", ` + tag, http.StatusNotModified},
		{"GET", "/v1/platforms/prod-d10", "*", http.StatusNotModified},
		{"GET", "/v1/platforms/prod-d10", `"other"`, http.StatusOK},
		{"HEAD", "/v1/platforms/prod-d10", "", http.StatusOK},
		// A name is one path segment, percent-encoded as needed.
		{"GET", "/v1/platforms/client%20a%2Fb%20%C3%BC", "", http.StatusOK},
		{"GET", "/v1/platforms/unknown", "", http.StatusNotFound},
		{"GET", "/v1/platforms/fresh", "", http.StatusServiceUnavailable},
		{"GET", "/v1/platforms/broken", "", http.StatusServiceUnavailable},
		{"GET", "/v1/platforms/bad%00name", "", http.StatusBadRequest},
		{"GET", "/v1/platforms/" + strings.Repeat("x", 1025), "", http.StatusBadRequest},
		{"GET", "/v1/platforms/prod-d10?pretty=1", "", http.StatusBadRequest},
		// No name: not an endpoint.
		{"GET", "/v1/platforms/", "", http.StatusNotFound},
	} {
		w := get(h, tc.method, tc.target, "If-None-Match", tc.ifNoneMatch)
		if w.Code != tc.code {
			t.Errorf("%s %s (If-None-Match: %s) = %d %s, want %d", tc.method, tc.target, tc.ifNoneMatch, w.Code, w.Body, tc.code)
		}
		if w.Code == http.StatusNotModified && (w.Body.Len() != 0 || w.Header().Get("ETag") != tag) {
			t.Errorf("%s %s (If-None-Match: %s) = 304 with body %q and ETag %q, want no body and ETag %s",
				tc.method, tc.target, tc.ifNoneMatch, w.Body, w.Header().Get("ETag"), tag)
		}
	}

	// 404 and 503 say why, in JSON.
	if got := decode[errorBody](t, get(h, "GET", "/v1/platforms/unknown")); got.Error != `platform "unknown" not found` {
		t.Errorf("GET /v1/platforms/unknown: error %q", got.Error)
	}
	got := decode[notEvaluated](t, get(h, "GET", "/v1/platforms/broken"))
	want := notEvaluated{Error: `platform "broken" has not been evaluated yet; its last scan failed`, ScannedAt: t0, ScanError: "no core found"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("GET /v1/platforms/broken: (-want +got)\n%s", diff)
	}
}

func TestNoneMatch(t *testing.T) {
	const tag = `"abc"`
	for _, tc := range []struct {
		header string
		want   bool
	}{
		{"", false},
		{`"abc"`, true},
		{`W/"abc"`, true},
		{`"x", "abc"`, true},
		{`"x",W/"abc"`, true},
		{`*`, true},
		{`"ab"`, false},
		{`"abcd"`, false},
		{`abc`, false},
		{`"abc`, false},
		{`"x", bad, "abc"`, false},
	} {
		if got := noneMatch(tc.header, tag); got != tc.want {
			t.Errorf("noneMatch(%q, %q) = %v, want %v", tc.header, tag, got, tc.want)
		}
	}
}

// TestPlatformHeadMatchesRecord checks that the partial decodings of a
// platform record read the fields watch.PlatformRecord writes.
func TestPlatformHeadMatchesRecord(t *testing.T) {
	rec := platform("p", []string{"a", "b"}, map[string]drupal.Status{"drupal": drupal.NotSecure, "views": drupal.Current})
	rec.ScanError = "partial scan"
	data, err := json.Marshal(rec)
	if err != nil {
		t.Fatal(err)
	}
	head, err := decodeHead(storeKV("p", string(data)))
	if err != nil {
		t.Fatal(err)
	}
	wantHead := platformHead{
		Name: rec.Name, Path: rec.Path, Tags: rec.Tags, ScannedAt: rec.ScannedAt, ScanError: rec.ScanError,
		EvaluatedAt: rec.EvaluatedAt, Statuses: []byte(`{"drupal":"NOT_SECURE","views":"CURRENT"}`),
	}
	if diff := cmp.Diff(&wantHead, head); diff != "" {
		t.Errorf("platformHead of a PlatformRecord: (-want +got)\n%s", diff)
	}
	rep, err := decodeReport(data)
	if err != nil {
		t.Fatal(err)
	}
	wantRep := platformReport{ScannedAt: rec.ScannedAt, ScanError: rec.ScanError, EvaluatedAt: rec.EvaluatedAt, Report: rec.Report}
	if diff := cmp.Diff(wantRep, rep); diff != "" {
		t.Errorf("platformReport of a PlatformRecord: (-want +got)\n%s", diff)
	}
}

func TestSummarizeUnknownStatus(t *testing.T) {
	// A status newer than this code ranks after the known ones and does
	// not make the record unreadable.
	kv := storeKV("p", `{"name":"p","statuses":{"a":"SOMETHING_NEW","b":"NOT_CURRENT"}}`)
	got, err := summarize(kv)
	if err != nil {
		t.Fatalf("summarize(%s): %v", kv.Value, err)
	}
	if got.Worst != "NOT_CURRENT" || got.Counts["SOMETHING_NEW"] != 1 {
		t.Errorf("summarize(%s) = worst %q, counts %v; want NOT_CURRENT and SOMETHING_NEW counted", kv.Value, got.Worst, got.Counts)
	}
	// Keys and statuses with escapes are read as encoding/json reads them.
	kv = storeKV("p", `{"statuses":{"a\u0062":"NOT_SECURE","c":"NOT\u005fSECURE","\u00e9t\u00e9":"NOT_SECURE"}}`)
	got, err = summarize(kv)
	if want := []string{"ab", "c", "été"}; err != nil || !cmp.Equal(got.Insecure, want) || got.Counts["NOT_SECURE"] != 3 {
		t.Errorf("summarize(%s) = insecure %q, counts %v, %v; want %q, 3 NOT_SECURE", kv.Value, got.Insecure, got.Counts, err, want)
	}
	for _, v := range []string{`{"statuses":{"a":1}}`, `{"statuses":["a"]}`} {
		kv = storeKV("p", v)
		if got, _ := summarize(kv); got.Error == "" {
			t.Errorf("summarize(%s) = %+v, want an error in the summary", kv.Value, got)
		}
	}
	kv = storeKV("q", `{"name":`)
	if got, err := summarize(kv); err == nil || got.Error == "" || got.Name != "q" {
		t.Errorf("summarize(%s) = %+v, %v; want an error and a summary saying the record is unreadable", kv.Value, got, err)
	}
}

func TestUnreadablePlatformListed(t *testing.T) {
	st := openStore(t)
	putPlatforms(t, st, platform("a", nil, nil))
	b := map[string]json.RawMessage{"b": json.RawMessage(`[1,2]`)}
	put(t, st, watch.BucketPlatforms, b)
	s, logs := newServer(t, Config{}, st)
	w := get(s.Handler(), "GET", "/v1/platforms")
	got := decode[struct{ Platforms []PlatformSummary }](t, w)
	if w.Code != http.StatusOK || len(got.Platforms) != 2 || got.Platforms[1].Error == "" {
		t.Errorf("GET /v1/platforms with an unreadable record = %d %s, want both listed, the second with an error", w.Code, w.Body)
	}
	if !strings.Contains(logs.String(), "unreadable platform record") {
		t.Errorf("no log line about the unreadable record:\n%s", logs)
	}
}
