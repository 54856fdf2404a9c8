package notify

import (
	"strings"
	"testing"
	"time"
	_ "time/tzdata" // Europe/Paris whatever the machine has

	"github.com/google/go-cmp/cmp"
	"gopkg.in/yaml.v3"
)

// decodeConfig reads a config as the app does: strictly.
func decodeConfig(t *testing.T, src string) (Config, error) {
	t.Helper()
	var c Config
	dec := yaml.NewDecoder(strings.NewReader(src))
	dec.KnownFields(true)
	err := dec.Decode(&c)
	return c, err
}

func TestConfigYAML(t *testing.T) {
	c, err := decodeConfig(t, `
routes:
  - match:
      kinds: ["security.*"]
      platforms: ["shop-*"]
      tags: [production]
      min_risk: Moderately critical
    receivers: [mail, chat]
    continue: true
    group_wait: 10s
    repeat_interval: never
  - match: {min_risk: 15}
    receivers: [pager]
group_wait: 1m
group_interval: 0
repeat_interval: 2d
digest: {kinds: [update.available], at: "06:30", time_zone: Europe/Paris}
rate_limits:
  chat: {messages: 20, per: 1h}
retry: {initial_backoff: 1s, max_backoff: 1m, max_attempts: 5, max_age: 0, timeout: 5s}
history: 3d
`)
	if err != nil {
		t.Fatal(err)
	}
	want := Config{
		Routes: []Route{{
			Match:     Match{Kinds: []string{"security.*"}, Platforms: []string{"shop-*"}, Tags: []string{"production"}, MinRisk: "Moderately critical"},
			Receivers: []string{"mail", "chat"},
			Continue:  true,
			Timing:    Timing{GroupWait: Duration(10 * time.Second), RepeatInterval: Never},
		}, {
			Match:     Match{MinRisk: "15"},
			Receivers: []string{"pager"},
		}},
		Timing:     Timing{GroupWait: Duration(time.Minute), GroupInterval: Never, RepeatInterval: Duration(48 * time.Hour)},
		Digest:     Digest{Kinds: []string{"update.available"}, At: "06:30", TimeZone: "Europe/Paris"},
		RateLimits: map[string]RateLimit{"chat": {Messages: 20, Per: Duration(time.Hour)}},
		Retry:      Retry{InitialBackoff: Duration(time.Second), MaxBackoff: Duration(time.Minute), MaxAttempts: 5, MaxAge: Never, Timeout: Duration(5 * time.Second)},
		History:    Duration(72 * time.Hour),
	}
	if diff := cmp.Diff(want, c); diff != "" {
		t.Fatalf("decoded config (-want +got):\n%s", diff)
	}
	s, err := c.compile()
	if err != nil {
		t.Fatal(err)
	}
	// Route 0 overrides two durations and inherits group_interval (none).
	if got, want := s.routes[0].timing, (timing{wait: 10 * time.Second, interval: 0, repeat: 0}); got != want {
		t.Errorf("routes[0] timing = %+v, want %+v", got, want)
	}
	if got, want := s.routes[1].timing, (timing{wait: time.Minute, interval: 0, repeat: 48 * time.Hour}); got != want {
		t.Errorf("routes[1] timing = %+v, want %+v", got, want)
	}
	if s.routes[0].minRisk != 10 || s.routes[1].minRisk != 15 {
		t.Errorf("min risks = %d, %d, want 10, 15", s.routes[0].minRisk, s.routes[1].minRisk)
	}
	if want := (retryPolicy{initial: time.Second, max: time.Minute, attempts: 5, maxAge: 0, timeout: 5 * time.Second}); s.retry != want {
		t.Errorf("retry = %+v, want %+v", s.retry, want)
	}
	if s.digestAt != 6*60+30 || s.loc.String() != "Europe/Paris" {
		t.Errorf("digest at %d in %v, want 390 in Europe/Paris", s.digestAt, s.loc)
	}
}

func TestConfigDefaults(t *testing.T) {
	c, err := decodeConfig(t, "routes: [{receivers: [mail]}]\n")
	if err != nil {
		t.Fatal(err)
	}
	s, err := c.compile()
	if err != nil {
		t.Fatal(err)
	}
	if want := (timing{DefaultGroupWait, DefaultGroupInterval, DefaultRepeatInterval}); s.routes[0].timing != want || s.timing != want {
		t.Errorf("timing = %+v and %+v, want %+v", s.routes[0].timing, s.timing, want)
	}
	if want := (retryPolicy{initial: DefaultInitialBackoff, max: DefaultMaxBackoff, maxAge: DefaultMaxAge, timeout: DefaultTimeout}); s.retry != want {
		t.Errorf("retry = %+v, want %+v", s.retry, want)
	}
	if !cmp.Equal(s.digestKinds, []string{KindUpdate}) || s.digestAt != 7*60 || s.loc != time.Local {
		t.Errorf("digest = %q at %d in %v, want [update.available] at 420 in Local", s.digestKinds, s.digestAt, s.loc)
	}
	if s.history != DefaultHistory || len(s.limits) != 0 {
		t.Errorf("history %v, limits %v; want %v, none", s.history, s.limits, DefaultHistory)
	}

	// An empty list of digest kinds turns the digest off.
	c, _ = decodeConfig(t, "routes: [{receivers: [mail]}]\ndigest: {kinds: []}\n")
	if s, err := c.compile(); err != nil || s.digested(Alert{Kind: KindUpdate}) {
		t.Errorf("with digest kinds [], update.available is digested, or %v", err)
	}
}

func TestParseDuration(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want Duration
		err  bool
	}{
		{"30s", Duration(30 * time.Second), false},
		{"1h30m", Duration(90 * time.Minute), false},
		{"7d", Duration(7 * 24 * time.Hour), false},
		// Every spelling of nothing means none, not the default.
		{"0", Never, false},
		{"0s", Never, false},
		{"0d", Never, false},
		{"never", Never, false},
		{"-5s", 0, true},
		{"-1d", 0, true},
		{"soon", 0, true},
		{"1.5d", 0, true},
	} {
		got, err := parseDuration(tc.in)
		if got != tc.want || (err != nil) != tc.err {
			t.Errorf("parseDuration(%q) = %v, %v; want %v, error %t", tc.in, time.Duration(got), err, time.Duration(tc.want), tc.err)
		}
	}
}

// Every unusable field is reported, named as in YAML.
func TestValidate(t *testing.T) {
	for _, tc := range []struct {
		name string
		cfg  Config
		want []string
	}{
		{"no routes", Config{}, []string{"routes: none given"}},
		{
			"bad route",
			Config{Routes: []Route{{
				Match:     Match{Kinds: []string{"security.["}, Platforms: []string{""}, MinRisk: "Very critical"},
				Receivers: []string{"", "a/b"},
				Timing:    Timing{GroupWait: Duration(-time.Second)},
			}}},
			[]string{
				`routes[0].match.kinds[0]: "security.[" is not a pattern`,
				`routes[0].match.platforms[0]: "" is not a pattern`,
				`routes[0].match.min_risk: "Very critical" is neither a score`,
				`routes[0].receivers[0]: empty receiver name`,
				`routes[0].receivers[1]: receiver name "a/b" contains a slash`,
				`routes[0].group_wait: negative duration -1s`,
			},
		},
		{"score over 25", Config{Routes: []Route{{Match: Match{MinRisk: "26"}}}}, []string{"routes[0].match.min_risk: score 26 is outside 0–25"}},
		{
			"digest",
			Config{Routes: []Route{{}}, Digest: Digest{Kinds: []string{"["}, At: "7am", TimeZone: "Mars/Olympus"}},
			[]string{"digest.kinds[0]", `digest.at: "7am" is not a time of day`, "digest.time_zone: unknown time zone Mars/Olympus"},
		},
		{
			"rate limit",
			Config{Routes: []Route{{}}, RateLimits: map[string]RateLimit{"chat": {Messages: 0, Per: Never}}},
			[]string{"rate_limits.chat.messages: 0 is not a positive", "rate_limits.chat.per: must be a positive"},
		},
		{
			"retry",
			Config{Routes: []Route{{}}, Retry: Retry{InitialBackoff: Duration(time.Hour), MaxBackoff: Duration(time.Minute), MaxAttempts: -1, Timeout: Never}},
			[]string{"retry.initial_backoff: 1h0m0s exceeds retry.max_backoff 1m0s", "retry.max_attempts: -1 is negative", "retry.timeout: must be positive"},
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := tc.cfg.Validate()
			if err == nil {
				t.Fatalf("Validate() = nil, want errors %q", tc.want)
			}
			for _, w := range tc.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("Validate() = %v\nwant it to say %q", err, w)
				}
			}
		})
	}
}

func TestYAMLDurationErrors(t *testing.T) {
	_, err := decodeConfig(t, "routes: [{receivers: [mail]}]\ngroup_wait: soon\n")
	if err == nil || !strings.Contains(err.Error(), `line 2: "soon" is not a duration`) {
		t.Errorf("decode group_wait: soon = %v, want the line and the value", err)
	}
	_, err = decodeConfig(t, "routes: [{receivers: [mail], group_wiat: 1s}]\n")
	if err == nil || !strings.Contains(err.Error(), "group_wiat") {
		t.Errorf("decode with a misspelt key = %v, want it named", err)
	}
}

func TestNextDigest(t *testing.T) {
	paris, err := time.LoadLocation("Europe/Paris")
	if err != nil {
		t.Fatal(err)
	}
	s := &settings{digestAt: 7 * 60, loc: paris}
	for _, tc := range []struct {
		after, want string // in Paris
	}{
		{"2026-03-02 06:59", "2026-03-02 07:00"},
		{"2026-03-02 07:00", "2026-03-02 07:00"}, // on the dot: this one
		{"2026-03-02 07:01", "2026-03-03 07:00"},
		// The night clocks go forward, the digest keeps its hour.
		{"2026-03-28 12:00", "2026-03-29 07:00"},
		{"2026-10-24 12:00", "2026-10-25 07:00"},
	} {
		after, _ := time.ParseInLocation("2006-01-02 15:04", tc.after, paris)
		want, _ := time.ParseInLocation("2006-01-02 15:04", tc.want, paris)
		if got := s.nextDigest(after.UTC()); !got.Equal(want) {
			t.Errorf("nextDigest(%s) = %s, want %s", tc.after, got.In(paris), tc.want)
		}
	}
}

func TestBackoff(t *testing.T) {
	r := retryPolicy{initial: 10 * time.Second, max: 10 * time.Minute}
	for _, tc := range []struct {
		n    int
		u    float64
		want time.Duration
	}{
		{1, 0, 5 * time.Second}, // half of the initial backoff at least
		{1, 0.999999999, 10 * time.Second},
		{2, 0, 10 * time.Second},
		{4, 0.5, 60 * time.Second},
		{7, 0, 5 * time.Minute}, // 640s, capped at 10m
		{1000, 0, 5 * time.Minute},
	} {
		if got := r.backoff(tc.n, tc.u); got.Round(time.Millisecond) != tc.want {
			t.Errorf("backoff(%d, %v) = %v, want %v", tc.n, tc.u, got, tc.want)
		}
	}
}
