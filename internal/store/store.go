package store

import (
	"context"
	"encoding/json"
	"time"
)

// Store is drupdate's durable state: buckets of keys and values, an ordered
// log of events, and leases.
//
// Implementations are safe for concurrent use by many goroutines, and a
// backend shared by several processes (Redis) keeps every contract below
// across processes too. A method called with a context that has already
// ended returns an error wrapping ctx.Err() and does nothing. After Close,
// every method returns an error wrapping [ErrClosed]. Arguments over the
// limits ([MaxKeyLen], [MaxValueLen], [MaxBatchLen]) are rejected with an
// error wrapping [ErrTooLarge], other unusable ones (an empty bucket name,
// a limit below 1) with one wrapping [ErrInvalid].
type Store interface {
	// Get returns the value under key in bucket, or an error wrapping
	// [ErrNotFound]. An empty value is a value: it is not "not found".
	// The returned slice belongs to the caller.
	Get(ctx context.Context, bucket, key string) ([]byte, error)

	// List returns at most limit entries of bucket whose keys start with
	// prefix and sort after the key after (byte-wise, as Go compares
	// strings), in ascending key order. To page, pass the last key
	// returned as after; a page shorter than limit is the last. An empty
	// or unknown bucket lists nothing. The result is a consistent snapshot
	// of one moment. limit must be positive; it also bounds the memory the
	// answer takes, since values come with the keys.
	List(ctx context.Context, bucket, prefix, after string, limit int) ([]KV, error)

	// Apply writes b atomically: either every condition holds and every
	// write and event append takes effect, or nothing does. Conditions
	// are checked against the state before the batch; writes then take
	// effect in order, so a later write to the same key wins. When a
	// condition fails, Apply returns a [*ConflictError] (which matches
	// [ErrConflict]) and writes nothing; of several instances racing on
	// the same condition, at most one wins.
	//
	// Apply returns the sequence numbers given to b's events, in b's
	// order. Numbers are assigned by the store: they start at 1 and are
	// consecutive across all batches and processes (no gaps, no reuse,
	// even across restarts), so a batch's events have consecutive numbers
	// and an event with number n is visible only after every event below
	// n. All events of a batch get the same Time from the store's clock.
	//
	// An Apply that fails on a condition, a limit or an ended context
	// has written nothing. One that fails in transit (a connection lost
	// or a deadline passing while a remote store works) may or may not
	// have been applied: read back before trying again, and let
	// conditions make the retry safe.
	//
	// Apply may keep references to b's slices until it returns; the
	// caller must not change them meanwhile.
	Apply(ctx context.Context, b Batch) ([]uint64, error)

	// Events returns the events numbered above since, oldest first, at
	// most limit of them (limit must be positive). A consumer that
	// remembers the last Seq it handled (durably, in the same batch that
	// records the handling) neither loses nor repeats an event across
	// restarts.
	Events(ctx context.Context, since uint64, limit int) ([]Event, error)

	// Wait returns nil as soon as an event numbered above since exists,
	// at once if one does already, or an error wrapping ctx.Err() when
	// ctx ends first. It is the long-poll half of Events.
	Wait(ctx context.Context, since uint64) error

	// Acquire grants the lease name to owner for ttl and reports whether
	// it did: it does when nobody holds the lease, when the holder's ttl
	// has run out, or when owner holds it already (which renews it for
	// ttl from now). Of several owners asking at once, at most one holder
	// exists at any moment. Expiry follows the backend's clock: Redis's
	// for the Redis backend, the injected clock for the embedded one. ttl
	// must be at least a millisecond; it is kept to millisecond precision.
	//
	// A lease is advisory: a holder that stalls past its ttl may still be
	// working when another owner takes over, so writes that must not
	// overlap also need a condition in their batch.
	Acquire(ctx context.Context, name, owner string, ttl time.Duration) (bool, error)

	// Release frees the lease name if owner holds it and does nothing
	// otherwise (a holder whose lease has already passed to another owner
	// does not take it away from them).
	Release(ctx context.Context, name, owner string) error

	// Close releases the store's resources; afterwards every method
	// returns an error wrapping [ErrClosed]. Close after Close is a no-op.
	Close() error
}

// KV is one entry of a bucket.
type KV struct {
	Key   string
	Value []byte
}

// Event is one entry of the event log.
type Event struct {
	// Seq is the event's number: 1 for the first event of a store, then
	// one more for each event after.
	Seq uint64 `json:"seq"`
	// Kind names what happened ("release.new", say); the store does not
	// interpret it.
	Kind string `json:"kind"`
	// Time is when the batch that appended the event was applied, by the
	// clock of the store that applied it, in UTC. Instances of the Redis
	// backend each read their own clock, so order events by Seq, never by
	// Time.
	Time time.Time `json:"time"`
	// Key names the subject of the event (a project, a platform), so
	// that consumers can filter without decoding Data. It may be empty.
	Key string `json:"key,omitempty"`
	// Data is the event's payload: empty or one JSON value.
	Data json.RawMessage `json:"data,omitempty"`
}
