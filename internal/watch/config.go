package watch

import (
	"errors"
	"fmt"
	"math"
	"time"
)

// Config tunes a [Watcher]. A zero field takes its default; Jitter and
// Retries take a negative value for "none".
type Config struct {
	// Poll is how often a feed is fetched (default 1h).
	Poll time.Duration
	// Urgent is how often core's feed, and the feed of any project that
	// is NOT_SECURE on some platform, is fetched (default 15m). It may not
	// exceed Poll.
	Urgent time.Duration
	// Scan is how often the fleet's platforms are re-scanned (default
	// 15m).
	Scan time.Duration
	// Jitter spreads every interval uniformly over ±Jitter of itself, so
	// that feeds fetched together drift apart and instances do not march
	// in step (default 0.1; at most 0.5; negative: none).
	Jitter float64
	// Retries is how many times one poll tries again after a transient
	// failure (a timeout, a failed connection, 408, 429 or 5xx) before it
	// gives up until the next poll (default 3; negative: none).
	Retries int
	// RetryBase and RetryMax bound the waits between those attempts:
	// RetryBase doubled at each attempt, capped at RetryMax, of which a
	// random half is waited ("equal jitter"). A server's Retry-After
	// replaces the wait when longer; one longer than RetryMax ends the
	// poll and delays the next one instead. Defaults 1s and 30s.
	RetryBase, RetryMax time.Duration
	// FailureBase is how soon a feed is polled again after a failed poll:
	// FailureBase after the first failure, doubling with each failure in
	// a row, never beyond the feed's interval (default 1m).
	FailureBase time.Duration
	// Concurrency is how many feeds are polled at once (default 16). The
	// [feeds.Client]'s own limit (see feeds.WithConcurrency) caps the
	// requests in flight to its host.
	Concurrency int
	// CachedFeeds bounds the parsed histories kept in memory for diffing
	// and evaluation, some 25 KB each for a typical feed (default 4096:
	// about 100 MB). Feeds beyond it are parsed again from the store when
	// needed (some 0.4 ms for a typical feed).
	CachedFeeds int
}

// Defaults of Config's fields.
const (
	DefaultPoll        = time.Hour
	DefaultUrgent      = 15 * time.Minute
	DefaultScan        = 15 * time.Minute
	DefaultJitter      = 0.1
	DefaultRetries     = 3
	DefaultRetryBase   = time.Second
	DefaultRetryMax    = 30 * time.Second
	DefaultFailureBase = time.Minute
	DefaultConcurrency = 16
	DefaultCachedFeeds = 4096
)

// withDefaults fills zero fields and turns "none" into zero.
func (c Config) withDefaults() Config {
	setDur := func(d *time.Duration, def time.Duration) {
		if *d == 0 {
			*d = def
		}
	}
	setDur(&c.Poll, DefaultPoll)
	setDur(&c.Urgent, min(DefaultUrgent, c.Poll))
	setDur(&c.Scan, DefaultScan)
	setDur(&c.RetryBase, DefaultRetryBase)
	setDur(&c.RetryMax, max(DefaultRetryMax, c.RetryBase))
	setDur(&c.FailureBase, min(DefaultFailureBase, c.Urgent))
	switch {
	case c.Jitter == 0:
		c.Jitter = DefaultJitter
	case c.Jitter < 0:
		c.Jitter = 0
	}
	switch {
	case c.Retries == 0:
		c.Retries = DefaultRetries
	case c.Retries < 0:
		c.Retries = 0
	}
	if c.Concurrency == 0 {
		c.Concurrency = DefaultConcurrency
	}
	if c.CachedFeeds == 0 {
		c.CachedFeeds = DefaultCachedFeeds
	}
	return c
}

// validate reports every unusable field of a Config with defaults applied.
func (c Config) validate() error {
	var errs []error
	for _, d := range []struct {
		name string
		v    time.Duration
	}{{"poll", c.Poll}, {"urgent", c.Urgent}, {"scan", c.Scan}, {"retry base", c.RetryBase}, {"retry max", c.RetryMax}, {"failure base", c.FailureBase}} {
		if d.v < time.Millisecond {
			errs = append(errs, fmt.Errorf("%s interval %v is under a millisecond", d.name, d.v))
		}
	}
	if c.Urgent > c.Poll {
		errs = append(errs, fmt.Errorf("urgent interval %v exceeds the poll interval %v", c.Urgent, c.Poll))
	}
	if c.RetryBase > c.RetryMax {
		errs = append(errs, fmt.Errorf("retry base %v exceeds retry max %v", c.RetryBase, c.RetryMax))
	}
	if !(c.Jitter >= 0 && c.Jitter <= 0.5) { // also refuses NaN
		errs = append(errs, fmt.Errorf("jitter %v is outside [0, 0.5]", c.Jitter))
	}
	if c.Concurrency < 1 {
		errs = append(errs, fmt.Errorf("concurrency %d is not positive", c.Concurrency))
	}
	if c.CachedFeeds < 1 {
		errs = append(errs, fmt.Errorf("cached feeds %d is not positive", c.CachedFeeds))
	}
	if err := errors.Join(errs...); err != nil {
		return fmt.Errorf("watch config: %w", err)
	}
	return nil
}

// interval is a feed's polling interval, also the ttl of its poll lease.
func (c Config) interval(urgent bool) time.Duration {
	if urgent {
		return c.Urgent
	}
	return c.Poll
}

// jitter spreads d over [d(1-Jitter), d(1+Jitter)); u is uniform in [0, 1).
func (c Config) jitter(d time.Duration, u float64) time.Duration {
	return time.Duration(float64(d) * (1 + c.Jitter*(2*u-1)))
}

// retryWait is the wait before attempt+1 of one poll (attempt counts from
// 0): RetryBase·2^attempt capped at RetryMax, of which the second half is
// random.
func (c Config) retryWait(attempt int, u float64) time.Duration {
	d := capDouble(c.RetryBase, attempt, c.RetryMax)
	return d/2 + time.Duration(u*float64(d/2))
}

// nextPoll is when a feed is due again after a poll that ended at now with
// failures consecutive failed polls (0 after a success). retryAfter is the
// server's requested wait, honoured when longer than the schedule.
func (c Config) nextPoll(now time.Time, interval time.Duration, failures int, retryAfter time.Duration, u float64) time.Time {
	if failures == 0 {
		return now.Add(max(c.jitter(interval, u), retryAfter))
	}
	d := capDouble(c.FailureBase, failures-1, interval)
	return now.Add(max(c.jitter(d, u), retryAfter))
}

// capDouble is base·2^n, capped at limit, without overflow.
func capDouble(base time.Duration, n int, limit time.Duration) time.Duration {
	if n < 0 {
		n = 0
	}
	if n >= 62 || float64(base)*math.Exp2(float64(n)) >= float64(limit) {
		return limit
	}
	return base << n
}
