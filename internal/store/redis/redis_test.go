package redis

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/drupdate/drupdate/internal/store"
	"github.com/drupdate/drupdate/internal/store/redis/redistest"
	"github.com/drupdate/drupdate/internal/store/storetest"
)

// opener opens each test's store in a namespace of its own on the server
// at url.
func opener(url string) storetest.Opener {
	var n atomic.Int64
	return func(tb testing.TB) (store.Store, func(testing.TB) store.Store) {
		ns := fmt.Sprintf("test%d", n.Add(1))
		open := func(tb testing.TB) store.Store {
			return openStore(tb, url, ns)
		}
		return open(tb), open
	}
}

func openStore(tb testing.TB, url, ns string) *Store {
	tb.Helper()
	s, err := Open(context.Background(), url, Options{Namespace: ns})
	if err != nil {
		tb.Fatalf("Open(ctx, %q, {Namespace: %q}) = %v", url, ns, err)
	}
	tb.Cleanup(func() { s.Close() })
	return s
}

func TestConformance(t *testing.T) {
	storetest.Run(t, opener(redistest.Server(t)))
}

func BenchmarkStore(b *testing.B) {
	storetest.Bench(b, opener(redistest.Server(b)))
}

// Two instances, each with its own client as two serve processes would
// have, race for 50 leases: each goes to exactly one. When one instance
// stops renewing, the other takes its leases over once they expire, and
// not before.
func TestTwoInstancesShareLeases(t *testing.T) {
	ctx := context.Background()
	url := redistest.Server(t)
	inst := []*Store{openStore(t, url, "shared"), openStore(t, url, "shared")}
	owners := []string{"instance-a", "instance-b"}
	const leases, raceTTL = 50, time.Minute

	var won [leases][2]bool
	start := make(chan struct{})
	var wg sync.WaitGroup
	for p := range 2 {
		for l := range leases {
			wg.Go(func() {
				<-start
				ok, err := inst[p].Acquire(ctx, fmt.Sprint("project", l), owners[p], raceTTL)
				if err != nil {
					t.Errorf("%s: Acquire(ctx, %q) = %v", owners[p], fmt.Sprint("project", l), err)
				}
				won[l][p] = ok
			})
		}
	}
	close(start)
	wg.Wait()
	var ofA []string
	for l, w := range won {
		if w[0] == w[1] {
			t.Errorf("lease project%d: instance-a got it %v, instance-b %v; want exactly one", l, w[0], w[1])
		}
		if w[0] {
			ofA = append(ofA, fmt.Sprint("project", l))
		}
	}
	if len(ofA) == 0 {
		// Possible, if unlikely: a ran late. Give it one to lose.
		if ok, err := inst[1].Acquire(ctx, "extra", owners[0], raceTTL); !ok || err != nil {
			t.Fatalf("Acquire(ctx, %q, %q) = %v, %v", "extra", owners[0], ok, err)
		}
		ofA = []string{"extra"}
	}

	// a renews its leases for a short ttl one last time, then dies.
	const lastTTL = time.Second
	renewed := time.Now()
	for _, name := range ofA {
		if ok, err := inst[0].Acquire(ctx, name, owners[0], lastTTL); !ok || err != nil {
			t.Fatalf("renewal Acquire(ctx, %q, %q, %v) = %v, %v; want true, nil", name, owners[0], lastTTL, ok, err)
		}
	}
	inst[0].Close()

	// Until then b gets none of them (only calls that ended before the
	// ttl could have run out count; the server clock started it later).
	for _, name := range ofA {
		ok, err := inst[1].Acquire(ctx, name, owners[1], raceTTL)
		if err != nil || ok && time.Since(renewed) < lastTTL {
			t.Errorf("Acquire(ctx, %q, %q) before expiry = %v, %v; want false, nil", name, owners[1], ok, err)
		}
	}
	// Afterwards b takes every one over.
	deadline := time.Now().Add(15 * time.Second)
	for _, name := range ofA {
		for {
			ok, err := inst[1].Acquire(ctx, name, owners[1], raceTTL)
			if err != nil {
				t.Fatalf("Acquire(ctx, %q, %q) = %v", name, owners[1], err)
			}
			if ok {
				break
			}
			if time.Now().After(deadline) {
				t.Fatalf("%s still not taken over 15s after its holder stopped", name)
			}
			time.Sleep(50 * time.Millisecond)
		}
	}
	if elapsed := time.Since(renewed); elapsed < lastTTL-50*time.Millisecond {
		t.Errorf("takeover done %v after the last renewal, before its ttl of %v ran out", elapsed, lastTTL)
	}
}

// Namespaces keep stores on one server apart: keys, events and leases.
func TestNamespaces(t *testing.T) {
	ctx := context.Background()
	url := redistest.Server(t)
	a, b := openStore(t, url, "one"), openStore(t, url, "two")
	var batch store.Batch
	if _, err := a.Apply(ctx, *batch.Put("bk", "k", []byte("v")).Append("e", "k", nil)); err != nil {
		t.Fatal(err)
	}
	if _, err := a.Acquire(ctx, "l", "a", time.Minute); err != nil {
		t.Fatal(err)
	}
	if v, err := b.Get(ctx, "bk", "k"); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("namespace two: Get(ctx, %q, %q) = %q, %v; want ErrNotFound", "bk", "k", v, err)
	}
	if evs, err := b.Events(ctx, 0, 10); err != nil || len(evs) != 0 {
		t.Errorf("namespace two: Events(ctx, 0, 10) = %v, %v; want none", evs, err)
	}
	if ok, err := b.Acquire(ctx, "l", "b", time.Minute); !ok || err != nil {
		t.Errorf("namespace two: Acquire(ctx, %q, %q) = %v, %v; want true, nil", "l", "b", ok, err)
	}
	if _, err := Open(ctx, url, Options{Namespace: "a{b}"}); !errors.Is(err, store.ErrInvalid) {
		t.Errorf("Open(ctx, %q, {Namespace: %q}) = %v, want ErrInvalid", url, "a{b}", err)
	}
}

// No error shows a password from the URL, whatever goes wrong.
func TestErrorsHidePassword(t *testing.T) {
	const secret = "s3cret-Pw"
	url := redistest.Server(t, "--requirepass", secret)
	hostPort := strings.TrimSuffix(strings.TrimPrefix(url, "redis://"), "/0")
	ctx := context.Background()

	s, err := Open(ctx, "redis://:"+secret+"@"+hostPort+"/0", Options{})
	if err != nil {
		t.Fatalf("Open with the right password = %v", err)
	}
	s.Close()

	for _, tc := range []struct{ why, url string }{
		{"wrong password", "redis://:wrong-" + secret + "@" + hostPort + "/0"},
		{"user and wrong password", "redis://user:wrong-" + secret + "@" + hostPort + "/0"},
		{"no server", "redis://:" + secret + "@127.0.0.1:1/0"},
		{"malformed port", "redis://:" + secret + "@127.0.0.1:port/0"},
		{"malformed escape", "redis://:" + secret + "%zz@" + hostPort + "/0"},
		{"bad database", "redis://:" + secret + "@" + hostPort + "/db"},
		{"bad scheme", "http://:" + secret + "@" + hostPort + "/0"},
		{"bad option", "redis://:" + secret + "@" + hostPort + "/0?pool_size=" + secret},
	} {
		s, err := Open(ctx, tc.url, Options{})
		if err == nil {
			s.Close()
			t.Errorf("%s: Open succeeded, want an error", tc.why)
			continue
		}
		if strings.Contains(err.Error(), secret) {
			t.Errorf("%s: Open error shows the password: %v", tc.why, err)
		}
	}
}
