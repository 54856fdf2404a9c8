// Package store declares drupdate's durable state as one small contract,
// [Store], that every kind of record goes through: release histories with
// their fetch metadata, platform inventories, computed statuses, events,
// and later advisories, waivers, the notification outbox and plan
// journals. Records are values in buckets; the store does not know their
// types, so a new kind of record needs a bucket name, not a new method.
//
// # Buckets
//
// A bucket is a namespace of keys, made by its first write. Keys are bytes
// (any string), listed in byte order, so keys built as "platform/project"
// list one platform's projects together ([Store.List] with a prefix).
// Values are opaque bytes; callers choose the encoding.
//
// # Batches
//
// Every write goes through [Store.Apply] as a [Batch]: puts and deletes,
// event appends and compare-and-set conditions, applied all or nothing. A
// history and the events it causes are one batch, so a crash never leaves
// one without the other. Conditions ("the key still holds what I read",
// "the key is absent") let several instances share a store without locks:
// of two instances racing, one gets [ErrConflict] and nothing written.
//
// # Events
//
// The event log is how the watcher's parts talk over time: a new release,
// a new security release, a project or platform status that changed, an
// inventory that changed. Events are numbered 1, 2, 3, ... without gaps
// and in commit order across all instances; a consumer keeps the number it
// has handled (in the store, in the batch that records the handling) and
// asks [Store.Events] for what follows, so a restart neither loses nor
// repeats an event. [Store.Wait] long-polls for the next one.
//
// # Leases
//
// [Store.Acquire] grants a named lease to one owner until its ttl runs out
// or [Store.Release]; serve instances take a lease per project before
// fetching its feed, so no feed is fetched twice in an interval, and the
// survivors take over the projects of an instance that died once its
// leases expire. Leases are advisory; batches that must not overlap carry
// conditions as well.
//
// # Limits
//
// Keys (and bucket names, prefixes, event kinds, lease names and owners)
// are at most [MaxKeyLen] bytes, values and event data at most
// [MaxValueLen], a batch at most [MaxBatchLen]; every backend rejects the
// same things with [ErrTooLarge] or [ErrInvalid], through [Batch.Check]
// and the Check functions.
//
// # Backends
//
// [github.com/drupdate/drupdate/internal/store/bolt] is the default: one
// file, no server, one process. [github.com/drupdate/drupdate/internal/store/redis]
// serves several instances. [github.com/drupdate/drupdate/internal/store/storetest]
// is the conformance kit both pass; a new backend must pass it too.
package store
