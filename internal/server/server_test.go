package server

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/drupdate/drupdate/internal/drupal"
	"github.com/drupdate/drupdate/internal/store"
	"github.com/drupdate/drupdate/internal/watch"
	"github.com/prometheus/client_golang/prometheus"
)

func TestAuth(t *testing.T) {
	const token = "tok-123-abcdefghij"
	st := openStore(t)
	putPlatforms(t, st, platform("p", nil, map[string]drupal.Status{"drupal": drupal.Current}))
	open, _ := newServer(t, Config{}, st)
	closed, _ := newServer(t, Config{Token: " " + token + "\n"}, st) // white space around is ignored

	for _, tc := range []struct {
		name, target, auth string
		open               bool // the server without a token
		code               int
		challenge          string
	}{
		{"no token configured", "/v1/platforms", "", true, 200, ""},
		{"no token configured, any header", "/v1/platforms", "Bearer whatever", true, 200, ""},
		{"none", "/v1/platforms", "", false, 401, `Bearer realm="drupdate"`},
		{"wrong", "/v1/platforms", "Bearer tok-124-abcdefghij", false, 401, `Bearer realm="drupdate", error="invalid_token"`},
		{"prefix of the token", "/v1/platforms", "Bearer tok-123-abcdefghi", false, 401, `Bearer realm="drupdate", error="invalid_token"`},
		{"token and more", "/v1/platforms", "Bearer tok-123-abcdefghijk", false, 401, `Bearer realm="drupdate", error="invalid_token"`},
		{"other scheme", "/v1/platforms", "Basic " + token, false, 401, `Bearer realm="drupdate"`},
		{"scheme alone", "/v1/platforms", "Bearer ", false, 401, `Bearer realm="drupdate"`},
		{"right", "/v1/platforms", "Bearer " + token, false, 200, ""},
		{"right, scheme in lower case", "/v1/platforms", "bearer " + token, false, 200, ""},
		{"right, platform", "/v1/platforms/p", "Bearer " + token, false, 200, ""},
		{"none, platform", "/v1/platforms/p", "", false, 401, `Bearer realm="drupdate"`},
		{"none, project", "/v1/projects/drupal", "", false, 401, `Bearer realm="drupdate"`},
		{"none, events", "/v1/events", "", false, 401, `Bearer realm="drupdate"`},
		{"none, metrics", "/metrics", "", false, 401, `Bearer realm="drupdate"`},
		{"right, metrics", "/metrics", "Bearer " + token, false, 200, ""},
		// Without the token nothing tells which paths exist.
		{"none, unknown path", "/v2/secrets", "", false, 401, `Bearer realm="drupdate"`},
		{"healthz is open", "/healthz", "", false, 200, ""},
		{"healthz ignores a wrong token", "/healthz", "Bearer nope", false, 200, ""},
	} {
		s := closed
		if tc.open {
			s = open
		}
		w := get(s.Handler(), "GET", tc.target, "Authorization", tc.auth)
		if w.Code != tc.code {
			t.Errorf("%s: GET %s (Authorization: %q) = %d %s, want %d", tc.name, tc.target, tc.auth, w.Code, w.Body, tc.code)
		}
		if got := w.Header().Get("WWW-Authenticate"); got != tc.challenge {
			t.Errorf("%s: GET %s (Authorization: %q): WWW-Authenticate = %q, want %q", tc.name, tc.target, tc.auth, got, tc.challenge)
		}
		if w.Code == 401 {
			if e := decode[errorBody](t, w); e.Error != "missing or invalid bearer token" {
				t.Errorf("%s: 401 error %q", tc.name, e.Error)
			}
		}
	}
}

func TestRequestLimits(t *testing.T) {
	s, _ := newServer(t, Config{}, openStore(t))
	h := s.Handler()
	for _, tc := range []struct {
		method, target string
		code           int
	}{
		{"POST", "/v1/platforms", 405},
		{"PUT", "/v1/platforms/p", 405},
		{"DELETE", "/v1/events", 405},
		{"OPTIONS", "/healthz", 405},
		{"PATCH", "/nowhere", 405},
		{"GET", "/nowhere", 404},
		{"GET", "/v1", 404},
		{"GET", "/v1/platforms/a/b", 404},
		{"HEAD", "/v1/platforms", 200},
		{"GET", "/v1/platforms?tag=" + strings.Repeat("x", MaxQueryBytes), 414},
		{"GET", "/v1/platforms?tag=" + strings.Repeat("x", MaxQueryBytes-4), 200},
		{"GET", "/v1/platforms?sort=name", 400},
		{"GET", "/v1/platforms?tag=", 400},
		{"GET", "/v1/platforms?limit=0", 400},
		{"GET", "/v1/platforms?limit=1001", 400},
		{"GET", "/v1/platforms?limit=x", 400},
		{"GET", "/v1/platforms?after=a&after=b", 400},
		{"GET", "/healthz?verbose", 400},
	} {
		w := get(h, tc.method, tc.target)
		if w.Code != tc.code {
			t.Errorf("%s %.60s = %d %s, want %d", tc.method, tc.target, w.Code, w.Body, tc.code)
		}
		if tc.code == 405 && w.Header().Get("Allow") != "GET, HEAD" {
			t.Errorf("%s %s: Allow = %q, want \"GET, HEAD\"", tc.method, tc.target, w.Header().Get("Allow"))
		}
		if tc.code != 200 && tc.method != "HEAD" {
			if e := decode[errorBody](t, w); e.Error == "" {
				t.Errorf("%s %.60s: no error message in %s", tc.method, tc.target, w.Body)
			}
		}
	}

	// A body, which no endpoint expects, is refused when declared too long.
	req, _ := http.NewRequest("GET", "/v1/platforms", strings.NewReader(strings.Repeat("x", MaxBodyBytes+1)))
	w := getRequest(h, req)
	if w.Code != http.StatusRequestEntityTooLarge {
		t.Errorf("GET /v1/platforms with a %d-byte body = %d, want 413", MaxBodyBytes+1, w.Code)
	}
}

func TestOversizeHeaders(t *testing.T) {
	s, _ := newServer(t, Config{Addr: "127.0.0.1:0", MaxHeaderBytes: 4 << 10}, openStore(t))
	base, _ := serve(t, s)
	for _, tc := range []struct {
		size int
		code int
	}{
		{1 << 10, 200},
		// net/http allows 4 KiB of slack over MaxHeaderBytes.
		{64 << 10, 431},
	} {
		req, _ := http.NewRequest("GET", base+"/healthz", nil)
		req.Header.Set("X-Padding", strings.Repeat("p", tc.size))
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatalf("GET /healthz with a %d-byte header: %v", tc.size, err)
		}
		readAll(t, resp)
		if resp.StatusCode != tc.code {
			t.Errorf("GET /healthz with a %d-byte header = %d, want %d", tc.size, resp.StatusCode, tc.code)
		}
	}
}

func TestHealthz(t *testing.T) {
	st := openStore(t)
	s, _ := newServer(t, Config{Token: "healthz-needs-no-token"}, st)
	if w := get(s.Handler(), "GET", "/healthz"); w.Code != 200 || w.Body.String() != `{"status":"ok"}`+"\n" {
		t.Errorf("GET /healthz = %d %s, want 200 ok", w.Code, w.Body)
	}
	if w := get(s.Handler(), "HEAD", "/healthz"); w.Code != 200 {
		t.Errorf("HEAD /healthz = %d, want 200", w.Code)
	}
	st.Close()
	if w := get(s.Handler(), "GET", "/healthz"); w.Code != 503 || w.Body.String() != `{"status":"unavailable"}`+"\n" {
		t.Errorf("GET /healthz with the store closed = %d %s, want 503 unavailable", w.Code, w.Body)
	}
	s2, _ := newServer(t, Config{}, openStore(t))
	s2.stop()
	if w := get(s2.Handler(), "GET", "/healthz"); w.Code != 503 || w.Body.String() != `{"status":"stopping"}`+"\n" {
		t.Errorf("GET /healthz while shutting down = %d %s, want 503 stopping", w.Code, w.Body)
	}
}

func TestMetrics(t *testing.T) {
	st := openStore(t)
	putPlatforms(t, st,
		platform("a", nil, map[string]drupal.Status{"drupal": drupal.NotSecure, "views": drupal.NotSecure, "token": drupal.Current}),
		platform("b", nil, map[string]drupal.Status{"drupal": drupal.Current}),
		watch.PlatformRecord{Name: "c", ScannedAt: t0},
	)
	put(t, st, watch.BucketFeedIndex, map[string]watch.FeedIndex{
		"current/drupal": {State: watch.StateOK, NextPollAt: t0.Add(-90 * time.Second)},
		"current/views":  {State: watch.StateOK, NextPollAt: t0.Add(time.Minute), Failures: 2},
		"current/token":  {State: watch.StateNotFetched, Failures: 1},
		// Overdue, but no platform runs it any more: no lag.
		"current/gone": {State: watch.StateOK, NextPollAt: t0.Add(-time.Hour)},
		"7.x/views":    {State: watch.StateNoData},
	})
	reg := prometheus.NewRegistry()
	// The poller's counters live in the same registry.
	fetches := prometheus.NewCounterVec(prometheus.CounterOpts{Name: "drupdate_watch_fetches_total", Help: "test"}, []string{"result"})
	reg.MustRegister(fetches)
	fetches.WithLabelValues("not_modified").Add(3)
	s := New(Config{}, st, reg, nil, fixedNow)

	get(s.Handler(), "GET", "/v1/platforms")
	get(s.Handler(), "GET", "/v1/platforms/zzz")
	w := get(s.Handler(), "GET", "/metrics")
	if w.Code != 200 {
		t.Fatalf("GET /metrics = %d %s", w.Code, w.Body)
	}
	text := w.Body.String()
	for _, line := range []string{
		`drupdate_state_platforms{worst="NOT_SECURE"} 1`,
		`drupdate_state_platforms{worst="CURRENT"} 1`,
		`drupdate_state_platforms{worst="none"} 1`,
		`drupdate_state_feeds{category="current",state="ok"} 3`,
		`drupdate_state_feeds{category="current",state="not_fetched"} 1`,
		`drupdate_state_feeds{category="7.x",state="no_data"} 1`,
		`drupdate_state_feeds_failing{category="current"} 2`,
		`drupdate_state_feeds_failing{category="7.x"} 0`,
		`drupdate_state_feed_overdue_seconds 90`,
		`drupdate_state_read_ok 1`,
		`drupdate_http_requests_total{code="200",route="/v1/platforms"} 1`,
		`drupdate_http_requests_total{code="404",route="/v1/platforms/{name}"} 1`,
		`drupdate_http_request_duration_seconds_count{route="/v1/platforms"} 1`,
		`drupdate_watch_fetches_total{result="not_modified"} 3`,
	} {
		if !strings.Contains(text, line+"\n") {
			t.Errorf("GET /metrics lacks %s", line)
		}
	}
	if t.Failed() {
		t.Logf("GET /metrics:\n%s", text)
	}

	// A second server on the same registry shares the metrics.
	New(Config{}, st, reg, nil, fixedNow)
}

// panicStore panics in Get.
type panicStore struct{ store.Store }

func (panicStore) Get(context.Context, string, string) ([]byte, error) { panic("boom") }

func TestPanicRecovered(t *testing.T) {
	s, logs := newServer(t, Config{}, panicStore{openStore(t)})
	w := get(s.Handler(), "GET", "/v1/platforms/p")
	if w.Code != 500 {
		t.Errorf("GET /v1/platforms/p with a panicking store = %d %s, want 500", w.Code, w.Body)
	}
	if e := decode[errorBody](t, w); e.Error != "internal error" {
		t.Errorf("error %q, want \"internal error\"", e.Error)
	}
	if l := logs.String(); !strings.Contains(l, `"msg":"panic serving request"`) || !strings.Contains(l, `"panic":"boom"`) ||
		!strings.Contains(l, `"status":500`) {
		t.Errorf("the log does not show the panic and the 500:\n%s", l)
	}
}

// gateStore lets a test hold List and Wait calls and know when they start.
type gateStore struct {
	store.Store
	listing, waiting chan struct{} // receive a value when List or Wait starts
	release          chan struct{} // closed to let List go on
}

func (g *gateStore) List(ctx context.Context, bucket, prefix, after string, limit int) ([]store.KV, error) {
	g.listing <- struct{}{}
	<-g.release
	return g.Store.List(ctx, bucket, prefix, after, limit)
}

func (g *gateStore) Wait(ctx context.Context, since uint64) error {
	g.waiting <- struct{}{}
	return g.Store.Wait(ctx, since)
}

func TestGracefulShutdown(t *testing.T) {
	st := openStore(t)
	putPlatforms(t, st, platform("p", nil, map[string]drupal.Status{"drupal": drupal.Current}))
	gate := &gateStore{Store: st, listing: make(chan struct{}, 1), waiting: make(chan struct{}, 1), release: make(chan struct{})}
	s, logs := newServer(t, Config{Addr: "127.0.0.1:0"}, gate)
	base, stop := serve(t, s)

	type answer struct {
		code int
		body string
		err  error
		took time.Duration
	}
	fetch := func(target string) <-chan answer {
		ch := make(chan answer, 1)
		go func() {
			start := time.Now()
			resp, err := http.Get(base + target)
			if err != nil {
				ch <- answer{err: err}
				return
			}
			b, err := io.ReadAll(resp.Body)
			resp.Body.Close()
			ch <- answer{resp.StatusCode, string(b), err, time.Since(start)}
		}()
		return ch
	}
	longPoll := fetch("/v1/events?wait=60s")
	<-gate.waiting
	list := fetch("/v1/platforms")
	<-gate.listing

	stopped := make(chan error, 1)
	go func() { stopped <- stop() }()
	// The long-poll returns at once with what there is.
	a := <-longPoll
	if a.err != nil || a.code != 200 || a.body != `{"events":[],"next":0}`+"\n" || a.took > 30*time.Second {
		t.Errorf("long-poll during shutdown = %d %q, %v after %v; want 200 and no events, early", a.code, a.body, a.err, a.took)
	}
	// The listing in progress holds the shutdown up...
	select {
	case err := <-stopped:
		t.Fatalf("ListenAndServe returned (%v) while a request was in flight", err)
	case <-time.After(200 * time.Millisecond):
	}
	// ...and finishes whole.
	close(gate.release)
	a = <-list
	if a.err != nil || a.code != 200 || !strings.Contains(a.body, `"name":"p"`) || !strings.HasSuffix(a.body, "]}\n") {
		t.Errorf("request in flight during shutdown = %d %q, %v; want the whole list", a.code, a.body, a.err)
	}
	if err := <-stopped; err != nil {
		t.Errorf("ListenAndServe after shutdown = %v, want nil", err)
	}
	if _, err := http.Get(base + "/healthz"); err == nil {
		t.Errorf("GET /healthz after shutdown succeeded; want the connection refused")
	}
	if l := logs.String(); !strings.Contains(l, `"msg":"shutting down"`) || !strings.Contains(l, `"msg":"stopped"`) {
		t.Errorf("the log does not show the shutdown:\n%s", l)
	}
}

func TestShutdownTimeout(t *testing.T) {
	st := openStore(t)
	gate := &gateStore{Store: st, listing: make(chan struct{}, 1), waiting: make(chan struct{}, 1), release: make(chan struct{})}
	defer close(gate.release)
	s, _ := newServer(t, Config{Addr: "127.0.0.1:0", ShutdownTimeout: 100 * time.Millisecond}, gate)
	base, stop := serve(t, s)
	go func() {
		if resp, err := http.Get(base + "/v1/platforms"); err == nil {
			resp.Body.Close()
		}
	}()
	<-gate.listing
	if err := stop(); !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("ListenAndServe with a request stuck past ShutdownTimeout = %v, want a deadline error", err)
	}
}

func TestListenAndServe(t *testing.T) {
	s, _ := newServer(t, Config{Addr: "127.0.0.1:0"}, openStore(t))
	if s.Addr() != "" {
		t.Errorf("Addr() before listening = %q, want \"\"", s.Addr())
	}
	base, stop := serve(t, s)
	if strings.HasSuffix(s.Addr(), ":0") {
		t.Errorf("Addr() = %q, want the port picked", s.Addr())
	}
	resp, err := http.Get(base + "/healthz")
	if err != nil {
		t.Fatal(err)
	}
	if body := readAll(t, resp); resp.StatusCode != 200 || body != `{"status":"ok"}`+"\n" {
		t.Errorf("GET /healthz = %d %q", resp.StatusCode, body)
	}
	if err := s.ListenAndServe(context.Background()); err == nil {
		t.Errorf("a second ListenAndServe = nil, want an error")
	}
	if err := stop(); err != nil {
		t.Errorf("ListenAndServe = %v, want nil", err)
	}

	// An address in use is an error, at once.
	other, _ := newServer(t, Config{Addr: s.Addr()}, openStore(t))
	busy, _ := newServer(t, Config{Addr: "127.0.0.1:0"}, openStore(t))
	serve(t, busy)
	other.cfg.Addr = busy.Addr()
	if err := other.ListenAndServe(context.Background()); err == nil || !strings.Contains(err.Error(), "listen on") {
		t.Errorf("ListenAndServe on an address in use = %v, want a listen error", err)
	}
}

// errStore fails every read with an error quoting the key, as backends do.
type errStore struct{ store.Store }

func (errStore) Get(_ context.Context, bucket, key string) ([]byte, error) {
	return nil, fmt.Errorf("get %s: connection reset", store.Ref(bucket, key))
}

func (errStore) List(_ context.Context, bucket, prefix, after string, _ int) ([]store.KV, error) {
	return nil, fmt.Errorf("list %s after %q: connection reset", store.Ref(bucket, prefix), after)
}

// TestTokenNeverShown sends many requests, with and without the token,
// some quoting it where a careless client might, and checks that no log
// line, answer or header holds it.
func TestTokenNeverShown(t *testing.T) {
	// A short token, and one longer than the 64 bytes messages quote of
	// a name.
	for _, token := range []string{"sEcReT-t0ken-4242", "L0ng-" + strings.Repeat("0123456789", 10)} {
		t.Run(fmt.Sprint(len(token)), func(t *testing.T) { testTokenNeverShown(t, token) })
	}
}

func testTokenNeverShown(t *testing.T, token string) {
	st := openStore(t)
	putPlatforms(t, st, platform("p", nil, map[string]drupal.Status{"drupal": drupal.NotSecure}))
	var logs []*lockedBuffer
	var answers strings.Builder
	var mu sync.Mutex
	record := func(code int, h http.Header, body string) {
		mu.Lock()
		defer mu.Unlock()
		fmt.Fprintf(&answers, "%d %v %s\n", code, h, body)
	}

	for _, st := range []store.Store{st, errStore{st}, panicStore{st}} {
		s, l := newServer(t, Config{Token: token, Addr: "127.0.0.1:0"}, st)
		logs = append(logs, l)
		base, stop := serve(t, s)
		for _, auth := range []string{"", "Bearer " + token, "Bearer wrong-" + token, "Bearer " + token + "x", "Basic " + token, token} {
			for _, target := range []string{
				"/v1/platforms", "/v1/platforms?tag=" + token, "/v1/platforms?after=" + token + "&limit=1",
				"/v1/platforms/p", "/v1/platforms/" + token, "/v1/platforms/" + token + "%00",
				"/v1/projects/drupal", "/v1/projects/" + token, "/v1/projects/" + token + "!",
				"/v1/events?since=" + token, "/v1/events?wait=" + token, "/v1/events?" + token + "=1",
				"/healthz", "/healthz?" + token, "/metrics", "/" + token, "/v1/platforms/x?y=" + token + strings.Repeat("z", 2000),
			} {
				for _, method := range []string{"GET", "POST", token} {
					req, _ := http.NewRequest(method, base+target, nil)
					if auth != "" {
						req.Header.Set("Authorization", auth)
					}
					resp, err := http.DefaultClient.Do(req)
					if err != nil {
						t.Fatalf("%s %s: %v", method, target, err)
					}
					record(resp.StatusCode, resp.Header, readAll(t, resp))
				}
			}
		}
		// Too large a header, with the token in it.
		req, _ := http.NewRequest("GET", base+"/v1/platforms", nil)
		req.Header.Set("Authorization", "Bearer "+token)
		req.Header.Set("X-Big", strings.Repeat(token, 4000))
		if resp, err := http.DefaultClient.Do(req); err == nil {
			record(resp.StatusCode, resp.Header, readAll(t, resp))
		}
		if err := stop(); err != nil {
			t.Error(err)
		}
	}

	for i, l := range logs {
		text := l.String()
		if strings.Count(text, `"msg":"http request"`) < 300 {
			t.Errorf("server %d logged %d requests; the test did not run as meant", i, strings.Count(text, `"msg":"http request"`))
		}
		if strings.Contains(text, token) {
			for _, line := range strings.Split(text, "\n") {
				if strings.Contains(line, token) {
					t.Errorf("server %d logged the token: %s", i, line)
					break
				}
			}
		}
	}
	if strings.Contains(answers.String(), token) {
		for _, line := range strings.Split(answers.String(), "\n") {
			if strings.Contains(line, token) {
				t.Errorf("an answer holds the token: %.300s", line)
				break
			}
		}
	}
	if !strings.Contains(answers.String(), "holds the bearer token") {
		t.Errorf("no request quoting the token was refused; the test did not reach the handlers")
	}
}

func TestConfigDefaults(t *testing.T) {
	for _, tc := range []struct {
		in, want Config
	}{
		{Config{}, Config{Addr: "127.0.0.1:8080", ReadHeaderTimeout: 5 * time.Second, ReadTimeout: 10 * time.Second,
			WriteTimeout: 75 * time.Second, IdleTimeout: 120 * time.Second, MaxLongPoll: 60 * time.Second,
			ShutdownTimeout: 10 * time.Second, MaxHeaderBytes: 16 << 10}},
		// WriteTimeout follows MaxLongPoll...
		{Config{Addr: ":0", Token: " 0123456789abcdef\n", MaxLongPoll: 5 * time.Second}, Config{Addr: ":0", Token: "0123456789abcdef",
			ReadHeaderTimeout: 5 * time.Second, ReadTimeout: 10 * time.Second, WriteTimeout: 20 * time.Second,
			IdleTimeout: 120 * time.Second, MaxLongPoll: 5 * time.Second, ShutdownTimeout: 10 * time.Second, MaxHeaderBytes: 16 << 10}},
		// ...and a short WriteTimeout cuts MaxLongPoll short.
		{Config{WriteTimeout: 10 * time.Second, MaxHeaderBytes: 1 << 10, ReadHeaderTimeout: time.Second},
			Config{Addr: "127.0.0.1:8080", ReadHeaderTimeout: time.Second, ReadTimeout: 10 * time.Second,
				WriteTimeout: 10 * time.Second, IdleTimeout: 120 * time.Second, MaxLongPoll: 5 * time.Second,
				ShutdownTimeout: 10 * time.Second, MaxHeaderBytes: 1 << 10}},
		{Config{WriteTimeout: 40 * time.Second}, Config{Addr: "127.0.0.1:8080", ReadHeaderTimeout: 5 * time.Second,
			ReadTimeout: 10 * time.Second, WriteTimeout: 40 * time.Second, IdleTimeout: 120 * time.Second,
			MaxLongPoll: 25 * time.Second, ShutdownTimeout: 10 * time.Second, MaxHeaderBytes: 16 << 10}},
	} {
		if got := tc.in.withDefaults(); got != tc.want {
			t.Errorf("%+v.withDefaults() =\n%+v, want\n%+v", tc.in, got, tc.want)
		}
	}
}

// failSecondList fails every List after the first.
type failSecondList struct {
	store.Store
	mu    sync.Mutex
	calls int
}

func (f *failSecondList) List(ctx context.Context, bucket, prefix, after string, limit int) ([]store.KV, error) {
	f.mu.Lock()
	f.calls++
	n := f.calls
	f.mu.Unlock()
	if n > 1 {
		return nil, errors.New("connection reset")
	}
	return f.Store.List(ctx, bucket, prefix, after, limit)
}

func TestListPlatformsStoreErrorMidway(t *testing.T) {
	st := openStore(t)
	var recs []watch.PlatformRecord
	for i := range 150 {
		recs = append(recs, platform(fmt.Sprintf("p%03d", i), nil, nil))
	}
	putPlatforms(t, st, recs...)
	s, logs := newServer(t, Config{Addr: "127.0.0.1:0"}, &failSecondList{Store: st})
	base, stop := serve(t, s)
	resp, err := http.Get(base + "/v1/platforms")
	if err != nil {
		t.Fatal(err)
	}
	body, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	if err == nil {
		t.Errorf("GET /v1/platforms with the store failing after a page = %d, %d bytes read whole; want the connection dropped", resp.StatusCode, len(body))
	}
	stop()
	if l := logs.String(); !strings.Contains(l, "store call failed mid-response") || !strings.Contains(l, `"aborted":true`) {
		t.Errorf("the log does not show the failure:\n%s", l)
	}
}

func TestConfigValidate(t *testing.T) {
	for _, tc := range []struct {
		token string
		ok    bool
	}{
		{"", true},
		{"   ", true}, // no token
		{"0123456789abcdef", true},
		{" 0123456789abcdef\n", true},
		{"abcdefghijklmnopqrstuvwxyz-._~+/ABC==", true},
		{"0123456789abcde", false},
		{"0123456789 abcdef", false},
		{"0123456789abcdef\"", false},
		{"0123456789abcdef=x", false},
		{"================", false},
		{"0123456789abcdéf", false},
	} {
		err := Config{Token: tc.token}.Validate()
		if (err == nil) != tc.ok {
			t.Errorf("Config{Token: %q}.Validate() = %v, want ok %v", tc.token, err, tc.ok)
		}
		if err != nil && tc.token != "" && strings.Contains(err.Error(), strings.TrimSpace(tc.token)) {
			t.Errorf("Config{Token: %q}.Validate() = %v, which shows the token", tc.token, err)
		}
	}
	defer func() {
		if v := recover(); v == nil {
			t.Errorf("New(Config{Token: \"short\"}, ...) did not panic")
		}
	}()
	New(Config{Token: "short"}, openStore(t), nil, nil, nil)
}
