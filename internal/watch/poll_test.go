package watch

import (
	"context"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/testutil"

	"github.com/drupdate/drupdate/feeds"
	"github.com/drupdate/drupdate/internal/drupal"
	"github.com/drupdate/drupdate/internal/store"
	"github.com/drupdate/drupdate/platforms"
)

// feedRig is a watcher polling feeds of a feedServer, with no platforms:
// tests name the feeds to poll, and see the parses, waits and metrics.
type feedRig struct {
	t      *testing.T
	w      *Watcher
	srv    *feedServer
	st     store.Store
	clock  *clock
	parses atomic.Int32
	m      *Metrics

	mu    sync.Mutex
	waits []time.Duration
}

func newFeedRig(t *testing.T, cfg Config, opts ...feeds.Option) *feedRig {
	t.Helper()
	r := &feedRig{t: t, srv: newFeedServer(t), clock: newClock()}
	r.st = openBolt(t, "", r.clock)
	var err error
	if r.m, err = NewMetrics(prometheus.NewRegistry()); err != nil {
		t.Fatal(err)
	}
	r.w, err = New(cfg, Deps{Store: r.st, Feeds: r.srv.client(t, "a", opts...), Fleet: &platforms.Fleet{},
		Now: r.clock.Now, Rand: half, Logger: testLogger(t), Instance: "a", Metrics: r.m})
	if err != nil {
		t.Fatal(err)
	}
	parse := r.w.parse
	r.w.parse = func(project string, body []byte) (*drupal.History, error) {
		r.parses.Add(1)
		return parse(project, body)
	}
	r.w.sleep = func(ctx context.Context, d time.Duration) error {
		r.mu.Lock()
		defer r.mu.Unlock()
		r.waits = append(r.waits, d)
		return ctx.Err()
	}
	if err := r.w.evaluateAll(context.Background()); err != nil { // an empty fleet: nothing to load
		t.Fatal(err)
	}
	return r
}

// track makes the watcher poll project's current feed.
func (r *feedRig) track(project string) {
	r.w.mu.Lock()
	defer r.w.mu.Unlock()
	r.w.feedSt[FeedKey(drupal.CategoryCurrent, project)] = &feedState{project: project, category: drupal.CategoryCurrent}
}

func (r *feedRig) poll() {
	r.t.Helper()
	if err := r.w.PollOnce(context.Background()); err != nil {
		r.t.Fatalf("PollOnce: %v", err)
	}
}

func (r *feedRig) record(project string) HistoryRecord {
	r.t.Helper()
	return getHistoryRecord(r.t, r.st, FeedKey(drupal.CategoryCurrent, project))
}

func (r *feedRig) fetches(result string) int {
	return int(testutil.ToFloat64(r.m.fetches.WithLabelValues(result)))
}

func (r *feedRig) takeWaits() []time.Duration {
	r.mu.Lock()
	defer r.mu.Unlock()
	w := r.waits
	r.waits = nil
	return w
}

// A 304 costs no parse and changes nothing but the fetch metadata.
func TestPollNotModified(t *testing.T) {
	r := newFeedRig(t, Config{})
	r.srv.set("token", "current", feedXML("token", "8.x-1.", "8.x-1.14", "8.x-1.13"))
	r.track("token")
	r.poll()
	first := r.record("token")
	if first.State != StateOK || first.ETag != etagOf(feedXML("token", "8.x-1.", "8.x-1.14", "8.x-1.13")) || r.parses.Load() != 1 {
		t.Fatalf("first poll: state %q, ETag %q, %d parses; want ok, the server's ETag, 1 parse", first.State, first.ETag, r.parses.Load())
	}
	if first.Summary == nil || first.Summary.Releases != 2 || !first.FetchedAt.Equal(r.clock.Now()) || !first.ChangedAt.Equal(r.clock.Now()) {
		t.Errorf("first poll: summary %+v, fetched %v, changed %v", first.Summary, first.FetchedAt, first.ChangedAt)
	}
	if want := r.clock.Now().Add(time.Hour); !first.NextPollAt.Equal(want) {
		t.Errorf("first poll: NextPollAt = %v, want %v", first.NextPollAt, want)
	}

	// Not due yet: no request.
	r.clock.Advance(30 * time.Minute)
	r.poll()
	if n := r.srv.count("token", "current"); n != 1 {
		t.Errorf("poll before NextPollAt: %d requests in all, want 1", n)
	}

	r.clock.Advance(31 * time.Minute)
	r.poll()
	second := r.record("token")
	if n := r.srv.count("token", "current"); n != 2 || r.fetches(ResultNotModified) != 1 {
		t.Fatalf("poll when due: %d requests, %d not modified; want 2, 1", n, r.fetches(ResultNotModified))
	}
	if r.parses.Load() != 1 {
		t.Errorf("a 304 was parsed: %d parses, want 1", r.parses.Load())
	}
	// Only the fetch metadata moved.
	want := first
	want.FetchedAt, want.PolledAt, want.NextPollAt = r.clock.Now(), r.clock.Now(), r.clock.Now().Add(time.Hour)
	if string(second.Body) != string(first.Body) || !second.ChangedAt.Equal(first.ChangedAt) ||
		!second.FetchedAt.Equal(want.FetchedAt) || !second.NextPollAt.Equal(want.NextPollAt) || second.ETag != first.ETag {
		t.Errorf("after a 304: record %+v, want %+v", second, want)
	}
	if evs := events(t, r.st); len(evs) != 0 {
		t.Errorf("events after a 304: %v", eventLines(evs))
	}
}

// A server without validators sending the same body again: no parse, no
// events.
func TestPollSameBodyIsNotParsed(t *testing.T) {
	r := newFeedRig(t, Config{})
	doc := feedXML("token", "8.x-1.", "8.x-1.14")
	r.srv.handle("token", "current", func(w http.ResponseWriter, _ *http.Request) { w.Write([]byte(doc)) })
	r.track("token")
	r.poll()
	r.clock.Advance(2 * time.Hour)
	r.poll()
	if n, p := r.srv.count("token", "current"), r.parses.Load(); n != 2 || p != 1 {
		t.Errorf("two polls of an unchanging feed without ETags: %d requests, %d parses; want 2, 1", n, p)
	}
	if r.fetches(ResultOK) != 2 {
		t.Errorf("fetches{ok} = %d, want 2", r.fetches(ResultOK))
	}
}

// 5xx answers are tried again within the poll, with growing waits.
func TestPollRetriesServerErrors(t *testing.T) {
	r := newFeedRig(t, Config{RetryBase: time.Second, RetryMax: 30 * time.Second})
	var calls atomic.Int32
	doc := feedXML("token", "8.x-1.", "8.x-1.14")
	r.srv.handle("token", "current", func(w http.ResponseWriter, _ *http.Request) {
		if calls.Add(1) <= 2 {
			http.Error(w, "busy", http.StatusBadGateway)
			return
		}
		w.Write([]byte(doc))
	})
	r.track("token")
	r.poll()
	rec := r.record("token")
	if calls.Load() != 3 || rec.State != StateOK || rec.Failures != 0 || rec.LastError != "" {
		t.Errorf("502, 502, 200: %d requests, state %q, failures %d, last error %q; want 3, ok, 0, none",
			calls.Load(), rec.State, rec.Failures, rec.LastError)
	}
	// Equal jitter at u=0.5: three quarters of 1s, then of 2s.
	if got, want := r.takeWaits(), []time.Duration{750 * time.Millisecond, 1500 * time.Millisecond}; !equalDurations(got, want) {
		t.Errorf("waits between attempts = %v, want %v", got, want)
	}
	if r.fetches(ResultHTTP5xx) != 2 || r.fetches(ResultOK) != 1 {
		t.Errorf("fetches{http_5xx} = %d, {ok} = %d; want 2, 1", r.fetches(ResultHTTP5xx), r.fetches(ResultOK))
	}
}

// A feed failing poll after poll keeps its last good data, and is polled
// again sooner, later each time.
func TestPollFailuresKeepGoodData(t *testing.T) {
	r := newFeedRig(t, Config{Retries: 2, FailureBase: time.Minute})
	good := feedXML("token", "8.x-1.", "8.x-1.14")
	r.srv.set("token", "current", good)
	r.track("token")
	r.poll()
	changed := r.record("token").ChangedAt

	r.srv.handle("token", "current", func(w http.ResponseWriter, _ *http.Request) { http.Error(w, "down", 500) })
	for i, wantNext := range []time.Duration{time.Minute, 2 * time.Minute, 4 * time.Minute} {
		r.clock.Advance(2 * time.Hour)
		before := r.srv.count("token", "current")
		r.poll()
		rec := r.record("token")
		if n := r.srv.count("token", "current") - before; n != 3 {
			t.Errorf("failing poll %d: %d requests, want 3 (2 retries)", i+1, n)
		}
		if rec.State != StateOK || string(rec.Body) != good || !rec.ChangedAt.Equal(changed) {
			t.Errorf("failing poll %d: state %q, body kept %v; want the last good data", i+1, rec.State, string(rec.Body) == good)
		}
		if rec.Failures != i+1 || !rec.LastErrorAt.Equal(r.clock.Now()) || !strings.Contains(rec.LastError, "500 Internal Server Error") {
			t.Errorf("failing poll %d: failures %d, error %q at %v; want %d, a 500 now", i+1, rec.Failures, rec.LastError, rec.LastErrorAt, i+1)
		}
		if got := rec.NextPollAt.Sub(r.clock.Now()); got != wantNext {
			t.Errorf("failing poll %d: next poll in %v, want %v", i+1, got, wantNext)
		}
	}
	r.srv.handle("token", "current", nil)
	r.clock.Advance(time.Hour)
	r.poll()
	rec := r.record("token")
	if rec.Failures != 0 || rec.State != StateOK || rec.LastError == "" || rec.NextPollAt.Sub(r.clock.Now()) != time.Hour {
		t.Errorf("recovered: failures %d, state %q, last error %q, next in %v; want 0, ok, the error kept, 1h",
			rec.Failures, rec.State, rec.LastError, rec.NextPollAt.Sub(r.clock.Now()))
	}
	if evs := events(t, r.st); len(evs) != 0 {
		t.Errorf("failures caused events: %v", eventLines(evs))
	}
}

// Retry-After: a short one is waited within the poll, a long one ends the
// poll and sets the next.
func TestPollRetryAfter(t *testing.T) {
	r := newFeedRig(t, Config{RetryBase: 100 * time.Millisecond, RetryMax: 10 * time.Second})
	var calls atomic.Int32
	r.srv.handle("token", "current", func(w http.ResponseWriter, _ *http.Request) {
		if calls.Add(1) == 1 {
			w.Header().Set("Retry-After", "7")
			http.Error(w, "slow down", http.StatusTooManyRequests)
			return
		}
		w.Write([]byte(feedXML("token", "8.x-1.", "8.x-1.14")))
	})
	r.track("token")
	r.poll()
	if got := r.takeWaits(); !equalDurations(got, []time.Duration{7 * time.Second}) || calls.Load() != 2 {
		t.Errorf("429 with Retry-After 7: waits %v, %d requests; want [7s], 2", got, calls.Load())
	}
	if r.fetches(ResultHTTP429) != 1 {
		t.Errorf("fetches{http_429} = %d, want 1", r.fetches(ResultHTTP429))
	}

	r.srv.handle("token", "current", func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Retry-After", "7200")
		http.Error(w, "maintenance", http.StatusServiceUnavailable)
	})
	r.clock.Advance(2 * time.Hour)
	before := calls.Load()
	r.poll()
	rec := r.record("token")
	if got := r.takeWaits(); len(got) != 0 || calls.Load() != before {
		t.Errorf("503 with Retry-After 2h: waits %v; want none", got)
	}
	if got := rec.NextPollAt.Sub(r.clock.Now()); got != 2*time.Hour || rec.Failures != 1 {
		t.Errorf("503 with Retry-After 2h: next poll in %v, failures %d; want 2h, 1", got, rec.Failures)
	}
}

// A slow server times out; timeouts count as such and are retried.
func TestPollTimeout(t *testing.T) {
	r := newFeedRig(t, Config{Retries: 1}, feeds.WithTimeout(50*time.Millisecond))
	r.srv.handle("token", "current", func(w http.ResponseWriter, req *http.Request) {
		select {
		case <-req.Context().Done():
		case <-time.After(5 * time.Second):
		}
	})
	r.track("token")
	r.poll()
	rec := r.record("token")
	if r.fetches(ResultTimeout) != 2 || rec.State != StateNotFetched || !strings.Contains(rec.LastError, "deadline exceeded") {
		t.Errorf("slow server: fetches{timeout} = %d, state %q, error %q; want 2, not_fetched, a deadline", r.fetches(ResultTimeout), rec.State, rec.LastError)
	}
}

// A truncated body is an error; the last good data stays.
func TestPollTruncatedBody(t *testing.T) {
	r := newFeedRig(t, Config{Retries: -1})
	good := feedXML("token", "8.x-1.", "8.x-1.14")
	r.srv.set("token", "current", good)
	r.track("token")
	r.poll()
	newer := feedXML("token", "8.x-1.", "8.x-1.15", "8.x-1.14")
	for _, tt := range []struct {
		name    string
		handler http.HandlerFunc
		result  string
	}{
		// Cut short of its Content-Length: the transport sees it.
		{"short of its length", func(w http.ResponseWriter, _ *http.Request) {
			w.Header().Set("Content-Length", "100000")
			w.Write([]byte(newer[:len(newer)/2]))
			if c, _, err := w.(http.Hijacker).Hijack(); err == nil {
				c.Close()
			}
		}, ResultReset},
		// Cut with no length to check: the XML is incomplete.
		{"incomplete XML", func(w http.ResponseWriter, _ *http.Request) {
			w.Write([]byte(newer[:len(newer)/2]))
		}, ResultBadBody},
	} {
		t.Run(tt.name, func(t *testing.T) {
			r.srv.handle("token", "current", tt.handler)
			r.clock.Advance(2 * time.Hour)
			before := r.fetches(tt.result)
			r.poll()
			rec := r.record("token")
			if string(rec.Body) != good || rec.State != StateOK || rec.LastError == "" || rec.Failures != 1 {
				t.Errorf("truncated: state %q, body kept %v, error %q, failures %d; want ok, kept, an error, 1",
					rec.State, string(rec.Body) == good, rec.LastError, rec.Failures)
			}
			if r.fetches(tt.result) != before+1 {
				t.Errorf("fetches{%s} did not count it", tt.result)
			}
			// Recover for the next case.
			r.srv.handle("token", "current", nil)
			r.clock.Advance(2 * time.Hour)
			r.poll()
		})
	}
	if evs := events(t, r.st); len(evs) != 0 {
		t.Errorf("truncated bodies caused events: %v", eventLines(evs))
	}
}

// The server's <error> document is "no data this time": UNKNOWN for a
// feed without data, and no change for a feed with some.
func TestPollErrorDocument(t *testing.T) {
	r := newFeedRig(t, Config{})
	r.track("custom_thing")
	r.track("token")
	r.srv.set("token", "current", feedXML("token", "8.x-1.", "8.x-1.14"))
	r.poll()
	if rec := r.record("custom_thing"); rec.State != StateNoData || rec.Body != nil || !strings.Contains(rec.LastError, "error document: No release history was found") || rec.Failures != 1 {
		t.Errorf("<error> first: state %q, body %q, error %q, failures %d; want no_data, none, the message, 1", rec.State, rec.Body, rec.LastError, rec.Failures)
	}
	good := r.record("token")

	r.srv.handle("token", "current", func(w http.ResponseWriter, _ *http.Request) {
		w.Write([]byte(strings.ReplaceAll(errorDoc, "NAME", "token")))
	})
	r.clock.Advance(2 * time.Hour)
	r.poll()
	rec := r.record("token")
	if rec.State != StateOK || string(rec.Body) != string(good.Body) || rec.ETag != good.ETag || rec.Failures != 1 || !strings.Contains(rec.LastError, "error document") {
		t.Errorf("<error> after data: state %q, body kept %v, ETag %q, failures %d, error %q; want ok, kept, %q, 1, the message",
			rec.State, string(rec.Body) == string(good.Body), rec.ETag, rec.Failures, rec.LastError, good.ETag)
	}
	if r.fetches(ResultErrorDocument) != 3 { // custom_thing twice, token once
		t.Errorf("fetches{error_document} = %d, want 3", r.fetches(ResultErrorDocument))
	}
	if evs := events(t, r.st); len(evs) != 0 {
		t.Errorf("<error> documents caused events: %v", eventLines(evs))
	}

	// Data at last: recorded like a first history, without events.
	r.srv.set("custom_thing", "current", feedXML("custom_thing", "1.", "1.0.1", "1.0.0"))
	r.clock.Advance(2 * time.Hour)
	r.poll()
	if rec := r.record("custom_thing"); rec.State != StateOK || rec.Failures != 0 {
		t.Errorf("data after <error>: state %q, failures %d; want ok, 0", rec.State, rec.Failures)
	}
	if evs := events(t, r.st); len(evs) != 0 {
		t.Errorf("a first history after <error> caused events: %v", eventLines(evs))
	}
}

// A changed feed is recorded with its events in one batch; polling again
// unchanged adds none.
func TestPollEvents(t *testing.T) {
	r := newFeedRig(t, Config{})
	r.track("token")
	r.srv.set("token", "current", feedXML("token", "8.x-1.", "8.x-1.14", "8.x-1.13"))
	r.poll()
	r.srv.set("token", "current", feedXML("token", "8.x-1.", "8.x-1.15 Security update", "8.x-1.14 Insecure", "8.x-1.13"))
	r.clock.Advance(2 * time.Hour)
	r.poll()
	r.clock.Advance(2 * time.Hour)
	r.poll()
	want := []string{"release.new token 8.x-1.15", "release.security token 8.x-1.15", "release.insecure token 8.x-1.14"}
	if got := summary(t, events(t, r.st)); !equalStrings(got, want) {
		t.Errorf("events = %q, want %q", got, want)
	}
	if rec := r.record("token"); rec.Summary.SecurityReleases[0] != "8.x-1.15" || !rec.ChangedAt.Equal(r.clock.Now().Add(-2*time.Hour)) {
		t.Errorf("record after the change: summary %+v, changed %v", rec.Summary, rec.ChangedAt)
	}
}

// A record written by another instance between read and write is diffed
// again: its events are not repeated.
func TestPollConflictRediffs(t *testing.T) {
	r := newFeedRig(t, Config{})
	r.track("token")
	r.srv.set("token", "current", feedXML("token", "8.x-1.", "8.x-1.14"))
	r.poll()
	newer := feedXML("token", "8.x-1.", "8.x-1.15", "8.x-1.14")
	r.srv.set("token", "current", newer)
	// While the poll fetches, another instance (whose clock runs ahead)
	// records the same change: the lease has been lost, say.
	ahead := newClock()
	ahead.Advance(3 * time.Hour)
	other, err := New(Config{}, Deps{Store: r.st, Feeds: r.srv.client(t, "b"), Fleet: &platforms.Fleet{},
		Now: ahead.Now, Rand: half, Logger: testLogger(t).With("rig", "other"), Instance: "b"})
	if err != nil {
		t.Fatal(err)
	}
	other.feedSt[FeedKey("current", "token")] = &feedState{project: "token", category: "current"}
	other.loaded = true
	r.srv.handle("token", "current", func(w http.ResponseWriter, req *http.Request) {
		r.srv.handle("token", "current", nil)
		if err := r.st.Release(req.Context(), "poll:current/token", "a"); err != nil {
			t.Error(err)
		}
		if err := other.PollOnce(req.Context()); err != nil {
			t.Errorf("other instance: %v", err)
		}
		w.Write([]byte(newer))
	})
	r.clock.Advance(2 * time.Hour)
	r.poll()
	if got, want := summary(t, events(t, r.st)), []string{"release.new token 8.x-1.15"}; !equalStrings(got, want) {
		t.Errorf("events = %q, want %q once", got, want)
	}
	if n := r.srv.count("token", "current"); n != 3 {
		t.Errorf("%d requests, want 3 (one per poll)", n)
	}
	// The record is the other instance's, with this poll's metadata on top.
	if rec := r.record("token"); !rec.ChangedAt.Equal(ahead.Now()) || !rec.FetchedAt.Equal(r.clock.Now()) {
		t.Errorf("record: changed %v, fetched %v; want changed by the other instance at %v, fetched now %v", rec.ChangedAt, rec.FetchedAt, ahead.Now(), r.clock.Now())
	}
}

func equalDurations(a, b []time.Duration) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

func equalStrings(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}
