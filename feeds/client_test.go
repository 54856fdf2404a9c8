package feeds

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// views is a real captured feed.
func views(t testing.TB) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(capturesDir, "legacy-7.x-allgood2386-2014-08-11", "views", "7.x.xml"))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func newHTTP(t *testing.T, h http.HandlerFunc, opts ...Option) (*Client, *httptest.Server) {
	t.Helper()
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	c, err := NewHTTP(srv.URL+"/release-history", opts...)
	if err != nil {
		t.Fatal(err)
	}
	return c, srv
}

func TestHTTPHistory(t *testing.T) {
	body := views(t)
	var got *http.Request
	c, _ := newHTTP(t, func(w http.ResponseWriter, r *http.Request) {
		got = r
		w.Write(body)
	})
	h, err := c.History(context.Background(), "views", "7.x")
	if err != nil {
		t.Fatalf("History(views, 7.x): %v", err)
	}
	if h.ShortName != "views" || len(h.Releases) == 0 {
		t.Errorf("History(views, 7.x) = %q with %d releases, want views with some", h.ShortName, len(h.Releases))
	}
	if got.URL.Path != "/release-history/views/7.x" {
		t.Errorf("History(views, 7.x) requested %s, want /release-history/views/7.x", got.URL.Path)
	}
	if a := got.Header.Get("Accept"); a != "text/xml" {
		t.Errorf("Accept header = %q, want text/xml", a)
	}
	if ua := got.Header.Get("User-Agent"); ua != "drupdate" {
		t.Errorf("User-Agent header = %q, want drupdate", ua)
	}
}

// TestHTTPFailures checks which answers are fetch failures (Drupal's
// NOT_FETCHED) and which are parse failures (UNKNOWN).
func TestHTTPFailures(t *testing.T) {
	for _, tt := range []struct {
		name    string
		handler http.HandlerFunc
		opts    []Option
		status  int    // the FetchError's StatusCode, or -1 for a ParseError
		msg     string // part of the error message
		wrapped error  // wrapped by the error, if not nil
	}{
		{name: "404", handler: func(w http.ResponseWriter, r *http.Request) { http.NotFound(w, r) }, status: 404, msg: "404 Not Found"},
		{name: "500", handler: func(w http.ResponseWriter, r *http.Request) { http.Error(w, "oops", 500) }, status: 500, msg: "500 Internal Server Error"},
		{name: "empty body", handler: func(w http.ResponseWriter, r *http.Request) {}, msg: "empty body", wrapped: errEmptyBody},
		{name: "over the cap", handler: func(w http.ResponseWriter, r *http.Request) { w.Write(make([]byte, 101)) },
			opts: []Option{WithMaxBody(100)}, msg: "body exceeds the cap of 100 bytes"},
		{name: "slow server", handler: func(w http.ResponseWriter, r *http.Request) {
			select {
			case <-r.Context().Done():
			case <-time.After(5 * time.Second):
			}
		}, opts: []Option{WithTimeout(50 * time.Millisecond)}, msg: "deadline exceeded", wrapped: context.DeadlineExceeded},
		{name: "slow body", handler: func(w http.ResponseWriter, r *http.Request) {
			w.Write([]byte("<project>"))
			w.(http.Flusher).Flush()
			select {
			case <-r.Context().Done():
			case <-time.After(5 * time.Second):
			}
		}, opts: []Option{WithTimeout(50 * time.Millisecond)}, msg: "read body", wrapped: context.DeadlineExceeded},
		{name: "unasked 304", handler: func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(304) }, status: 304, msg: "304"},
		{name: "error document", handler: func(w http.ResponseWriter, r *http.Request) {
			fmt.Fprint(w, `<?xml version="1.0" encoding="utf-8"?>`+"\n<error>No release history was found for the requested project (x).</error>")
		}, status: -1, msg: "parse release history x/7.x: error document: No release history was found"},
		{name: "not XML", handler: func(w http.ResponseWriter, r *http.Request) { fmt.Fprint(w, "<html><p>Maintenance</html>") },
			status: -1, msg: "closed by"},
		{name: "no short_name", handler: func(w http.ResponseWriter, r *http.Request) { fmt.Fprint(w, "<project/>") },
			status: -1, msg: "no short_name", wrapped: errNoShortName},
	} {
		t.Run(tt.name, func(t *testing.T) {
			c, _ := newHTTP(t, tt.handler, tt.opts...)
			h, err := c.History(context.Background(), "x", "7.x")
			if h != nil || err == nil {
				t.Fatalf("History(x, 7.x) = %v, %v; want an error", h, err)
			}
			var fe *FetchError
			var pe *ParseError
			switch {
			case tt.status == -1 && !errors.As(err, &pe):
				t.Errorf("History(x, 7.x) error = %#v, want a *ParseError", err)
			case tt.status >= 0 && !errors.As(err, &fe):
				t.Errorf("History(x, 7.x) error = %#v, want a *FetchError", err)
			case tt.status >= 0 && fe.StatusCode != tt.status:
				t.Errorf("History(x, 7.x) error StatusCode = %d, want %d", fe.StatusCode, tt.status)
			}
			if !strings.Contains(err.Error(), tt.msg) {
				t.Errorf("History(x, 7.x) error = %q, want it to mention %q", err, tt.msg)
			}
			if tt.wrapped != nil && !errors.Is(err, tt.wrapped) {
				t.Errorf("History(x, 7.x) error = %v, want it to wrap %v", err, tt.wrapped)
			}
		})
	}
}

func TestHTTPBodyAtTheCap(t *testing.T) {
	body := views(t)
	c, _ := newHTTP(t, func(w http.ResponseWriter, r *http.Request) { w.Write(body) }, WithMaxBody(int64(len(body))))
	if _, err := c.History(context.Background(), "views", "7.x"); err != nil {
		t.Errorf("History(views, 7.x) with a cap of exactly its size: %v", err)
	}
}

func TestHTTPConditional(t *testing.T) {
	body := views(t)
	c, _ := newHTTP(t, func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("ETag", `"v1"`)
		w.Header().Set("Last-Modified", "Mon, 11 Aug 2014 00:00:00 GMT")
		if r.Header.Get("If-None-Match") == `"v1"` || r.Header.Get("If-Modified-Since") != "" {
			w.WriteHeader(http.StatusNotModified)
			return
		}
		w.Write(body)
	})
	ctx := context.Background()
	first, err := c.Fetch(ctx, Request{Project: "views", Category: "7.x"})
	if err != nil || first.NotModified || len(first.Body) != len(body) || first.ETag != `"v1"` || first.LastModified == "" {
		t.Fatalf("Fetch(views) = %d bytes, NotModified %v, ETag %q, LastModified %q, %v; want the body and validators",
			len(first.Body), first.NotModified, first.ETag, first.LastModified, err)
	}
	for _, req := range []Request{
		{Project: "views", Category: "7.x", ETag: first.ETag},
		{Project: "views", Category: "7.x", LastModified: first.LastModified},
	} {
		again, err := c.Fetch(ctx, req)
		if err != nil || !again.NotModified || again.Body != nil || again.ETag != `"v1"` {
			t.Errorf("Fetch(%+v) = %+v, %v; want NotModified with the ETag", req, again, err)
		}
	}
}

// TestHTTPConcurrency checks that Histories stays within the limit, keeps
// input order and fetches a repeated project once.
func TestHTTPConcurrency(t *testing.T) {
	const limit = 3
	var (
		inFlight, most atomic.Int32
		mu             sync.Mutex
		requests       = map[string]int{}
	)
	c, _ := newHTTP(t, func(w http.ResponseWriter, r *http.Request) {
		n := inFlight.Add(1)
		defer inFlight.Add(-1)
		for m := most.Load(); n > m && !most.CompareAndSwap(m, n); m = most.Load() {
		}
		project := strings.Split(strings.TrimPrefix(r.URL.Path, "/release-history/"), "/")[0]
		mu.Lock()
		requests[project]++
		mu.Unlock()
		time.Sleep(20 * time.Millisecond)
		if project == "gone" {
			http.NotFound(w, r)
			return
		}
		fmt.Fprintf(w, "<project><short_name>%s</short_name></project>", project)
	}, WithConcurrency(limit))

	var projects []string
	for i := range 12 {
		projects = append(projects, fmt.Sprintf("p%d", i))
	}
	projects = append(projects, "gone", "p3", "gone")
	out := c.Histories(context.Background(), projects, "current")

	if got := most.Load(); got > limit || got < 2 {
		t.Errorf("Histories had at most %d requests in flight, want 2 to %d", got, limit)
	}
	if len(out) != len(projects) {
		t.Fatalf("Histories returned %d outcomes, want %d", len(out), len(projects))
	}
	for i, o := range out {
		if o.Project != projects[i] {
			t.Errorf("Histories outcome %d is for %q, want %q", i, o.Project, projects[i])
		}
		var fe *FetchError
		switch {
		case o.Project == "gone" && (!errors.As(o.Err, &fe) || fe.StatusCode != 404):
			t.Errorf("Histories outcome for gone: %v, want a 404 FetchError", o.Err)
		case o.Project != "gone" && (o.Err != nil || o.History.ShortName != o.Project):
			t.Errorf("Histories outcome for %s: %+v, %v", o.Project, o.History, o.Err)
		}
	}
	for p, n := range requests {
		if n != 1 {
			t.Errorf("Histories requested %s %d times, want once", p, n)
		}
	}
}

// TestFetchConcurrencyLimit checks the limit across concurrent callers,
// not only within Histories.
func TestFetchConcurrencyLimit(t *testing.T) {
	var inFlight, most atomic.Int32
	c, _ := newHTTP(t, func(w http.ResponseWriter, r *http.Request) {
		n := inFlight.Add(1)
		defer inFlight.Add(-1)
		for m := most.Load(); n > m && !most.CompareAndSwap(m, n); m = most.Load() {
		}
		time.Sleep(10 * time.Millisecond)
		fmt.Fprint(w, "<project><short_name>x</short_name></project>")
	}, WithConcurrency(2))
	var wg sync.WaitGroup
	for range 8 {
		wg.Go(func() { c.Fetch(context.Background(), Request{Project: "x", Category: "current"}) })
	}
	wg.Wait()
	if got := most.Load(); got > 2 {
		t.Errorf("8 concurrent Fetch calls had %d requests in flight, want at most 2", got)
	}
}

func TestInvalidRequests(t *testing.T) {
	var hits atomic.Int32
	c, _ := newHTTP(t, func(w http.ResponseWriter, r *http.Request) { hits.Add(1) })
	for _, req := range []Request{
		{Project: "", Category: "7.x"},
		{Project: "..", Category: "7.x"},
		{Project: "../etc", Category: "7.x"},
		{Project: ".hidden", Category: "7.x"},
		{Project: "a/b", Category: "7.x"},
		{Project: `a\b`, Category: "7.x"},
		{Project: "a%2fb", Category: "7.x"},
		{Project: "a b", Category: "7.x"},
		{Project: "a?b", Category: "7.x"},
		{Project: "vïews", Category: "7.x"},
		{Project: "views", Category: ""},
		{Project: "views", Category: "7"},
		{Project: "views", Category: "x.x"},
		{Project: "views", Category: "../7.x"},
		{Project: "views", Category: "7.x/../8.x"},
		{Project: "views", Category: "Current"},
	} {
		_, err := c.Fetch(context.Background(), req)
		var fe *FetchError
		if !errors.As(err, &fe) || !errors.Is(err, ErrInvalidRequest) {
			t.Errorf("Fetch(%+v) error = %v, want a FetchError wrapping ErrInvalidRequest", req, err)
		}
	}
	if n := hits.Load(); n != 0 {
		t.Errorf("invalid requests reached the server %d times", n)
	}
	for _, req := range []Request{
		{Project: "contextual-flyout-links", Category: "7.x"},
		{Project: "drupal", Category: "current"},
		{Project: "a.b_c", Category: "10.x"},
	} {
		if err := checkRequest(req); err != nil {
			t.Errorf("checkRequest(%+v) = %v, want nil", req, err)
		}
	}
}

// TestNoSecretsInErrors checks that credentials in the base URL never
// reach an error message.
func TestNoSecretsInErrors(t *testing.T) {
	var auth string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		auth = r.Header.Get("Authorization")
		http.NotFound(w, r)
	}))
	defer srv.Close()
	base := strings.Replace(srv.URL, "http://", "http://hunter:s3cret@", 1) + "/rh?key=t0ken"
	c, err := NewHTTP(base)
	if err != nil {
		t.Fatal(err)
	}
	_, err = c.History(context.Background(), "views", "7.x")
	if err == nil || auth == "" {
		t.Fatalf("History(views) = %v with Authorization %q, want a 404 after basic auth", err, auth)
	}
	srv.Close() // now a transport error
	_, err2 := c.History(context.Background(), "views", "7.x")
	_, err3 := NewHTTP("http://hunter:s3cret@host/%zz")
	_, err4 := NewHTTP("ftp://hunter:s3cret@host/")
	for _, err := range []error{err, err2, err3, err4} {
		if err == nil {
			t.Fatal("want an error")
		}
		for _, secret := range []string{"hunter", "s3cret", "t0ken"} {
			if strings.Contains(err.Error(), secret) {
				t.Errorf("error %q reveals %q", err, secret)
			}
		}
	}
}

func TestOptions(t *testing.T) {
	for _, o := range []Option{WithTimeout(0), WithMaxBody(0), WithConcurrency(0)} {
		if _, err := NewHTTP("", o); err == nil {
			t.Errorf("NewHTTP with an invalid option: no error")
		}
	}
	if _, err := NewHTTP("https://updates.drupal.org/release-history#x"); err == nil {
		t.Errorf("NewHTTP with a fragment: no error")
	}
	c, err := NewHTTP("")
	if err != nil {
		t.Fatal(err)
	}
	if got := c.src.(*httpSource).base.String(); got != DefaultBaseURL {
		t.Errorf("NewHTTP(\"\") base = %s, want %s", got, DefaultBaseURL)
	}
	hc := &http.Client{}
	c, err = NewHTTP("", WithHTTPClient(hc))
	if err != nil || c.src.(*httpSource).client != hc {
		t.Errorf("NewHTTP with WithHTTPClient does not use the client")
	}
}

func TestOpen(t *testing.T) {
	dir := t.TempDir()
	for _, tt := range []struct {
		spec string
		http bool
	}{
		{"https://updates.drupal.org/release-history", true},
		{"HTTP://localhost:8080/rh", true},
		{dir, false},
	} {
		c, err := Open(tt.spec)
		if err != nil {
			t.Errorf("Open(%q): %v", tt.spec, err)
			continue
		}
		if _, isHTTP := c.src.(*httpSource); isHTTP != tt.http {
			t.Errorf("Open(%q) is an HTTP source: %v, want %v", tt.spec, isHTTP, tt.http)
		}
	}
	if _, err := Open(filepath.Join(dir, "missing")); err == nil {
		t.Errorf("Open of a missing directory: no error")
	}
	f := filepath.Join(dir, "file")
	os.WriteFile(f, nil, 0o644)
	if _, err := Open(f); err == nil {
		t.Errorf("Open of a file: no error")
	}
}

// mirror makes a directory source holding files (path → content).
func mirror(t *testing.T, files map[string][]byte, opts ...Option) (*Client, string) {
	t.Helper()
	dir := t.TempDir()
	for p, b := range files {
		p = filepath.Join(dir, p)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	c, err := NewDir(dir, opts...)
	if err != nil {
		t.Fatal(err)
	}
	return c, dir
}

func TestDir(t *testing.T) {
	c, dir := mirror(t, map[string][]byte{
		"views/7.x.xml":     views(t),
		"empty/current.xml": nil,
		"big/current.xml":   []byte("<project><short_name>big</short_name></project>"),
		"bad/current.xml":   []byte("<project>"),
	}, WithMaxBody(40))
	ctx := context.Background()

	if _, err := c.History(ctx, "views", "7.x"); err == nil || !strings.Contains(err.Error(), "exceeds the cap of 40") {
		t.Errorf("History(views, 7.x) over the cap: %v, want a cap error", err)
	}
	c, err := NewDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	if h, err := c.History(ctx, "views", "7.x"); err != nil || h.ShortName != "views" {
		t.Errorf("History(views, 7.x) = %v, %v; want views", h, err)
	}
	var fe *FetchError
	_, err = c.History(ctx, "views", "current")
	if !errors.As(err, &fe) || !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("History(views, current) error = %v, want a FetchError for a missing file", err)
	}
	if _, err = c.History(ctx, "empty", "current"); !errors.As(err, &fe) || !errors.Is(err, errEmptyBody) {
		t.Errorf("History(empty, current) error = %v, want a FetchError for an empty body", err)
	}
	var pe *ParseError
	if _, err = c.History(ctx, "bad", "current"); !errors.As(err, &pe) {
		t.Errorf("History(bad, current) error = %v, want a ParseError", err)
	}
}

func TestDirTraversal(t *testing.T) {
	outside := t.TempDir()
	secret := filepath.Join(outside, "secret.xml")
	os.WriteFile(secret, []byte("<project><short_name>secret</short_name></project>"), 0o644)
	c, dir := mirror(t, map[string][]byte{"views/7.x.xml": views(t)})
	// A symbolic link that leads out of the mirror.
	os.MkdirAll(filepath.Join(dir, "evil"), 0o755)
	if err := os.Symlink(secret, filepath.Join(dir, "evil", "7.x.xml")); err != nil {
		t.Skip("no symbolic links:", err)
	}
	os.Symlink(outside, filepath.Join(dir, "out"))
	ctx := context.Background()
	for _, tt := range []struct{ project, category string }{
		{"evil", "7.x"},
		{"out", "secret"},
		{"../" + filepath.Base(outside), "secret"},
		{"views/../../" + filepath.Base(outside), "secret"},
		{secret, "7.x"},
	} {
		h, err := c.History(ctx, tt.project, tt.category)
		var fe *FetchError
		if h != nil || !errors.As(err, &fe) {
			t.Errorf("History(%q, %q) = %v, %v; want a FetchError", tt.project, tt.category, h, err)
		}
	}
}

type fakeFetcher struct{ body string }

func (f fakeFetcher) Fetch(_ context.Context, req Request) (Response, error) {
	if req.ETag == "same" {
		return Response{NotModified: true, ETag: "same"}, nil
	}
	return Response{Body: []byte(f.body), ETag: "same"}, nil
}

// TestWithFetcher: routed projects come from the fetcher, in every
// category; the others from the source.
func TestWithFetcher(t *testing.T) {
	dir := t.TempDir()
	c, err := NewDir(dir, WithFetcher(fakeFetcher{`<project><short_name>custom</short_name></project>`}, "custom"))
	if err != nil {
		t.Fatal(err)
	}
	h, err := c.History(context.Background(), "custom", "current")
	if err != nil || h.ShortName != "custom" {
		t.Errorf("History(custom) = %v, %v; want the fetcher's", h, err)
	}
	if r, err := c.Fetch(context.Background(), Request{Project: "custom", Category: "7.x", ETag: "same"}); err != nil || !r.NotModified {
		t.Errorf("conditional Fetch(custom) = %+v, %v; want not modified", r, err)
	}
	if _, err := c.History(context.Background(), "token", "current"); err == nil {
		t.Errorf("History(token) from an empty mirror succeeded")
	}
}
