// Package bolt is the embedded [store.Store]: one bbolt file, no server.
//
// The file holds three top-level bbolt buckets: "kv", in which each store
// bucket is a nested bbolt bucket; "events", keyed by the big-endian
// sequence number, whose bbolt sequence counter numbers the events; and
// "leases". Apply runs in one bbolt read-write transaction, so a batch is
// on disk whole (bbolt syncs the file before Apply returns) or not at all,
// whatever crashes. bbolt admits one writer at a time, and the file is
// locked against other processes: a second process gets [ErrLocked]. So
// every writer is in this process, which lets Wait listen for Apply
// in memory.
package bolt

import (
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"math"
	"sync"
	"time"

	"github.com/drupdate/drupdate/internal/store"
	"go.etcd.io/bbolt"
)

// ErrLocked is returned by Open when another process has the file open.
var ErrLocked = errors.New("locked by another process")

// Options configure Open. The zero value is usable.
type Options struct {
	// Now is the clock for event times and lease expiry; nil means
	// time.Now.
	Now func() time.Time
	// LockTimeout is how long Open waits for another process to let go
	// of the file before failing with ErrLocked; zero or less means 1s.
	LockTimeout time.Duration
}

// Store is a [store.Store] kept in one bbolt file.
type Store struct {
	db  *bbolt.DB
	now func() time.Time

	mu sync.Mutex
	// appended is closed (and replaced) after each commit that appended
	// events, waking every Wait.
	appended chan struct{}

	closeOnce sync.Once
	closed    chan struct{}
}

var (
	bucketKV     = []byte("kv")
	bucketEvents = []byte("events")
	bucketLeases = []byte("leases")
)

// Open opens the store in the file at path, creating the file if needed.
func Open(path string, opts Options) (*Store, error) {
	timeout := opts.LockTimeout
	if timeout <= 0 {
		timeout = time.Second
	}
	db, err := bbolt.Open(path, 0o600, &bbolt.Options{Timeout: timeout})
	if errors.Is(err, bbolt.ErrTimeout) {
		return nil, fmt.Errorf("open store %s: %w (waited %v)", path, ErrLocked, timeout)
	}
	if err != nil {
		return nil, fmt.Errorf("open store %s: %w", path, err)
	}
	err = db.Update(func(tx *bbolt.Tx) error {
		for _, name := range [][]byte{bucketKV, bucketEvents, bucketLeases} {
			if _, err := tx.CreateBucketIfNotExists(name); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		db.Close()
		return nil, fmt.Errorf("open store %s: %w", path, err)
	}
	now := opts.Now
	if now == nil {
		now = time.Now
	}
	return &Store{db: db, now: now, appended: make(chan struct{}), closed: make(chan struct{})}, nil
}

// Get implements [store.Store.Get].
func (s *Store) Get(ctx context.Context, bucket, key string) ([]byte, error) {
	var v []byte
	err := s.view(ctx, func(tx *bbolt.Tx) error {
		cur, ok := lookup(tx, bucket, key)
		if !ok {
			return store.ErrNotFound
		}
		v = bytes.Clone(cur)
		return nil
	}, store.CheckKey(bucket, key))
	if err != nil {
		return nil, fmt.Errorf("get %s: %w", store.Ref(bucket, key), err)
	}
	return v, nil
}

// List implements [store.Store.List].
func (s *Store) List(ctx context.Context, bucket, prefix, after string, limit int) ([]store.KV, error) {
	var kvs []store.KV
	err := s.view(ctx, func(tx *bbolt.Tx) error {
		b := tx.Bucket(bucketKV).Bucket([]byte(bucket))
		if b == nil {
			return nil
		}
		c := b.Cursor()
		k, v := c.Seek([]byte(max(prefix, after)))
		if k != nil && string(k) == after {
			k, v = c.Next()
		}
		for ; k != nil && len(kvs) < limit && bytes.HasPrefix(k, []byte(prefix)); k, v = c.Next() {
			kvs = append(kvs, store.KV{Key: string(k), Value: bytes.Clone(v)})
		}
		return nil
	}, store.CheckList(bucket, prefix, after, limit))
	if err != nil {
		return nil, fmt.Errorf("list %s: %w", store.Ref(bucket, prefix+"*"), err)
	}
	return kvs, nil
}

// Apply implements [store.Store.Apply] in one bbolt transaction.
func (s *Store) Apply(ctx context.Context, b store.Batch) ([]uint64, error) {
	if err := b.Check(); err != nil {
		return nil, fmt.Errorf("apply: %w", err)
	}
	if err := s.ready(ctx); err != nil {
		return nil, fmt.Errorf("apply: %w", err)
	}
	var seqs []uint64
	err := s.db.Update(func(tx *bbolt.Tx) error {
		for _, c := range b.Conds {
			cur, ok := lookup(tx, c.Bucket, c.Key)
			if (c.Absent && ok) || (!c.Absent && (!ok || !bytes.Equal(cur, c.Value))) {
				return &store.ConflictError{Bucket: c.Bucket, Key: c.Key}
			}
		}
		kv := tx.Bucket(bucketKV)
		for _, w := range b.Writes {
			if w.Delete {
				if bk := kv.Bucket([]byte(w.Bucket)); bk != nil {
					if err := bk.Delete([]byte(w.Key)); err != nil {
						return err
					}
				}
				continue
			}
			bk, err := kv.CreateBucketIfNotExists([]byte(w.Bucket))
			if err != nil {
				return err
			}
			if err := bk.Put([]byte(w.Key), w.Value); err != nil {
				return err
			}
		}
		if len(b.Events) > 0 {
			log := tx.Bucket(bucketEvents)
			t := s.now().UnixNano()
			for _, e := range b.Events {
				// NextSequence is part of the transaction: a batch
				// that does not commit gives its numbers back.
				seq, err := log.NextSequence()
				if err != nil {
					return err
				}
				if err := log.Put(seqKey(seq), encodeEvent(e, t)); err != nil {
					return err
				}
				seqs = append(seqs, seq)
			}
		}
		// A caller that gave up while the batch was prepared gets nothing
		// written, as the contract promises.
		return ctx.Err()
	})
	if err != nil {
		return nil, fmt.Errorf("apply: %w", closedErr(err))
	}
	if len(seqs) > 0 {
		s.mu.Lock()
		close(s.appended)
		s.appended = make(chan struct{})
		s.mu.Unlock()
	}
	return seqs, nil
}

// Events implements [store.Store.Events].
func (s *Store) Events(ctx context.Context, since uint64, limit int) ([]store.Event, error) {
	var evs []store.Event
	err := s.view(ctx, func(tx *bbolt.Tx) error {
		if since == math.MaxUint64 {
			return nil
		}
		c := tx.Bucket(bucketEvents).Cursor()
		for k, v := c.Seek(seqKey(since + 1)); k != nil && len(evs) < limit; k, v = c.Next() {
			e, err := decodeEvent(k, v)
			if err != nil {
				return err
			}
			evs = append(evs, e)
		}
		return nil
	}, store.CheckLimit(limit))
	if err != nil {
		return nil, fmt.Errorf("events since %d: %w", since, err)
	}
	return evs, nil
}

// Wait implements [store.Store.Wait].
func (s *Store) Wait(ctx context.Context, since uint64) error {
	for {
		// Take the channel before reading the counter, so that an Apply
		// committing in between still wakes us.
		s.mu.Lock()
		appended := s.appended
		s.mu.Unlock()
		var last uint64
		err := s.view(ctx, func(tx *bbolt.Tx) error {
			last = tx.Bucket(bucketEvents).Sequence()
			return nil
		}, nil)
		if err != nil {
			return fmt.Errorf("wait for events after %d: %w", since, err)
		}
		if last > since {
			return nil
		}
		select {
		case <-appended:
		case <-ctx.Done():
			return fmt.Errorf("wait for events after %d: %w", since, ctx.Err())
		case <-s.closed:
			return fmt.Errorf("wait for events after %d: %w", since, store.ErrClosed)
		}
	}
}

// Acquire implements [store.Store.Acquire]; expiry follows Options.Now.
func (s *Store) Acquire(ctx context.Context, name, owner string, ttl time.Duration) (bool, error) {
	if err := store.CheckLease(name, owner, ttl); err != nil {
		return false, fmt.Errorf("acquire lease %s: %w", store.Quote(name), err)
	}
	if err := s.ready(ctx); err != nil {
		return false, fmt.Errorf("acquire lease %s: %w", store.Quote(name), err)
	}
	granted := false
	err := s.db.Update(func(tx *bbolt.Tx) error {
		leases := tx.Bucket(bucketLeases)
		now := s.now()
		if holder, expiry, ok := decodeLease(leases.Get([]byte(name))); ok && holder != owner && now.Before(expiry) {
			return nil
		}
		granted = true
		return leases.Put([]byte(name), encodeLease(owner, now.Add(ttl.Truncate(time.Millisecond))))
	})
	if err != nil {
		return false, fmt.Errorf("acquire lease %s: %w", store.Quote(name), closedErr(err))
	}
	return granted, nil
}

// Release implements [store.Store.Release].
func (s *Store) Release(ctx context.Context, name, owner string) error {
	if err := store.CheckLease(name, owner, time.Millisecond); err != nil {
		return fmt.Errorf("release lease %s: %w", store.Quote(name), err)
	}
	if err := s.ready(ctx); err != nil {
		return fmt.Errorf("release lease %s: %w", store.Quote(name), err)
	}
	err := s.db.Update(func(tx *bbolt.Tx) error {
		leases := tx.Bucket(bucketLeases)
		if holder, _, ok := decodeLease(leases.Get([]byte(name))); !ok || holder != owner {
			return nil
		}
		return leases.Delete([]byte(name))
	})
	if err != nil {
		return fmt.Errorf("release lease %s: %w", store.Quote(name), closedErr(err))
	}
	return nil
}

// Close implements [store.Store.Close]; it waits for transactions under
// way and wakes every Wait.
func (s *Store) Close() error {
	var err error
	s.closeOnce.Do(func() {
		close(s.closed)
		err = s.db.Close()
	})
	if err != nil {
		return fmt.Errorf("close store: %w", err)
	}
	return nil
}

// view runs fn in a read transaction unless argErr (the result of the
// caller's argument check), the context or Close says not to.
func (s *Store) view(ctx context.Context, fn func(*bbolt.Tx) error, argErr error) error {
	if argErr != nil {
		return argErr
	}
	if err := s.ready(ctx); err != nil {
		return err
	}
	return closedErr(s.db.View(fn))
}

func (s *Store) ready(ctx context.Context) error {
	select {
	case <-s.closed:
		return store.ErrClosed
	default:
		return ctx.Err()
	}
}

// closedErr turns bbolt's error for a transaction begun during Close into
// the store's.
func closedErr(err error) error {
	if errors.Is(err, bbolt.ErrDatabaseNotOpen) {
		return store.ErrClosed
	}
	return err
}

// lookup returns the value under key in bucket. It seeks with a cursor
// rather than calling Get, so that "absent" never depends on how bbolt
// represents an empty value.
func lookup(tx *bbolt.Tx, bucket, key string) ([]byte, bool) {
	b := tx.Bucket(bucketKV).Bucket([]byte(bucket))
	if b == nil {
		return nil, false
	}
	k, v := b.Cursor().Seek([]byte(key))
	if string(k) != key {
		return nil, false
	}
	return v, true
}

func seqKey(seq uint64) []byte {
	return binary.BigEndian.AppendUint64(nil, seq)
}

// encodeEvent lays an event out as kind and key (each length-prefixed),
// the time in Unix nanoseconds, then the data to the end.
func encodeEvent(e store.NewEvent, unixNano int64) []byte {
	buf := make([]byte, 0, 2*binary.MaxVarintLen64+len(e.Kind)+len(e.Key)+8+len(e.Data))
	buf = binary.AppendUvarint(buf, uint64(len(e.Kind)))
	buf = append(buf, e.Kind...)
	buf = binary.AppendUvarint(buf, uint64(len(e.Key)))
	buf = append(buf, e.Key...)
	buf = binary.BigEndian.AppendUint64(buf, uint64(unixNano))
	return append(buf, e.Data...)
}

func decodeEvent(k, v []byte) (store.Event, error) {
	var e store.Event
	kind, rest, ok := cutString(v)
	if ok {
		e.Kind = kind
		e.Key, rest, ok = cutString(rest)
	}
	if !ok || len(k) != 8 || len(rest) < 8 {
		return store.Event{}, fmt.Errorf("event %x is corrupt", k)
	}
	e.Seq = binary.BigEndian.Uint64(k)
	e.Time = time.Unix(0, int64(binary.BigEndian.Uint64(rest))).UTC()
	if data := rest[8:]; len(data) > 0 {
		e.Data = bytes.Clone(data)
	}
	return e, nil
}

// cutString reads one length-prefixed string off the front of b.
func cutString(b []byte) (string, []byte, bool) {
	n, w := binary.Uvarint(b)
	if w <= 0 || n > uint64(len(b)-w) {
		return "", nil, false
	}
	return string(b[w : w+int(n)]), b[w+int(n):], true
}

func encodeLease(owner string, expiry time.Time) []byte {
	return append(binary.BigEndian.AppendUint64(nil, uint64(expiry.UnixNano())), owner...)
}

func decodeLease(v []byte) (owner string, expiry time.Time, ok bool) {
	if len(v) < 8 {
		return "", time.Time{}, false
	}
	return string(v[8:]), time.Unix(0, int64(binary.BigEndian.Uint64(v))), true
}
