package watch

import (
	"errors"
	"fmt"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/drupdate/drupdate/feeds"
	"github.com/drupdate/drupdate/internal/drupal"
)

// Results of one fetch attempt, the "result" label of
// drupdate_watch_fetches_total.
const (
	ResultOK            = "ok"             // a release history arrived
	ResultNotModified   = "not_modified"   // 304: the stored history is current
	ResultErrorDocument = "error_document" // 200 with <error>: no data this time
	ResultBadBody       = "bad_body"       // 200 with no release history (bad XML, no short_name)
	ResultTimeout       = "timeout"
	ResultReset         = "reset" // connection refused, reset or cut short
	ResultHTTP429       = "http_429"
	ResultHTTP4xx       = "http_4xx"
	ResultHTTP5xx       = "http_5xx"
	ResultOther         = "other_error" // anything else: body over the cap, invalid name, mirror file missing
)

var fetchResults = []string{ResultOK, ResultNotModified, ResultErrorDocument, ResultBadBody, ResultTimeout,
	ResultReset, ResultHTTP429, ResultHTTP4xx, ResultHTTP5xx, ResultOther}

// fetchResult classifies a failed fetch or parse for the metrics and logs.
func fetchResult(err error) string {
	var fe *feeds.FetchError
	var nh *feeds.NoHistoryError
	var pe *feeds.ParseError
	switch {
	case errors.As(err, &nh):
		return ResultErrorDocument
	case errors.As(err, &pe):
		return ResultBadBody
	case !errors.As(err, &fe):
		return ResultOther
	case fe.StatusCode == 429:
		return ResultHTTP429
	case fe.StatusCode >= 500:
		return ResultHTTP5xx
	case fe.StatusCode >= 400:
		return ResultHTTP4xx
	case fe.Timeout():
		return ResultTimeout
	case fe.Reset():
		return ResultReset
	}
	return ResultOther
}

// Metrics are the watcher's Prometheus metrics. A nil *Metrics records
// nothing. Instances of a Watcher in one process need a Metrics each, on
// registries of their own.
type Metrics struct {
	fetches  *prometheus.CounterVec
	events   *prometheus.CounterVec
	pollLag  prometheus.Histogram
	lastPoll prometheus.Gauge
	projects *prometheus.GaugeVec
}

// NewMetrics creates the watcher's metrics and registers them on reg
// (never the global registry, so that tests and several watchers can each
// have their own):
//
//   - drupdate_watch_fetches_total{result}: fetch attempts by result: ok,
//     not_modified, or the kind of failure (see the Result constants).
//   - drupdate_watch_events_total{kind}: events appended, by kind.
//   - drupdate_watch_poll_lag_seconds: how late polls start after their
//     feed fell due.
//   - drupdate_watch_last_poll_timestamp_seconds: when the last poll round
//     ended.
//   - drupdate_watch_projects{status}: installed projects across the
//     fleet (one per platform and project) by update status, as of the
//     last evaluation.
func NewMetrics(reg prometheus.Registerer) (*Metrics, error) {
	m := &Metrics{
		fetches: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "drupdate_watch_fetches_total",
			Help: "Release-history fetch attempts, by result (ok, not_modified or the kind of failure).",
		}, []string{"result"}),
		events: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "drupdate_watch_events_total",
			Help: "Events appended to the event log, by kind.",
		}, []string{"kind"}),
		pollLag: prometheus.NewHistogram(prometheus.HistogramOpts{
			Name:    "drupdate_watch_poll_lag_seconds",
			Help:    "How late feed polls start after the feed fell due.",
			Buckets: []float64{0.1, 0.5, 1, 5, 15, 60, 300, 900, 3600},
		}),
		lastPoll: prometheus.NewGauge(prometheus.GaugeOpts{
			Name: "drupdate_watch_last_poll_timestamp_seconds",
			Help: "When the last poll round ended, in Unix seconds.",
		}),
		projects: prometheus.NewGaugeVec(prometheus.GaugeOpts{
			Name: "drupdate_watch_projects",
			Help: "Installed projects across the fleet (one per platform and project), by update status.",
		}, []string{"status"}),
	}
	for _, c := range []prometheus.Collector{m.fetches, m.events, m.pollLag, m.lastPoll, m.projects} {
		if err := reg.Register(c); err != nil {
			return nil, fmt.Errorf("register watch metrics: %w", err)
		}
	}
	for _, r := range fetchResults {
		m.fetches.WithLabelValues(r)
	}
	for _, k := range []string{EventNewRelease, EventSecurityRelease, EventReleaseInsecure, EventReleaseRevoked,
		EventReleaseUnsupported, EventProjectStatus, EventPlatformStatus, EventPlatformInventory} {
		m.events.WithLabelValues(k)
	}
	for _, s := range drupal.Statuses {
		m.projects.WithLabelValues(s.String())
	}
	return m, nil
}

func (m *Metrics) fetched(result string) {
	if m != nil {
		m.fetches.WithLabelValues(result).Inc()
	}
}

func (m *Metrics) appended(kind string) {
	if m != nil {
		m.events.WithLabelValues(kind).Inc()
	}
}

func (m *Metrics) lag(d time.Duration) {
	if m != nil {
		m.pollLag.Observe(max(d, 0).Seconds())
	}
}

func (m *Metrics) polled(t time.Time) {
	if m != nil {
		m.lastPoll.Set(float64(t.UnixNano()) / 1e9)
	}
}

func (m *Metrics) statuses(counts map[drupal.Status]int) {
	if m == nil {
		return
	}
	for _, s := range drupal.Statuses {
		m.projects.WithLabelValues(s.String()).Set(float64(counts[s]))
	}
}
