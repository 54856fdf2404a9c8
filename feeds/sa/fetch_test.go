package sa

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/drupdate/drupdate/feeds"
)

// fetchers runs the same HTTP cases over FetchFeed and FetchPSA; fetch
// returns how many entries the parsed document had, or -1 for none.
var fetchers = []struct {
	name, fixture string
	max           int
	fetch         func(context.Context, feeds.Getter, feeds.URLRequest) (int, feeds.Response, error)
}{
	{"FetchFeed", "testdata/contrib.rss.xml", MaxFeedSize, func(ctx context.Context, g feeds.Getter, r feeds.URLRequest) (int, feeds.Response, error) {
		f, resp, err := FetchFeed(ctx, g, r)
		if f == nil {
			return -1, resp, err
		}
		return len(f.Items), resp, err
	}},
	{"FetchPSA", "testdata/psa.json", MaxPSASize, func(ctx context.Context, g feeds.Getter, r feeds.URLRequest) (int, feeds.Response, error) {
		f, resp, err := FetchPSA(ctx, g, r)
		if f == nil {
			return -1, resp, err
		}
		return len(f.Advisories), resp, err
	}},
}

func TestFetch(t *testing.T) {
	for _, fx := range fetchers {
		t.Run(fx.name, func(t *testing.T) {
			doc, err := os.ReadFile(fx.fixture)
			if err != nil {
				t.Fatal(err)
			}
			var body []byte
			status := http.StatusOK
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				if r.Header.Get("Accept") == "" {
					t.Errorf("%s sent no Accept header", fx.name)
				}
				w.Header().Set("ETag", `"v1"`)
				if r.Header.Get("If-None-Match") == `"v1"` {
					w.WriteHeader(http.StatusNotModified)
					return
				}
				w.WriteHeader(status)
				w.Write(body)
			}))
			defer srv.Close()
			ctx := context.Background()

			body = doc
			n, resp, err := fx.fetch(ctx, feeds.Getter{}, feeds.URLRequest{URL: srv.URL})
			if err != nil || n <= 0 || resp.ETag != `"v1"` || resp.NotModified {
				t.Errorf("%s(200) = %d entries, %+v, %v; want entries and ETag \"v1\"", fx.name, n, resp.ETag, err)
			}

			n, resp, err = fx.fetch(ctx, feeds.Getter{}, feeds.URLRequest{URL: srv.URL, ETag: `"v1"`})
			if err != nil || n != -1 || !resp.NotModified {
				t.Errorf("%s(304) = %d, NotModified %v, %v; want nothing, NotModified", fx.name, n, resp.NotModified, err)
			}

			status, body = http.StatusInternalServerError, []byte("oops")
			_, _, err = fx.fetch(ctx, feeds.Getter{}, feeds.URLRequest{URL: srv.URL})
			var fe *feeds.FetchError
			if !errors.As(err, &fe) || fe.StatusCode != 500 || !fe.Transient() {
				t.Errorf("%s(500) error = %v, want a transient *feeds.FetchError with status 500", fx.name, err)
			}

			// The Getter's own cap (16 MiB by default) is lowered to the
			// format's, so an oversized body fails while it is read.
			status, body = http.StatusOK, make([]byte, fx.max+1)
			_, _, err = fx.fetch(ctx, feeds.Getter{}, feeds.URLRequest{URL: srv.URL})
			if !errors.As(err, &fe) || !strings.Contains(err.Error(), fmt.Sprintf("cap of %d bytes", fx.max)) {
				t.Errorf("%s(oversized) error = %v, want a *feeds.FetchError for the cap of %d", fx.name, err, fx.max)
			}

			// A document that does not parse is named by its redacted URL,
			// and its validators are not returned for reuse.
			body = []byte("<html>maintenance</html>")
			u := strings.Replace(srv.URL, "http://", "http://user:secret@", 1) + "/feed?token=secret"
			n, resp, err = fx.fetch(ctx, feeds.Getter{}, feeds.URLRequest{URL: u})
			var pe *ParseError
			if !errors.As(err, &pe) || strings.Contains(err.Error(), "secret") || !strings.Contains(pe.Source, "REDACTED") || n != -1 || resp.ETag != "" {
				t.Errorf("%s(not a document) = %d, %+v, %v; want a *ParseError naming the redacted URL and no validators", fx.name, n, resp, err)
			}
		})
	}
}

func TestFetchComposer(t *testing.T) {
	var requests atomic.Int32
	var fail atomic.Value // the first package of a batch to fail
	fail.Store("")
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		requests.Add(1)
		asked := r.URL.Query()["packages[]"]
		if r.URL.Path != "/8/security-advisories" || len(asked) == 0 {
			t.Errorf("request %s", r.URL)
		}
		if asked[0] == fail.Load() {
			w.WriteHeader(http.StatusBadGateway)
			return
		}
		advs := map[string][]map[string]string{}
		for _, name := range asked {
			advs[name] = []map[string]string{{"advisoryId": "SA-" + name, "affectedVersions": "<1.0.0"}}
		}
		// Servers may answer for more than was asked; Composer ignores it.
		advs["drupal/unasked"] = []map[string]string{}
		json.NewEncoder(w).Encode(map[string]any{"advisories": advs})
	}))
	defer srv.Close()
	api := srv.URL + "/8/security-advisories"

	var names []string
	for i := range 300 {
		names = append(names, fmt.Sprintf("drupal/module_%06d", i))
	}
	c, err := FetchComposer(context.Background(), feeds.Getter{}, api, names)
	if err != nil {
		t.Fatal(err)
	}
	if requests.Load() < 2 || len(c.Advisories) != 300 {
		t.Errorf("FetchComposer(300 names) = %d packages in %d requests; want 300 in several", len(c.Advisories), requests.Load())
	}
	for _, name := range names {
		if a := c.Advisories[name]; len(a) != 1 || a[0].AdvisoryID != "SA-"+name || a[0].PackageName != name {
			t.Errorf("Advisories[%s] = %+v", name, a)
		}
	}
	if len(c.Warnings) != int(requests.Load()) || !strings.Contains(c.Warnings[0].Error(), `"drupal/unasked": answered in batch 1 of`) {
		t.Errorf("Warnings = %q, want one per batch for drupal/unasked", warningTexts(c.Warnings))
	}

	// A failed batch fails the fetch, saying which batch.
	urls, _ := ComposerURLs(api, names)
	fail.Store("drupal/module_" + strings.SplitN(strings.SplitN(urls[1], "module_", 2)[1], "&", 2)[0])
	_, err = FetchComposer(context.Background(), feeds.Getter{}, api, names)
	var fe *feeds.FetchError
	if !errors.As(err, &fe) || fe.StatusCode != http.StatusBadGateway || !strings.Contains(err.Error(), "batch 2 of") {
		t.Errorf("FetchComposer(502 on batch 2) error = %v, want a *feeds.FetchError for batch 2", err)
	}

	if c, err := FetchComposer(context.Background(), feeds.Getter{}, api, nil); err != nil || len(c.Advisories) != 0 {
		t.Errorf("FetchComposer(no packages) = %+v, %v", c, err)
	}
	if _, err := FetchComposer(context.Background(), feeds.Getter{}, api, []string{"Not A Name"}); err == nil {
		t.Error("FetchComposer(invalid name) succeeded")
	}
}

// TestFetchComposerResponses covers answers that are not usable.
func TestFetchComposerResponses(t *testing.T) {
	for _, tc := range []struct {
		name   string
		status int
		body   []byte
		want   string
	}{
		// The API is asked unconditionally, so a 304 is a failure.
		{"unasked 304", http.StatusNotModified, nil, "304"},
		{"oversized", http.StatusOK, make([]byte, MaxComposerSize+1), "cap of 8388608 bytes"},
		{"not JSON", http.StatusOK, []byte("<html>"), "parse composer advisories"},
		{"empty", http.StatusOK, nil, "empty"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				w.WriteHeader(tc.status)
				w.Write(tc.body)
			}))
			defer srv.Close()
			_, err := FetchComposer(context.Background(), feeds.Getter{}, srv.URL, []string{"drupal/core"})
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("FetchComposer(%s) error = %v, want one containing %q", tc.name, err, tc.want)
			}
		})
	}
}
