package watch

import (
	"strings"
	"testing"
	"time"
)

func TestConfigDefaults(t *testing.T) {
	got := Config{}.withDefaults()
	want := Config{Poll: time.Hour, Urgent: 15 * time.Minute, Scan: 15 * time.Minute, Jitter: 0.1, Retries: 3,
		RetryBase: time.Second, RetryMax: 30 * time.Second, FailureBase: time.Minute, Concurrency: 16, CachedFeeds: 4096}
	if got != want {
		t.Errorf("Config{}.withDefaults() = %+v, want %+v", got, want)
	}
	// "None" for jitter and retries; a short poll interval pulls the
	// urgent one and the failure backoff down with it.
	got = Config{Poll: 10 * time.Second, Jitter: -1, Retries: -1}.withDefaults()
	if got.Jitter != 0 || got.Retries != 0 || got.Urgent != 10*time.Second || got.FailureBase != 10*time.Second {
		t.Errorf("Config{Poll: 10s, Jitter: -1, Retries: -1}.withDefaults() = %+v, want no jitter, no retries, urgent and failure base 10s", got)
	}
	if err := got.validate(); err != nil {
		t.Errorf("validate() = %v", err)
	}
}

func TestConfigValidate(t *testing.T) {
	for _, tt := range []struct {
		cfg  Config
		want string // part of the error, "" for none
	}{
		{Config{}, ""},
		{Config{Poll: time.Minute, Urgent: time.Hour}, "urgent interval 1h0m0s exceeds the poll interval 1m0s"},
		{Config{Jitter: 0.6}, "jitter 0.6 is outside [0, 0.5]"},
		{Config{Poll: time.Microsecond}, "poll interval 1µs is under a millisecond"},
		{Config{RetryBase: time.Minute, RetryMax: time.Second}, "retry base 1m0s exceeds retry max 1s"},
		{Config{Concurrency: -2}, "concurrency -2 is not positive"},
	} {
		err := tt.cfg.withDefaults().validate()
		switch {
		case tt.want == "" && err != nil:
			t.Errorf("validate(%+v) = %v, want nil", tt.cfg, err)
		case tt.want != "" && (err == nil || !strings.Contains(err.Error(), tt.want)):
			t.Errorf("validate(%+v) = %v, want an error mentioning %q", tt.cfg, err, tt.want)
		}
	}
}

func TestJitter(t *testing.T) {
	c := Config{Jitter: 0.1}.withDefaults()
	for _, tt := range []struct {
		d    time.Duration
		u    float64
		want time.Duration
	}{
		{time.Hour, 0, 54 * time.Minute},                             // the lower bound
		{time.Hour, 0.5, time.Hour},                                  // the middle
		{time.Hour, 0.999999, 66*time.Minute - 720*time.Microsecond}, // just under the upper bound
		{15 * time.Minute, 0.25, 14*time.Minute + 15*time.Second},
	} {
		if got := c.jitter(tt.d, tt.u); got != tt.want {
			t.Errorf("jitter(%v, %v) = %v, want %v", tt.d, tt.u, got, tt.want)
		}
	}
	// Any u in [0, 1) stays in [0.9d, 1.1d).
	for u := 0.0; u < 1; u += 0.001 {
		if got := c.jitter(time.Hour, u); got < 54*time.Minute || got >= 66*time.Minute {
			t.Fatalf("jitter(1h, %v) = %v, outside [54m, 66m)", u, got)
		}
	}
	if got := (Config{Jitter: -1}.withDefaults()).jitter(time.Hour, 0.9); got != time.Hour {
		t.Errorf("jitter(1h, 0.9) without jitter = %v, want 1h", got)
	}
}

func TestInterval(t *testing.T) {
	c := Config{}.withDefaults()
	if got := c.interval(false); got != time.Hour {
		t.Errorf("interval(urgent=false) = %v, want 1h", got)
	}
	if got := c.interval(true); got != 15*time.Minute {
		t.Errorf("interval(urgent=true) = %v, want 15m", got)
	}
}

func TestRetryWait(t *testing.T) {
	c := Config{RetryBase: time.Second, RetryMax: 10 * time.Second}.withDefaults()
	for _, tt := range []struct {
		attempt int
		u       float64
		want    time.Duration
	}{
		{0, 0, 500 * time.Millisecond}, // half of the base at least
		{0, 0.999, 999500 * time.Microsecond},
		{1, 0, time.Second},
		{2, 0.5, 3 * time.Second},
		{3, 1, 8 * time.Second},
		{4, 0, 5 * time.Second},   // capped at RetryMax: 10s
		{100, 0, 5 * time.Second}, // no overflow
		{-1, 0, 500 * time.Millisecond},
	} {
		if got := c.retryWait(tt.attempt, tt.u); got != tt.want {
			t.Errorf("retryWait(%d, %v) = %v, want %v", tt.attempt, tt.u, got, tt.want)
		}
	}
}

func TestNextPoll(t *testing.T) {
	now := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	c := Config{FailureBase: time.Minute, Jitter: 0.1}.withDefaults()
	for _, tt := range []struct {
		interval   time.Duration
		failures   int
		retryAfter time.Duration
		u          float64
		want       time.Duration // after now
	}{
		{time.Hour, 0, 0, 0.5, time.Hour},
		{time.Hour, 0, 0, 0, 54 * time.Minute},
		{15 * time.Minute, 0, 0, 0.5, 15 * time.Minute}, // urgent
		{time.Hour, 1, 0, 0.5, time.Minute},             // backoff after failures...
		{time.Hour, 2, 0, 0.5, 2 * time.Minute},
		{time.Hour, 4, 0, 0.5, 8 * time.Minute},
		{time.Hour, 7, 0, 0.5, time.Hour},               // ...capped at the interval
		{15 * time.Minute, 7, 0, 0.5, 15 * time.Minute}, // an urgent one's
		{time.Hour, 1000, 0, 0.5, time.Hour},
		{time.Hour, 1, 10 * time.Minute, 0.5, 10 * time.Minute}, // Retry-After beyond the backoff
		{time.Hour, 3, time.Second, 0.5, 4 * time.Minute},       // ...but not below it
		{time.Hour, 1, 2 * time.Hour, 0.5, 2 * time.Hour},       // nor capped by the interval
		{time.Hour, 1, 0, 0, 54 * time.Second},                  // the backoff is jittered too
	} {
		if got := c.nextPoll(now, tt.interval, tt.failures, tt.retryAfter, tt.u).Sub(now); got != tt.want {
			t.Errorf("nextPoll(now, %v, failures %d, retryAfter %v, u %v) = now+%v, want now+%v",
				tt.interval, tt.failures, tt.retryAfter, tt.u, got, tt.want)
		}
	}
}
