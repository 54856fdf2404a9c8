package watch

import (
	"bytes"
	"cmp"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"sync"
	"time"

	"golang.org/x/sync/errgroup"

	"github.com/drupdate/drupdate/feeds"
	"github.com/drupdate/drupdate/internal/drupal"
	"github.com/drupdate/drupdate/internal/store"
	"github.com/drupdate/drupdate/resolver/status"
)

// maxConflicts bounds how often one write is recomputed after losing a
// race to another writer of the same record.
const maxConflicts = 8

// PollOnce polls every feed that is due, then re-evaluates the platforms
// whose feeds' data changed. Called before any ScanOnce, it first loads
// (and re-evaluates) the platforms recorded in the store. Fetch failures
// are recorded in the feeds' records, not returned; the error reports what
// could not be read or written.
func (w *Watcher) PollOnce(ctx context.Context) error {
	w.round.Lock()
	defer w.round.Unlock()
	var errs []error
	if !w.isLoaded() {
		if err := w.evaluateAll(ctx); err != nil {
			errs = append(errs, err)
		}
	}
	now := w.now()
	type due struct {
		key  string
		next time.Time
	}
	var list []due
	w.mu.Lock()
	for k, f := range w.feedSt {
		if !f.next.After(now) {
			list = append(list, due{k, f.next})
		}
	}
	w.mu.Unlock()
	// Longest overdue first, then by key, so that a round is reproducible.
	slices.SortFunc(list, func(a, b due) int { return cmp.Or(a.next.Compare(b.next), cmp.Compare(a.key, b.key)) })

	w.commits = newCommitter(w.st)
	var mu sync.Mutex
	var changed []string
	var g errgroup.Group
	g.SetLimit(w.cfg.Concurrency)
	for _, d := range list {
		g.Go(func() error {
			ch, err := w.pollFeed(ctx, d.key)
			mu.Lock()
			defer mu.Unlock()
			if ch {
				changed = append(changed, d.key)
			}
			if err != nil {
				errs = append(errs, err)
			}
			return nil
		})
	}
	g.Wait()
	w.commits.close()
	w.commits = nil
	if len(changed) > 0 {
		if err := w.evaluate(ctx, w.platformsUsing(changed)); err != nil {
			errs = append(errs, err)
		}
	}
	w.m.polled(w.now())
	if len(list) > 0 {
		w.log.Debug("poll round", "due", len(list), "changed", len(changed), "errors", len(errs))
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	return joinSome(errs)
}

// joinSome joins the first few errors and counts the rest, so that a
// store outage failing every poll of a round makes one readable error.
func joinSome(errs []error) error {
	errs = slices.DeleteFunc(errs, func(err error) bool { return err == nil })
	const shown = 3
	if len(errs) <= shown {
		return errors.Join(errs...)
	}
	return errors.Join(append(errs[:shown:shown], fmt.Errorf("and %d more errors", len(errs)-shown))...)
}

// fetched is the outcome of one poll's fetch, retries included.
type fetched struct {
	req        feeds.Request
	stored     []byte         // the stored history's body, if any
	resp       feeds.Response // when err is nil
	err        error          // a *feeds.FetchError: no document
	retryAfter time.Duration

	parsed bool
	hist   *drupal.History
	perr   error // a *feeds.ParseError
}

// pollFeed polls one feed if it is due and this instance gets its lease,
// and records the outcome with the events it causes. It reports whether
// the feed's data (its state or its history) changed.
func (w *Watcher) pollFeed(ctx context.Context, key string) (changed bool, err error) {
	w.mu.Lock()
	fst := *w.feedSt[key]
	urgent := w.urgent[key]
	w.mu.Unlock()
	interval := w.cfg.interval(urgent)
	log := w.log.With("feed", key)
	defer func() {
		if err != nil {
			w.setNext(key, w.now().Add(recheck(interval)))
			err = fmt.Errorf("poll %s: %w", key, err)
		}
	}()

	// The small index says whether the feed is due without reading its
	// history.
	now := w.now()
	idx, err := w.getIndex(ctx, key)
	if err != nil {
		return false, err
	}
	if at := w.dueAt(idx, urgent); at.After(now) {
		w.setNext(key, at)
		return false, nil
	}
	ok, err := w.st.Acquire(ctx, leasePrefixPoll+key, w.id, interval)
	if err != nil {
		return false, err
	}
	if !ok {
		log.Debug("feed leased by another instance")
		w.setNext(key, now.Add(recheck(interval)))
		return false, nil
	}
	raw, rec, err := w.getHistory(ctx, key)
	if err != nil {
		return false, err
	}
	if raw != nil {
		// Another instance may have polled it since the index was read.
		if at := w.dueAt(indexOf(rec), urgent); at.After(now) {
			w.setNext(key, at)
			return false, nil
		}
		if !rec.NextPollAt.IsZero() {
			w.m.lag(now.Sub(rec.NextPollAt))
		}
	}

	f := &fetched{req: feeds.Request{Project: fst.project, Category: fst.category}}
	if rec.State == StateOK {
		f.req.ETag, f.req.LastModified = rec.ETag, rec.LastModified
		f.stored = rec.Body
	}
	w.fetch(ctx, f, log)
	if ctx.Err() != nil {
		// Shutting down is no failure of the feed's.
		return false, ctx.Err()
	}

	for attempt := 0; ; attempt++ {
		next, changes := w.nextRecord(key, rec, f, w.now(), interval)
		value, err := json.Marshal(next)
		if err != nil {
			return false, fmt.Errorf("encode history record: %w", err)
		}
		ix, err := json.Marshal(indexOf(next))
		if err != nil {
			return false, fmt.Errorf("encode feed index: %w", err)
		}
		var b store.Batch
		if raw == nil {
			b.IfAbsent(BucketHistories, key)
		} else {
			b.IfEqual(BucketHistories, key, raw)
		}
		b.Put(BucketHistories, key, value).Put(BucketFeedIndex, key, ix)
		for _, c := range changes {
			e := c.event()
			b.Append(e.Kind, e.Key, e.Data)
		}
		err = w.applyPoll(ctx, b)
		if err == nil {
			w.setNext(key, next.NextPollAt)
			for _, c := range changes {
				w.m.appended(c.Kind)
				log.Info("feed event", "kind", c.Kind, "change", c.String())
			}
			if f.hist != nil && next.State == StateOK && bytes.Equal(next.Body, f.resp.Body) {
				w.remember(key, next.Body, f.hist)
			}
			return dataChanged(rec, next), nil
		}
		if !errors.Is(err, store.ErrConflict) || attempt+1 == maxConflicts {
			return false, err
		}
		// Another instance wrote the record since it was read: diff the
		// same fetch against what it wrote.
		log.Debug("history record changed under the poll; recomputing")
		if raw, rec, err = w.getHistory(ctx, key); err != nil {
			return false, err
		}
	}
}

// applyPoll applies a poll's batch, with those of polls ending at the same
// time when a round is under way.
func (w *Watcher) applyPoll(ctx context.Context, b store.Batch) error {
	if w.commits != nil {
		return w.commits.apply(ctx, b)
	}
	_, err := w.st.Apply(ctx, b)
	return err
}

// dataChanged reports whether a feed's record changed in a way evaluation
// sees: its state, or its history.
func dataChanged(old, new HistoryRecord) bool {
	return old.State != new.State || !bytes.Equal(old.Body, new.Body)
}

// dueAt is when a feed with index idx falls due: its NextPollAt, or for an
// urgent feed not failing, no later than Urgent after its last poll. A feed
// never polled is due at once.
func (w *Watcher) dueAt(idx *FeedIndex, urgent bool) time.Time {
	if idx == nil {
		return time.Time{}
	}
	at := idx.NextPollAt
	if urgent && idx.Failures == 0 && !idx.PolledAt.IsZero() {
		at = minTime(at, idx.PolledAt.Add(w.cfg.Urgent))
	}
	return at
}

func minTime(a, b time.Time) time.Time {
	if b.Before(a) {
		return b
	}
	return a
}

// fetch fetches f.req, trying again on transient failures as Config says.
func (w *Watcher) fetch(ctx context.Context, f *fetched, log *slog.Logger) {
	for attempt := 0; ; attempt++ {
		start := time.Now()
		resp, err := w.fc.Fetch(ctx, f.req)
		took := time.Since(start)
		if err == nil {
			f.resp, f.err, f.retryAfter = resp, nil, 0
			switch {
			case resp.NotModified:
				w.m.fetched(ResultNotModified)
			case f.stored != nil && bytes.Equal(resp.Body, f.stored):
				w.m.fetched(ResultOK) // unchanged: no parse
			default:
				f.parse(w.parse)
				if f.perr == nil {
					w.m.fetched(ResultOK)
				} else {
					w.m.fetched(fetchResult(f.perr))
					log.Warn("feed without a release history", "result", fetchResult(f.perr), "err", f.perr)
				}
			}
			log.Debug("fetched", "not_modified", resp.NotModified, "bytes", len(resp.Body), "took", took)
			return
		}
		f.err = err
		if ctx.Err() != nil {
			return
		}
		result := fetchResult(err)
		w.m.fetched(result)
		var fe *feeds.FetchError
		transient := errors.As(err, &fe) && fe.Transient()
		if fe != nil {
			f.retryAfter = fe.RetryAfter
		}
		if !transient || attempt >= w.cfg.Retries || f.retryAfter > w.cfg.RetryMax {
			log.Warn("fetch failed", "result", result, "attempts", attempt+1, "retry_after", f.retryAfter, "err", err)
			return
		}
		wait := max(w.cfg.retryWait(attempt, w.rand()), f.retryAfter)
		log.Debug("fetch failed; trying again", "result", result, "attempt", attempt+1, "wait", wait, "err", err)
		if w.sleep(ctx, wait) != nil {
			return
		}
	}
}

// parse parses the fetched body once.
func (f *fetched) parse(parse func(string, []byte) (*drupal.History, error)) {
	if !f.parsed {
		f.parsed = true
		f.hist, f.perr = parse(f.req.Project, f.resp.Body)
	}
}

// nextRecord is old after the poll that fetched f at now, with the changes
// it causes:
//
//   - no document (f.err): the history, state and validators stay; the
//     error, its time and one more failure are recorded;
//   - 304: only FetchedAt moves;
//   - the body stored: FetchedAt and the validators move;
//   - another history: it replaces the old one, with the differences as
//     changes (none for the feed's first history);
//   - a body without a history (<error>, bad XML): like no document, but
//     a feed with no good history yet goes to StateNoData.
//
// Failures count polls that brought no history; NextPollAt follows from
// them. A 304 or an unchanged body costs no parse.
func (w *Watcher) nextRecord(key string, old HistoryRecord, f *fetched, now time.Time, interval time.Duration) (HistoryRecord, []Change) {
	rec := old
	rec.Project, rec.Category = f.req.Project, f.req.Category
	if rec.State == "" {
		rec.State = StateNotFetched
	}
	var fail error
	var changes []Change
	switch {
	case f.err != nil:
		fail = f.err
	case f.resp.NotModified:
		rec.FetchedAt = now
		// Validators are those of the stored body; a 304 to validators
		// that another instance has since replaced says nothing of it.
		if old.ETag == f.req.ETag && old.LastModified == f.req.LastModified {
			rec.ETag = cmp.Or(f.resp.ETag, old.ETag)
			rec.LastModified = cmp.Or(f.resp.LastModified, old.LastModified)
		}
	case old.State == StateOK && bytes.Equal(old.Body, f.resp.Body):
		rec.FetchedAt = now
		rec.ETag, rec.LastModified = f.resp.ETag, f.resp.LastModified
	default:
		f.parse(w.parse)
		if f.perr != nil {
			fail = f.perr
			if old.State != StateOK {
				rec.State = StateNoData
			}
			break
		}
		if old.State == StateOK {
			changes = DiffHistories(f.req.Project, f.req.Category, w.historyOf(key, old.Body), f.hist)
		}
		rec.State, rec.Body = StateOK, f.resp.Body
		rec.ETag, rec.LastModified = f.resp.ETag, f.resp.LastModified
		rec.FetchedAt, rec.ChangedAt = now, now
		rec.Summary = Summarize(f.hist)
	}
	rec.PolledAt = now
	if fail != nil {
		rec.LastError, rec.LastErrorAt = fail.Error(), now
		rec.Failures++
	} else {
		rec.Failures = 0
	}
	retryAfter := time.Duration(0)
	if f.err != nil {
		retryAfter = f.retryAfter
	}
	rec.NextPollAt = w.cfg.nextPoll(now, interval, rec.Failures, retryAfter, w.rand())
	return rec, changes
}

// indexOf is the index entry of a record.
func indexOf(rec HistoryRecord) *FeedIndex {
	return &FeedIndex{State: rec.State, Hash: bodyHash(rec.Body), ChangedAt: rec.ChangedAt,
		NextPollAt: rec.NextPollAt, PolledAt: rec.PolledAt, Failures: rec.Failures}
}

func bodyHash(body []byte) string {
	if len(body) == 0 {
		return ""
	}
	sum := sha256.Sum256(body)
	return hex.EncodeToString(sum[:])
}

// historyOf parses a stored body, from the cache when it holds it. A body
// that no longer parses (stored by an older parser) gives nil: the feed
// then counts as new, and causes no events.
func (w *Watcher) historyOf(key string, body []byte) *drupal.History {
	if c := w.cached(key, bodyHash(body)); c != nil {
		return c.hist
	}
	h, err := w.parse(key, body)
	if err != nil {
		w.log.Warn("stored history does not parse", "feed", key, "err", err)
		return nil
	}
	w.remember(key, body, h)
	return h
}

func (w *Watcher) cached(key, hash string) *cachedFeed {
	w.cacheMu.Lock()
	defer w.cacheMu.Unlock()
	if c, ok := w.cache[key]; ok && c.hash == hash {
		return c
	}
	return nil
}

// remember caches a feed's parsed history, prepared for evaluation,
// forgetting an arbitrary other one when the cache is full.
func (w *Watcher) remember(key string, body []byte, h *drupal.History) *cachedFeed {
	c := &cachedFeed{hash: bodyHash(body), hist: h, feed: status.Prepare(h)}
	w.cacheMu.Lock()
	defer w.cacheMu.Unlock()
	if _, ok := w.cache[key]; !ok && len(w.cache) >= w.cfg.CachedFeeds {
		for k := range w.cache {
			delete(w.cache, k)
			break
		}
	}
	w.cache[key] = c
	return c
}

func (w *Watcher) setNext(key string, t time.Time) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if f, ok := w.feedSt[key]; ok {
		f.next = t
	}
}

func (w *Watcher) isLoaded() bool {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.loaded
}

// getHistory reads a feed's record: its bytes (nil when absent) and value.
func (w *Watcher) getHistory(ctx context.Context, key string) ([]byte, HistoryRecord, error) {
	return getRecord(ctx, w.st, BucketHistories, key, func(b []byte, r *HistoryRecord) error { return json.Unmarshal(b, r) })
}

// getIndex reads a feed's index entry, nil when absent.
func (w *Watcher) getIndex(ctx context.Context, key string) (*FeedIndex, error) {
	raw, err := w.st.Get(ctx, BucketFeedIndex, key)
	switch {
	case errors.Is(err, store.ErrNotFound):
		return nil, nil
	case err != nil:
		return nil, err
	}
	var idx FeedIndex
	if err := json.Unmarshal(raw, &idx); err != nil {
		return nil, fmt.Errorf("decode feed index %s: %w", key, err)
	}
	return &idx, nil
}
