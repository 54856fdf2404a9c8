package notify

import (
	"context"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/drupdate/drupdate/internal/store"
	"github.com/drupdate/drupdate/internal/store/bolt"
)

// noWait: no group wait and no group interval, so that each tick sends what
// was submitted before it.
var noWait = Timing{GroupWait: Never, GroupInterval: Never}

// Five alerts for three platforms within group_wait make one message per
// receiver; a later alert within group_interval waits for it and goes
// with those that join it; after a quiet spell, group_wait applies again.
func TestGrouping(t *testing.T) {
	h := newHarness(t, Config{Routes: []Route{{Receivers: []string{"mail", "chat"}}}}, "mail", "chat")
	first := []Alert{
		advisoryFor("shop", "token", "1.14", "1.15"),
		advisoryFor("blog", "token", "1.14", "1.15"),
		advisoryFor("intranet", "token", "1.13", "1.15"),
		advisoryFor("shop", "views", "2.0", "2.1"),
		advisoryFor("blog", "webform", "6.1", "6.2"),
	}
	h.submit(first[0])
	h.advance(10 * time.Second)
	h.submit(first[1], first[2])
	h.advance(10 * time.Second)
	h.submit(first[3], first[4])
	h.advance(9 * time.Second) // 29s: group_wait has not passed
	for n, r := range h.recv {
		if got := r.messages(); len(got) != 0 {
			t.Fatalf("%s got %d messages before group_wait passed", n, len(got))
		}
	}
	h.advance(2 * time.Second) // 31s
	for n, r := range h.recv {
		got := r.messages()
		if len(got) != 1 {
			t.Fatalf("%s got %d messages after group_wait, want 1", n, len(got))
		}
		if diff := cmp.Diff(keysOf(first...), sortedKeys(got...)); diff != "" {
			t.Errorf("%s's message (-want +got):\n%s", n, diff)
		}
		if m := got[0]; m.Receiver != n || m.Digest || m.Reminder || m.ID == "" || !m.Created.Equal(monday.Add(31*time.Second)) {
			t.Errorf("%s's message = %+v", n, m)
		}
	}

	later := []Alert{advisoryFor("shop", "paragraphs", "1.0", "1.1"), advisoryFor("blog", "paragraphs", "1.0", "1.1")}
	h.advance(29 * time.Second) // 1m
	h.submit(later[0])
	h.advance(4 * time.Minute) // 5m
	h.submit(later[1])
	h.advance(30 * time.Second) // 5m30s: 1s short of group_interval after the first message
	if got := h.recv["mail"].messages(); len(got) != 0 {
		t.Fatalf("mail got %d messages within group_interval", len(got))
	}
	h.advance(time.Second)
	for n, r := range h.recv {
		if diff := cmp.Diff(keysOf(later...), sortedKeys(r.messages()...)); diff != "" {
			t.Errorf("%s after group_interval (-want +got):\n%s", n, diff)
		}
	}

	quiet := advisoryFor("shop", "ctools", "4.0", "4.1")
	h.advance(time.Hour)
	h.submit(quiet)
	h.advance(29 * time.Second)
	if got := h.recv["mail"].messages(); len(got) != 0 {
		t.Fatalf("after a quiet hour, mail got %d messages within group_wait", len(got))
	}
	h.advance(2 * time.Second)
	if got := h.recv["mail"].messages(); len(got) != 1 {
		t.Fatalf("after a quiet hour, mail got %d messages after group_wait, want 1", len(got))
	}

	for _, e := range h.outbox() {
		if e.State != StateDelivered || e.Attempts != 1 || e.LastError != "" || e.Finished.IsZero() {
			t.Errorf("outbox entry %s: %s after %d attempts (%q), finished %v", e.Message.ID, e.State, e.Attempts, e.LastError, e.Finished)
		}
	}
}

// The same alert again is not sent; a material change is, at once; the
// same content after the repeat interval goes as a reminder.
func TestDedup(t *testing.T) {
	h := newHarness(t, Config{Routes: []Route{{Receivers: []string{"mail"}}}, Timing: noWait}, "mail")
	a := advisoryFor("shop", "token", "1.14", "1.15")
	with := func(f func(*Alert)) Alert {
		b := a
		f(&b)
		return b
	}
	for _, step := range []struct {
		name     string
		wait     time.Duration
		alert    Alert
		want     int
		reminder bool
	}{
		{"first", 0, a, 1, false},
		{"same again", time.Minute, a, 0, false},
		{"seen again later, on another site", time.Hour, with(func(b *Alert) { b.At = b.At.Add(time.Hour); b.Sites = []string{"default"} }), 0, false},
		{"new recommended release", time.Minute, with(func(b *Alert) { b.Recommended = "1.16" }), 1, false},
		{"same, within the repeat interval", 23 * time.Hour, with(func(b *Alert) { b.Recommended = "1.16" }), 0, false},
		{"new installed release", time.Minute, with(func(b *Alert) { b.Recommended = "1.16"; b.Installed = "1.15" }), 1, false},
		{"new status", time.Minute, with(func(b *Alert) { b.Recommended = "1.16"; b.Installed = "1.15"; b.Status = "NOT_SECURE" }), 1, false},
		{"same after the repeat interval", 24 * time.Hour, with(func(b *Alert) { b.Recommended = "1.16"; b.Installed = "1.15"; b.Status = "NOT_SECURE" }), 1, true},
		{"same just after the reminder", time.Minute, with(func(b *Alert) { b.Recommended = "1.16"; b.Installed = "1.15"; b.Status = "NOT_SECURE" }), 0, false},
	} {
		h.clock.Advance(step.wait)
		h.submit(step.alert)
		h.advance(time.Second)
		got := h.recv["mail"].messages()
		if len(got) != step.want {
			t.Fatalf("%s: %d messages, want %d", step.name, len(got), step.want)
		}
		if len(got) == 1 && (got[0].Reminder != step.reminder || got[0].Alerts[0].Recommended != step.alert.Recommended) {
			t.Errorf("%s: message reminder %t with %s, want reminder %t with %s", step.name, got[0].Reminder, got[0].Alerts[0].Recommended, step.reminder, step.alert.Recommended)
		}
	}
}

// A repeated alert is not sent again while its first message is still on
// its way.
func TestDedupInFlight(t *testing.T) {
	h := newHarness(t, Config{Routes: []Route{{Receivers: []string{"mail"}}}, Timing: noWait}, "mail")
	a := advisoryFor("shop", "token", "1.14", "1.15")
	h.recv["mail"].set(func(r *fakeReceiver) { r.down = true })
	h.submit(a)
	h.advance(time.Second)
	h.submit(a)
	h.run(time.Minute, 10*time.Second)
	if es := h.outbox(); len(es) != 1 || es[0].State != StatePending {
		t.Fatalf("outbox after resubmitting during an outage: %+v, want one pending message", es)
	}
	h.recv["mail"].set(func(r *fakeReceiver) { r.down = false })
	h.run(5*time.Minute, 10*time.Second) // the next attempt may be 80s away
	if got := h.recv["mail"].messages(); len(got) != 1 {
		t.Fatalf("%d messages after the outage, want 1", len(got))
	}
}

// Submitting the same alert twice (a source re-delivering after a crash)
// records it once and does not hold its group back.
func TestSubmitIdempotent(t *testing.T) {
	h := newHarness(t, Config{Routes: []Route{{Receivers: []string{"mail"}}}}, "mail")
	a := advisoryFor("shop", "token", "1.14", "1.15")
	h.submit(a)
	h.advance(20 * time.Second)
	h.submit(a, a)
	pending, err := h.st.List(context.Background(), bucketPending, "", "", 10)
	if err != nil || len(pending) != 1 {
		t.Fatalf("pending after three submissions: %d entries, %v; want 1", len(pending), err)
	}
	h.advance(11 * time.Second) // group_wait after the first submission
	if got := h.recv["mail"].messages(); len(got) != 1 || len(got[0].Alerts) != 1 {
		t.Fatalf("messages = %+v, want one with one alert", got)
	}
}

func TestSubmitRefusesIncompleteAlerts(t *testing.T) {
	h := newHarness(t, Config{Routes: []Route{{Receivers: []string{"mail"}}}}, "mail")
	err := h.p.Submit(context.Background(), advisoryFor("shop", "token", "1", "2"), Alert{Kind: KindUpdate, Platform: "shop"})
	if err == nil || !strings.Contains(err.Error(), "alert 1") {
		t.Fatalf("Submit with an alert without project = %v, want an error naming alert 1", err)
	}
	if pending, _ := h.st.List(context.Background(), bucketPending, "", "", 10); len(pending) != 0 {
		t.Errorf("Submit that failed wrote %d alerts", len(pending))
	}
}

// Updates wait for the digest at its time of day and go as one digest
// message; security alerts do not wait. A day later, the same updates
// submitted again come back as a reminder digest.
func TestDigest(t *testing.T) {
	h := newHarness(t, Config{Routes: []Route{{Receivers: []string{"mail"}}}, Digest: Digest{At: "07:00", TimeZone: "UTC"}}, "mail")
	updates := []Alert{updateFor("shop", "ctools", "4.0", "4.1"), updateFor("blog", "pathauto", "1.11", "1.12")}
	sec := advisoryFor("shop", "token", "1.14", "1.15")
	h.submit(updates[0], sec, updates[1])
	h.advance(31 * time.Second)
	got := h.recv["mail"].messages()
	if len(got) != 1 || got[0].Digest || !cmp.Equal(sortedKeys(got...), keysOf(sec)) {
		t.Fatalf("after group_wait, got %+v; want the advisory alone", got)
	}

	tuesday7 := time.Date(2026, 3, 3, 7, 0, 0, 0, time.UTC)
	h.advance(tuesday7.Add(-time.Minute).Sub(h.clock.Now()))
	if got := h.recv["mail"].messages(); len(got) != 0 {
		t.Fatalf("before 07:00, got %d messages", len(got))
	}
	h.advance(2 * time.Minute)
	got = h.recv["mail"].messages()
	if len(got) != 1 || !got[0].Digest || got[0].Reminder || !cmp.Equal(sortedKeys(got...), keysOf(updates...)) {
		t.Fatalf("at 07:01, got %+v; want one digest of both updates", got)
	}

	// Tuesday 10:00: the source says it all again, and one more.
	h.advance(3 * time.Hour)
	more := updateFor("shop", "redirect", "1.8", "1.9")
	h.submit(updates[0], updates[1], more)
	// Wednesday 07:00:05: a day since the last digest's 07:00, though
	// it went out at 07:01.
	h.advance(time.Date(2026, 3, 4, 7, 0, 5, 0, time.UTC).Sub(h.clock.Now()))
	got = h.recv["mail"].messages()
	if len(got) != 2 {
		t.Fatalf("Wednesday's digest is %d messages, want 2 (new, reminders)", len(got))
	}
	if !got[0].Digest || got[0].Reminder || !cmp.Equal(alertKeys(got[0]), keysOf(more)) {
		t.Errorf("first digest = %+v, want the new update", got[0])
	}
	if !got[1].Digest || !got[1].Reminder || !cmp.Equal(sortedKeys(got[1]), keysOf(updates...)) {
		t.Errorf("second digest = %+v, want a reminder of both updates", got[1])
	}
}

// Over its rate limit, a receiver's alerts wait and go together in the
// next message allowed; none is dropped.
func TestRateLimit(t *testing.T) {
	cfg := Config{
		Routes:     []Route{{Receivers: []string{"mail"}, Timing: Timing{RepeatInterval: Duration(30 * time.Minute)}}},
		Timing:     noWait,
		RateLimits: map[string]RateLimit{"mail": {Messages: 2, Per: Duration(time.Hour)}},
	}
	h := newHarness(t, cfg, "mail")
	var alerts []Alert
	for _, p := range []string{"ctools", "token", "views", "webform", "pathauto"} {
		a := advisoryFor("shop", p, "1.0", "1.1")
		alerts = append(alerts, a)
		h.submit(a)
		h.advance(time.Minute) // a message per minute, were it not for the limit
	}
	got := h.recv["mail"].messages()
	if diff := cmp.Diff(keysOf(alerts[:2]...), sortedKeys(got...)); len(got) != 2 || diff != "" {
		t.Fatalf("within the first hour, got %d messages (-want +got):\n%s", len(got), diff)
	}
	h.run(time.Hour-5*time.Minute, 5*time.Minute) // the first message was sent at 1m
	if got := h.recv["mail"].messages(); len(got) != 0 {
		t.Fatalf("before the window moved, got %d messages", len(got))
	}
	h.advance(time.Minute)
	got = h.recv["mail"].messages()
	if diff := cmp.Diff(keysOf(alerts[2:]...), sortedKeys(got...)); len(got) != 1 || diff != "" {
		t.Fatalf("when the window moved, got %d messages (-want +got):\n%s", len(got), diff)
	}

	// One message left in the window, and both a new alert and a
	// reminder to send: they share it, as a plain message.
	h.advance(time.Minute)
	fresh := advisoryFor("blog", "token", "1.0", "1.1")
	h.submit(alerts[0], fresh)
	h.advance(time.Minute)
	got = h.recv["mail"].messages()
	if diff := cmp.Diff(keysOf(alerts[0], fresh), sortedKeys(got...)); len(got) != 1 || got[0].Reminder || diff != "" {
		t.Fatalf("with one message left, got %+v (-want +got):\n%s", got, diff)
	}
}

// A receiver down for a while gets every message once when it is back,
// attempted meanwhile with growing waits.
func TestRetryOutage(t *testing.T) {
	h := newHarness(t, Config{Routes: []Route{{Receivers: []string{"mail"}}}, Timing: noWait}, "mail")
	mail := h.recv["mail"]
	mail.set(func(r *fakeReceiver) { r.down = true })
	var alerts []Alert
	for _, p := range []string{"ctools", "token", "views"} {
		a := advisoryFor("shop", p, "1.0", "1.1")
		alerts = append(alerts, a)
		h.submit(a)
		h.advance(time.Minute)
	}
	h.run(20*time.Minute, 10*time.Second)
	es := h.outbox()
	if len(es) != 3 {
		t.Fatalf("outbox holds %d messages during the outage, want 3", len(es))
	}
	for _, e := range es {
		// At the default backoff (10s doubling to 10m, half of it
		// random), some 20 minutes hold 6 to 10 attempts; more would be
		// hammering.
		if e.State != StatePending || e.Attempts < 6 || e.Attempts > 10 || e.LastError != "503 service unavailable" || !e.NextAttempt.After(h.clock.Now()) {
			t.Errorf("during the outage: %s after %d attempts, error %q, next at %v", e.State, e.Attempts, e.LastError, e.NextAttempt)
		}
	}

	mail.set(func(r *fakeReceiver) { r.down = false })
	h.run(15*time.Minute, 10*time.Second)
	got := mail.messages()
	if diff := cmp.Diff(keysOf(alerts...), sortedKeys(got...)); len(got) != 3 || diff != "" {
		t.Fatalf("after the outage, got %d messages (-want +got):\n%s", len(got), diff)
	}
	for _, e := range h.outbox() {
		if e.State != StateDelivered {
			t.Errorf("message %s is %s, want delivered", e.Message.ID, e.State)
		}
	}
}

// A few transient failures are retried with backoff, under the same ID.
func TestRetryTransient(t *testing.T) {
	h := newHarness(t, Config{Routes: []Route{{Receivers: []string{"mail"}}}, Timing: noWait}, "mail")
	mail := h.recv["mail"]
	mail.set(func(r *fakeReceiver) { r.failures = 3 })
	h.submit(advisoryFor("shop", "token", "1.14", "1.15"))
	h.advance(time.Second)
	es := h.outbox()
	if len(es) != 1 || es[0].Attempts != 1 || es[0].State != StatePending {
		t.Fatalf("after one failure: %+v", es)
	}
	id := es[0].Message.ID
	if wait := es[0].NextAttempt.Sub(h.clock.Now()); wait < 5*time.Second || wait > 10*time.Second {
		t.Errorf("first retry in %v, want 5s to 10s", wait)
	}
	h.run(3*time.Minute, time.Second)
	got := mail.messages()
	if len(got) != 1 || got[0].ID != id {
		t.Fatalf("got %+v, want the message %s once", got, id)
	}
	if es := h.outbox(); es[0].Attempts != 4 || es[0].State != StateDelivered {
		t.Errorf("outbox: %s after %d attempts, want delivered after 4", es[0].State, es[0].Attempts)
	}
}

// A permanent failure gives the message up at once; the alert is not
// recorded as sent, so it goes when submitted again.
func TestPermanentFailure(t *testing.T) {
	h := newHarness(t, Config{Routes: []Route{{Receivers: []string{"mail"}}}, Timing: noWait}, "mail")
	mail := h.recv["mail"]
	mail.set(func(r *fakeReceiver) { r.perm = true })
	a := advisoryFor("shop", "token", "1.14", "1.15")
	h.submit(a)
	h.run(time.Hour, time.Minute)
	es := h.outbox()
	if len(es) != 1 || es[0].State != StateFailed || es[0].Attempts != 1 || es[0].LastError != "550 no such mailbox" {
		t.Fatalf("outbox after a permanent failure: %+v", es)
	}
	if mail.attempts != 1 {
		t.Errorf("%d attempts, want 1", mail.attempts)
	}
	mail.set(func(r *fakeReceiver) { r.perm = false })
	h.submit(a)
	h.advance(time.Second)
	if got := mail.messages(); len(got) != 1 {
		t.Errorf("submitted again after the failure: %d messages, want 1", len(got))
	}
}

// A message is given up after its attempts or its age run out.
func TestGiveUp(t *testing.T) {
	for _, tc := range []struct {
		name     string
		retry    Retry
		attempts int
		age      time.Duration // least age at which it was given up
	}{
		{"max attempts", Retry{MaxAttempts: 3}, 3, 0},
		{"max age", Retry{MaxAge: Duration(time.Hour), MaxBackoff: Duration(5 * time.Minute)}, 0, time.Hour},
	} {
		t.Run(tc.name, func(t *testing.T) {
			h := newHarness(t, Config{Routes: []Route{{Receivers: []string{"mail"}}}, Timing: noWait, Retry: tc.retry}, "mail")
			h.recv["mail"].set(func(r *fakeReceiver) { r.down = true })
			h.submit(advisoryFor("shop", "token", "1.14", "1.15"))
			h.run(3*time.Hour, 30*time.Second)
			es := h.outbox()
			if len(es) != 1 || es[0].State != StateFailed {
				t.Fatalf("outbox: %+v, want one failed message", es)
			}
			e := es[0]
			if tc.attempts > 0 && e.Attempts != tc.attempts {
				t.Errorf("given up after %d attempts, want %d", e.Attempts, tc.attempts)
			}
			if age := e.Finished.Sub(e.Message.Created); age < tc.age || age > tc.age+10*time.Minute {
				t.Errorf("given up at age %v, want %v or a little more", age, tc.age)
			}
		})
	}
}

// An attempt that hangs ends at the timeout and is retried.
func TestHangingReceiver(t *testing.T) {
	h := newHarness(t, Config{Routes: []Route{{Receivers: []string{"mail"}}}, Timing: noWait, Retry: Retry{Timeout: Duration(50 * time.Millisecond)}}, "mail")
	mail := h.recv["mail"]
	mail.set(func(r *fakeReceiver) { r.hang = true })
	h.submit(advisoryFor("shop", "token", "1.14", "1.15"))
	h.advance(time.Second)
	es := h.outbox()
	if len(es) != 1 || es[0].State != StatePending || !strings.Contains(es[0].LastError, "deadline exceeded") {
		t.Fatalf("after a hung attempt: %+v", es)
	}
	mail.set(func(r *fakeReceiver) { r.hang = false })
	h.run(time.Minute, 10*time.Second)
	if got := mail.messages(); len(got) != 1 {
		t.Fatalf("%d messages after the hang, want 1", len(got))
	}
}

// Finished messages leave the outbox listing after the history, but the
// notification log still knows what was sent.
func TestHistory(t *testing.T) {
	h := newHarness(t, Config{Routes: []Route{{Receivers: []string{"mail"}}}, Timing: noWait, History: Duration(time.Hour)}, "mail")
	a := advisoryFor("shop", "token", "1.14", "1.15")
	h.submit(a)
	h.advance(time.Second)
	if es := h.outbox(); len(es) != 1 {
		t.Fatalf("outbox right after delivery holds %d messages, want 1", len(es))
	}
	h.advance(time.Hour)
	if es := h.outbox(); len(es) != 0 {
		t.Fatalf("outbox after the history holds %d messages, want none", len(es))
	}
	h.submit(a)
	h.advance(time.Second)
	if got := h.recv["mail"].messages(); len(got) != 1 {
		t.Errorf("got %d messages, want the first only", len(got))
	}
}

func TestRun(t *testing.T) {
	st, err := bolt.Open(t.TempDir()+"/state.db", bolt.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	mail := &fakeReceiver{name: "mail"}
	p, err := New(Config{Routes: []Route{{Receivers: []string{"mail"}}}, Timing: noWait}, map[string]Receiver{"mail": mail}, st, WithTickInterval(10*time.Millisecond))
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	var wg sync.WaitGroup
	wg.Go(func() {
		if err := p.Run(ctx); err != nil {
			t.Errorf("Run = %v, want nil", err)
		}
	})
	if err := p.Submit(ctx, advisoryFor("shop", "token", "1.14", "1.15")); err != nil {
		t.Fatal(err)
	}
	for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline) && len(mail.messages()) == 0; time.Sleep(10 * time.Millisecond) {
	}
	cancel()
	wg.Wait()
	es, err := Outbox(context.Background(), st)
	if err != nil || len(es) != 1 || es[0].State != StateDelivered {
		t.Fatalf("outbox after Run: %+v, %v; want one delivered message", es, err)
	}
}

func TestNewErrors(t *testing.T) {
	mail := &fakeReceiver{name: "mail"}
	st := openBolt(t, t.TempDir()+"/state.db", newFakeClock())
	for _, tc := range []struct {
		name      string
		cfg       Config
		receivers map[string]Receiver
		st        store.Store
		want      string
	}{
		{"invalid config", Config{}, map[string]Receiver{"mail": mail}, st, "routes: none given"},
		{"unknown receiver", Config{Routes: []Route{{Receivers: []string{"mail", "chat"}}}}, map[string]Receiver{"mail": mail}, st, `routes[0].receivers: no receiver "chat"`},
		{"unknown rate-limited receiver", Config{Routes: []Route{{Receivers: []string{"mail"}}}, RateLimits: map[string]RateLimit{"chat": {1, Duration(time.Hour)}}}, map[string]Receiver{"mail": mail}, st, `rate_limits: no receiver "chat"`},
		{"nil receiver", Config{Routes: []Route{{Receivers: []string{"mail"}}}}, map[string]Receiver{"mail": nil}, st, `receiver "mail" is nil`},
		{"no store", Config{Routes: []Route{{Receivers: []string{"mail"}}}}, map[string]Receiver{"mail": mail}, nil, "no store"},
	} {
		if _, err := New(tc.cfg, tc.receivers, tc.st); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: New = %v, want an error saying %q", tc.name, err, tc.want)
		}
	}
}
