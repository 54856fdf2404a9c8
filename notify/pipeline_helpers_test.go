package notify

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"path/filepath"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/drupdate/drupdate/internal/store"
	"github.com/drupdate/drupdate/internal/store/bolt"
)

// monday is a Monday, 10:00 UTC.
var monday = time.Date(2026, 3, 2, 10, 0, 0, 0, time.UTC)

// fakeClock is a clock that tests move.
type fakeClock struct {
	mu sync.Mutex
	t  time.Time
}

func newFakeClock() *fakeClock { return &fakeClock{t: monday} }

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *fakeClock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

// fakeReceiver records the messages it accepts, and fails as told.
type fakeReceiver struct {
	name string

	mu       sync.Mutex
	got      []Message // accepted, in order
	attempts int
	failures int  // the next so many attempts fail transiently
	down     bool // every attempt fails transiently
	every    int  // every so many attempts fails transiently
	perm     bool // every attempt fails for good
	hang     bool // attempts wait for their context to end
	delay    time.Duration
	// accepted runs after a message is accepted, before Send returns.
	accepted func(*Message)
}

func (r *fakeReceiver) Name() string { return r.name }

func (r *fakeReceiver) Send(ctx context.Context, m *Message) error {
	r.mu.Lock()
	r.attempts++
	switch {
	case r.hang:
		r.mu.Unlock()
		<-ctx.Done()
		return fmt.Errorf("post: %w", ctx.Err())
	case r.perm:
		r.mu.Unlock()
		return Permanent(errors.New("550 no such mailbox"))
	case r.down, r.failures > 0, r.every > 0 && r.attempts%r.every == 0:
		r.failures--
		r.mu.Unlock()
		return errors.New("503 service unavailable")
	}
	delay := r.delay
	r.mu.Unlock()
	select {
	case <-time.After(delay):
	case <-ctx.Done():
		return ctx.Err()
	}
	r.mu.Lock()
	r.got = append(r.got, cloneMessage(*m))
	accepted := r.accepted
	r.mu.Unlock()
	if accepted != nil {
		accepted(m)
	}
	return nil
}

func (r *fakeReceiver) set(f func(r *fakeReceiver)) {
	r.mu.Lock()
	defer r.mu.Unlock()
	f(r)
}

// messages returns the messages accepted, and forgets them.
func (r *fakeReceiver) messages() []Message {
	r.mu.Lock()
	defer r.mu.Unlock()
	got := r.got
	r.got = nil
	return got
}

func cloneMessage(m Message) Message {
	m.Alerts = slices.Clone(m.Alerts)
	return m
}

func openBolt(t testing.TB, path string, c *fakeClock) *bolt.Store {
	t.Helper()
	st, err := bolt.Open(path, bolt.Options{Now: c.Now, LockTimeout: 10 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	return st
}

// harness is a pipeline on a bolt store, with fake receivers, on a clock
// the test moves.
type harness struct {
	t     *testing.T
	cfg   Config
	clock *fakeClock
	path  string
	st    store.Store
	p     *Pipeline
	recv  map[string]*fakeReceiver
}

func newHarness(t *testing.T, cfg Config, names ...string) *harness {
	t.Helper()
	h := &harness{t: t, cfg: cfg, clock: newFakeClock(), path: filepath.Join(t.TempDir(), "state.db"), recv: map[string]*fakeReceiver{}}
	for _, n := range names {
		h.recv[n] = &fakeReceiver{name: n}
	}
	h.st = openBolt(t, h.path, h.clock)
	h.p = h.pipeline(h.st)
	return h
}

func (h *harness) pipeline(st store.Store) *Pipeline {
	h.t.Helper()
	rs := map[string]Receiver{}
	for n, r := range h.recv {
		rs[n] = r
	}
	p, err := New(h.cfg, rs, st, WithClock(h.clock.Now), WithLogger(pipelineLogger(h.t)))
	if err != nil {
		h.t.Fatal(err)
	}
	return p
}

func (h *harness) submit(alerts ...Alert) {
	h.t.Helper()
	if err := h.p.Submit(context.Background(), alerts...); err != nil {
		h.t.Fatal(err)
	}
}

// advance moves the fakeClock by d, then ticks.
func (h *harness) advance(d time.Duration) {
	h.t.Helper()
	h.clock.Advance(d)
	if err := h.p.Tick(context.Background()); err != nil {
		h.t.Fatal(err)
	}
}

// run ticks every step for d.
func (h *harness) run(d, step time.Duration) {
	h.t.Helper()
	for range d / step {
		h.advance(step)
	}
}

func (h *harness) outbox() []OutboxEntry {
	h.t.Helper()
	es, err := Outbox(context.Background(), h.st)
	if err != nil {
		h.t.Fatal(err)
	}
	return es
}

// advisoryFor is a security advisory for project on platform.
func advisoryFor(platform, project, installed, recommended string) Alert {
	return Alert{
		Kind: KindAdvisory, Platform: platform, Tags: []string{"production"}, Project: project,
		Installed: installed, Recommended: recommended,
		Advisory: &AdvisoryRef{ID: "SA-CONTRIB-2026-" + project, Risk: "Critical", Score: 15},
		At:       monday,
	}
}

// updateFor is a plain update of project on platform.
func updateFor(platform, project, installed, recommended string) Alert {
	return Alert{Kind: KindUpdate, Platform: platform, Project: project, Installed: installed, Recommended: recommended, At: monday}
}

// alertKeys lists the keys of the alerts of msgs, in order.
func alertKeys(msgs ...Message) []string {
	var ks []string
	for _, m := range msgs {
		for _, a := range m.Alerts {
			ks = append(ks, a.Key())
		}
	}
	return ks
}

func sortedKeys(msgs ...Message) []string {
	ks := alertKeys(msgs...)
	slices.Sort(ks)
	return ks
}

func keysOf(alerts ...Alert) []string {
	var ks []string
	for _, a := range alerts {
		ks = append(ks, a.Key())
	}
	slices.Sort(ks)
	return ks
}

// pipelineLogger logs to the test's output with -v, else nowhere.
func pipelineLogger(t testing.TB) *slog.Logger {
	if !testing.Verbose() {
		return slog.New(slog.DiscardHandler)
	}
	return slog.New(slog.NewTextHandler(t.Output(), &slog.HandlerOptions{Level: slog.LevelDebug}))
}
