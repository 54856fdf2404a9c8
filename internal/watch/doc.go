// Package watch is the watcher behind `drupdate serve`: it keeps the release
// history of every project a fleet uses fresh in a [store.Store], each feed
// fetched once for the whole fleet, turns what changed into durable events,
// and keeps each platform's evaluation current for the API to serve.
//
// A [Watcher] is built with [New] from a [Config] and its [Deps] (store,
// feeds client, fleet, clock, randomness, logger, instance name, metrics).
// [Watcher.Run] works until its context ends; [Watcher.ScanOnce] and
// [Watcher.PollOnce] do one step each, for tests and a --once mode.
//
// # Records
//
// The watcher writes the records of records.go, which the API reads:
//
//   - [BucketHistories]: a [HistoryRecord] per feed, keyed [FeedKey]
//     (category/project);
//   - [BucketFeedIndex]: a [FeedIndex] per feed, the record's state, body
//     hash and schedule in a few dozen bytes, written in the same batch as
//     the record, so that schedulers and evaluators need not read bodies;
//   - [BucketPlatforms]: a [PlatformRecord] per platform, whose Report is
//     exactly the document `drupdate status --format json` prints for the
//     platform ([PlatformReport]).
//
// # Polling
//
// The feeds to poll are those of every project (custom code aside) of
// every platform, in the category its core calls for. Each is due at its
// record's NextPollAt: Config.Poll after a successful poll, Config.Urgent
// for core's feed and for a project NOT_SECURE on any platform, each
// jittered by ±Config.Jitter. After a failed poll it is due sooner:
// Config.FailureBase, doubling with each failure in a row, never beyond
// its interval, and never before a server's Retry-After.
//
// A poll sends the stored validators (If-None-Match, If-Modified-Since), so
// that an unchanged feed costs a 304 and no parse; a 200 whose body equals
// the stored one is not parsed either. Within one poll a transient failure
// (a timeout, a failed connection, 408, 429, 5xx) is tried again up to
// Config.Retries times, after waits growing from Config.RetryBase to
// Config.RetryMax with jitter, or after the server's Retry-After when that
// is longer (one longer than RetryMax ends the poll, and the schedule
// honours it). The [feeds.Client]'s concurrency limit caps the requests in
// flight to its host; Config.Concurrency caps the polls under way.
//
// What a poll records in the feed's HistoryRecord:
//
//   - a new history: Body (the bytes as received), validators, Summary,
//     FetchedAt and ChangedAt, state [StateOK], Failures 0;
//   - a 304 or the same body again: FetchedAt (and validators) only;
//   - no document (an HTTP error, a timeout, a reset): the last good Body
//     and state stay; LastError, LastErrorAt and one more Failure are
//     recorded. A feed never fetched is [StateNotFetched] (NOT_FETCHED);
//   - a body holding no history (the server's <error> document, bad XML):
//     "no data this time", not "project gone". A feed with a good history
//     keeps it and its state, and records the error like a failed fetch;
//     only a feed without one goes to [StateNoData] (UNKNOWN). Body only
//     ever holds a good history, and the validators are always those of
//     Body, so a 304 always vouches for it.
//
// LastError and LastErrorAt are kept after a later success, as the last
// error seen; Failures (consecutive) is 0 again, and FetchedAt after
// LastErrorAt says the feed recovered. Platforms are evaluated on a feed's
// last good history even while its polls fail.
//
// # Events
//
// A poll's record and the events it causes ([DiffHistories]: release.new,
// release.security, release.insecure, release.unsupported,
// release.revoked, project.status; keyed by project) are one
// [store.Store.Apply], conditional on the record holding the bytes read
// before the fetch. On a conflict (another instance wrote the record) the
// same fetch is compared again with what is stored now. A feed's first
// history causes no events: its past is not news.
//
// Platforms whose feeds' data changed are then evaluated again, on data
// read from the store after their records; a platform's record, with a
// platform.status event for each project whose status changed (keyed by
// platform), is again one conditional Apply, so that of two instances
// evaluating one platform, the later write always reflects the newer data.
// A platform's first statuses are its baseline and cause no events; a
// project added later gets an event without From. A project whose feed
// was never polled (FETCH_PENDING) is left out of Statuses and causes no
// event until its feed has been polled.
//
// A platform record's EvalKey fingerprints what its report was computed
// from: the inventory (InventoryHash, the SHA-256 of its JSON), the path
// and tags, each feed's state and body hash (from the index), the day
// (core's security coverage depends on the date) and the program's build.
// A platform whose key is unchanged is not evaluated again, so evaluating
// a fleet where little changed reads records and index entries and little
// else. EvaluatedAt is when the report or the statuses last changed; a
// record whose key alone changed is rewritten without moving it. Builds
// without version information (-buildvcs=false) share one name, so after
// upgrading such a build, reports are recomputed on the next day or the
// next change of their data.
//
// Scans ([Watcher.ScanOnce], every Config.Scan) store each platform's
// inventory, with a platform.inventory event ([DiffInventories]) when its
// projects or their versions changed since the last scan (none for the
// first); a failed scan records ScanError and keeps the last inventory.
// Every platform is then evaluated again, which also catches up on
// evaluations a crash cut short.
//
// Because every event is appended in the batch that records the state it
// describes, and every batch is conditional on the state it was computed
// from, a process killed at any point and restarted neither loses nor
// repeats an event: work whose batch was not applied is redone from the
// same stored state, and work whose batch was applied finds nothing left
// to announce.
//
// # Costs
//
// Parsed histories are cached (Config.CachedFeeds of them, some 25 KB each
// for a typical feed); others are parsed again from the store when a diff
// or an evaluation needs them. The writes of polls that end together are
// merged into one Apply (one disk sync for the embedded store), as are the
// writes of each chunk of 64 platforms evaluated; a merged batch that meets
// a conflict is applied batch by batch, so that each write keeps its own
// condition. Within one evaluation, a project's result is written to JSON
// once for all the platforms that run the same release against the same
// data.
//
// # Several instances
//
// Instances sharing a store (Redis) split the work with leases: a feed is
// fetched only by the instance that holds its lease "poll:" + [FeedKey],
// taken for the feed's interval and kept after the poll (the holder renews
// it at its next poll), so no other instance fetches the feed within the
// interval. An instance that finds a due feed leased elsewhere looks again
// a tenth of an interval later; when the holder dies, its leases expire
// within an interval and the survivors take its feeds over. Platform scans
// likewise take the lease "scan:" + name for Config.Scan. Leases only
// spread the work: the conditional batches keep the records and events
// right even if two instances did fetch the same feed.
//
// # Metrics
//
// [NewMetrics] registers the watcher's metrics on a registry the caller
// passes in (never the global one): fetches by result, events by kind,
// poll lag, the time of the last poll and the fleet's projects by status.
package watch
