package notify

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"path/filepath"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/drupdate/drupdate/internal/store"
	"github.com/drupdate/drupdate/internal/store/redis"
	"github.com/drupdate/drupdate/internal/store/redis/redistest"
)

// crashingStore closes its store right after the first Apply that crash
// picks, as a process dying just then would leave it: that batch written,
// nothing after.
type crashingStore struct {
	store.Store
	crash   func(store.Batch) bool
	crashed atomic.Bool
}

func (s *crashingStore) Apply(ctx context.Context, b store.Batch) ([]uint64, error) {
	seqs, err := s.Store.Apply(ctx, b)
	if err == nil && s.crash != nil && s.crash(b) && s.crashed.CompareAndSwap(false, true) {
		s.Store.Close()
	}
	return seqs, err
}

// putsEntry reports whether b puts into bucket an outbox entry that ok
// likes.
func putsEntry(b store.Batch, bucket string, ok func(OutboxEntry) bool) bool {
	for _, w := range b.Writes {
		var e OutboxEntry
		if w.Bucket == bucket && !w.Delete && json.Unmarshal(w.Value, &e) == nil && ok(e) {
			return true
		}
	}
	return false
}

// A pipeline whose process dies at any point, then restarts on the same
// bolt file, delivers every alert; an alert reaches a receiver twice only
// when the crash fell between the receiver accepting a message and the
// pipeline recording it, and then under the same message ID.
func TestRestart(t *testing.T) {
	for _, tc := range []struct {
		name string
		// crash picks the batch after which the process dies; nil: it
		// dies in Send, after the receiver accepted the message.
		crash func(store.Batch) bool
		// dup: some message must have gone twice.
		dup bool
	}{
		{"after submit", func(b store.Batch) bool {
			return len(b.Writes) > 0 && b.Writes[0].Bucket == bucketPending && !b.Writes[0].Delete
		}, false},
		{"after the outbox write", func(b store.Batch) bool {
			return putsEntry(b, bucketOutbox, func(e OutboxEntry) bool { return e.Attempts == 0 })
		}, false},
		{"after the claim, before sending", func(b store.Batch) bool {
			return putsEntry(b, bucketOutbox, func(e OutboxEntry) bool { return e.State == StateSending })
		}, false},
		{"after the receiver accepted, before the ack", nil, true},
		{"after the ack", func(b store.Batch) bool {
			return putsEntry(b, bucketHistory, func(e OutboxEntry) bool { return e.State == StateDelivered })
		}, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ctx := context.Background()
			c := newFakeClock()
			path := filepath.Join(t.TempDir(), "state.db")
			mail, chat := &fakeReceiver{name: "mail"}, &fakeReceiver{name: "chat"}
			receivers := map[string]Receiver{"mail": mail, "chat": chat}
			cfg := Config{Routes: []Route{{Receivers: []string{"mail", "chat"}}}}

			var cs *crashingStore
			var p *Pipeline
			start := func(crash func(store.Batch) bool) {
				cs = &crashingStore{Store: openBolt(t, path, c), crash: crash}
				var err error
				if p, err = New(cfg, receivers, cs, WithClock(c.Now), WithLogger(pipelineLogger(t))); err != nil {
					t.Fatal(err)
				}
			}
			start(tc.crash)
			if tc.crash == nil {
				dying := cs
				mail.accepted = func(*Message) {
					if dying.crashed.CompareAndSwap(false, true) {
						dying.Store.Close()
					}
				}
			}

			alerts := []Alert{
				advisoryFor("shop", "token", "1.14", "1.15"),
				advisoryFor("blog", "token", "1.14", "1.15"),
				advisoryFor("intranet", "views", "2.0", "2.1"),
				advisoryFor("shop", "webform", "6.1", "6.2"),
				advisoryFor("blog", "ctools", "4.0", "4.1"),
			}
			tick := func() error {
				c.Advance(15 * time.Second)
				return p.Tick(ctx)
			}
			steps := []func() error{
				func() error { return p.Submit(ctx, alerts[:3]...) },
				tick,
				func() error { return p.Submit(ctx, alerts[3:]...) },
			}
			for range 20 { // 5 minutes: group waits, claims running out
				steps = append(steps, tick)
			}
			restarts := 0
			for i := 0; i < len(steps); {
				if err := steps[i](); err != nil {
					if !errors.Is(err, store.ErrClosed) {
						t.Fatalf("step %d: %v", i, err)
					}
					// The process died: a new one starts on the same
					// file, and the source submits again what it was
					// told had failed.
					restarts++
					start(nil)
					continue
				}
				i++
			}
			if restarts != 1 {
				t.Fatalf("%d restarts, want 1", restarts)
			}

			dups := 0
			for _, r := range []*fakeReceiver{mail, chat} {
				byID := map[string]Message{}
				var distinct []Message
				for _, m := range r.messages() {
					if first, ok := byID[m.ID]; ok {
						dups++
						if diff := cmp.Diff(first, m); diff != "" {
							t.Errorf("%s got message %s twice, changed (-first +second):\n%s", r.name, m.ID, diff)
						}
						continue
					}
					byID[m.ID] = m
					distinct = append(distinct, m)
				}
				// Every alert once, across messages of distinct IDs.
				if diff := cmp.Diff(keysOf(alerts...), sortedKeys(distinct...)); diff != "" {
					t.Errorf("%s's alerts (-want +got):\n%s", r.name, diff)
				}
			}
			if tc.dup && dups == 0 {
				t.Errorf("no message went twice, though the process died between delivery and ack")
			}
			es, err := Outbox(ctx, cs)
			if err != nil {
				t.Fatal(err)
			}
			for _, e := range es {
				if e.State != StateDelivered {
					t.Errorf("message %s to %s is %s, want delivered", e.Message.ID, e.Message.Receiver, e.State)
				}
			}
		})
	}
}

// leaselessStore grants every lease, as leases that run out under a
// stalled holder would: conditions alone must keep instances apart.
type leaselessStore struct{ store.Store }

func (leaselessStore) Acquire(context.Context, string, string, time.Duration) (bool, error) {
	return true, nil
}

func (leaselessStore) Release(context.Context, string, string) error { return nil }

// Two instances on one store, each told of every alert and ticking at the
// same moments, make each alert one message and deliver each message once.
func TestTwoInstances(t *testing.T) {
	boltStores := func(t *testing.T, c *fakeClock) (store.Store, store.Store) {
		st := openBolt(t, filepath.Join(t.TempDir(), "state.db"), c)
		return st, st
	}
	redisStores := func(t *testing.T, c *fakeClock) (store.Store, store.Store) {
		url := redistest.Server(t)
		var sts [2]store.Store
		for i := range sts {
			st, err := redis.Open(context.Background(), url, redis.Options{Namespace: "twins", Now: c.Now})
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { st.Close() })
			sts[i] = st
		}
		return sts[0], sts[1]
	}
	for _, tc := range []struct {
		name      string
		open      func(*testing.T, *fakeClock) (store.Store, store.Store)
		leaseless bool
	}{
		{"bolt", boltStores, false},
		{"bolt without leases", boltStores, true},
		{"redis", redisStores, false},
		{"redis without leases", redisStores, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := newFakeClock()
			st1, st2 := tc.open(t, c)
			if tc.leaseless {
				st1, st2 = leaselessStore{st1}, leaselessStore{st2}
			}
			twoInstances(t, c, st1, st2)
		})
	}
}

func twoInstances(t *testing.T, c *fakeClock, st1, st2 store.Store) {
	ctx := context.Background()
	// mail fails now and then, so that retries race too; chat is slow, so
	// that attempts overlap.
	mail := &fakeReceiver{name: "mail", every: 4}
	chat := &fakeReceiver{name: "chat", delay: time.Millisecond}
	receivers := map[string]Receiver{"mail": mail, "chat": chat}
	cfg := Config{
		Routes: []Route{{Receivers: []string{"mail", "chat"}}},
		Timing: Timing{GroupWait: Duration(20 * time.Second), GroupInterval: Duration(time.Minute)},
	}
	var ps [2]*Pipeline
	for i, st := range []store.Store{st1, st2} {
		var err error
		ps[i], err = New(cfg, receivers, st, WithClock(c.Now), WithOwner(fmt.Sprint("instance-", i)), WithLogger(pipelineLogger(t)))
		if err != nil {
			t.Fatal(err)
		}
	}
	both := func(f func(p *Pipeline) error) {
		t.Helper()
		var wg sync.WaitGroup
		errs := make([]error, len(ps))
		for i, p := range ps {
			wg.Go(func() { errs[i] = f(p) })
		}
		wg.Wait()
		if err := errors.Join(errs...); err != nil {
			t.Fatal(err)
		}
	}
	var alerts []Alert
	for round := range 100 {
		if round < 40 {
			a := advisoryFor(fmt.Sprint("site-", round%7), fmt.Sprint("project-", round), "1.0", "1.1")
			alerts = append(alerts, a)
			both(func(p *Pipeline) error { return p.Submit(ctx, a) })
		}
		c.Advance(10 * time.Second)
		both(func(p *Pipeline) error { return p.Tick(ctx) })
	}

	for _, r := range []*fakeReceiver{mail, chat} {
		got := r.messages()
		seen := map[string]bool{}
		for _, m := range got {
			if seen[m.ID] {
				t.Errorf("%s got message %s twice", r.name, m.ID)
			}
			seen[m.ID] = true
		}
		if diff := cmp.Diff(keysOf(alerts...), sortedKeys(got...)); diff != "" {
			t.Errorf("%s's alerts, each once (-want +got):\n%s", r.name, diff)
		}
	}
	es, err := Outbox(ctx, st1)
	if err != nil {
		t.Fatal(err)
	}
	by := map[string]int{}
	for _, e := range es {
		by[e.Owner]++
		if e.State != StateDelivered {
			t.Errorf("message %s to %s is %s, want delivered", e.Message.ID, e.Message.Receiver, e.State)
		}
	}
	t.Logf("%d messages, delivered by %v", len(es), by)
}

// Outbox lists what is pending and what is finished, oldest first, for an
// API to show.
func TestOutboxListing(t *testing.T) {
	h := newHarness(t, Config{Routes: []Route{{Receivers: []string{"mail", "chat"}}}, Timing: noWait}, "mail", "chat")
	h.recv["chat"].set(func(r *fakeReceiver) { r.down = true })
	h.submit(advisoryFor("shop", "token", "1.14", "1.15"))
	h.advance(time.Second)
	h.recv["mail"].set(func(r *fakeReceiver) { r.perm = true })
	h.submit(advisoryFor("shop", "views", "2.0", "2.1"))
	h.advance(time.Second)

	type row struct {
		Receiver, Project string
		State             State
		Attempts          int
		LastError         string
	}
	var got []row
	for _, e := range h.outbox() {
		got = append(got, row{e.Message.Receiver, e.Message.Alerts[0].Project, e.State, e.Attempts, e.LastError})
	}
	want := []row{
		{"chat", "token", StatePending, 1, "503 service unavailable"},
		{"mail", "token", StateDelivered, 1, ""},
		{"chat", "views", StatePending, 1, "503 service unavailable"},
		{"mail", "views", StateFailed, 1, "550 no such mailbox"},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("Outbox (-want +got):\n%s", diff)
	}
}
