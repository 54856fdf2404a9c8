package github

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

var t0 = time.Unix(1_700_000_000, 0)

// fakeClock stands in for time: sleeping records the wait and advances
// now, so rate-limit tests run instantly.
type fakeClock struct {
	mu    sync.Mutex
	now   time.Time
	slept []time.Duration
}

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *fakeClock) Sleep(ctx context.Context, d time.Duration) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	c.slept = append(c.slept, d)
	c.now = c.now.Add(d)
	return nil
}

// reply is one scripted response.
type reply struct {
	status int
	header map[string]string
	body   string
}

// apiRelease is the JSON of one release as the API sends it.
type apiRelease struct {
	TagName     string `json:"tag_name"`
	Name        string `json:"name,omitempty"`
	Body        string `json:"body,omitempty"`
	Draft       bool   `json:"draft"`
	Prerelease  bool   `json:"prerelease"`
	HTMLURL     string `json:"html_url"`
	PublishedAt string `json:"published_at,omitempty"`
}

func rel(tag string) apiRelease {
	return apiRelease{TagName: tag, HTMLURL: "https://github.com/acme/mymodule/releases/tag/" + tag, PublishedAt: "2023-11-14T22:13:20Z"}
}

func page(rels ...apiRelease) string {
	b, err := json.Marshal(rels)
	if err != nil {
		panic(err)
	}
	return string(b)
}

var okPage = reply{status: 200, body: page(rel("1.0.0"))}

// server answers requests with replies in order and records them.
type server struct {
	*httptest.Server
	t       *testing.T
	mu      sync.Mutex
	replies []reply
	got     []*http.Request
}

func newServer(t *testing.T, replies ...reply) *server {
	s := &server{t: t, replies: replies}
	s.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.mu.Lock()
		n := len(s.got)
		s.got = append(s.got, r)
		s.mu.Unlock()
		if want := "/api/v3/repos/acme/mymodule/releases"; r.URL.Path != want {
			t.Errorf("request path %q, want %q", r.URL.Path, want)
		}
		if n >= len(s.replies) {
			t.Errorf("request %d unscripted: %s", n+1, r.URL)
			w.WriteHeader(http.StatusTeapot)
			return
		}
		rp := s.replies[n]
		for k, v := range rp.header {
			w.Header().Set(k, strings.ReplaceAll(v, "{{base}}", s.URL))
		}
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(rp.status)
		fmt.Fprint(w, rp.body)
	}))
	t.Cleanup(s.Close)
	return s
}

func (s *server) requests() []*http.Request {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.got
}

func newClient(t *testing.T, s *server, clk *fakeClock, opts ...Option) *Client {
	t.Helper()
	c, err := New(s.Client(), append([]Option{WithBaseURL(s.URL), WithClock(clk.Now, clk.Sleep)}, opts...)...)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	return c
}

func TestReleasesPaginates(t *testing.T) {
	next := func(p int) map[string]string {
		return map[string]string{"Link": fmt.Sprintf(`<{{base}}/api/v3/repos/acme/mymodule/releases?per_page=100&page=%d>; rel="next", <{{base}}/api/v3/repos/acme/mymodule/releases?per_page=100&page=3>; rel="last"`, p)}
	}
	draft := rel("2.0.0")
	draft.Draft = true
	sec := rel("1.2.1")
	sec.Name, sec.Body = "1.2.1", "Fixes XSS.\r\n\r\n## Security update\r\n"
	pre := rel("1.3.0")
	pre.Prerelease = true
	first := next(2)
	first["ETag"] = `W/"new"`
	s := newServer(t,
		reply{status: 200, header: first, body: page(draft, pre, sec)},
		reply{status: 200, header: next(3), body: page(rel("1.2.0"), rel("latest"))},
		reply{status: 200, body: page(rel("1.0.0"))},
	)
	c := newClient(t, s, &fakeClock{now: t0})
	got, err := c.Releases(context.Background(), "acme/mymodule", `W/"old"`)
	if err != nil {
		t.Fatalf("Releases(ctx, %q, %q) error = %v", "acme/mymodule", `W/"old"`, err)
	}
	published := time.Date(2023, 11, 14, 22, 13, 20, 0, time.UTC)
	url := func(tag string) string { return "https://github.com/acme/mymodule/releases/tag/" + tag }
	want := Listing{ETag: `W/"new"`, Releases: []Release{
		{Tag: "1.3.0", URL: url("1.3.0"), Published: published, Prerelease: true},
		{Tag: "1.2.1", Name: "1.2.1", URL: url("1.2.1"), Published: published, Security: true},
		{Tag: "1.2.0", URL: url("1.2.0"), Published: published},
		{Tag: "latest", URL: url("latest"), Published: published},
		{Tag: "1.0.0", URL: url("1.0.0"), Published: published},
	}}
	if diff := cmp.Diff(want, got, cmp.Comparer(time.Time.Equal)); diff != "" {
		t.Errorf("Releases listing (-want +got):\n%s", diff)
	}
	reqs := s.requests()
	if len(reqs) != 3 {
		t.Fatalf("%d requests, want 3", len(reqs))
	}
	for i, r := range reqs {
		wantINM := ""
		if i == 0 {
			wantINM = `W/"old"`
		}
		q := r.URL.Query()
		if q.Get("page") != strconv.Itoa(i+1) || q.Get("per_page") != "100" {
			t.Errorf("request %d query %q, want page=%d and per_page=100", i+1, r.URL.RawQuery, i+1)
		}
		if got := r.Header.Get("If-None-Match"); got != wantINM {
			t.Errorf("request %d If-None-Match = %q, want %q", i+1, got, wantINM)
		}
	}
}

func TestReleasesNotModified(t *testing.T) {
	for _, tc := range []struct {
		name     string
		header   map[string]string
		wantETag string
	}{
		{"server repeats the ETag", map[string]string{"ETag": `W/"abc"`}, `W/"abc"`},
		{"server omits the ETag, the sent one stays", nil, `W/"abc"`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := newServer(t, reply{status: http.StatusNotModified, header: tc.header})
			c := newClient(t, s, &fakeClock{now: t0})
			got, err := c.Releases(context.Background(), "acme/mymodule", `W/"abc"`)
			if err != nil {
				t.Fatalf("Releases(ctx, %q, %q) error = %v, want none", "acme/mymodule", `W/"abc"`, err)
			}
			if diff := cmp.Diff(Listing{ETag: tc.wantETag, NotModified: true}, got); diff != "" {
				t.Errorf("Releases listing (-want +got):\n%s", diff)
			}
			if inm := s.requests()[0].Header.Get("If-None-Match"); inm != `W/"abc"` {
				t.Errorf("If-None-Match = %q, want %q", inm, `W/"abc"`)
			}
		})
	}
}

func TestReleasesWaitsAndRetries(t *testing.T) {
	reset := func(d time.Duration) string { return strconv.FormatInt(t0.Add(d).Unix(), 10) }
	primary403 := func(d time.Duration) reply {
		return reply{status: 403, header: map[string]string{"X-RateLimit-Remaining": "0", "X-RateLimit-Reset": reset(d)},
			body: `{"message":"API rate limit exceeded"}`}
	}
	secondary := `{"message":"You have exceeded a secondary rate limit","documentation_url":"https://docs.github.com/rest/overview/rate-limits-for-the-rest-api#about-secondary-rate-limits"}`
	for _, tc := range []struct {
		name    string
		replies []reply
		slept   []time.Duration
	}{
		{"primary limit on a 403", []reply{primary403(30 * time.Second), okPage}, []time.Duration{30 * time.Second}},
		{"primary limit on a 429", []reply{{status: 429, header: map[string]string{"X-RateLimit-Remaining": "0", "X-RateLimit-Reset": reset(45 * time.Second)}}, okPage}, []time.Duration{45 * time.Second}},
		{"primary limit whose reset has passed waits a second", []reply{primary403(-time.Minute), okPage}, []time.Duration{time.Second}},
		{"secondary limit with Retry-After", []reply{{status: 403, header: map[string]string{"Retry-After": "20"}, body: secondary}, okPage}, []time.Duration{20 * time.Second}},
		{"secondary limit on a 429 with Retry-After", []reply{{status: 429, header: map[string]string{"Retry-After": "7"}}, okPage}, []time.Duration{7 * time.Second}},
		{"secondary limit naming no time waits a minute", []reply{{status: 403, body: secondary}, okPage}, []time.Duration{time.Minute}},
		{"500 then 200", []reply{{status: 500}, okPage}, []time.Duration{time.Second}},
		{"backoff doubles", []reply{{status: 502}, {status: 503}, {status: 504}, okPage}, []time.Duration{time.Second, 2 * time.Second, 4 * time.Second}},
		{"503 Retry-After beats the backoff", []reply{{status: 503, header: map[string]string{"Retry-After": "30"}}, okPage}, []time.Duration{30 * time.Second}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := newServer(t, tc.replies...)
			clk := &fakeClock{now: t0}
			c := newClient(t, s, clk)
			got, err := c.Releases(context.Background(), "acme/mymodule", "")
			if err != nil {
				t.Fatalf("Releases(ctx, %q, \"\") error = %v, want none", "acme/mymodule", err)
			}
			if len(got.Releases) != 1 {
				t.Errorf("Releases(ctx, %q, \"\") = %d releases, want 1", "acme/mymodule", len(got.Releases))
			}
			if diff := cmp.Diff(tc.slept, clk.slept); diff != "" {
				t.Errorf("waits (-want +got):\n%s", diff)
			}
			if n := len(s.requests()); n != len(tc.replies) {
				t.Errorf("%d requests, want %d", n, len(tc.replies))
			}
		})
	}
}

func TestReleasesFails(t *testing.T) {
	long := strconv.FormatInt(t0.Add(time.Hour).Unix(), 10)
	primary := reply{status: 403, header: map[string]string{"X-RateLimit-Remaining": "0", "X-RateLimit-Reset": long}, body: `{"message":"API rate limit exceeded"}`}
	soon := reply{status: 429, header: map[string]string{"Retry-After": "5"}}
	// A promised length the server does not deliver: the connection closes
	// mid-body.
	cut := reply{status: 200, header: map[string]string{"Content-Length": "1000"}, body: `[{"tag_name":`}
	huge := reply{status: 200, body: "[" + strings.Repeat(`{"tag_name":"1.0.0"},`, 100) + `{"tag_name":"1.0.0"}]`}
	for _, tc := range []struct {
		name      string
		replies   []reply
		maxBody   int64
		is        error // wrapped by the error
		status    int
		retryAt   time.Time
		transient bool
		slept     int
	}{
		{name: "primary limit beyond the maximum wait", replies: []reply{primary},
			is: ErrRateLimited, status: 403, retryAt: t0.Add(time.Hour), transient: true},
		{name: "secondary limit beyond the maximum wait", replies: []reply{{status: 403, header: map[string]string{"Retry-After": "600"}}},
			is: ErrRateLimited, status: 403, retryAt: t0.Add(10 * time.Minute), transient: true},
		{name: "limit outlasting the retries", replies: []reply{soon, soon, soon, soon},
			is: ErrRateLimited, status: 429, retryAt: t0.Add(20 * time.Second), transient: true, slept: 3},
		{name: "404", replies: []reply{{status: 404, body: `{"message":"Not Found"}`}},
			is: ErrNotFound, status: 404},
		{name: "500 outlasting the retries", replies: []reply{{status: 500}, {status: 500}, {status: 500}, {status: 500}},
			status: 500, transient: true, slept: 3},
		{name: "503 asking for more than the maximum wait", replies: []reply{{status: 503, header: map[string]string{"Retry-After": "3600"}}},
			status: 503, retryAt: t0.Add(time.Hour), transient: true},
		{name: "401 bad credentials", replies: []reply{{status: 401, body: `{"message":"Bad credentials"}`}},
			status: 401},
		{name: "malformed JSON", replies: []reply{{status: 200, body: `[{"tag_name":`}}},
		{name: "body cut short by the connection", replies: []reply{cut, cut, cut, cut}, transient: true, slept: 3},
		{name: "not an array", replies: []reply{{status: 200, body: `{"tag_name":"1.0.0"}`}}},
		{name: "body over the cap", replies: []reply{huge}, maxBody: 1024, is: errBodyTooLarge},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := newServer(t, tc.replies...)
			clk := &fakeClock{now: t0}
			opts := []Option{WithMaxWait(time.Minute)}
			if tc.maxBody > 0 {
				opts = append(opts, WithMaxBody(tc.maxBody))
			}
			c := newClient(t, s, clk, opts...)
			_, err := c.Releases(context.Background(), "acme/mymodule", "")
			var fe *FetchError
			if !errors.As(err, &fe) {
				t.Fatalf("Releases(ctx, %q, \"\") error = %v, want a *FetchError", "acme/mymodule", err)
			}
			if tc.is != nil && !errors.Is(err, tc.is) {
				t.Errorf("Releases error = %v, want one wrapping %v", err, tc.is)
			}
			if fe.Repo != "acme/mymodule" || fe.StatusCode != tc.status || !fe.RetryAt.Equal(tc.retryAt) || fe.Transient() != tc.transient {
				t.Errorf("Releases error = {Repo %q, StatusCode %d, RetryAt %v, Transient %v}, want {%q, %d, %v, %v}\n(%v)",
					fe.Repo, fe.StatusCode, fe.RetryAt, fe.Transient(), "acme/mymodule", tc.status, tc.retryAt, tc.transient, err)
			}
			if len(clk.slept) != tc.slept || len(s.requests()) != tc.slept+1 {
				t.Errorf("%d waits and %d requests, want %d and %d", len(clk.slept), len(s.requests()), tc.slept, tc.slept+1)
			}
		})
	}
}

func TestReleasesCancelDuringWait(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	s := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Retry-After", "3600")
		w.WriteHeader(http.StatusTooManyRequests)
	}))
	defer s.Close()
	// The real timer: the wait itself must end with the context.
	waiting := make(chan struct{})
	sleep := func(ctx context.Context, d time.Duration) error { close(waiting); return sleepCtx(ctx, d) }
	c, err := New(s.Client(), WithBaseURL(s.URL), WithMaxWait(2*time.Hour), WithClock(time.Now, sleep))
	if err != nil {
		t.Fatal(err)
	}
	go func() { <-waiting; cancel() }()
	done := make(chan error, 1)
	go func() { _, err := c.Releases(ctx, "acme/mymodule", ""); done <- err }()
	select {
	case err := <-done:
		var fe *FetchError
		if !errors.Is(err, context.Canceled) || !errors.As(err, &fe) {
			t.Fatalf("Releases error = %v, want a *FetchError wrapping context.Canceled", err)
		}
		if fe.Transient() || fe.RetryAt.IsZero() {
			t.Errorf("Releases error: Transient() = %v, RetryAt = %v; want false and the limit's end", fe.Transient(), fe.RetryAt)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("Releases did not return after its context was cancelled")
	}
}

func TestReleasesInvalidRepo(t *testing.T) {
	s := newServer(t)
	c := newClient(t, s, &fakeClock{now: t0})
	for _, repo := range []string{"", "acme", "acme/", "/mymodule", "acme/mymodule/extra", "../mymodule", "acme/..", "acme/.",
		"acme/my module", "acme/mymodule?page=2", "acme/my%2fmodule", "-acme/mymodule", "acme/mymodule#x", "acme\n/mymodule",
		strings.Repeat("a", 40) + "/mymodule", "acme/" + strings.Repeat("m", 101)} {
		_, err := c.Releases(context.Background(), repo, "")
		if !errors.Is(err, ErrInvalidRepo) {
			t.Errorf("Releases(ctx, %q, \"\") error = %v, want ErrInvalidRepo", repo, err)
		} else if strings.ContainsAny(err.Error(), "\n") {
			t.Errorf("Releases(ctx, %q, \"\") error %q spans lines", repo, err)
		}
	}
	if n := len(s.requests()); n != 0 {
		t.Errorf("%d requests for invalid names, want none", n)
	}
	for _, repo := range []string{"acme/mymodule", "a/b", "Acme-Corp/my.module_2", "user_ent/.github"} {
		if _, _, ok := splitRepo(repo); !ok {
			t.Errorf("splitRepo(%q) rejected a valid name", repo)
		}
	}
}

func TestReleasesPageBound(t *testing.T) {
	var n int
	s := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n++
		p, _ := strconv.Atoi(r.URL.Query().Get("page"))
		w.Header().Set("Link", fmt.Sprintf(`<http://%s%s?per_page=100&page=%d>; rel="next"`, r.Host, r.URL.Path, p+1))
		fmt.Fprint(w, page(rel(fmt.Sprintf("1.0.%d", p))))
	}))
	defer s.Close()
	c, err := New(s.Client(), WithBaseURL(s.URL))
	if err != nil {
		t.Fatal(err)
	}
	_, err = c.Releases(context.Background(), "acme/mymodule", "")
	if err == nil || !strings.Contains(err.Error(), "more than 50 pages") {
		t.Errorf("Releases over an endless listing: error = %v, want one about more than 50 pages", err)
	}
	if n != MaxPages {
		t.Errorf("%d requests, want %d", n, MaxPages)
	}
}

// TestTokenNeverInErrors runs every failure against a server that echoes
// the Authorization header into its error messages.
func TestTokenNeverInErrors(t *testing.T) {
	const token = "ghp_DRUPDATEtestTOKEN0123456789zyxwvu"
	var mu sync.Mutex
	var status []int
	var calls int
	s := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		code := status[calls%len(status)]
		calls++
		mu.Unlock()
		if got := r.Header.Get("Authorization"); got != "Bearer "+token {
			t.Errorf("Authorization = %q, want the bearer token", got)
		}
		msg, _ := json.Marshal(map[string]string{"message": "echo: " + r.Header.Get("Authorization")})
		switch code {
		case 403:
			w.Header().Set("X-RateLimit-Remaining", "0")
			w.Header().Set("X-RateLimit-Reset", strconv.FormatInt(t0.Add(time.Hour).Unix(), 10))
		case 429:
			w.Header().Set("Retry-After", "9999")
		}
		w.WriteHeader(code)
		if code == 200 {
			fmt.Fprint(w, `[{"tag_name": "`+token)
			return
		}
		w.Write(msg)
	}))
	defer s.Close()
	clk := &fakeClock{now: t0}
	c, err := New(s.Client(), WithBaseURL(s.URL), WithAuthToken(token), WithClock(clk.Now, clk.Sleep))
	if err != nil {
		t.Fatal(err)
	}
	if got := fmt.Sprintf("%+v %#v", *c, c); strings.Contains(got, token) {
		t.Errorf("the Client prints its token: %s", got)
	}
	for _, codes := range [][]int{{401}, {403}, {404}, {422}, {429}, {500}, {200}} {
		mu.Lock()
		status, calls = codes, 0
		mu.Unlock()
		_, err := c.Releases(context.Background(), "acme/mymodule", "")
		if err == nil {
			t.Errorf("status %d: Releases succeeded, want an error", codes[0])
			continue
		}
		for _, text := range []string{err.Error(), fmt.Sprintf("%+v", err), fmt.Sprintf("%#v", err)} {
			if strings.Contains(text, token) {
				t.Errorf("status %d: error shows the token: %s", codes[0], text)
			}
		}
	}
	cancelled, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := c.Releases(cancelled, "acme/mymodule", ""); err == nil || strings.Contains(err.Error(), token) {
		t.Errorf("cancelled: Releases error = %v, want one without the token", err)
	}
}

func TestNewRejects(t *testing.T) {
	for _, tc := range []struct {
		name   string
		opts   []Option
		secret string // must not appear in the error
	}{
		{"credentials in the base URL", []Option{WithBaseURL("https://bob:hunter2@ghe.example.com/")}, "hunter2"},
		{"unparseable base URL", []Option{WithBaseURL("https://bob:hunter2@ghe example.com/%zz")}, "hunter2"},
		{"relative base URL", []Option{WithBaseURL("ghe.example.com")}, ""},
		{"base URL with a query", []Option{WithBaseURL("https://ghe.example.com/?token=hunter2")}, "hunter2"},
		{"token with a newline", []Option{WithAuthToken("hunter2\nX-Evil: 1")}, "hunter2"},
		{"negative maximum wait", []Option{WithMaxWait(-time.Second)}, ""},
		{"zero body cap", []Option{WithMaxBody(0)}, ""},
		{"nil clock", []Option{WithClock(nil, nil)}, ""},
	} {
		c, err := New(nil, tc.opts...)
		if err == nil {
			t.Errorf("New(nil, %s) = %v, want an error", tc.name, c)
			continue
		}
		if tc.secret != "" && strings.Contains(err.Error(), tc.secret) {
			t.Errorf("New(nil, %s) error %q shows the secret", tc.name, err)
		}
	}
}

func TestSecurityMarked(t *testing.T) {
	for _, tc := range []struct {
		name, body string
		want       bool
	}{
		{"1.2.1 [security]", "", true},
		{"1.2.1 [SECURITY] fix", "", true},
		{"1.2.1", "Security update", true},
		{"1.2.1", "Fixes:\n\n## Security update\n- XSS", true},
		{"1.2.1", "**security update**\r\n", true},
		{"1.2.1", "  _Security Update_  ", true},
		{"1.2.1", "This is not a security update.", false},
		{"1.2.1", "Security updates will follow", false},
		{"security", "", false},
		{"1.2.1", "", false},
	} {
		if got := securityMarked(tc.name, tc.body); got != tc.want {
			t.Errorf("securityMarked(%q, %q) = %v, want %v", tc.name, tc.body, got, tc.want)
		}
	}
}
