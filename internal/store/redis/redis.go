// Package redis is the [store.Store] that several drupdate instances share:
// a Redis server (go-redis v9), all keys under one namespace.
//
// # Layout
//
// With namespace N, a store bucket B is a hash {N}:h:B of keys to values
// plus a sorted set {N}:z:B of the same keys at score 0, which Redis orders
// byte-wise for List (ZRANGEBYLEX). The event counter is the string
// {N}:seq, the log the stream {N}:events whose entry IDs are "seq-0", and a
// lease is the string {N}:lease:NAME holding its owner, with Redis's own
// expiry (PX). The braces make N a hash tag, so that every key of a store
// stays in one cluster slot, as scripts need.
//
// # Atomicity
//
// Apply is one Lua script: Redis runs it without interleaving any other
// command, so conditions, writes and appends are atomic across clients and
// processes. Redis does not roll a script back, so the script checks every
// condition before its first write, and its writes cannot fail on keys
// that only the store writes. The counter is incremented in the same
// script, so numbers are consecutive and appear in the stream in order.
// Durability is Redis's: configure AOF (appendfsync everysec or always) for
// a restart to keep the last writes; Redis persists a script's effects as
// one transaction.
package redis

import (
	"context"
	"errors"
	"fmt"
	"math"
	"net/url"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	"github.com/drupdate/drupdate/internal/store"
	goredis "github.com/redis/go-redis/v9"
)

// DefaultNamespace is the namespace of Options' zero value.
const DefaultNamespace = "drupdate"

// waitSlice bounds one blocking read of Wait, and so how long Wait takes
// to notice a cancelled context (go-redis honours deadlines, not
// cancellation).
const waitSlice = 250 * time.Millisecond

// Options configure Open. The zero value is usable.
type Options struct {
	// Namespace prefixes every key, so that deployments (or tests) can
	// share a server. Empty means DefaultNamespace. It may not contain
	// braces.
	Namespace string
	// Now is the clock for event times; nil means time.Now. Lease expiry
	// follows the server's clock.
	Now func() time.Time
}

// Store is a [store.Store] kept in Redis.
type Store struct {
	c      *goredis.Client
	now    func() time.Time
	closed atomic.Bool

	// Keys: prefix is "{namespace}:".
	prefix, seq, events string
}

// Open connects to the server at rawURL (redis://[user:password@]host:port/db
// or rediss:// for TLS, with go-redis's query options except max_retries:
// commands are never resent, since a resent Apply could apply twice) and
// checks that the server answers. Errors show the URL with its password
// redacted.
func Open(ctx context.Context, rawURL string, opts Options) (*Store, error) {
	u, err := url.Parse(rawURL)
	if err != nil {
		// url.Error quotes the whole URL, password included.
		return nil, errors.New("open redis store: malformed URL")
	}
	shown := redacted(u)
	ns := opts.Namespace
	if ns == "" {
		ns = DefaultNamespace
	}
	if strings.ContainsAny(ns, "{}") || len(ns) > store.MaxKeyLen {
		return nil, fmt.Errorf("open redis store %s: namespace %s: %w", shown, store.Quote(ns), store.ErrInvalid)
	}
	o, err := goredis.ParseURL(rawURL)
	if err != nil {
		// go-redis quotes parts of the URL in its errors.
		msg := err.Error()
		if pw, ok := u.User.Password(); ok && pw != "" {
			msg = strings.ReplaceAll(msg, pw, "xxxxx")
		}
		return nil, fmt.Errorf("open redis store %s: %s", shown, msg)
	}
	// Let context deadlines bound each command.
	o.ContextTimeoutEnabled = true
	// go-redis resends a command whose reply was lost; for Apply that
	// would write a batch (and append its events) twice.
	o.MaxRetries = -1
	c := goredis.NewClient(o)
	if err := c.Ping(ctx).Err(); err != nil {
		c.Close()
		return nil, fmt.Errorf("open redis store %s: %w", shown, err)
	}
	now := opts.Now
	if now == nil {
		now = time.Now
	}
	prefix := "{" + ns + "}:"
	return &Store{c: c, now: now, prefix: prefix, seq: prefix + "seq", events: prefix + "events"}, nil
}

// redacted shows u without its password or query.
func redacted(u *url.URL) string {
	v := *u
	v.RawQuery, v.ForceQuery = "", false
	return v.Redacted()
}

func (s *Store) hashKey(bucket string) string  { return s.prefix + "h:" + bucket }
func (s *Store) indexKey(bucket string) string { return s.prefix + "z:" + bucket }
func (s *Store) leaseKey(name string) string   { return s.prefix + "lease:" + name }

// Get implements [store.Store.Get].
func (s *Store) Get(ctx context.Context, bucket, key string) ([]byte, error) {
	if err := s.ready(ctx, store.CheckKey(bucket, key)); err != nil {
		return nil, fmt.Errorf("get %s: %w", store.Ref(bucket, key), err)
	}
	v, err := s.c.HGet(ctx, s.hashKey(bucket), key).Bytes()
	if errors.Is(err, goredis.Nil) {
		err = store.ErrNotFound
	}
	if err != nil {
		return nil, fmt.Errorf("get %s: %w", store.Ref(bucket, key), s.mapErr(err))
	}
	return v, nil
}

// listScript returns a page of keys from a bucket's index with their values,
// in one script so that keys and values come from one moment.
var listScript = goredis.NewScript(`
local keys = redis.call('ZRANGEBYLEX', KEYS[2], ARGV[1], ARGV[2], 'LIMIT', 0, ARGV[3])
local out = {}
for i, k in ipairs(keys) do
	out[2*i-1] = k
	out[2*i] = redis.call('HGET', KEYS[1], k)
end
return out
`)

// List implements [store.Store.List].
func (s *Store) List(ctx context.Context, bucket, prefix, after string, limit int) ([]store.KV, error) {
	if err := s.ready(ctx, store.CheckList(bucket, prefix, after, limit)); err != nil {
		return nil, fmt.Errorf("list %s: %w", store.Ref(bucket, prefix+"*"), err)
	}
	lo, hi := lexRange(prefix, after)
	res, err := listScript.Run(ctx, s.c, []string{s.hashKey(bucket), s.indexKey(bucket)}, lo, hi, limit).Slice()
	if err != nil {
		return nil, fmt.Errorf("list %s: %w", store.Ref(bucket, prefix+"*"), s.mapErr(err))
	}
	kvs := make([]store.KV, 0, len(res)/2)
	for i := 0; i+1 < len(res); i += 2 {
		k, _ := res[i].(string)
		v, _ := res[i+1].(string)
		kvs = append(kvs, store.KV{Key: k, Value: []byte(v)})
	}
	return kvs, nil
}

// lexRange returns the ZRANGEBYLEX bounds of the keys that start with
// prefix and sort after after.
func lexRange(prefix, after string) (lo, hi string) {
	switch {
	case after >= prefix && after != "":
		lo = "(" + after
	case prefix != "":
		lo = "[" + prefix
	default:
		lo = "-"
	}
	// Every key with the prefix sorts below the prefix with its last
	// byte that is not 0xff incremented (and what follows it dropped).
	hi = "+"
	for i := len(prefix) - 1; i >= 0; i-- {
		if prefix[i] != 0xff {
			hi = "(" + prefix[:i] + string([]byte{prefix[i] + 1})
			break
		}
	}
	return lo, hi
}

// applyScript applies a batch. KEYS: the counter, the event stream, then a
// hash and an index per bucket. ARGV: counts of conditions, writes and
// events, the time; then per condition the bucket's KEYS index, mode ("a"
// absent, "e" equal) and key and value; per write the bucket's KEYS index,
// op ("p" put, "d" delete), key and value; per event kind, key and data.
// It returns {1, first sequence number} or {0, index of the failed
// condition}. Every check comes before the first write.
var applyScript = goredis.NewScript(`
local nc, nw, ne = tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3])
local a = 5
for i = 1, nc do
	local cur = redis.call('HGET', KEYS[tonumber(ARGV[a])], ARGV[a+2])
	if ARGV[a+1] == 'a' then
		if cur then return {0, i} end
	elseif cur ~= ARGV[a+3] then
		return {0, i}
	end
	a = a + 4
end
for i = 1, nw do
	local h = tonumber(ARGV[a])
	if ARGV[a+1] == 'p' then
		redis.call('HSET', KEYS[h], ARGV[a+2], ARGV[a+3])
		redis.call('ZADD', KEYS[h+1], 0, ARGV[a+2])
	else
		redis.call('HDEL', KEYS[h], ARGV[a+2])
		redis.call('ZREM', KEYS[h+1], ARGV[a+2])
	end
	a = a + 4
end
local first = 0
if ne > 0 then
	first = redis.call('INCRBY', KEYS[1], ne) - ne + 1
	for i = 0, ne - 1 do
		redis.call('XADD', KEYS[2], string.format('%d-0', first + i),
			'k', ARGV[a], 'key', ARGV[a+1], 't', ARGV[4], 'd', ARGV[a+2])
		a = a + 3
	end
end
return {1, first}
`)

// Apply implements [store.Store.Apply] with one script.
func (s *Store) Apply(ctx context.Context, b store.Batch) ([]uint64, error) {
	if err := s.ready(ctx, b.Check()); err != nil {
		return nil, fmt.Errorf("apply: %w", err)
	}
	keys := []string{s.seq, s.events}
	slot := map[string]int{} // bucket -> Lua index of its hash key
	bucketIndex := func(bucket string) int {
		i, ok := slot[bucket]
		if !ok {
			keys = append(keys, s.hashKey(bucket), s.indexKey(bucket))
			i = len(keys) - 1
			slot[bucket] = i
		}
		return i
	}
	args := make([]any, 0, 4+4*len(b.Conds)+4*len(b.Writes)+3*len(b.Events))
	args = append(args, len(b.Conds), len(b.Writes), len(b.Events), s.now().UnixNano())
	for _, c := range b.Conds {
		mode := "e"
		if c.Absent {
			mode = "a"
		}
		args = append(args, bucketIndex(c.Bucket), mode, c.Key, c.Value)
	}
	for _, w := range b.Writes {
		op := "p"
		if w.Delete {
			op = "d"
		}
		args = append(args, bucketIndex(w.Bucket), op, w.Key, w.Value)
	}
	for _, e := range b.Events {
		args = append(args, e.Kind, e.Key, []byte(e.Data))
	}
	res, err := applyScript.Run(ctx, s.c, keys, args...).Int64Slice()
	if err == nil && len(res) != 2 {
		err = fmt.Errorf("unexpected script reply %v", res)
	}
	if err != nil {
		return nil, fmt.Errorf("apply: %w", s.mapErr(err))
	}
	if res[0] == 0 {
		c := b.Conds[res[1]-1]
		return nil, fmt.Errorf("apply: %w", &store.ConflictError{Bucket: c.Bucket, Key: c.Key})
	}
	if len(b.Events) == 0 {
		return nil, nil
	}
	seqs := make([]uint64, len(b.Events))
	for i := range seqs {
		seqs[i] = uint64(res[1]) + uint64(i)
	}
	return seqs, nil
}

// Events implements [store.Store.Events].
func (s *Store) Events(ctx context.Context, since uint64, limit int) ([]store.Event, error) {
	if err := s.ready(ctx, store.CheckLimit(limit)); err != nil {
		return nil, fmt.Errorf("events since %d: %w", since, err)
	}
	if since == math.MaxUint64 {
		return nil, nil
	}
	// IDs are "seq-0", and "n" as a start means "n-0".
	msgs, err := s.c.XRangeN(ctx, s.events, strconv.FormatUint(since+1, 10), "+", int64(limit)).Result()
	if err != nil {
		return nil, fmt.Errorf("events since %d: %w", since, s.mapErr(err))
	}
	evs := make([]store.Event, 0, len(msgs))
	for _, m := range msgs {
		e, err := decodeEvent(m)
		if err != nil {
			return nil, fmt.Errorf("events since %d: %w", since, err)
		}
		evs = append(evs, e)
	}
	return evs, nil
}

func decodeEvent(m goredis.XMessage) (store.Event, error) {
	seq, _, _ := strings.Cut(m.ID, "-")
	n, err := strconv.ParseUint(seq, 10, 64)
	field := func(name string) string { v, _ := m.Values[name].(string); return v }
	t, terr := strconv.ParseInt(field("t"), 10, 64)
	if err != nil || terr != nil {
		return store.Event{}, fmt.Errorf("event %s is corrupt", m.ID)
	}
	e := store.Event{Seq: n, Kind: field("k"), Key: field("key"), Time: time.Unix(0, t).UTC()}
	if d := field("d"); d != "" {
		e.Data = []byte(d)
	}
	return e, nil
}

// Wait implements [store.Store.Wait] with blocking stream reads of at most
// waitSlice each.
func (s *Store) Wait(ctx context.Context, since uint64) error {
	id := strconv.FormatUint(since, 10) + "-0"
	for {
		if err := s.ready(ctx, nil); err != nil {
			return fmt.Errorf("wait for events after %d: %w", since, err)
		}
		block := waitSlice
		if dl, ok := ctx.Deadline(); ok {
			block = min(block, max(time.Until(dl), time.Millisecond))
		}
		// The read runs without ctx's deadline: a deadline that passes
		// mid-read would make go-redis drop the connection, while the
		// block above already ends the read in time.
		err := s.c.XRead(context.WithoutCancel(ctx), &goredis.XReadArgs{
			Streams: []string{s.events, id},
			Count:   1,
			Block:   block,
		}).Err()
		if err == nil {
			return nil
		}
		if !errors.Is(err, goredis.Nil) {
			return fmt.Errorf("wait for events after %d: %w", since, s.mapErr(err))
		}
	}
}

// acquireScript grants a lease that is free (Redis has expired it, or it
// never was) or already the caller's, renewing it in the latter case.
var acquireScript = goredis.NewScript(`
local holder = redis.call('GET', KEYS[1])
if holder and holder ~= ARGV[1] then return 0 end
redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
return 1
`)

// Acquire implements [store.Store.Acquire]; expiry follows the server's
// clock.
func (s *Store) Acquire(ctx context.Context, name, owner string, ttl time.Duration) (bool, error) {
	if err := s.ready(ctx, store.CheckLease(name, owner, ttl)); err != nil {
		return false, fmt.Errorf("acquire lease %s: %w", store.Quote(name), err)
	}
	n, err := acquireScript.Run(ctx, s.c, []string{s.leaseKey(name)}, owner, ttl.Milliseconds()).Int()
	if err != nil {
		return false, fmt.Errorf("acquire lease %s: %w", store.Quote(name), s.mapErr(err))
	}
	return n == 1, nil
}

// releaseScript deletes a lease only if the caller holds it.
var releaseScript = goredis.NewScript(`
if redis.call('GET', KEYS[1]) == ARGV[1] then redis.call('DEL', KEYS[1]) end
return 0
`)

// Release implements [store.Store.Release].
func (s *Store) Release(ctx context.Context, name, owner string) error {
	if err := s.ready(ctx, store.CheckLease(name, owner, time.Millisecond)); err != nil {
		return fmt.Errorf("release lease %s: %w", store.Quote(name), err)
	}
	if err := releaseScript.Run(ctx, s.c, []string{s.leaseKey(name)}, owner).Err(); err != nil {
		return fmt.Errorf("release lease %s: %w", store.Quote(name), s.mapErr(err))
	}
	return nil
}

// Close implements [store.Store.Close]: it closes the connection pool.
func (s *Store) Close() error {
	if !s.closed.CompareAndSwap(false, true) {
		return nil
	}
	if err := s.c.Close(); err != nil {
		return fmt.Errorf("close redis store: %w", err)
	}
	return nil
}

// ready returns argErr (the caller's argument check), or why nothing should
// be sent: Close, or an ended context.
func (s *Store) ready(ctx context.Context, argErr error) error {
	if argErr != nil {
		return argErr
	}
	if s.closed.Load() {
		return store.ErrClosed
	}
	return ctx.Err()
}

// mapErr turns the error of a command cut short by Close (go-redis's own,
// or a read from a connection closed under it) into the store's.
func (s *Store) mapErr(err error) error {
	if s.closed.Load() || errors.Is(err, goredis.ErrClosed) {
		return store.ErrClosed
	}
	return err
}
