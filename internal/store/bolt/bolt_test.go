package bolt

import (
	"context"
	"errors"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/drupdate/drupdate/internal/store"
	"github.com/drupdate/drupdate/internal/store/storetest"
)

// opener opens each test's store in a file of its own.
func opener(opts Options) storetest.Opener {
	return func(tb testing.TB) (store.Store, func(testing.TB) store.Store) {
		path := filepath.Join(tb.TempDir(), "drupdate.db")
		open := func(tb testing.TB) store.Store {
			s, err := Open(path, opts)
			if err != nil {
				tb.Fatalf("Open(%q) = %v", path, err)
			}
			tb.Cleanup(func() { s.Close() })
			return s
		}
		return open(tb), open
	}
}

func TestConformance(t *testing.T) {
	storetest.Run(t, opener(Options{}))
}

func BenchmarkStore(b *testing.B) {
	storetest.Bench(b, opener(Options{}))
}

// A second process must get a clear error, not hang. bbolt's lock is an
// flock on the open file, so a second Open in this process stands in for
// another process.
func TestOpenLockedFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "drupdate.db")
	s, err := Open(path, Options{})
	if err != nil {
		t.Fatalf("Open(%q) = %v", path, err)
	}
	defer s.Close()
	start := time.Now()
	s2, err := Open(path, Options{LockTimeout: 50 * time.Millisecond})
	if err == nil {
		s2.Close()
	}
	if !errors.Is(err, ErrLocked) || !strings.Contains(err.Error(), path) {
		t.Fatalf("second Open(%q) = %v, want an error naming the file and wrapping ErrLocked", path, err)
	}
	if elapsed := time.Since(start); elapsed > 5*time.Second {
		t.Errorf("second Open took %v with a 50ms LockTimeout", elapsed)
	}

	// Once the first process lets go, the file opens.
	s.Close()
	s2, err = Open(path, Options{})
	if err != nil {
		t.Fatalf("Open(%q) after Close = %v", path, err)
	}
	s2.Close()
}

// clock is a settable time source.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *clock) advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

// Lease expiry and event times follow the injected clock exactly.
func TestInjectedClock(t *testing.T) {
	ctx := context.Background()
	clk := &clock{t: time.Date(2025, 3, 1, 12, 0, 0, 0, time.FixedZone("CET", 3600))}
	s, _ := opener(Options{Now: clk.now})(t)

	for _, step := range []struct {
		advance time.Duration
		owner   string
		want    bool
	}{
		{0, "a", true}, // free: a's until 12:00:10
		{10*time.Second - time.Nanosecond, "b", false}, // an instant before expiry
		{time.Nanosecond, "b", true},                   // at expiry: b's until 12:00:20
		{9 * time.Second, "a", false},
		{0, "b", true}, // b renews: until 12:00:29
		{9 * time.Second, "a", false},
		{time.Second, "a", true},
	} {
		clk.advance(step.advance)
		got, err := s.Acquire(ctx, "p", step.owner, 10*time.Second)
		if err != nil || got != step.want {
			t.Errorf("at %v, Acquire(ctx, %q, %q, 10s) = %v, %v; want %v, nil", clk.now().Format(time.TimeOnly), "p", step.owner, got, err, step.want)
		}
	}

	var b store.Batch
	if _, err := s.Apply(ctx, *b.Append("tick", "", nil)); err != nil {
		t.Fatal(err)
	}
	evs, err := s.Events(ctx, 0, 1)
	if err != nil || len(evs) != 1 {
		t.Fatalf("Events(ctx, 0, 1) = %v, %v", evs, err)
	}
	if want := clk.now().UTC(); evs[0].Time != want {
		t.Errorf("event time = %v, want %v (the injected clock, in UTC)", evs[0].Time, want)
	}
}
