package notify

import (
	"cmp"
	"errors"
	"fmt"
	"path"
	"strconv"
	"strings"
	"time"

	"gopkg.in/yaml.v3"
)

// Config is the pipeline's configuration: the "notify" section of the fleet
// file. The caller decodes it (with yaml.v3's KnownFields) and [New]
// validates it. A zero field takes its default.
//
//	routes:
//	  - match:
//	      kinds: ["security.*"]
//	      tags: [production]
//	      min_risk: Moderately critical   # or a score, 10
//	    receivers: [ops-email, ops-slack]
//	    continue: true
//	    group_wait: 10s
//	  - match: {platforms: ["*-dev"]}     # no receivers: silence these
//	  - receivers: [ops-email]            # no match: everything else
//	group_wait: 30s
//	group_interval: 5m
//	repeat_interval: 24h                # 0: never remind
//	digest: {kinds: [update.available], at: "07:00", time_zone: Europe/Paris}
//	rate_limits:
//	  ops-slack: {messages: 20, per: 1h}
//	retry: {initial_backoff: 10s, max_backoff: 10m, max_attempts: 0, max_age: 24h, timeout: 30s}
//	history: 7d
type Config struct {
	// Routes are tried in order; an alert goes to the receivers of the
	// first route it matches, and of later ones while the matched routes
	// say continue. An alert no route matches is dropped.
	Routes []Route `yaml:"routes"`
	// Timing is the default timing of every route.
	Timing `yaml:",inline"`
	Digest Digest `yaml:"digest"`
	// RateLimits caps the messages each named receiver is sent; a receiver
	// not named here is not limited.
	RateLimits map[string]RateLimit `yaml:"rate_limits"`
	Retry      Retry                `yaml:"retry"`
	// History is how long delivered and failed messages stay listed by
	// [Outbox] (default 7d; 0: not kept).
	History Duration `yaml:"history"`
}

// Timing paces a route's messages to each of its receivers.
type Timing struct {
	// GroupWait is how long the first alert waits for others to join it
	// in one message (default 30s; 0: no wait).
	GroupWait Duration `yaml:"group_wait"`
	// GroupInterval is the least time between two messages of the same
	// route to the same receiver; alerts arriving meanwhile wait and go
	// together (default 5m; 0: none).
	GroupInterval Duration `yaml:"group_interval"`
	// RepeatInterval is how long an alert, once sent, is not sent again
	// with the same content; when the source submits it again after that,
	// it goes out as a reminder (default 24h; 0: never).
	RepeatInterval Duration `yaml:"repeat_interval"`
}

// A Route sends the alerts it matches to its receivers.
type Route struct {
	Match Match `yaml:"match"`
	// Receivers are names of the receivers passed to [New]. A route
	// without receivers silences the alerts it matches.
	Receivers []string `yaml:"receivers"`
	// Continue lets an alert matched here go on to match later routes.
	Continue bool `yaml:"continue"`
	// Timing overrides the config's timing field by field.
	Timing `yaml:",inline"`
}

// Match selects alerts. Every non-empty criterion must hold; the zero Match
// matches every alert.
type Match struct {
	// Kinds are patterns of alert kinds, as for [path.Match]
	// ("security.*").
	Kinds []string `yaml:"kinds"`
	// Platforms are patterns of platform names.
	Platforms []string `yaml:"platforms"`
	// Tags match a platform bearing any one of them.
	Tags []string `yaml:"tags"`
	// MinRisk is the least risk of the alert's advisory: a score from 0
	// to 25, or a drupal.org label standing for the least score of its
	// band ("Not critical" 0–4, "Less critical" 5–9, "Moderately
	// critical" 10–14, "Critical" 15–19, "Highly critical" 20–25). An
	// alert without an advisory of known risk never matches it.
	MinRisk string `yaml:"min_risk"`
}

// Digest holds alerts of some kinds back for one message a day.
type Digest struct {
	// Kinds are the patterns of the kinds held back (default
	// [update.available]; an empty list, [], turns the digest off).
	// Security alerts (see [Alert.Security]) are never held back.
	Kinds []string `yaml:"kinds"`
	// At is the time of day, HH:MM, when the digest goes out (default
	// 07:00).
	At string `yaml:"at"`
	// TimeZone is the IANA zone of At (default Local, the server's).
	TimeZone string `yaml:"time_zone"`
}

// RateLimit caps the messages sent to one receiver: at most Messages in
// any window of length Per. Alerts over the limit wait and go together in
// the next message allowed; none is dropped.
type RateLimit struct {
	Messages int      `yaml:"messages"`
	Per      Duration `yaml:"per"`
}

// Retry governs delivery attempts. The wait after the nth failed attempt
// is random between half and all of InitialBackoff·2ⁿ⁻¹, capped at
// MaxBackoff. A message is given up, and recorded as failed, after a
// permanent error ([IsPermanent]), after MaxAttempts attempts, or after a
// failed attempt once MaxAge has passed since it was created.
type Retry struct {
	// InitialBackoff defaults to 10s: long enough not to hammer a service
	// that is down, short enough to ride out a blip.
	InitialBackoff Duration `yaml:"initial_backoff"`
	// MaxBackoff defaults to 10m.
	MaxBackoff Duration `yaml:"max_backoff"`
	// MaxAttempts defaults to 0: no limit by count, MaxAge decides.
	MaxAttempts int `yaml:"max_attempts"`
	// MaxAge defaults to 24h (some 150 attempts at the default backoff):
	// an alert a day late has been seen elsewhere, or will be in the
	// next reminder; 0 means no limit.
	MaxAge Duration `yaml:"max_age"`
	// Timeout bounds one attempt (default 30s).
	Timeout Duration `yaml:"timeout"`
}

// Defaults of Config's fields.
const (
	DefaultGroupWait      = 30 * time.Second
	DefaultGroupInterval  = 5 * time.Minute
	DefaultRepeatInterval = 24 * time.Hour
	DefaultDigestKind     = KindUpdate
	DefaultDigestAt       = "07:00"
	DefaultInitialBackoff = 10 * time.Second
	DefaultMaxBackoff     = 10 * time.Minute
	DefaultMaxAge         = 24 * time.Hour
	DefaultTimeout        = 30 * time.Second
	DefaultHistory        = 7 * 24 * time.Hour
)

// Duration is a [time.Duration] that YAML writes as 30s, 5m, 24h or 7d.
// In YAML, 0 and "never" mean none (no wait, no reminder, no limit), which
// reads in Go as [Never]; in Go, the zero Duration means the default.
type Duration time.Duration

// Never is the Duration that turns a wait, reminder or limit off.
const Never Duration = -1

// UnmarshalYAML implements [yaml.Unmarshaler].
func (d *Duration) UnmarshalYAML(n *yaml.Node) error {
	if n.Kind != yaml.ScalarNode {
		return fmt.Errorf("line %d: expected a duration like 30s, 5m, 24h or 7d", n.Line)
	}
	v, err := parseDuration(n.Value)
	if err != nil {
		return fmt.Errorf("line %d: %w", n.Line, err)
	}
	*d = v
	return nil
}

func parseDuration(s string) (Duration, error) {
	s = strings.TrimSpace(s)
	if s == "never" || s == "0" {
		return Never, nil
	}
	var d time.Duration
	if days, ok := strings.CutSuffix(s, "d"); ok {
		n, err := strconv.Atoi(days)
		if err != nil || n < 0 || n > 100*365 {
			return 0, fmt.Errorf("%q is not a duration like 30s, 5m, 24h or 7d", s)
		}
		d = time.Duration(n) * 24 * time.Hour
	} else {
		var err error
		if d, err = time.ParseDuration(s); err != nil {
			return 0, fmt.Errorf("%q is not a duration like 30s, 5m, 24h or 7d", s)
		}
	}
	switch {
	case d < 0:
		return 0, fmt.Errorf("%q is negative", s)
	case d == 0:
		return Never, nil
	}
	return Duration(d), nil
}

// Validate reports every unusable field, named as in YAML
// ("routes[2].match.min_risk: ..."). It does not know the receivers; [New]
// checks that the names exist.
func (c Config) Validate() error {
	_, err := c.compile()
	return err
}

// settings is a Config checked and with defaults applied, in the form the
// pipeline uses. A zero duration means none.
type settings struct {
	routes      []route
	timing      timing
	digestKinds []string
	digestAt    int // minutes after midnight
	loc         *time.Location
	limits      map[string]limit
	retry       retryPolicy
	history     time.Duration
}

type timing struct{ wait, interval, repeat time.Duration }

type limit struct {
	n   int
	per time.Duration
}

type retryPolicy struct {
	initial, max time.Duration
	attempts     int
	maxAge       time.Duration
	timeout      time.Duration
}

func (c Config) compile() (*settings, error) {
	var errs []error
	fail := func(field, format string, args ...any) {
		errs = append(errs, fmt.Errorf("%s: %s", field, fmt.Sprintf(format, args...)))
	}
	// dur resolves d: the default when zero, none when Never (if allowed).
	dur := func(field string, d Duration, def time.Duration, noneOK bool) time.Duration {
		switch {
		case d == 0:
			return def
		case d == Never && noneOK:
			return 0
		case d == Never:
			fail(field, "must be positive")
			return def
		case d < 0:
			fail(field, "negative duration %v", time.Duration(d))
			return def
		}
		return time.Duration(d)
	}
	patterns := func(field string, ps []string) {
		for i, p := range ps {
			if _, err := path.Match(p, ""); err != nil || p == "" {
				fail(fmt.Sprintf("%s[%d]", field, i), "%q is not a pattern like security.*", p)
			}
		}
	}
	timingOf := func(prefix string, t Timing, base timing) timing {
		return timing{
			wait:     dur(prefix+"group_wait", t.GroupWait, base.wait, true),
			interval: dur(prefix+"group_interval", t.GroupInterval, base.interval, true),
			repeat:   dur(prefix+"repeat_interval", t.RepeatInterval, base.repeat, true),
		}
	}

	s := &settings{timing: timingOf("", c.Timing, timing{DefaultGroupWait, DefaultGroupInterval, DefaultRepeatInterval})}
	if len(c.Routes) == 0 {
		fail("routes", "none given, so no alert would reach anyone")
	}
	for i, r := range c.Routes {
		field := fmt.Sprintf("routes[%d].", i)
		patterns(field+"match.kinds", r.Match.Kinds)
		patterns(field+"match.platforms", r.Match.Platforms)
		rt := route{
			kinds:     r.Match.Kinds,
			platforms: r.Match.Platforms,
			tags:      r.Match.Tags,
			receivers: r.Receivers,
			cont:      r.Continue,
			timing:    timingOf(field, r.Timing, s.timing),
			minRisk:   -1,
		}
		if r.Match.MinRisk != "" {
			score, err := parseRisk(r.Match.MinRisk)
			if err != nil {
				fail(field+"match.min_risk", "%v", err)
			}
			rt.minRisk = score
		}
		for j, name := range r.Receivers {
			if err := checkReceiverName(name); err != nil {
				fail(fmt.Sprintf("%sreceivers[%d]", field, j), "%v", err)
			}
		}
		s.routes = append(s.routes, rt)
	}

	s.digestKinds = c.Digest.Kinds
	if s.digestKinds == nil {
		s.digestKinds = []string{DefaultDigestKind}
	}
	patterns("digest.kinds", c.Digest.Kinds)
	at := cmp.Or(c.Digest.At, DefaultDigestAt)
	if t, err := time.Parse("15:04", at); err != nil {
		fail("digest.at", "%q is not a time of day like 07:00", at)
	} else {
		s.digestAt = t.Hour()*60 + t.Minute()
	}
	var err error
	if s.loc, err = time.LoadLocation(cmp.Or(c.Digest.TimeZone, "Local")); err != nil {
		fail("digest.time_zone", "%v", err)
	}

	s.limits = map[string]limit{}
	for name, l := range c.RateLimits {
		field := "rate_limits." + name
		if err := checkReceiverName(name); err != nil {
			fail(field, "%v", err)
		}
		if l.Messages < 1 {
			fail(field+".messages", "%d is not a positive number of messages", l.Messages)
		}
		if l.Per <= 0 {
			fail(field+".per", "must be a positive duration")
		}
		s.limits[name] = limit{n: l.Messages, per: time.Duration(l.Per)}
	}

	s.retry = retryPolicy{
		initial:  dur("retry.initial_backoff", c.Retry.InitialBackoff, DefaultInitialBackoff, false),
		max:      dur("retry.max_backoff", c.Retry.MaxBackoff, DefaultMaxBackoff, false),
		attempts: c.Retry.MaxAttempts,
		maxAge:   dur("retry.max_age", c.Retry.MaxAge, DefaultMaxAge, true),
		timeout:  dur("retry.timeout", c.Retry.Timeout, DefaultTimeout, false),
	}
	if c.Retry.MaxBackoff == 0 {
		s.retry.max = max(s.retry.max, s.retry.initial)
	}
	if s.retry.initial > s.retry.max {
		fail("retry.initial_backoff", "%v exceeds retry.max_backoff %v", s.retry.initial, s.retry.max)
	}
	if s.retry.attempts < 0 {
		fail("retry.max_attempts", "%d is negative", s.retry.attempts)
	}
	s.history = dur("history", c.History, DefaultHistory, true)

	if err := errors.Join(errs...); err != nil {
		return nil, fmt.Errorf("notify config: %w", err)
	}
	return s, nil
}

// checkReceiverName refuses names that would break the store keys built
// as receiver/....
func checkReceiverName(name string) error {
	switch {
	case name == "":
		return errors.New("empty receiver name")
	case strings.Contains(name, "/"):
		return fmt.Errorf("receiver name %q contains a slash", name)
	}
	return nil
}

// nextDigest is the first digest time at or after t.
func (s *settings) nextDigest(t time.Time) time.Time {
	t = t.In(s.loc)
	d := time.Date(t.Year(), t.Month(), t.Day(), 0, s.digestAt, 0, 0, s.loc)
	if d.Before(t) {
		// Date, not Add(24h), so that the digest keeps its hour across
		// daylight-saving changes.
		d = time.Date(t.Year(), t.Month(), t.Day()+1, 0, s.digestAt, 0, 0, s.loc)
	}
	return d
}

// backoff is the wait after the nth failed attempt (n ≥ 1); u is uniform
// in [0, 1).
func (r retryPolicy) backoff(n int, u float64) time.Duration {
	d := r.initial
	for i := 1; i < n && d < r.max; i++ {
		d *= 2
	}
	d = min(d, r.max)
	return d/2 + time.Duration(u*float64(d/2))
}
