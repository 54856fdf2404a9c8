package watch

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"sync"
	"sync/atomic"
	"time"

	"github.com/drupdate/drupdate/feeds"
	"github.com/drupdate/drupdate/internal/drupal"
	"github.com/drupdate/drupdate/internal/store"
	"github.com/drupdate/drupdate/platforms"
	"github.com/drupdate/drupdate/resolver/status"
)

// Deps is what a Watcher works with. Store, Feeds, Fleet and Instance are
// required.
type Deps struct {
	// Store holds histories, platform records, events and leases; it may
	// be shared with other instances (Redis).
	Store store.Store
	// Feeds fetches release histories; its concurrency limit is the
	// limit of requests in flight to its host.
	Feeds *feeds.Client
	// Fleet lists the platforms to scan and evaluate.
	Fleet *platforms.Fleet
	// Now is the clock for schedules and record times; nil means
	// time.Now. Lease expiry follows the store's clock.
	Now func() time.Time
	// Rand returns uniform values in [0, 1) for jitter, from any
	// goroutine; nil means math/rand/v2's Float64.
	Rand func() float64
	// Logger receives the watcher's logs; nil discards them.
	Logger *slog.Logger
	// Instance names this watcher as the owner of the leases it takes.
	// Give each process its own, and keep it across restarts (a host name
	// and a service name, say): a process restarted under the same name
	// takes its leases back at once, one under a new name waits for them
	// to expire.
	Instance string
	// Metrics, when not nil, receives the watcher's metrics.
	Metrics *Metrics
	// Scan tunes platform scans; its Logger defaults to Logger.
	Scan platforms.Options
	// Advisories, when not nil, are matched against every platform: the
	// findings join each platform's report, and new ones raise
	// EventAdvisory.
	Advisories *Advisories
}

// Watcher keeps the release histories of every project a fleet uses fresh
// in a store, turns what changed into events and keeps each platform's
// evaluation current. See the package documentation for the schedule and
// the guarantees.
type Watcher struct {
	cfg   Config
	st    store.Store
	fc    *feeds.Client
	fleet *platforms.Fleet
	now   func() time.Time
	rand  func() float64
	log   *slog.Logger
	id    string
	m     *Metrics

	// Seams for tests: how to wait, parse and scan.
	sleep func(ctx context.Context, d time.Duration) error
	parse func(project string, body []byte) (*drupal.History, error)
	scan  func(ctx context.Context, f *platforms.Fleet) []platforms.FleetResult

	// round serialises ScanOnce and PollOnce (and so Run's steps).
	round sync.Mutex
	// commits merges the writes of a poll round's feeds.
	commits *committer

	mu       sync.Mutex
	loaded   bool
	plats    map[string]*platState // the fleet's platforms, by name
	feedSt   map[string]*feedState // the feeds they use, by FeedKey
	urgent   map[string]bool       // FeedKeys polled at the urgent interval
	nextScan time.Time

	cacheMu sync.Mutex
	cache   map[string]*cachedFeed // parsed histories, by FeedKey

	advCfg *Advisories
	adv    atomic.Pointer[advState] // nil until first loaded
}

// platState is what the watcher keeps in memory of a platform's record.
type platState struct {
	category string   // its feeds' category; "" when it has none
	feeds    []string // FeedKeys of the projects it uses
	statuses map[string]drupal.Status
	counts   map[drupal.Status]int // of its last evaluation
	// prepared is the inventory as the resolver's input, for invHash.
	prepared *status.Platform
	invHash  string
}

// feedState is a feed's schedule as this instance knows it.
type feedState struct {
	project, category string
	// next is when to look at the feed again; the stored record's
	// NextPollAt decides whether it is due then.
	next time.Time
}

// cachedFeed is a parsed history and the hash of the body it came from.
type cachedFeed struct {
	hash string
	hist *drupal.History
	feed *status.Feed
}

// New returns a watcher; it does nothing until Run, PollOnce or ScanOnce.
func New(cfg Config, deps Deps) (*Watcher, error) {
	cfg = cfg.withDefaults()
	if err := cfg.validate(); err != nil {
		return nil, err
	}
	switch {
	case deps.Store == nil:
		return nil, errors.New("new watcher: no store")
	case deps.Feeds == nil:
		return nil, errors.New("new watcher: no feeds client")
	case deps.Fleet == nil:
		return nil, errors.New("new watcher: no fleet")
	case deps.Instance == "":
		return nil, errors.New("new watcher: no instance name")
	}
	if err := store.CheckLease(leasePrefixPoll+"x", deps.Instance, time.Millisecond); err != nil {
		return nil, fmt.Errorf("new watcher: instance name: %w", err)
	}
	w := &Watcher{
		cfg: cfg, st: deps.Store, fc: deps.Feeds, fleet: deps.Fleet,
		now: deps.Now, rand: deps.Rand, log: deps.Logger, id: deps.Instance, m: deps.Metrics,
		sleep: sleepCtx, parse: feeds.ParseHistory,
		plats: map[string]*platState{}, feedSt: map[string]*feedState{}, urgent: map[string]bool{},
		cache: map[string]*cachedFeed{}, advCfg: deps.Advisories,
	}
	if w.now == nil {
		w.now = time.Now
	}
	if w.rand == nil {
		w.rand = rand.Float64
	}
	if w.log == nil {
		w.log = slog.New(slog.DiscardHandler)
	}
	w.log = w.log.With("instance", w.id)
	opts := deps.Scan
	if opts.Logger == nil {
		opts.Logger = w.log
	}
	w.scan = func(ctx context.Context, f *platforms.Fleet) []platforms.FleetResult {
		return platforms.ScanFleet(ctx, f, opts)
	}
	return w, nil
}

// Lease name prefixes: a feed's poll lease is "poll:" + FeedKey, a
// platform's scan lease "scan:" + its name.
const (
	leasePrefixPoll = "poll:"
	leasePrefixScan = "scan:"
)

// Timing bounds of Run's loop.
const (
	minWait = 10 * time.Millisecond
	maxWait = time.Minute
)

// Run scans the fleet, then polls the feeds as they fall due, re-scanning
// on the Scan interval, until ctx ends; it then returns nil. Failures are
// logged and retried on the schedule; Run returns early only when the store
// has been closed.
func (w *Watcher) Run(ctx context.Context) error {
	w.log.Info("watcher started", "platforms", len(w.fleet.Platforms), "poll", w.cfg.Poll, "urgent", w.cfg.Urgent, "scan", w.cfg.Scan)
	defer w.log.Info("watcher stopped")
	for ctx.Err() == nil {
		var errs []error
		if !w.now().Before(w.scanDue()) {
			errs = append(errs, w.ScanOnce(ctx))
		}
		errs = append(errs, w.PollOnce(ctx))
		err := errors.Join(errs...)
		if errors.Is(err, store.ErrClosed) {
			return fmt.Errorf("watch: %w", err)
		}
		if err != nil && ctx.Err() == nil {
			w.log.Error("watch round", "err", err)
		}
		t := time.NewTimer(min(max(w.nextWake().Sub(w.now()), minWait), maxWait))
		select {
		case <-ctx.Done():
		case <-t.C:
		}
		t.Stop()
	}
	return nil
}

func (w *Watcher) scanDue() time.Time {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.nextScan
}

// nextWake is the earliest of the next scan and the feeds' next looks.
func (w *Watcher) nextWake() time.Time {
	w.mu.Lock()
	defer w.mu.Unlock()
	next := w.nextScan
	for _, f := range w.feedSt {
		if f.next.Before(next) {
			next = f.next
		}
	}
	return next
}

// sleepCtx waits d or until ctx ends.
func sleepCtx(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

// recheck is how soon to look again at a feed that another instance is
// polling, or that could not be looked at.
func recheck(interval time.Duration) time.Duration {
	return max(interval/10, minWait)
}
