// Package storetest is the conformance kit for [store.Store]: every
// backend's tests call [Run], and its benchmarks call [Bench], so that all
// backends keep one contract and are measured alike.
package storetest

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/drupdate/drupdate/internal/store"
	"github.com/google/go-cmp/cmp"
)

// Opener opens a new, empty store for one test and arranges for it to be
// closed when tb ends. With it comes reopen, which opens the same data
// again, as a restarted process would, once the store is closed (and
// likewise arranges its own closing); reopen is nil for a backend that
// cannot do that.
type Opener func(tb testing.TB) (s store.Store, reopen func(tb testing.TB) store.Store)

// Run checks that the stores open returns keep the [store.Store] contract.
func Run(t *testing.T, open Opener) {
	t.Run("GetPutDelete", func(t *testing.T) { testGetPutDelete(t, open) })
	t.Run("List", func(t *testing.T) { testList(t, open) })
	t.Run("ApplyIsAtomic", func(t *testing.T) { testApplyIsAtomic(t, open) })
	t.Run("EventNumbering", func(t *testing.T) { testEventNumbering(t, open) })
	t.Run("Reopen", func(t *testing.T) { testReopen(t, open) })
	t.Run("ConcurrentCAS", func(t *testing.T) { testConcurrentCAS(t, open) })
	t.Run("Wait", func(t *testing.T) { testWait(t, open) })
	t.Run("Leases", func(t *testing.T) { testLeases(t, open) })
	t.Run("LeaseExpiry", func(t *testing.T) { testLeaseExpiry(t, open) })
	t.Run("Limits", func(t *testing.T) { testLimits(t, open) })
	t.Run("Context", func(t *testing.T) { testContext(t, open) })
	t.Run("Closed", func(t *testing.T) { testClosed(t, open) })
}

func batch() *store.Batch { return new(store.Batch) }

func mustApply(t testing.TB, s store.Store, b *store.Batch) []uint64 {
	t.Helper()
	seqs, err := s.Apply(context.Background(), *b)
	if err != nil {
		t.Fatalf("Apply(ctx, %s) = %v", describe(b), err)
	}
	return seqs
}

// describe renders a batch for failure messages, values cut short.
func describe(b *store.Batch) string {
	short := func(v []byte) string {
		if len(v) > 16 {
			return fmt.Sprintf("%q…(%d bytes)", v[:16], len(v))
		}
		return strconv.Quote(string(v))
	}
	var parts []string
	for _, c := range b.Conds {
		if c.Absent {
			parts = append(parts, fmt.Sprintf("IfAbsent(%s/%q)", c.Bucket, c.Key))
		} else {
			parts = append(parts, fmt.Sprintf("IfEqual(%s/%q, %s)", c.Bucket, c.Key, short(c.Value)))
		}
	}
	for _, w := range b.Writes {
		if w.Delete {
			parts = append(parts, fmt.Sprintf("Delete(%s/%q)", w.Bucket, w.Key))
		} else {
			parts = append(parts, fmt.Sprintf("Put(%s/%q, %s)", w.Bucket, w.Key, short(w.Value)))
		}
	}
	for _, e := range b.Events {
		parts = append(parts, fmt.Sprintf("Append(%q, %q, %s)", e.Kind, e.Key, short(e.Data)))
	}
	return "Batch{" + strings.Join(parts, ", ") + "}"
}

// wantValue checks Get(bucket, key) against want; a nil want means "not
// found".
func wantValue(t *testing.T, s store.Store, bucket, key string, want []byte) {
	t.Helper()
	got, err := s.Get(context.Background(), bucket, key)
	switch {
	case want == nil && !errors.Is(err, store.ErrNotFound):
		t.Errorf("Get(ctx, %q, %q) = %q, %v; want ErrNotFound", bucket, key, got, err)
	case want != nil && (err != nil || !bytes.Equal(got, want) || got == nil):
		t.Errorf("Get(ctx, %q, %q) = %q, %v; want %q, nil", bucket, key, got, err, want)
	}
}

// lastSeq returns the number of the newest event, 0 for none.
func lastSeq(t *testing.T, s store.Store) uint64 {
	t.Helper()
	var last uint64
	for {
		evs, err := s.Events(context.Background(), last, 1000)
		if err != nil {
			t.Fatalf("Events(ctx, %d, 1000) = %v", last, err)
		}
		if len(evs) == 0 {
			return last
		}
		last = evs[len(evs)-1].Seq
	}
}

func testGetPutDelete(t *testing.T, open Opener) {
	ctx := context.Background()
	s, _ := open(t)
	wantValue(t, s, "b", "k", nil)

	seqs := mustApply(t, s, batch().Put("b", "k", []byte("v1")))
	if len(seqs) != 0 {
		t.Errorf("Apply of a batch without events = %v, want no numbers", seqs)
	}
	wantValue(t, s, "b", "k", []byte("v1"))
	mustApply(t, s, batch().Put("b", "k", []byte("v2")))
	wantValue(t, s, "b", "k", []byte("v2"))
	wantValue(t, s, "other", "k", nil) // buckets are apart

	// An empty value is a value, nil or not.
	mustApply(t, s, batch().Put("b", "nil", nil).Put("b", "empty", []byte{}))
	wantValue(t, s, "b", "nil", []byte{})
	wantValue(t, s, "b", "empty", []byte{})

	// Keys, bucket names and values are bytes, not text.
	odd, oddBucket := "\x00\xff é:{x}/", "b:\x00{y}"
	value := []byte{0, 0xff, '\r', '\n', 0x80}
	mustApply(t, s, batch().Put(oddBucket, odd, value))
	wantValue(t, s, oddBucket, odd, value)
	wantValue(t, s, "b", odd, nil)

	// The caller owns what Get returns.
	got, _ := s.Get(ctx, oddBucket, odd)
	got[0] = 'X'
	wantValue(t, s, oddBucket, odd, value)

	mustApply(t, s, batch().Delete("b", "k"))
	wantValue(t, s, "b", "k", nil)
	mustApply(t, s, batch().Delete("b", "k").Delete("never", "k")) // deleting nothing is fine
	wantValue(t, s, "b", "empty", []byte{})
}

func testList(t *testing.T, open Opener) {
	ctx := context.Background()
	s, _ := open(t)
	keys := []string{"a", "a/1", "a/10", "a/2", "ab", "b", "a\xff", "a\xff\xff", "\xff", "\xff\x00", "\xff\xff"}
	b := batch()
	for _, k := range keys {
		b.Put("l", k, []byte("v="+k))
	}
	b.Put("m", "a/3", []byte("other bucket"))
	mustApply(t, s, b)

	for _, tc := range []struct {
		prefix, after string
		limit         int
		want          []string
	}{
		// Everything, in byte order (0xff sorts last).
		{"", "", 100, []string{"a", "a/1", "a/10", "a/2", "ab", "a\xff", "a\xff\xff", "b", "\xff", "\xff\x00", "\xff\xff"}},
		{"a/", "", 100, []string{"a/1", "a/10", "a/2"}},
		// after is exclusive, and a page ends at limit.
		{"a/", "a/1", 100, []string{"a/10", "a/2"}},
		{"a/", "a/10", 1, []string{"a/2"}},
		{"a/", "a/2", 100, nil},
		// after below the prefix starts at the prefix; above, nothing.
		{"a/", "0", 100, []string{"a/1", "a/10", "a/2"}},
		{"a/", "zzz", 100, nil},
		// after need not be a key.
		{"a/", "a/0", 100, []string{"a/1", "a/10", "a/2"}},
		{"a", "", 2, []string{"a", "a/1"}},
		// A prefix that is a key lists it; one ending in 0xff bytes ends
		// the range at the next prefix ("b"), one of only 0xff at the end.
		{"a/1", "", 100, []string{"a/1", "a/10"}},
		{"a/1", "a/1", 100, []string{"a/10"}},
		{"a\xff", "", 100, []string{"a\xff", "a\xff\xff"}},
		{"\xff", "", 100, []string{"\xff", "\xff\x00", "\xff\xff"}},
		{"\xff\xff", "", 100, []string{"\xff\xff"}},
		{"", "b", 100, []string{"\xff", "\xff\x00", "\xff\xff"}},
		{"c", "", 100, nil},
	} {
		kvs, err := s.List(ctx, "l", tc.prefix, tc.after, tc.limit)
		if err != nil {
			t.Errorf("List(ctx, %q, %q, %q, %d) = %v", "l", tc.prefix, tc.after, tc.limit, err)
			continue
		}
		var got []string
		for _, kv := range kvs {
			got = append(got, kv.Key)
			if want := "v=" + kv.Key; string(kv.Value) != want {
				t.Errorf("List(ctx, %q, %q, %q, %d): value of %q = %q, want %q", "l", tc.prefix, tc.after, tc.limit, kv.Key, kv.Value, want)
			}
		}
		if diff := cmp.Diff(tc.want, got); diff != "" {
			t.Errorf("List(ctx, %q, %q, %q, %d) keys (-want +got):\n%s", "l", tc.prefix, tc.after, tc.limit, diff)
		}
	}

	// Paging three at a time visits every key once, in order.
	var paged []string
	for after := ""; ; {
		kvs, err := s.List(ctx, "l", "", after, 3)
		if err != nil {
			t.Fatalf("List(ctx, %q, %q, %q, 3) = %v", "l", "", after, err)
		}
		for _, kv := range kvs {
			paged = append(paged, kv.Key)
		}
		if len(kvs) < 3 {
			break
		}
		after = kvs[len(kvs)-1].Key
	}
	want := slices.Clone(keys)
	slices.Sort(want)
	if diff := cmp.Diff(want, paged); diff != "" {
		t.Errorf("paging List(ctx, %q, %q, after, 3) (-want +got):\n%s", "l", "", diff)
	}

	// Deleted keys leave the listing; unknown buckets list nothing.
	mustApply(t, s, batch().Delete("l", "a/10"))
	if kvs, err := s.List(ctx, "l", "a/", "", 100); err != nil || len(kvs) != 2 {
		t.Errorf("List(ctx, %q, %q, %q, 100) after deleting a/10 = %v, %v; want a/1, a/2", "l", "a/", "", kvs, err)
	}
	if kvs, err := s.List(ctx, "nobody", "", "", 100); err != nil || len(kvs) != 0 {
		t.Errorf("List(ctx, %q, %q, %q, 100) = %v, %v; want nothing, nil", "nobody", "", "", kvs, err)
	}
}

func testApplyIsAtomic(t *testing.T, open Opener) {
	ctx := context.Background()
	s, _ := open(t)
	mustApply(t, s, batch().Put("c", "x", []byte("1")).Put("c", "empty", nil).Append("setup", "", nil))

	for _, tc := range []struct {
		b        *store.Batch
		conflict store.ConflictError // the condition reported
	}{
		// The key exists.
		{batch().IfAbsent("c", "x").Put("c", "new", []byte("n")).Append("e", "x", nil), store.ConflictError{Bucket: "c", Key: "x"}},
		// The value differs.
		{batch().IfEqual("c", "x", []byte("2")).Put("c", "x", []byte("3")).Append("e", "x", nil), store.ConflictError{Bucket: "c", Key: "x"}},
		// A missing key does not equal the empty value...
		{batch().IfEqual("c", "missing", nil).Delete("c", "x"), store.ConflictError{Bucket: "c", Key: "missing"}},
		// ...and an empty value is not absent.
		{batch().IfAbsent("c", "empty").Delete("c", "x"), store.ConflictError{Bucket: "c", Key: "empty"}},
		// The first failing condition is reported, after one that held.
		{batch().IfEqual("c", "x", []byte("1")).IfAbsent("other", "y").IfAbsent("c", "x").Put("other", "y", []byte("y")), store.ConflictError{Bucket: "c", Key: "x"}},
	} {
		seqs, err := s.Apply(ctx, *tc.b)
		var ce *store.ConflictError
		if !errors.Is(err, store.ErrConflict) || !errors.As(err, &ce) || *ce != tc.conflict {
			t.Errorf("Apply(ctx, %s) = %v, %v; want a ConflictError on %s/%q", describe(tc.b), seqs, err, tc.conflict.Bucket, tc.conflict.Key)
		}
	}
	// Nothing of the failed batches was written or appended.
	wantValue(t, s, "c", "x", []byte("1"))
	wantValue(t, s, "c", "new", nil)
	wantValue(t, s, "other", "y", nil)
	if last := lastSeq(t, s); last != 1 {
		t.Errorf("after failed batches, the last event is %d, want 1", last)
	}

	// Conditions hold, so everything happens.
	seqs := mustApply(t, s, batch().IfEqual("c", "x", []byte("1")).IfAbsent("c", "y").IfEqual("c", "empty", []byte{}).
		Put("c", "x", []byte("2")).Put("c", "y", []byte("y")).Append("changed", "x", json.RawMessage(`{"to":2}`)))
	if want := []uint64{2}; !slices.Equal(seqs, want) {
		t.Errorf("Apply of a batch after failed ones = %v, want %v (failures take no numbers)", seqs, want)
	}
	wantValue(t, s, "c", "x", []byte("2"))
	wantValue(t, s, "c", "y", []byte("y"))

	// Conditions see the state before the batch: a batch may create what
	// it requires absent.
	mustApply(t, s, batch().IfAbsent("c", "z").Put("c", "z", []byte("z")))
	wantValue(t, s, "c", "z", []byte("z"))

	// Writes take effect in order: the last write to a key wins.
	mustApply(t, s, batch().Put("c", "w", []byte("1")).Delete("c", "w").
		Delete("c", "v").Put("c", "v", []byte("2")).
		Put("c", "u", []byte("a")).Put("c", "u", []byte("b")))
	wantValue(t, s, "c", "w", nil)
	wantValue(t, s, "c", "v", []byte("2"))
	wantValue(t, s, "c", "u", []byte("b"))

	// An empty batch and a batch of conditions only are fine.
	mustApply(t, s, batch())
	mustApply(t, s, batch().IfEqual("c", "u", []byte("b")))
}

func testEventNumbering(t *testing.T, open Opener) {
	ctx := context.Background()
	s, _ := open(t)
	before := time.Now()
	var all []uint64
	for i, n := range []int{1, 0, 3, 2} {
		b := batch().Put("e", "k", []byte(strconv.Itoa(i)))
		for j := range n {
			b.Append(fmt.Sprintf("kind%d", j), fmt.Sprintf("key%d.%d", i, j), json.RawMessage(fmt.Sprintf(`{"batch":%d,"n":%d}`, i, j)))
		}
		seqs := mustApply(t, s, b)
		if len(seqs) != n {
			t.Fatalf("Apply of %d events returned %d numbers: %v", n, len(seqs), seqs)
		}
		all = append(all, seqs...)
	}
	mustApply(t, s, batch().Append("bare", "", nil))
	all = append(all, 7)
	after := time.Now()
	if want := []uint64{1, 2, 3, 4, 5, 6, 7}; !slices.Equal(all, want) {
		t.Errorf("numbers given by Apply = %v, want %v", all, want)
	}

	evs, err := s.Events(ctx, 0, 100)
	if err != nil {
		t.Fatalf("Events(ctx, 0, 100) = %v", err)
	}
	want := []store.Event{
		{Seq: 1, Kind: "kind0", Key: "key0.0", Data: json.RawMessage(`{"batch":0,"n":0}`)},
		{Seq: 2, Kind: "kind0", Key: "key2.0", Data: json.RawMessage(`{"batch":2,"n":0}`)},
		{Seq: 3, Kind: "kind1", Key: "key2.1", Data: json.RawMessage(`{"batch":2,"n":1}`)},
		{Seq: 4, Kind: "kind2", Key: "key2.2", Data: json.RawMessage(`{"batch":2,"n":2}`)},
		{Seq: 5, Kind: "kind0", Key: "key3.0", Data: json.RawMessage(`{"batch":3,"n":0}`)},
		{Seq: 6, Kind: "kind1", Key: "key3.1", Data: json.RawMessage(`{"batch":3,"n":1}`)},
		{Seq: 7, Kind: "bare"},
	}
	noTime := func(evs []store.Event) []store.Event {
		out := slices.Clone(evs)
		for i := range out {
			out[i].Time = time.Time{}
		}
		return out
	}
	if diff := cmp.Diff(want, noTime(evs)); diff != "" {
		t.Errorf("Events(ctx, 0, 100) (-want +got):\n%s", diff)
	}
	for _, e := range evs {
		// Stores may keep less than the clock's precision; allow them a
		// microsecond at either end.
		if e.Time.Location() != time.UTC || e.Time.Before(before.Add(-time.Microsecond)) || e.Time.After(after.Add(time.Microsecond)) {
			t.Errorf("event %d has Time %v, want UTC between %v and %v", e.Seq, e.Time, before.UTC(), after.UTC())
		}
	}
	// A batch's events share a time.
	if len(evs) == 7 && !evs[1].Time.Equal(evs[3].Time) {
		t.Errorf("events 2 and 4, of one batch, have times %v and %v; want equal", evs[1].Time, evs[3].Time)
	}

	for _, tc := range []struct {
		since uint64
		limit int
		want  []uint64
	}{
		{0, 1, []uint64{1}},
		{2, 2, []uint64{3, 4}},
		{5, 100, []uint64{6, 7}},
		{7, 100, nil},
		{1 << 40, 100, nil},
		{^uint64(0), 100, nil},
	} {
		evs, err := s.Events(ctx, tc.since, tc.limit)
		var got []uint64
		for _, e := range evs {
			got = append(got, e.Seq)
		}
		if err != nil || !slices.Equal(got, tc.want) {
			t.Errorf("Events(ctx, %d, %d) = %v, %v; want %v, nil", tc.since, tc.limit, got, err, tc.want)
		}
	}
}

func testReopen(t *testing.T, open Opener) {
	ctx := context.Background()
	s, reopen := open(t)
	if reopen == nil {
		t.Skip("the backend cannot reopen a store")
	}
	mustApply(t, s, batch().Put("r", "k", []byte("kept")).Append("one", "k", json.RawMessage(`1`)).Append("two", "k", nil))
	mustApply(t, s, batch().Append("three", "", json.RawMessage(`"3"`)))
	before, err := s.Events(ctx, 0, 100)
	if err != nil {
		t.Fatalf("Events(ctx, 0, 100) = %v", err)
	}
	if err := s.Close(); err != nil {
		t.Fatalf("Close() = %v", err)
	}

	s = reopen(t)
	wantValue(t, s, "r", "k", []byte("kept"))
	after, err := s.Events(ctx, 0, 100)
	if err != nil {
		t.Fatalf("after reopening, Events(ctx, 0, 100) = %v", err)
	}
	if diff := cmp.Diff(before, after); diff != "" {
		t.Errorf("Events(ctx, 0, 100) after reopening (-before +after):\n%s", diff)
	}
	// Numbering goes on where it stopped: no number is given twice.
	if seqs := mustApply(t, s, batch().Append("four", "", nil)); !slices.Equal(seqs, []uint64{4}) {
		t.Errorf("after reopening, Apply of one event = %v, want [4]", seqs)
	}
}

func testConcurrentCAS(t *testing.T, open Opener) {
	ctx := context.Background()
	s, _ := open(t)
	const n = 8

	// n instances try to claim one key at once: exactly one may win.
	start := make(chan struct{})
	errs := make([]error, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() {
			<-start
			_, errs[i] = s.Apply(ctx, *batch().IfAbsent("race", "claim").Put("race", "claim", []byte(strconv.Itoa(i))).Append("claimed", "claim", nil))
		})
	}
	close(start)
	wg.Wait()
	winner := -1
	for i, err := range errs {
		switch {
		case err == nil && winner >= 0:
			t.Errorf("instances %d and %d both claimed the key", winner, i)
		case err == nil:
			winner = i
		case !errors.Is(err, store.ErrConflict):
			t.Errorf("instance %d: Apply(ctx, claim) = %v, want nil or ErrConflict", i, err)
		}
	}
	if winner < 0 {
		t.Fatal("no instance claimed the key")
	}
	wantValue(t, s, "race", "claim", []byte(strconv.Itoa(winner)))

	// n instances each add 1 to a counter rounds times, by read and
	// compare-and-set, retrying on conflict; each addition appends an
	// event. No addition may be lost and no number skipped or repeated.
	const rounds = 10
	mustApply(t, s, batch().Put("race", "counter", []byte("0")))
	var mu sync.Mutex
	var seqs []uint64
	for range n {
		wg.Go(func() {
			for done := 0; done < rounds; {
				cur, err := s.Get(ctx, "race", "counter")
				if err != nil {
					t.Errorf("Get(ctx, %q, %q) = %v", "race", "counter", err)
					return
				}
				v, _ := strconv.Atoi(string(cur))
				got, err := s.Apply(ctx, *batch().IfEqual("race", "counter", cur).Put("race", "counter", []byte(strconv.Itoa(v+1))).Append("added", "counter", nil))
				if errors.Is(err, store.ErrConflict) {
					continue
				}
				if err != nil {
					t.Errorf("Apply(ctx, add) = %v", err)
					return
				}
				done++
				mu.Lock()
				seqs = append(seqs, got...)
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	wantValue(t, s, "race", "counter", []byte(strconv.Itoa(n*rounds)))
	slices.Sort(seqs)
	var want []uint64
	for i := range n * rounds {
		want = append(want, uint64(i+2)) // event 1 is the claim
	}
	if diff := cmp.Diff(want, seqs); diff != "" {
		t.Errorf("numbers given to concurrent batches (-want +got):\n%s", diff)
	}
	evs, err := s.Events(ctx, 0, 1000)
	if err != nil {
		t.Fatalf("Events(ctx, 0, 1000) = %v", err)
	}
	for i, e := range evs {
		if e.Seq != uint64(i+1) {
			t.Fatalf("Events(ctx, 0, 1000)[%d].Seq = %d, want %d", i, e.Seq, i+1)
		}
	}
	if len(evs) != n*rounds+1 {
		t.Errorf("Events(ctx, 0, 1000) has %d events, want %d", len(evs), n*rounds+1)
	}
}

func testWait(t *testing.T, open Opener) {
	ctx := context.Background()
	s, _ := open(t)

	short, cancel := context.WithTimeout(ctx, 50*time.Millisecond)
	defer cancel()
	if err := s.Wait(short, 0); !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("Wait(ctx with 50ms, 0) on an empty log = %v, want DeadlineExceeded", err)
	}

	// Several waiters wake when an event is appended, and not before.
	long, cancel := context.WithTimeout(ctx, 20*time.Second)
	defer cancel()
	woke := make(chan error, 3)
	for range 3 {
		go func() { woke <- s.Wait(long, 0) }()
	}
	time.Sleep(20 * time.Millisecond) // let them block (the test holds without it)
	mustApply(t, s, batch().Put("w", "k", nil))
	select {
	case err := <-woke:
		t.Fatalf("Wait(ctx, 0) = %v after a batch without events; want it to keep waiting", err)
	case <-time.After(50 * time.Millisecond):
	}
	mustApply(t, s, batch().Append("wake", "", nil))
	for range 3 {
		select {
		case err := <-woke:
			if err != nil {
				t.Errorf("Wait(ctx, 0) = %v after an append, want nil", err)
			}
		case <-time.After(10 * time.Second):
			t.Fatal("Wait(ctx, 0) still blocked 10s after an append")
		}
	}

	// An event above since already there: no waiting.
	quick, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	if err := s.Wait(quick, 0); err != nil {
		t.Errorf("Wait(ctx, 0) with event 1 present = %v, want nil", err)
	}
	short, cancel = context.WithTimeout(ctx, 50*time.Millisecond)
	defer cancel()
	if err := s.Wait(short, 1); !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("Wait(ctx with 50ms, 1) with event 1 the last = %v, want DeadlineExceeded", err)
	}

	// Cancelling (not just a deadline) ends a Wait promptly.
	cctx, cancelWait := context.WithCancel(ctx)
	done := make(chan error, 1)
	go func() { done <- s.Wait(cctx, 1) }()
	time.Sleep(20 * time.Millisecond)
	cancelWait()
	select {
	case err := <-done:
		if !errors.Is(err, context.Canceled) {
			t.Errorf("Wait(ctx, 1) after cancel = %v, want Canceled", err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("Wait(ctx, 1) still blocked 5s after its context was cancelled")
	}
}

// leaseStep is one call in a lease scenario; release steps have no result.
type leaseStep struct {
	release     bool
	name, owner string
	want        bool
}

func testLeases(t *testing.T, open Opener) {
	ctx := context.Background()
	s, _ := open(t)
	const ttl = time.Minute
	for _, step := range []leaseStep{
		{name: "p", owner: "a", want: true},           // free
		{name: "p", owner: "b", want: false},          // held by a
		{name: "p", owner: "a", want: true},           // a renews
		{name: "q", owner: "b", want: true},           // other leases are apart
		{release: true, name: "p", owner: "b"},        // not b's: no effect
		{name: "p", owner: "b", want: false},          // still a's
		{release: true, name: "p", owner: "a"},        // a lets go
		{name: "p", owner: "b", want: true},           // now b's
		{name: "p", owner: "a", want: false},          // and not a's
		{release: true, name: "never", owner: "a"},    // releasing nothing is fine
		{release: true, name: "p", owner: "b"},        // b lets go
		{release: true, name: "p", owner: "b"},        // twice is fine
		{name: "p", owner: "a", want: true},           // free again
		{name: "p", owner: "a\x00b:{c}", want: false}, // owners are compared whole
	} {
		if step.release {
			if err := s.Release(ctx, step.name, step.owner); err != nil {
				t.Errorf("Release(ctx, %q, %q) = %v, want nil", step.name, step.owner, err)
			}
			continue
		}
		got, err := s.Acquire(ctx, step.name, step.owner, ttl)
		if err != nil || got != step.want {
			t.Errorf("Acquire(ctx, %q, %q, %v) = %v, %v; want %v, nil", step.name, step.owner, ttl, got, err, step.want)
		}
	}

	// Of owners racing for one lease, exactly one gets it.
	const n = 8
	won := make([]bool, n)
	start := make(chan struct{})
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() {
			<-start
			var err error
			if won[i], err = s.Acquire(ctx, "race", fmt.Sprint("owner", i), ttl); err != nil {
				t.Errorf("Acquire(ctx, %q, %q, %v) = %v", "race", fmt.Sprint("owner", i), ttl, err)
			}
		})
	}
	close(start)
	wg.Wait()
	if winners := countTrue(won); winners != 1 {
		t.Errorf("%d of %d owners racing for one lease got it, want 1", winners, n)
	}
}

func countTrue(bs []bool) int {
	n := 0
	for _, b := range bs {
		if b {
			n++
		}
	}
	return n
}

func testLeaseExpiry(t *testing.T, open Opener) {
	ctx := context.Background()
	s, _ := open(t)
	const ttl = 300 * time.Millisecond
	granted := time.Now()
	if ok, err := s.Acquire(ctx, "e", "a", ttl); !ok || err != nil {
		t.Fatalf("Acquire(ctx, %q, %q, %v) = %v, %v; want true, nil", "e", "a", ttl, ok, err)
	}
	ok, err := s.Acquire(ctx, "e", "b", time.Minute)
	// The call must fail if it ended before the lease could have run
	// out; a slow machine may have taken longer.
	if err != nil || ok && time.Since(granted) < ttl {
		t.Errorf("Acquire(ctx, %q, %q, 1m) at once = %v, %v; want false, nil", "e", "b", ok, err)
	}
	for deadline := time.Now().Add(10 * time.Second); !ok; time.Sleep(20 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("Acquire(ctx, %q, %q, 1m) still false 10s after a's lease of %v", "e", "b", ttl)
		}
		if ok, err = s.Acquire(ctx, "e", "b", time.Minute); err != nil {
			t.Fatalf("Acquire(ctx, %q, %q, 1m) = %v", "e", "b", err)
		}
	}
	if elapsed := time.Since(granted); elapsed < ttl-10*time.Millisecond {
		t.Errorf("b got the lease %v after a's lease of %v was granted; want after it ran out", elapsed, ttl)
	}
	// The lapsed holder can neither renew nor release b's lease.
	if ok, err := s.Acquire(ctx, "e", "a", ttl); ok || err != nil {
		t.Errorf("Acquire(ctx, %q, %q, %v) after it passed to b = %v, %v; want false, nil", "e", "a", ttl, ok, err)
	}
	if err := s.Release(ctx, "e", "a"); err != nil {
		t.Errorf("Release(ctx, %q, %q) = %v", "e", "a", err)
	}
	if ok, err := s.Acquire(ctx, "e", "b", time.Minute); !ok || err != nil {
		t.Errorf("Acquire(ctx, %q, %q, 1m) after a's Release = %v, %v; want true, nil (b holds it)", "e", "b", ok, err)
	}
}

func testLimits(t *testing.T, open Opener) {
	ctx := context.Background()
	s, _ := open(t)
	long := string(bytes.Repeat([]byte("k"), store.MaxKeyLen+1))
	maxKey := long[:store.MaxKeyLen]
	huge := make([]byte, store.MaxValueLen+1)
	maxValue := huge[:store.MaxValueLen]
	maxValue[0], maxValue[len(maxValue)-1] = 'a', 'z'
	big := huge[:store.MaxBatchLen/4]

	// The largest key and value are stored.
	mustApply(t, s, batch().Put("lim", maxKey, []byte("v")).Put("lim", "max", maxValue))
	wantValue(t, s, "lim", maxKey, []byte("v"))
	wantValue(t, s, "lim", "max", maxValue)

	for _, tc := range []struct {
		call string
		do   func() error
		want error
	}{
		{"Get(ctx, lim, 1025 bytes)", func() error { _, err := s.Get(ctx, "lim", long); return err }, store.ErrTooLarge},
		{"Get(ctx, 1025 bytes, k)", func() error { _, err := s.Get(ctx, long, "k"); return err }, store.ErrTooLarge},
		{"Get(ctx, \"\", k)", func() error { _, err := s.Get(ctx, "", "k"); return err }, store.ErrInvalid},
		{"Get(ctx, lim, \"\")", func() error { _, err := s.Get(ctx, "lim", ""); return err }, store.ErrInvalid},
		{"Put(lim, 1025 bytes)", apply(s, batch().Put("lim", long, nil)), store.ErrTooLarge},
		{"Put(lim, x, 64 MiB + 1)", apply(s, batch().Put("lim", "x", huge)), store.ErrTooLarge},
		{"Put(\"\", x)", apply(s, batch().Put("", "x", nil)), store.ErrInvalid},
		{"Delete(lim, \"\")", apply(s, batch().Put("lim", "x", nil).Delete("lim", "")), store.ErrInvalid},
		{"IfEqual(lim, x, 64 MiB + 1)", apply(s, batch().IfEqual("lim", "x", huge).Put("lim", "x", nil)), store.ErrTooLarge},
		{"IfAbsent(lim, 1025 bytes)", apply(s, batch().IfAbsent("lim", long).Put("lim", "x", nil)), store.ErrTooLarge},
		{"Append(\"\", k, nil)", apply(s, batch().Put("lim", "x", nil).Append("", "k", nil)), store.ErrInvalid},
		{"Append(kind, 1025 bytes, nil)", apply(s, batch().Put("lim", "x", nil).Append("kind", long, nil)), store.ErrTooLarge},
		{"Append(kind, k, `{`)", apply(s, batch().Put("lim", "x", nil).Append("kind", "k", json.RawMessage("{"))), store.ErrInvalid},
		{"Append(kind, k, 64 MiB + 1)", apply(s, batch().Put("lim", "x", nil).Append("kind", "k", huge)), store.ErrTooLarge},
		{"5 puts of 64 MiB", apply(s, batch().Put("lim", "x1", big).Put("lim", "x2", big).Put("lim", "x3", big).Put("lim", "x4", big).Put("lim", "x5", big)), store.ErrTooLarge},
		{"List(ctx, lim, 1025 bytes, \"\", 1)", func() error { _, err := s.List(ctx, "lim", long, "", 1); return err }, store.ErrTooLarge},
		{"List(ctx, lim, \"\", 1025 bytes, 1)", func() error { _, err := s.List(ctx, "lim", "", long, 1); return err }, store.ErrTooLarge},
		{"List(ctx, lim, \"\", \"\", 0)", func() error { _, err := s.List(ctx, "lim", "", "", 0); return err }, store.ErrInvalid},
		{"Events(ctx, 0, 0)", func() error { _, err := s.Events(ctx, 0, 0); return err }, store.ErrInvalid},
		{"Events(ctx, 0, -1)", func() error { _, err := s.Events(ctx, 0, -1); return err }, store.ErrInvalid},
		{"Acquire(ctx, l, o, 0)", func() error { _, err := s.Acquire(ctx, "l", "o", 0); return err }, store.ErrInvalid},
		{"Acquire(ctx, l, o, 999µs)", func() error { _, err := s.Acquire(ctx, "l", "o", time.Millisecond-time.Microsecond); return err }, store.ErrInvalid},
		{"Acquire(ctx, \"\", o, 1m)", func() error { _, err := s.Acquire(ctx, "", "o", time.Minute); return err }, store.ErrInvalid},
		{"Acquire(ctx, l, 1025 bytes, 1m)", func() error { _, err := s.Acquire(ctx, "l", long, time.Minute); return err }, store.ErrTooLarge},
		{"Release(ctx, 1025 bytes, o)", func() error { return s.Release(ctx, long, "o") }, store.ErrTooLarge},
		{"Release(ctx, l, \"\")", func() error { return s.Release(ctx, "l", "") }, store.ErrInvalid},
	} {
		err := tc.do()
		if !errors.Is(err, tc.want) {
			t.Errorf("%s = %v, want %v", tc.call, err, tc.want)
		}
		// An error names the problem; it does not repeat a kilobyte key.
		if err != nil && len(err.Error()) > 300 {
			t.Errorf("%s: error is %d bytes long: %.300s…", tc.call, len(err.Error()), err)
		}
	}
	// Rejected batches wrote nothing.
	wantValue(t, s, "lim", "x", nil)
	wantValue(t, s, "lim", "x1", nil)
	if last := lastSeq(t, s); last != 0 {
		t.Errorf("after rejected batches, the last event is %d, want 0", last)
	}
}

func apply(s store.Store, b *store.Batch) func() error {
	return func() error { _, err := s.Apply(context.Background(), *b); return err }
}

func testContext(t *testing.T, open Opener) {
	s, _ := open(t)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	for _, tc := range []struct {
		call string
		do   func() error
	}{
		{"Get", func() error { _, err := s.Get(ctx, "b", "k"); return err }},
		{"List", func() error { _, err := s.List(ctx, "b", "", "", 10); return err }},
		{"Apply", func() error {
			_, err := s.Apply(ctx, *batch().Put("b", "k", []byte("v")).Append("e", "k", nil))
			return err
		}},
		{"Events", func() error { _, err := s.Events(ctx, 0, 10); return err }},
		{"Wait", func() error { return s.Wait(ctx, 0) }},
		{"Acquire", func() error { _, err := s.Acquire(ctx, "l", "o", time.Minute); return err }},
		{"Release", func() error { return s.Release(ctx, "l", "o") }},
	} {
		if err := tc.do(); !errors.Is(err, context.Canceled) {
			t.Errorf("%s with a cancelled context = %v, want Canceled", tc.call, err)
		}
	}
	wantValue(t, s, "b", "k", nil)
	if last := lastSeq(t, s); last != 0 {
		t.Errorf("after Apply with a cancelled context, the last event is %d, want 0", last)
	}
	if ok, err := s.Acquire(context.Background(), "l", "other", time.Minute); !ok || err != nil {
		t.Errorf("Acquire(ctx, %q, %q, 1m) = %v, %v; want true, nil (the cancelled Acquire took nothing)", "l", "other", ok, err)
	}
}

func testClosed(t *testing.T, open Opener) {
	ctx := context.Background()
	s, _ := open(t)
	mustApply(t, s, batch().Put("b", "k", []byte("v")))

	waiting := make(chan error, 1)
	go func() { waiting <- s.Wait(ctx, 0) }()
	time.Sleep(20 * time.Millisecond)
	if err := s.Close(); err != nil {
		t.Fatalf("Close() = %v", err)
	}
	if err := s.Close(); err != nil {
		t.Errorf("second Close() = %v, want nil", err)
	}
	select {
	case err := <-waiting:
		if !errors.Is(err, store.ErrClosed) {
			t.Errorf("Wait(ctx, 0) ended by Close = %v, want ErrClosed", err)
		}
	case <-time.After(5 * time.Second):
		t.Errorf("Wait(ctx, 0) still blocked 5s after Close")
	}
	for _, tc := range []struct {
		call string
		do   func() error
	}{
		{"Get", func() error { _, err := s.Get(ctx, "b", "k"); return err }},
		{"List", func() error { _, err := s.List(ctx, "b", "", "", 10); return err }},
		{"Apply", func() error { _, err := s.Apply(ctx, *batch().Put("b", "k", nil)); return err }},
		{"Events", func() error { _, err := s.Events(ctx, 0, 10); return err }},
		{"Wait", func() error { return s.Wait(ctx, 0) }},
		{"Acquire", func() error { _, err := s.Acquire(ctx, "l", "o", time.Minute); return err }},
		{"Release", func() error { return s.Release(ctx, "l", "o") }},
	} {
		if err := tc.do(); !errors.Is(err, store.ErrClosed) {
			t.Errorf("%s after Close = %v, want ErrClosed", tc.call, err)
		}
	}
}
