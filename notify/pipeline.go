package notify

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"maps"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/drupdate/drupdate/internal/store"
)

// Store buckets of the pipeline. Keys start with the receiver's name and a
// slash, so that one List reads one receiver's share.
const (
	// bucketPending holds alerts routed but not yet in a message, as
	// pendingAlert under receiver/group/Alert.Key().
	bucketPending = "notify_pending"
	// bucketState holds one receiverState per receiver, under its name.
	bucketState = "notify_receivers"
	// bucketOutbox holds the messages not yet delivered or given up, as
	// OutboxEntry under outboxKey.
	bucketOutbox = "notify_outbox"
	// bucketHistory holds delivered and failed messages, as the outbox
	// does, until Config.History has passed.
	bucketHistory = "notify_history"
	// bucketLog is the notification log: a logEntry per receiver and
	// alert key, written when a message carrying the alert is delivered.
	bucketLog = "notify_log"
)

// digestGroup is the group of the alerts that wait for the digest; other
// groups are "r" and the index of the route that sent the alert.
const digestGroup = "digest"

// DefaultTickInterval is how often [Pipeline.Run] does due work.
const DefaultTickInterval = 5 * time.Second

// Pipeline routes, groups, de-duplicates, rate-limits and delivers alerts,
// keeping all its state in a [store.Store] so that a restart, or another
// instance sharing the store, carries on where it stopped. See the package
// documentation for the stages and the delivery guarantee.
type Pipeline struct {
	cfg       *settings
	receivers map[string]Receiver
	names     []string // receivers' names, sorted
	st        store.Store
	now       func() time.Time
	log       *slog.Logger
	owner     string
	every     time.Duration

	// tickMu keeps one Tick at a time in this instance.
	tickMu sync.Mutex
}

// An Option configures [New].
type Option func(*Pipeline)

// WithClock sets the clock of every decision (default time.Now). Tests
// drive time by moving it and calling [Pipeline.Tick].
func WithClock(now func() time.Time) Option { return func(p *Pipeline) { p.now = now } }

// WithLogger sets the logger of delivery failures and conflicts (default:
// none).
func WithLogger(l *slog.Logger) Option { return func(p *Pipeline) { p.log = l } }

// WithOwner names this instance in leases and in the outbox (default
// "notify-" and random hex). Instances sharing a store must have
// different names, and so should one instance's successive runs: a claim
// left by a crashed run is then honoured until it runs out.
func WithOwner(name string) Option { return func(p *Pipeline) { p.owner = name } }

// WithTickInterval sets how often [Pipeline.Run] calls Tick (default
// [DefaultTickInterval]); it is the granularity of every wait.
func WithTickInterval(d time.Duration) Option { return func(p *Pipeline) { p.every = d } }

// New returns a pipeline sending to receivers (by name) as cfg says, with
// its state in st. Every receiver named in cfg must be in receivers.
func New(cfg Config, receivers map[string]Receiver, st store.Store, opts ...Option) (*Pipeline, error) {
	s, err := cfg.compile()
	if err != nil {
		return nil, err
	}
	var errs []error
	for name, r := range receivers {
		if err := checkReceiverName(name); err != nil {
			errs = append(errs, err)
		} else if r == nil {
			errs = append(errs, fmt.Errorf("receiver %q is nil", name))
		}
	}
	for i, r := range cfg.Routes {
		for _, name := range r.Receivers {
			if _, ok := receivers[name]; !ok {
				errs = append(errs, fmt.Errorf("routes[%d].receivers: no receiver %q is configured", i, name))
			}
		}
	}
	for name := range cfg.RateLimits {
		if _, ok := receivers[name]; !ok {
			errs = append(errs, fmt.Errorf("rate_limits: no receiver %q is configured", name))
		}
	}
	if st == nil {
		errs = append(errs, errors.New("no store"))
	}
	if err := errors.Join(errs...); err != nil {
		return nil, fmt.Errorf("notify: %w", err)
	}
	p := &Pipeline{
		cfg:       s,
		receivers: maps.Clone(receivers),
		names:     slices.Sorted(maps.Keys(receivers)),
		st:        st,
		now:       time.Now,
		log:       slog.New(slog.DiscardHandler),
		owner:     "notify-" + rand.Text()[:16],
		every:     DefaultTickInterval,
	}
	for _, o := range opts {
		o(p)
	}
	if p.every <= 0 {
		return nil, fmt.Errorf("notify: tick interval %v is not positive", p.every)
	}
	if p.owner == "" {
		return nil, errors.New("notify: empty owner")
	}
	return p, nil
}

// pendingAlert is an alert waiting in a group.
type pendingAlert struct {
	Alert Alert  `json:"alert"`
	Hash  string `json:"hash"`
	// Route is the index of the route that sent the alert here.
	Route int `json:"route"`
	// Since is when the alert first waited in this group; a resubmission
	// keeps it, so that a source repeating itself cannot hold the group
	// back.
	Since time.Time `json:"since"`
}

// receiverState is what grouping and rate limiting remember of a receiver.
// Every flush rewrites it under a condition, so that of two instances
// flushing the same receiver at once one wins and the other retries.
type receiverState struct {
	// Flushed is when each group last produced a message.
	Flushed map[string]time.Time `json:"flushed,omitempty"`
	// Sent holds when recent messages were made, for the rate limit.
	Sent []time.Time `json:"sent,omitempty"`
}

// logEntry is the notification log's record of an alert sent to a receiver.
type logEntry struct {
	Hash string `json:"hash"`
	// Sent is when the message that carried it was due (see
	// OutboxEntry.Scheduled): reminders count from it.
	Sent    time.Time `json:"sent"`
	Message string    `json:"message"`
}

// Submit records alerts durably for routing: once it returns nil, a crash
// loses none of them. Every alert needs a kind, a platform and a project;
// if one lacks them, Submit records none. It is idempotent: an alert already waiting with the
// same content is left as it is, and one already sent is dropped when
// its message is made (see [Config] for reminders). Alerts no route
// matches are dropped.
func (p *Pipeline) Submit(ctx context.Context, alerts ...Alert) error {
	for i, a := range alerts {
		if a.Kind == "" || a.Platform == "" || a.Project == "" {
			return fmt.Errorf("submit alert %d: kind, platform and project are required", i)
		}
	}
	now := p.now()
	var b store.Batch
	for _, a := range alerts {
		hash := fingerprint(a)
		for _, d := range p.cfg.route(a) {
			group := "r" + strconv.Itoa(d.route)
			if p.cfg.digested(a) {
				group = digestGroup
			}
			key := d.receiver + "/" + group + "/" + a.Key()
			pa := pendingAlert{Alert: a, Hash: hash, Route: d.route, Since: now}
			raw, err := p.st.Get(ctx, bucketPending, key)
			switch {
			case err == nil:
				var old pendingAlert
				if err := json.Unmarshal(raw, &old); err != nil {
					return fmt.Errorf("submit: decode %s: %w", store.Ref(bucketPending, key), err)
				}
				if old.Hash == hash && old.Route == d.route {
					continue
				}
				pa.Since = old.Since
			case !errors.Is(err, store.ErrNotFound):
				return fmt.Errorf("submit: %w", err)
			}
			b.Put(bucketPending, key, mustJSON(pa))
		}
	}
	if len(b.Writes) == 0 {
		return nil
	}
	if _, err := p.st.Apply(ctx, b); err != nil {
		return fmt.Errorf("submit: %w", err)
	}
	return nil
}

// Run calls [Pipeline.Tick] at every tick interval until ctx ends, logging
// its errors, and then returns nil.
func (p *Pipeline) Run(ctx context.Context) error {
	t := time.NewTicker(p.every)
	defer t.Stop()
	for {
		if err := p.Tick(ctx); err != nil && ctx.Err() == nil {
			p.log.Warn("notify tick", "err", err)
		}
		select {
		case <-ctx.Done():
			return nil
		case <-t.C:
		}
	}
}

// Tick does the work due by the clock, for each receiver at once: it makes
// the messages whose groups are due and rate limits allow, delivers the
// outbox messages due for an attempt, and prunes the history. A receiver
// whose lease another instance holds is left to it. Tick returns the
// store's errors; delivery failures are recorded in the outbox instead.
func (p *Pipeline) Tick(ctx context.Context) error {
	p.tickMu.Lock()
	defer p.tickMu.Unlock()
	errs := make([]error, len(p.names))
	var wg sync.WaitGroup
	for i, name := range p.names {
		wg.Go(func() { errs[i] = p.tickReceiver(ctx, name) })
	}
	wg.Wait()
	return errors.Join(errs...)
}

func (p *Pipeline) tickReceiver(ctx context.Context, name string) error {
	ok, err := p.renew(ctx, name)
	if err != nil {
		return fmt.Errorf("notify %s: %w", name, err)
	}
	if !ok {
		return nil
	}
	defer func() {
		// Freed even when ctx has ended, so that another instance need not
		// wait for the lease to run out.
		rctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), p.cfg.retry.timeout)
		defer cancel()
		if err := p.st.Release(rctx, leaseName(name), p.owner); err != nil {
			p.log.Warn("notify: release lease", "receiver", name, "err", err)
		}
	}()
	if err := p.flush(ctx, name); err != nil {
		return fmt.Errorf("notify %s: %w", name, err)
	}
	if err := p.deliver(ctx, name); err != nil {
		return fmt.Errorf("notify %s: %w", name, err)
	}
	if err := p.prune(ctx, name); err != nil {
		return fmt.Errorf("notify %s: %w", name, err)
	}
	return nil
}

func leaseName(receiver string) string { return "notify/" + receiver }

// renew takes or renews this instance's lease on a receiver, long enough
// for one attempt and its bookkeeping.
func (p *Pipeline) renew(ctx context.Context, name string) (bool, error) {
	ok, err := p.st.Acquire(ctx, leaseName(name), p.owner, p.claimTTL())
	if err != nil {
		return false, fmt.Errorf("acquire lease: %w", err)
	}
	return ok, nil
}

// claimTTL is how long a claim on a message (and the receiver's lease)
// lasts: an attempt's timeout, and as much again for clock skew between
// instances and the writes around the attempt.
func (p *Pipeline) claimTTL() time.Duration { return 2 * p.cfg.retry.timeout }

// pendingGroup is the alerts waiting in one group of a receiver.
type pendingGroup struct {
	id      string
	entries []store.KV
	alerts  []pendingAlert
	since   time.Time // the oldest Since
	// at is when the group was due; alerts count as sent then.
	at time.Time
}

// draft is a message being made.
type draft struct {
	digest, reminder bool
	at               time.Time
	alerts           []pendingAlert
}

// flush turns the due groups of a receiver into outbox messages, unless its
// rate limit is spent, in one batch that also removes the alerts it used
// or dropped as duplicates. A concurrent Submit or flush makes the batch
// fail on a condition; the work is then left to the next tick.
func (p *Pipeline) flush(ctx context.Context, name string) error {
	now := p.now()
	stateRaw, err := p.st.Get(ctx, bucketState, name)
	absent := errors.Is(err, store.ErrNotFound)
	if err != nil && !absent {
		return fmt.Errorf("flush: %w", err)
	}
	var state receiverState
	if !absent {
		if err := json.Unmarshal(stateRaw, &state); err != nil {
			return fmt.Errorf("flush: decode %s: %w", store.Ref(bucketState, name), err)
		}
	}
	groups, err := p.dueGroups(ctx, name, state, now)
	if err != nil || len(groups) == 0 {
		return err
	}
	lim, limited := p.cfg.limits[name]
	if limited {
		state.Sent = slices.DeleteFunc(state.Sent, func(t time.Time) bool { return !t.After(now.Add(-lim.per)) })
		if len(state.Sent) >= lim.n {
			return nil // held until the window lets a message out
		}
	}

	var b store.Batch
	if absent {
		b.IfAbsent(bucketState, name)
	} else {
		b.IfEqual(bucketState, name, stateRaw)
	}
	// The outbox is read before the log, so that a delivery recorded
	// meanwhile (which moves its alerts from one to the other) is seen.
	inFlight, err := p.inFlight(ctx, name)
	if err != nil {
		return err
	}
	drafts := map[[2]bool]*draft{}
	for _, g := range groups {
		for i, pa := range g.alerts {
			b.IfEqual(bucketPending, g.entries[i].Key, g.entries[i].Value).Delete(bucketPending, g.entries[i].Key)
			reminder, send, err := p.dedup(ctx, name, pa, g.at, inFlight)
			if err != nil {
				return err
			}
			if !send {
				continue
			}
			k := [2]bool{g.id == digestGroup, reminder}
			if drafts[k] == nil {
				drafts[k] = &draft{digest: k[0], reminder: k[1], at: g.at}
			}
			drafts[k].alerts = append(drafts[k].alerts, pa)
			if state.Flushed == nil {
				state.Flushed = map[string]time.Time{}
			}
			state.Flushed[g.id] = now
		}
	}

	var msgs []*draft
	for _, k := range [][2]bool{{false, false}, {false, true}, {true, false}, {true, true}} {
		if d := drafts[k]; d != nil {
			msgs = append(msgs, d)
		}
	}
	if limited && len(msgs) > lim.n-len(state.Sent) {
		// Too few messages left in the window for one of each kind: one
		// message carries everything, a digest or reminder only if all
		// of it is.
		merged := &draft{digest: true, reminder: true, at: now}
		for _, d := range msgs {
			merged.digest = merged.digest && d.digest
			merged.reminder = merged.reminder && d.reminder
			merged.alerts = append(merged.alerts, d.alerts...)
		}
		msgs = []*draft{merged}
	}
	for i, d := range msgs {
		e := newEntry(name, now, d)
		b.Put(bucketOutbox, outboxKey(e.Message, i), mustJSON(e))
		if limited {
			state.Sent = append(state.Sent, now)
		}
	}
	b.Put(bucketState, name, mustJSON(state))
	if _, err := p.st.Apply(ctx, b); err != nil {
		if errors.Is(err, store.ErrConflict) {
			p.log.Debug("notify: flush lost a race; next tick tries again", "receiver", name, "err", err)
			return nil
		}
		return fmt.Errorf("flush: %w", err)
	}
	return nil
}

// dueGroups reads a receiver's waiting alerts and returns the groups due
// at now, in the order of their ids.
func (p *Pipeline) dueGroups(ctx context.Context, name string, state receiverState, now time.Time) ([]*pendingGroup, error) {
	kvs, err := listAll(ctx, p.st, bucketPending, name+"/")
	if err != nil {
		return nil, fmt.Errorf("flush: %w", err)
	}
	byID := map[string]*pendingGroup{}
	for _, kv := range kvs {
		id, _, _ := strings.Cut(strings.TrimPrefix(kv.Key, name+"/"), "/")
		var pa pendingAlert
		if err := json.Unmarshal(kv.Value, &pa); err != nil {
			return nil, fmt.Errorf("flush: decode %s: %w", store.Ref(bucketPending, kv.Key), err)
		}
		g := byID[id]
		if g == nil {
			g = &pendingGroup{id: id, since: pa.Since}
			byID[id] = g
		}
		g.entries = append(g.entries, kv)
		g.alerts = append(g.alerts, pa)
		if pa.Since.Before(g.since) {
			g.since = pa.Since
		}
	}
	var due []*pendingGroup
	for _, id := range slices.Sorted(maps.Keys(byID)) {
		g := byID[id]
		at := p.due(g, state.Flushed[id])
		if at.After(now) {
			continue
		}
		// A digest counts as sent at its time of day, not when a tick
		// came round to it, so that a reminder interval of a day
		// reminds in each day's digest.
		g.at = now
		if id == digestGroup {
			g.at = at
		}
		due = append(due, g)
	}
	return due, nil
}

// due is when group g is due: group_wait after its oldest alert, and not
// before group_interval after the group's last message; for the digest,
// the first digest time after its oldest alert.
func (p *Pipeline) due(g *pendingGroup, last time.Time) time.Time {
	if g.id == digestGroup {
		return p.cfg.nextDigest(g.since)
	}
	route, _ := strconv.Atoi(strings.TrimPrefix(g.id, "r"))
	t := p.cfg.timingOf(route)
	at := g.since.Add(t.wait)
	if !last.IsZero() && last.Add(t.interval).After(at) {
		at = last.Add(t.interval)
	}
	return at
}

// inFlight is the set of key+"\x00"+hash of the alerts in a receiver's
// outbox: an alert on its way is not sent again.
func (p *Pipeline) inFlight(ctx context.Context, name string) (map[string]bool, error) {
	kvs, err := listAll(ctx, p.st, bucketOutbox, name+"/")
	if err != nil {
		return nil, fmt.Errorf("flush: %w", err)
	}
	set := map[string]bool{}
	for _, kv := range kvs {
		var e OutboxEntry
		if err := json.Unmarshal(kv.Value, &e); err != nil {
			return nil, fmt.Errorf("flush: decode %s: %w", store.Ref(bucketOutbox, kv.Key), err)
		}
		for _, a := range e.Message.Alerts {
			set[a.Key()+"\x00"+fingerprint(a)] = true
		}
	}
	return set, nil
}

// dedup decides whether pa goes out at time at, and whether as a reminder:
// not while the same content is on its way or was sent within the repeat
// interval; as a reminder when the same content was sent before that.
func (p *Pipeline) dedup(ctx context.Context, name string, pa pendingAlert, at time.Time, inFlight map[string]bool) (reminder, send bool, err error) {
	key := pa.Alert.Key()
	if inFlight[key+"\x00"+pa.Hash] {
		return false, false, nil
	}
	raw, err := p.st.Get(ctx, bucketLog, name+"/"+key)
	if errors.Is(err, store.ErrNotFound) {
		return false, true, nil
	}
	if err != nil {
		return false, false, fmt.Errorf("flush: %w", err)
	}
	var le logEntry
	if err := json.Unmarshal(raw, &le); err != nil {
		return false, false, fmt.Errorf("flush: decode %s: %w", store.Ref(bucketLog, name+"/"+key), err)
	}
	if le.Hash != pa.Hash {
		return false, true, nil
	}
	repeat := p.cfg.timingOf(pa.Route).repeat
	if repeat == 0 || at.Sub(le.Sent) < repeat {
		return false, false, nil
	}
	return true, true, nil
}

// newEntry makes the outbox entry of d, made at now for receiver name. Its
// ID hashes what it says, when and to whom, so that it is the same however
// often it is attempted.
func newEntry(name string, now time.Time, d *draft) OutboxEntry {
	slices.SortFunc(d.alerts, func(a, b pendingAlert) int {
		return strings.Compare(a.Alert.Platform+"\x00"+a.Alert.Key(), b.Alert.Platform+"\x00"+b.Alert.Key())
	})
	h := sha256.New()
	fmt.Fprintf(h, "%s\x00%d\x00%t\x00%t", name, now.UnixNano(), d.digest, d.reminder)
	m := Message{Receiver: name, Created: now, Digest: d.digest, Reminder: d.reminder}
	for _, pa := range d.alerts {
		fmt.Fprintf(h, "\x00%s\x00%s", pa.Alert.Key(), pa.Hash)
		m.Alerts = append(m.Alerts, pa.Alert)
	}
	m.ID = hex.EncodeToString(h.Sum(nil))[:32]
	return OutboxEntry{Message: m, State: StatePending, NextAttempt: now, Scheduled: d.at}
}

// fingerprint hashes what makes an alert worth sending again: the versions
// and the status. Other changes (a reworded advisory, a new site) are not.
func fingerprint(a Alert) string {
	h := sha256.New()
	for _, s := range []string{a.Installed, a.Recommended, a.Status} {
		h.Write([]byte(s))
		h.Write([]byte{0})
	}
	return hex.EncodeToString(h.Sum(nil))[:16]
}

func listAll(ctx context.Context, st store.Store, bucket, prefix string) ([]store.KV, error) {
	var all []store.KV
	err := store.Each(ctx, st, bucket, prefix, 256, func(kv store.KV) error {
		all = append(all, kv)
		return nil
	})
	return all, err
}

// mustJSON encodes v, one of this package's records, which always encode.
func mustJSON(v any) []byte {
	b, err := json.Marshal(v)
	if err != nil {
		panic(fmt.Sprintf("notify: encode %T: %v", v, err))
	}
	return b
}
