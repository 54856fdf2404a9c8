package watch

import (
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/testutil"
)

func TestMetricsRegistry(t *testing.T) {
	reg := prometheus.NewRegistry()
	if _, err := NewMetrics(reg); err != nil {
		t.Fatalf("NewMetrics: %v", err)
	}
	if _, err := NewMetrics(reg); err == nil || !strings.Contains(err.Error(), "register watch metrics") {
		t.Errorf("NewMetrics on the same registry again = %v, want a registration error", err)
	}
	// Every result and status is exported from the start, at zero.
	n, err := testutil.GatherAndCount(reg, "drupdate_watch_fetches_total", "drupdate_watch_projects")
	if err != nil || n != len(fetchResults)+9 {
		t.Errorf("series of fetches and projects = %d, %v; want %d", n, err, len(fetchResults)+9)
	}
	var nilMetrics *Metrics
	nilMetrics.fetched(ResultOK) // a nil *Metrics records nothing, and does not panic
}

// Lag and last poll time are recorded; a poll a minute late shows it.
func TestPollMetrics(t *testing.T) {
	r := newFeedRig(t, Config{Jitter: -1})
	r.srv.set("token", "current", feedXML("token", "8.x-1.", "8.x-1.14"))
	r.track("token")
	r.poll()
	r.clock.Advance(61 * time.Minute)
	r.poll()
	if got, want := testutil.ToFloat64(r.m.lastPoll), float64(r.clock.Now().Unix()); got != want {
		t.Errorf("last poll = %v, want %v", got, want)
	}
	const exposition = `
# HELP drupdate_watch_poll_lag_seconds How late feed polls start after the feed fell due.
# TYPE drupdate_watch_poll_lag_seconds histogram
drupdate_watch_poll_lag_seconds_bucket{le="0.1"} 0
drupdate_watch_poll_lag_seconds_bucket{le="0.5"} 0
drupdate_watch_poll_lag_seconds_bucket{le="1"} 0
drupdate_watch_poll_lag_seconds_bucket{le="5"} 0
drupdate_watch_poll_lag_seconds_bucket{le="15"} 0
drupdate_watch_poll_lag_seconds_bucket{le="60"} 1
drupdate_watch_poll_lag_seconds_bucket{le="300"} 1
drupdate_watch_poll_lag_seconds_bucket{le="900"} 1
drupdate_watch_poll_lag_seconds_bucket{le="3600"} 1
drupdate_watch_poll_lag_seconds_bucket{le="+Inf"} 1
drupdate_watch_poll_lag_seconds_sum 60
drupdate_watch_poll_lag_seconds_count 1
`
	if err := testutil.CollectAndCompare(r.m.pollLag, strings.NewReader(exposition)); err != nil {
		t.Error(err)
	}
}
