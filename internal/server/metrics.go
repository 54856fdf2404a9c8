package server

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/drupdate/drupdate/internal/drupal"
	"github.com/drupdate/drupdate/internal/store"
	"github.com/drupdate/drupdate/internal/watch"
	"github.com/prometheus/client_golang/prometheus"
)

const (
	// stateMaxAge is how long the figures read from the store are
	// reused, so that frequent scrapes of a large fleet do not read every
	// record each time.
	stateMaxAge = 15 * time.Second
	// stateTimeout bounds one reading of them.
	stateTimeout = 30 * time.Second
)

// register registers c with reg, or returns the collector registered
// before it under the same descriptors (a second Server on one registry).
// Any other conflict is a programming error and panics, as MustRegister
// does.
func register[C prometheus.Collector](reg *prometheus.Registry, c C) C {
	err := reg.Register(c)
	if err == nil {
		return c
	}
	var are prometheus.AlreadyRegisteredError
	if errors.As(err, &are) {
		if old, ok := are.ExistingCollector.(C); ok {
			return old
		}
	}
	panic(fmt.Sprintf("register server metrics: %v", err))
}

// httpMetrics count the API's requests.
type httpMetrics struct {
	requests *prometheus.CounterVec
	duration *prometheus.HistogramVec
}

func newHTTPMetrics(reg *prometheus.Registry) *httpMetrics {
	return &httpMetrics{
		requests: register(reg, prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "drupdate_http_requests_total",
			Help: "HTTP API requests by route pattern and status code.",
		}, []string{"route", "code"})),
		duration: register(reg, prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "drupdate_http_request_duration_seconds",
			Help:    "HTTP API response times by route pattern (long-polls included).",
			Buckets: []float64{.001, .005, .025, .1, .5, 2.5, 10, 60},
		}, []string{"route"})),
	}
}

func (m *httpMetrics) observe(route string, status int, d time.Duration) {
	m.requests.WithLabelValues(route, strconv.Itoa(status)).Inc()
	m.duration.WithLabelValues(route).Observe(d.Seconds())
}

// storeCollector reports the fleet and the feeds as the store holds them:
// platforms by worst status, feeds by fetch state, failing feeds, and how
// overdue the most overdue feed is (which keeps growing when no poller
// runs). The poller's own figures (fetches by result, hence 304s and
// errors by kind; poll lag as polls start; projects by status) are
// registered by the poller in the same registry.
type storeCollector struct {
	s *Server

	platforms, feeds, failing, overdue, ok *prometheus.Desc

	mu   sync.Mutex
	at   time.Time
	snap *stateSnapshot
}

// stateSnapshot is what one reading of the store found.
type stateSnapshot struct {
	platforms map[string]int    // worst status ("none") → platforms
	feeds     map[[2]string]int // {category, state} → feeds
	failing   map[string]int    // category → feeds whose last poll failed
	// dueSince is the earliest NextPollAt among the feeds of projects
	// some platform runs (zero: none).
	dueSince time.Time
}

func newStoreCollector(s *Server) *storeCollector {
	return &storeCollector{
		s: s,
		platforms: prometheus.NewDesc("drupdate_state_platforms",
			`Platforms by the worst update status of their projects ("none" before evaluation).`,
			[]string{"worst"}, nil),
		feeds: prometheus.NewDesc("drupdate_state_feeds",
			"Release-history feeds stored, by category and fetch state.",
			[]string{"category", "state"}, nil),
		failing: prometheus.NewDesc("drupdate_state_feeds_failing",
			"Feeds whose latest poll failed, by category.",
			[]string{"category"}, nil),
		overdue: prometheus.NewDesc("drupdate_state_feed_overdue_seconds",
			"How long the most overdue feed of a project some platform runs has waited past its next poll time (0 when none is overdue).",
			nil, nil),
		ok: prometheus.NewDesc("drupdate_state_read_ok",
			"1 if the latest reading of the store for these figures succeeded, else 0 (the figures are then the previous reading's).",
			nil, nil),
	}
}

// Describe implements prometheus.Collector.
func (c *storeCollector) Describe(ch chan<- *prometheus.Desc) {
	for _, d := range []*prometheus.Desc{c.platforms, c.feeds, c.failing, c.overdue, c.ok} {
		ch <- d
	}
}

// Collect implements prometheus.Collector, reading the store at most
// every stateMaxAge.
func (c *storeCollector) Collect(ch chan<- prometheus.Metric) {
	c.mu.Lock()
	defer c.mu.Unlock()
	now := c.s.now()
	ok := 1.0
	if c.snap == nil || now.Sub(c.at) >= stateMaxAge || now.Before(c.at) {
		snap, err := c.read()
		if err != nil {
			c.s.log.Error("read store for metrics", "err", c.s.redact(err.Error()))
			ok = 0
		} else {
			c.snap, c.at = snap, now
		}
	}
	gauge := func(d *prometheus.Desc, v float64, labels ...string) {
		ch <- prometheus.MustNewConstMetric(d, prometheus.GaugeValue, v, labels...)
	}
	gauge(c.ok, ok)
	if c.snap == nil {
		return
	}
	for st, n := range c.snap.platforms {
		gauge(c.platforms, float64(n), st)
	}
	for k, n := range c.snap.feeds {
		gauge(c.feeds, float64(n), k[0], k[1])
	}
	for cat, n := range c.snap.failing {
		gauge(c.failing, float64(n), cat)
	}
	lag := 0.0
	if !c.snap.dueSince.IsZero() && now.After(c.snap.dueSince) {
		lag = now.Sub(c.snap.dueSince).Seconds()
	}
	gauge(c.overdue, lag)
}

// read reads every platform record and every feed's index record (not
// the history records, which hold the feeds' bodies).
func (c *storeCollector) read() (*stateSnapshot, error) {
	ctx, cancel := context.WithTimeout(context.Background(), stateTimeout)
	defer cancel()
	release, err := c.s.acquireScan(ctx)
	if err != nil {
		return nil, fmt.Errorf("wait for a scan slot: %w", err)
	}
	defer release()

	snap := &stateSnapshot{
		platforms: map[string]int{"none": 0},
		feeds:     map[[2]string]int{},
		failing:   map[string]int{},
	}
	for _, st := range drupal.Statuses {
		snap.platforms[st.String()] = 0
	}
	for _, cat := range categories {
		snap.failing[cat] = 0
	}
	inUse := map[string]bool{}
	err = store.Each(ctx, c.s.st, watch.BucketPlatforms, "", pageSize, func(kv store.KV) error {
		h, err := decodeHead(kv)
		if err != nil {
			c.s.log.Error("unreadable platform record", "err", c.s.redact(err.Error()))
			return nil
		}
		sum := h.summary(kv.Key)
		worst := sum.Worst
		if worst == "" {
			worst = "none"
		}
		snap.platforms[worst]++
		eachStatus(h.Statuses, func(project []byte, _ string) {
			if !inUse[string(project)] {
				inUse[string(project)] = true
			}
		})
		return nil
	})
	if err != nil {
		return nil, err
	}
	err = store.Each(ctx, c.s.st, watch.BucketFeedIndex, "", pageSize, func(kv store.KV) error {
		var f watch.FeedIndex
		if err := json.Unmarshal(kv.Value, &f); err != nil {
			c.s.log.Error("unreadable feed index record", "key", c.s.redact(store.Quote(kv.Key)), "err", c.s.redact(err.Error()))
			return nil
		}
		cat, project, _ := strings.Cut(kv.Key, "/")
		snap.feeds[[2]string{cat, f.State}]++
		if f.Failures > 0 {
			snap.failing[cat]++
		}
		if inUse[project] && !f.NextPollAt.IsZero() && (snap.dueSince.IsZero() || f.NextPollAt.Before(snap.dueSince)) {
			snap.dueSince = f.NextPollAt
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return snap, nil
}

// promLogger lets promhttp log through slog.
type promLogger struct{ log *slog.Logger }

func (l promLogger) Println(v ...any) { l.log.Error("serve metrics", "err", fmt.Sprint(v...)) }
