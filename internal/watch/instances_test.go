package watch

import (
	"context"
	"slices"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/drupdate/drupdate/internal/store"
	"github.com/drupdate/drupdate/internal/store/redis"
	"github.com/drupdate/drupdate/internal/store/redis/redistest"
)

// Two watchers on one Redis split the polling: no feed is fetched twice
// within an interval, a change is announced once, and when one watcher
// stops, the other takes its feeds over once their leases run out.
func TestTwoInstancesOnRedis(t *testing.T) {
	if testing.Short() {
		t.Skip("runs for about 15 seconds")
	}
	url := redistest.Server(t)
	const interval = 2 * time.Second
	cfg := Config{Poll: interval, Urgent: interval, Scan: 3 * time.Second, Jitter: 0.1, FailureBase: interval}
	srv := newFeedServer(t)
	publishFleetFeeds(srv)
	srv.set("bootstrap5", "current", feedXML("bootstrap5", "4.", "4.0.0"))
	fleet := copyPlatforms(t, t.TempDir())

	ctx := context.Background()
	var stores []store.Store
	start := func(name string) (stop func()) {
		st, err := redis.Open(ctx, url, redis.Options{Namespace: "twins"})
		if err != nil {
			t.Fatal(err)
		}
		stores = append(stores, st)
		t.Cleanup(func() { st.Close() })
		w, err := New(cfg, Deps{Store: st, Feeds: srv.client(t, name), Fleet: fleet, Logger: testLogger(t).With("w", name), Instance: name})
		if err != nil {
			t.Fatal(err)
		}
		runCtx, cancel := context.WithCancel(ctx)
		var wg sync.WaitGroup
		wg.Go(func() {
			if err := w.Run(runCtx); err != nil {
				t.Errorf("%s: Run: %v", name, err)
			}
		})
		return func() { cancel(); wg.Wait() }
	}
	stopA := start("a")
	stopB := start("b")
	defer stopB()

	time.Sleep(3 * interval)
	// A security release, seen by whichever instance holds token's lease.
	srv.set("token", "current", feedXML("token", "8.x-1.", "8.x-1.15 Security update", "8.x-1.14 Insecure", "8.x-1.13", "8.x-1.12", "8.x-1.11"))
	time.Sleep(2 * interval)
	stopA()
	stopped := time.Now()
	time.Sleep(3 * interval)
	stopB()

	log := srv.hitLog()
	byFeed := map[string][]hit{}
	by := map[string]int{}
	for _, h := range log {
		byFeed[h.path] = append(byFeed[h.path], h)
		by[h.instance]++
	}
	t.Logf("%d fetches: %v", len(log), by)
	if by["a"] == 0 || by["b"] == 0 {
		t.Errorf("fetches by instance = %v, want both to take part", by)
	}
	if len(byFeed) != 14 {
		t.Errorf("%d feeds fetched, want 14", len(byFeed))
	}
	// Polls of one feed come at least an interval (less jitter and a
	// little latency) apart, whichever instance makes them.
	minGap := time.Duration(float64(interval)*(1-cfg.Jitter)) - 100*time.Millisecond
	for path, hits := range byFeed {
		for i := 1; i < len(hits); i++ {
			if gap := hits[i].at.Sub(hits[i-1].at); gap < minGap {
				t.Errorf("%s fetched by %s and then by %s only %v apart, want at least %v", path, hits[i-1].instance, hits[i].instance, gap, minGap)
			}
		}
		// After A stopped, B fetched every feed, A's too, once A's
		// leases ran out.
		var afterStop []string
		for _, h := range hits {
			if h.at.After(stopped) {
				afterStop = append(afterStop, h.instance)
			}
		}
		if !slices.Contains(afterStop, "b") || slices.Contains(afterStop, "a") {
			t.Errorf("%s fetched after A stopped by %v, want by B only", path, afterStop)
		}
	}

	// Each event once, though two instances polled and evaluated.
	got := summary(t, events(t, stores[1]))
	sort.Strings(got)
	want := []string{
		"platform.status shop-d10-composer token CURRENT→NOT_SECURE",
		"release.insecure token 8.x-1.14",
		"release.new token 8.x-1.15",
		"release.security token 8.x-1.15",
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("events from two instances (-want +got):\n%s", diff)
	}
	if n := strings.Count(strings.Join(got, "\n"), "release.security"); n != 1 {
		t.Errorf("%d release.security events, want 1", n)
	}
}
