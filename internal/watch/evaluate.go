package watch

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"runtime"
	"runtime/debug"
	"slices"
	"strings"
	"sync"
	"time"

	"golang.org/x/sync/errgroup"

	"github.com/drupdate/drupdate/internal/drupal"
	"github.com/drupdate/drupdate/internal/secdb"
	"github.com/drupdate/drupdate/internal/store"
	"github.com/drupdate/drupdate/resolver/status"
)

// evaluateAll re-evaluates every platform of the fleet and rebuilds the
// set of feeds to poll from their inventories.
func (w *Watcher) evaluateAll(ctx context.Context) error {
	names := make([]string, len(w.fleet.Platforms))
	for i, pc := range w.fleet.Platforms {
		names[i] = pc.Name
	}
	err := w.evaluate(ctx, names)
	w.mu.Lock()
	defer w.mu.Unlock()
	used := map[string]bool{}
	for _, ps := range w.plats {
		for _, k := range ps.feeds {
			used[k] = true
			if _, ok := w.feedSt[k]; !ok {
				cat, project, _ := cutFeedKey(k)
				w.feedSt[k] = &feedState{project: project, category: cat}
			}
		}
	}
	for k := range w.feedSt {
		if !used[k] {
			delete(w.feedSt, k)
			w.cacheMu.Lock()
			delete(w.cache, k)
			w.cacheMu.Unlock()
		}
	}
	// Loaded once some platform was read: the others' errors are in err,
	// and the next scan reads them again.
	w.loaded = w.loaded || err == nil || len(w.plats) > 0
	return err
}

// cutFeedKey splits a FeedKey.
func cutFeedKey(k string) (category, project string, ok bool) {
	return strings.Cut(k, "/")
}

// platformsUsing names the platforms that use any of the feeds.
func (w *Watcher) platformsUsing(keys []string) []string {
	set := make(map[string]bool, len(keys))
	for _, k := range keys {
		set[k] = true
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	var out []string
	for name, ps := range w.plats {
		for _, k := range ps.feeds {
			if set[k] {
				out = append(out, name)
				break
			}
		}
	}
	slices.Sort(out)
	return out
}

// evalChunk is how many platforms are evaluated between reads: the records
// of a chunk are read, then the data of their feeds, so that no platform is
// evaluated on data older than its record (see evaluate).
const evalChunk = 64

// evaluate re-evaluates the named platforms from the store and records
// those whose report changed, with a platform.status event for each
// project whose status changed.
//
// Each platform's record is read before the feed data it is evaluated on,
// and written only if it still holds what was read. So when two instances
// evaluate one platform at once, the one that read older data either wrote
// first, and is then overwritten by the other (which read its record after
// that), or loses the race and evaluates again: the last report written
// always reflects data at least as new as every report before it, and a
// status change is announced once.
//
// A platform whose record's EvalKey says it was evaluated on the same
// inputs is not evaluated again. The writes of a chunk go in one batch
// (one disk sync for the embedded store), or one by one when another
// writer got in between.
func (w *Watcher) evaluate(ctx context.Context, names []string) error {
	round := &evalRound{ev: &status.Evaluator{Now: w.now}, day: w.now().UTC().Format(time.DateOnly), adv: w.adv.Load(), results: map[resultKey][]byte{}}
	var errs []error
	for chunk := range slices.Chunk(names, evalChunk) {
		jobs, err := w.readPlatforms(ctx, chunk)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		in, err := w.feedData(ctx, jobs, round)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		outs := make([]*evalOutcome, len(jobs))
		var g errgroup.Group
		g.SetLimit(runtime.GOMAXPROCS(0))
		for i, j := range jobs {
			g.Go(func() error {
				outs[i] = w.evaluatePlatform(round, j, in)
				return nil
			})
		}
		g.Wait()
		errs = append(errs, w.commit(ctx, round, outs)...)
	}
	w.afterEvaluation()
	return joinSome(errs)
}

// evalOutcome is one platform's evaluation: the record to write (nil when
// nothing changed) with its events.
type evalOutcome struct {
	job      *platJob
	err      error
	value    []byte
	events   []store.NewEvent
	statuses map[string]drupal.Status
	counts   map[drupal.Status]int
}

// commit writes the outcomes: in one batch, or, when that meets a
// conflict, one by one, evaluating again each platform whose record
// changed under it.
func (w *Watcher) commit(ctx context.Context, round *evalRound, outs []*evalOutcome) []error {
	var errs []error
	var writes []*evalOutcome
	for _, o := range outs {
		switch {
		case o.err != nil:
			errs = append(errs, fmt.Errorf("evaluate %s: %w", o.job.name, o.err))
		case o.value != nil:
			writes = append(writes, o)
		default:
			w.applied(o)
		}
	}
	if len(writes) > 1 {
		var b store.Batch
		for _, o := range writes {
			o.add(&b)
		}
		_, err := w.st.Apply(ctx, b)
		if err == nil {
			for _, o := range writes {
				w.applied(o)
			}
			return errs
		}
		if !errors.Is(err, store.ErrConflict) && !errors.Is(err, store.ErrTooLarge) {
			return append(errs, fmt.Errorf("record evaluations: %w", err))
		}
	}
	for _, o := range writes {
		if err := w.commitOne(ctx, round, o); err != nil {
			errs = append(errs, fmt.Errorf("record evaluation of %s: %w", o.job.name, err))
		}
	}
	return errs
}

// commitOne writes one outcome, evaluating the platform again from its
// record as long as another writer changes it first.
func (w *Watcher) commitOne(ctx context.Context, round *evalRound, o *evalOutcome) error {
	for attempt := 1; ; attempt++ {
		if o.err != nil {
			return o.err
		}
		if o.value == nil {
			w.applied(o)
			return nil
		}
		var b store.Batch
		o.add(&b)
		_, err := w.st.Apply(ctx, b)
		if err == nil {
			w.applied(o)
			return nil
		}
		if !errors.Is(err, store.ErrConflict) || attempt == maxConflicts {
			return err
		}
		w.log.Debug("platform record changed under the evaluation; evaluating again", "platform", o.job.name)
		jobs, err := w.readPlatforms(ctx, []string{o.job.name})
		if err != nil || len(jobs) == 0 {
			return err
		}
		in, err := w.feedData(ctx, jobs, round)
		if err != nil {
			return err
		}
		o = w.evaluatePlatform(round, jobs[0], in)
	}
}

// add adds the outcome's write, conditional on the record read, and its
// events to b.
func (o *evalOutcome) add(b *store.Batch) {
	b.IfEqual(BucketPlatforms, o.job.name, o.job.raw).Put(BucketPlatforms, o.job.name, o.value)
	b.Events = append(b.Events, o.events...)
}

// applied takes note of an outcome that is in the store.
func (w *Watcher) applied(o *evalOutcome) {
	w.mu.Lock()
	o.job.st.statuses, o.job.st.counts = o.statuses, o.counts
	w.mu.Unlock()
	for _, e := range o.events {
		w.m.appended(e.Kind)
		w.log.Info("platform status changed", "platform", o.job.name, "event", string(e.Data))
	}
}

// platJob is one platform to evaluate: its record as read.
type platJob struct {
	name string
	raw  []byte
	rec  PlatformRecord
	st   *platState
}

// evalRound is one evaluate call: the evaluator, the day, and the JSON of
// the results worked out so far.
type evalRound struct {
	ev  *status.Evaluator
	day string
	adv *advState // nil without advisories

	mu      sync.Mutex
	results map[resultKey][]byte
}

// resultKey is everything one project's result depends on in a round: the
// algorithm, the project as installed, its feed's data, and core's (which
// decides the core-compatibility annotations). Feeds are compared by
// pointer: within a round each history has one prepared Feed. Equal keys,
// equal results: so a fleet running the same release of a project on many
// platforms has its result's JSON written once.
type resultKey struct {
	alg         status.Algorithm
	name, typ   string
	version     string
	hasVersion  bool
	datestamp   int64
	major       string
	hasMajor    bool
	feed        *status.Feed
	state       status.FetchState
	known       bool // in the data at all
	core        *status.Feed
	coreState   status.FetchState
	coreVersion string
	coreKnown   bool
}

// marshaler returns the function marshalReport writes the results of the
// platform p, evaluated on data, with: their MarshalJSON, remembered for
// the round.
func (r *evalRound) marshaler(p *status.Platform, data map[string]status.Data) func(*status.Result) ([]byte, error) {
	if p == nil {
		return (*status.Result).MarshalJSON
	}
	installed := make(map[string]*status.Installed, len(p.Projects))
	var coreIn *status.Installed
	for i := range p.Projects {
		installed[p.Projects[i].Name] = &p.Projects[i]
		if p.Projects[i].Name == status.CoreProject {
			coreIn = &p.Projects[i]
		}
	}
	var base resultKey
	base.alg = p.Algorithm
	if coreIn != nil {
		var d status.Data
		d, base.coreKnown = data[status.CoreProject]
		base.core, base.coreState = d.Feed, d.State
		base.coreVersion = fmt.Sprintf("%t %q %t %q %d %s", coreIn.HasVersion, coreIn.Version, coreIn.HasMajor, coreIn.Major, coreIn.Datestamp, coreIn.Type)
	}
	return func(res *status.Result) ([]byte, error) {
		in := installed[res.Name]
		if in == nil {
			return res.MarshalJSON()
		}
		k := base
		k.name, k.typ, k.version, k.hasVersion = in.Name, in.Type, in.Version, in.HasVersion
		k.datestamp, k.major, k.hasMajor = in.Datestamp, in.Major, in.HasMajor
		var d status.Data
		d, k.known = data[in.Name]
		k.feed, k.state = d.Feed, d.State
		r.mu.Lock()
		b, ok := r.results[k]
		r.mu.Unlock()
		if ok {
			return b, nil
		}
		b, err := res.MarshalJSON()
		if err != nil {
			return nil, err
		}
		r.mu.Lock()
		r.results[k] = b
		r.mu.Unlock()
		return b, nil
	}
}

// readConcurrency bounds the platform records read at once: decoding is
// CPU-bound, and a remote store's latency wants a few in flight.
const readConcurrency = 8

// readPlatforms reads the named platforms' records, a few at a time, and
// refreshes what is kept in memory of them. Platforms never recorded are
// left out.
func (w *Watcher) readPlatforms(ctx context.Context, names []string) ([]*platJob, error) {
	jobs := make([]*platJob, len(names))
	var g errgroup.Group
	g.SetLimit(readConcurrency)
	for i, name := range names {
		g.Go(func() error {
			raw, rec, err := w.getPlatform(ctx, name)
			if err != nil || raw == nil {
				return err
			}
			jobs[i] = &platJob{name: name, raw: raw, rec: rec, st: w.platState(name, rec)}
			return nil
		})
	}
	if err := g.Wait(); err != nil {
		return nil, err
	}
	return slices.DeleteFunc(jobs, func(j *platJob) bool { return j == nil }), nil
}

// platState refreshes and returns the in-memory state of a platform from
// its record.
func (w *Watcher) platState(name string, rec PlatformRecord) *platState {
	w.mu.Lock()
	ps := w.plats[name]
	if ps == nil {
		ps = &platState{}
		w.plats[name] = ps
	}
	prepared, hash := ps.prepared, ps.invHash
	w.mu.Unlock()
	var category string
	var keys []string
	switch {
	case rec.Inventory == nil:
		prepared, hash = nil, ""
	case prepared == nil || hash != rec.InventoryHash || hash == "":
		prepared, hash = nil, rec.InventoryHash
		if p, err := PlatformOf(rec.Inventory); err == nil {
			p.Prepare()
			prepared = &p
		}
	}
	if prepared != nil {
		category = prepared.Algorithm.Category()
		keys = make([]string, len(prepared.Projects))
		for i, in := range prepared.Projects {
			keys[i] = FeedKey(category, in.Name)
		}
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	ps.prepared, ps.invHash, ps.category, ps.feeds = prepared, hash, category, keys
	ps.statuses = rec.Statuses
	if ps.counts == nil {
		ps.counts = countStatuses(rec.Statuses) // until it is evaluated here
	}
	return ps
}

func countStatuses(m map[string]drupal.Status) map[drupal.Status]int {
	c := map[drupal.Status]int{}
	for _, s := range m {
		c[s]++
	}
	return c
}

// feedInputs is what a chunk's platforms are evaluated on: each feed's
// index entry (nil: never polled), by FeedKey, the key each platform's
// evaluation would have, and the evaluation data, by category and project,
// of the feeds of the platforms whose key is new.
type feedInputs struct {
	idx  map[string]*FeedIndex
	keys map[*platJob]string
	data map[string]map[string]status.Data
}

// feedData gathers what the jobs are evaluated on: the index tells each
// feed's state and body hash, and so each platform's EvalKey; histories,
// needed only for the platforms whose key changed, come from the cache or,
// when their hash is new, from the store.
func (w *Watcher) feedData(ctx context.Context, jobs []*platJob, round *evalRound) (*feedInputs, error) {
	used := map[string]bool{}
	for _, j := range jobs {
		for _, k := range j.st.feeds {
			used[k] = true
		}
	}
	idx, err := w.readIndex(ctx, used)
	if err != nil {
		return nil, err
	}
	in := &feedInputs{idx: idx, keys: make(map[*platJob]string, len(jobs)), data: map[string]map[string]status.Data{}}
	needed := map[string]bool{}
	for _, j := range jobs {
		key := evalKey(round, j.rec, j.st, idx)
		in.keys[j] = key
		if key != j.rec.EvalKey {
			for _, k := range j.st.feeds {
				needed[k] = true
			}
		}
	}
	for k := range needed {
		cat, project, _ := cutFeedKey(k)
		if in.data[cat] == nil {
			in.data[cat] = map[string]status.Data{}
		}
		d, err := w.dataOf(ctx, k, idx[k])
		if err != nil {
			return nil, err
		}
		in.data[cat][project] = d
	}
	return in, nil
}

// readIndex reads the index entries of keys: one by one when they are few,
// else by listing the whole index.
func (w *Watcher) readIndex(ctx context.Context, keys map[string]bool) (map[string]*FeedIndex, error) {
	out := make(map[string]*FeedIndex, len(keys))
	if len(keys) <= 256 {
		for k := range keys {
			idx, err := w.getIndex(ctx, k)
			if err != nil {
				return nil, err
			}
			if idx != nil {
				out[k] = idx
			}
		}
		return out, nil
	}
	err := store.Each(ctx, w.st, BucketFeedIndex, "", 1000, func(kv store.KV) error {
		if !keys[kv.Key] {
			return nil
		}
		var idx FeedIndex
		if err := json.Unmarshal(kv.Value, &idx); err != nil {
			return fmt.Errorf("decode feed index %s: %w", kv.Key, err)
		}
		out[kv.Key] = &idx
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// dataOf is a feed's evaluation data. A feed never polled is pending; one
// with a history is evaluated on it, even when its last polls failed (the
// failure is in its record, for the API to show); one without is
// NOT_FETCHED or, when its last body held no history, UNKNOWN.
func (w *Watcher) dataOf(ctx context.Context, key string, idx *FeedIndex) (status.Data, error) {
	switch {
	case idx == nil:
		return status.Data{State: status.Pending}, nil
	case idx.State == StateNoData:
		return status.Data{State: status.NoData}, nil
	case idx.State != StateOK:
		return status.Data{State: status.FetchFailed}, nil
	}
	if c := w.cached(key, idx.Hash); c != nil {
		return status.Data{Feed: c.feed, State: status.Fetched}, nil
	}
	_, rec, err := w.getHistory(ctx, key)
	if err != nil {
		return status.Data{}, err
	}
	if rec.State != StateOK {
		return w.dataOf(ctx, key, &FeedIndex{State: rec.State})
	}
	h, err := w.parse(rec.Project, rec.Body)
	if err != nil {
		w.log.Warn("stored history does not parse", "feed", key, "err", err)
		return status.Data{State: status.NoData}, nil
	}
	return status.Data{Feed: w.remember(key, rec.Body, h).feed, State: status.Fetched}, nil
}

// evalVersion names the program in EvalKeys, so that a new drupdate
// evaluates every platform again; builds without version information
// (go test, -buildvcs=false) share one name, and pick up changes on the
// next day's evaluation or the next change of data.
var evalVersion = func() string {
	v := "eval/1"
	if bi, ok := debug.ReadBuildInfo(); ok {
		v += " " + bi.GoVersion + " " + bi.Main.Version + " " + bi.Main.Sum
		for _, s := range bi.Settings {
			if s.Key == "vcs.revision" || s.Key == "vcs.modified" {
				v += " " + s.Value
			}
		}
	}
	return v
}()

// evalKey identifies everything a platform's report depends on: the
// program, the day (core's security coverage depends on the date), the
// inventory, the path and tags the report shows, and each feed's state and
// history.
func evalKey(round *evalRound, rec PlatformRecord, st *platState, idx map[string]*FeedIndex) string {
	h := sha256.New()
	inv := rec.InventoryHash
	if inv == "" && rec.Inventory != nil {
		inv = inventoryHash(rec.Inventory)
	}
	fmt.Fprintf(h, "%s\x00%s\x00%s\x00%q\x00%q\x00", evalVersion, round.day, inv, rec.Path, rec.Tags)
	if round.adv != nil {
		fmt.Fprintf(h, "advisories %s\x00", round.adv.digest)
	}
	if rec.Inventory == nil {
		fmt.Fprintf(h, "%q\x00", rec.ScanError)
	}
	for _, k := range st.feeds {
		if i := idx[k]; i != nil {
			fmt.Fprintf(h, "%s %s %s\x00", k, i.State, i.Hash)
		} else {
			fmt.Fprintf(h, "%s pending\x00", k)
		}
	}
	return hex.EncodeToString(h.Sum(nil))
}

// evaluatePlatform evaluates one platform, and returns the record to write
// if it changed.
func (w *Watcher) evaluatePlatform(round *evalRound, j *platJob, in *feedInputs) *evalOutcome {
	old := j.rec
	o := &evalOutcome{job: j, statuses: old.Statuses, counts: countStatuses(old.Statuses)}
	key := in.keys[j]
	if key == old.EvalKey {
		w.mu.Lock()
		if c := j.st.counts; c != nil {
			o.counts = c // those of the evaluation, pending projects included
		}
		w.mu.Unlock()
		return o
	}
	var rep status.Report
	var perr error
	switch {
	case old.Inventory == nil:
		perr = errors.New(cmpOr(old.ScanError, "not scanned yet"))
	case j.st.prepared == nil:
		_, perr = PlatformOf(old.Inventory)
	default:
		rep = round.ev.Evaluate(*j.st.prepared, in.data[j.st.category])
	}
	doc0 := NewPlatformReport(old.Path, old.Tags, old.Inventory, rep, perr)
	var findings []secdb.Finding
	if round.adv != nil && old.Inventory != nil {
		findings, _, _ = round.adv.db.Audit(j.name, old.Inventory, round.adv.waivers, w.now())
		if perr == nil {
			doc0.AddAdvisories(findings)
		}
	}
	doc, err := marshalReport(doc0, round.marshaler(j.st.prepared, in.data[j.st.category]))
	if err != nil {
		o.err = fmt.Errorf("encode report: %w", err)
		return o
	}
	statuses := map[string]drupal.Status{}
	counts := map[drupal.Status]int{}
	var events []store.NewEvent
	for i := range rep.Projects {
		r := &rep.Projects[i]
		counts[r.Status]++
		prev, had := old.Statuses[r.Name]
		if r.Status == drupal.FetchPending {
			// Not yet known: keep what was known, announce nothing.
			if had {
				statuses[r.Name] = prev
			}
			continue
		}
		statuses[r.Name] = r.Status
		// A platform's first statuses are its baseline, not news.
		if old.Statuses == nil || (had && prev == r.Status) {
			continue
		}
		e := PlatformStatusEvent{Platform: j.name, Tags: old.Tags, Project: r.Name, To: r.Status,
			Installed: r.ExistingVersion, Recommended: r.Recommended}
		if had {
			e.From = prev
		}
		data, err := json.Marshal(e)
		if err != nil {
			o.err = fmt.Errorf("encode status event: %w", err)
			return o
		}
		events = append(events, store.NewEvent{Kind: EventPlatformStatus, Key: j.name, Data: data})
	}
	if len(statuses) == 0 {
		statuses = nil
	}
	rec := old
	if round.adv != nil && old.Inventory != nil {
		// Looked up only for new findings: most evaluations have none.
		recommended := func(project string) string {
			for i := range rep.Projects {
				if rep.Projects[i].Name == project {
					return rep.Projects[i].Recommended
				}
			}
			return ""
		}
		advEvents, keys, err := advisoryEvents(j.name, old, findings, recommended)
		if err != nil {
			o.err = err
			return o
		}
		events = append(events, advEvents...)
		rec.Findings, rec.FindingsSeen = keys, true
	}
	o.statuses, o.counts, o.events = statuses, counts, events
	rec.Report, rec.Statuses, rec.EvalKey = doc, statuses, key
	if !bytes.Equal(doc, old.Report) || !maps.Equal(statuses, old.Statuses) || !slices.Equal(rec.Findings, old.Findings) {
		rec.EvaluatedAt = w.now()
	}
	if o.value, err = encodePlatformRecord(rec); err != nil {
		o.err = fmt.Errorf("encode platform record: %w", err)
	}
	return o
}

// encodePlatformRecord is json.Marshal(rec), but writes the report (which
// marshalReport made compact already, and is most of the record) as it is,
// first, rather than compacting it again; decodePlatformRecord reads it
// back without scanning it twice.
func encodePlatformRecord(rec PlatformRecord) ([]byte, error) {
	doc := rec.Report
	rec.Report = nil
	b, err := json.Marshal(rec)
	if err != nil || len(doc) == 0 {
		return b, err
	}
	out := make([]byte, 0, len(b)+len(doc)+len(reportPrefix)+1)
	out = append(out, reportPrefix...)
	out = append(out, doc...)
	out = append(out, ',')
	return append(out, b[1:]...), nil // b is {"name":...}
}

const reportPrefix = `{"report":`

// decodePlatformRecord is json.Unmarshal(raw, &rec), quicker for records
// encodePlatformRecord wrote: their report, which leads, is cut off with a
// plain scan for its end, and the rest decoded. Any other layout is decoded
// by json.Unmarshal.
func decodePlatformRecord(raw []byte, rec *PlatformRecord) error {
	if bytes.HasPrefix(raw, []byte(reportPrefix+"{")) {
		if end := objectEnd(raw, len(reportPrefix)); end > 0 && end < len(raw) && raw[end] == ',' {
			rest := make([]byte, 0, len(raw)-end)
			rest = append(append(rest, '{'), raw[end+1:]...)
			if err := json.Unmarshal(rest, rec); err == nil && rec.Report == nil {
				rec.Report = raw[len(reportPrefix):end:end]
				return nil
			}
			*rec = PlatformRecord{}
		}
	}
	return json.Unmarshal(raw, rec)
}

// objectEnd returns the index just past the JSON object starting at
// b[start], or -1. Strings (and escapes in them) are skipped; the object
// is not otherwise validated.
func objectEnd(b []byte, start int) int {
	depth := 0
	for i := start; i < len(b); i++ {
		switch b[i] {
		case '{', '[':
			depth++
		case '}', ']':
			depth--
			if depth == 0 {
				return i + 1
			}
		case '"':
			for i++; i < len(b) && b[i] != '"'; i++ {
				if b[i] == '\\' {
					i++
				}
			}
		}
	}
	return -1
}

// marshalReport is json.Marshal(r), but writes each project's result as
// marshal does, which must be as its MarshalJSON writes it (compact
// already), rather than having encoding/json check and compact it again:
// the output is the same.
func marshalReport(r PlatformReport, marshal func(*status.Result) ([]byte, error)) ([]byte, error) {
	projects := r.Projects
	r.Projects = map[string]*status.Result{}
	head, err := json.Marshal(r)
	if err != nil {
		return nil, err
	}
	const field = `"projects":{}`
	i := bytes.Index(head, []byte(field)) // quotes inside strings are escaped
	if i < 0 {
		return nil, errors.New("marshal report: no projects field")
	}
	out := make([]byte, 0, len(head)+len(projects)*1024)
	out = append(out, head[:i+len(field)-1]...)
	for n, name := range slices.Sorted(maps.Keys(projects)) {
		if n > 0 {
			out = append(out, ',')
		}
		k, err := json.Marshal(name)
		if err != nil {
			return nil, err
		}
		v, err := marshal(projects[name])
		if err != nil {
			return nil, fmt.Errorf("marshal report: project %s: %w", name, err)
		}
		out = append(append(append(out, k...), ':'), v...)
	}
	return append(out, head[i+len(field)-1:]...), nil
}

func cmpOr(a, b string) string {
	if a != "" {
		return a
	}
	return b
}

// afterEvaluation recomputes what depends on every platform's statuses:
// the feeds polled urgently and the status gauge.
func (w *Watcher) afterEvaluation() {
	w.mu.Lock()
	defer w.mu.Unlock()
	urgent := map[string]bool{}
	counts := map[drupal.Status]int{}
	for _, ps := range w.plats {
		if ps.category == "" {
			continue
		}
		urgent[FeedKey(ps.category, status.CoreProject)] = true
		for project, s := range ps.statuses {
			if s == drupal.NotSecure {
				urgent[FeedKey(ps.category, project)] = true
			}
		}
		for s, n := range ps.counts {
			counts[s] += n
		}
	}
	for k := range urgent {
		// Newly urgent: look at it now, when its due time is worked out
		// with the urgent interval.
		if f, ok := w.feedSt[k]; ok && !w.urgent[k] {
			f.next = time.Time{}
		}
	}
	w.urgent = urgent
	w.m.statuses(counts)
}

// getPlatform reads a platform's record: its bytes (nil when absent) and
// value.
func (w *Watcher) getPlatform(ctx context.Context, name string) ([]byte, PlatformRecord, error) {
	return getRecord(ctx, w.st, BucketPlatforms, name, decodePlatformRecord)
}

// getRecord reads a record from bucket: its bytes (nil when absent) and its
// decoded value. The bytes serve as the condition of the write that
// replaces it.
func getRecord[T any](ctx context.Context, st store.Store, bucket, key string, decode func([]byte, *T) error) ([]byte, T, error) {
	var rec T
	raw, err := st.Get(ctx, bucket, key)
	switch {
	case errors.Is(err, store.ErrNotFound):
		return nil, rec, nil
	case err != nil:
		return nil, rec, err
	}
	if err := decode(raw, &rec); err != nil {
		return nil, rec, fmt.Errorf("decode %s record %s: %w", bucket, key, err)
	}
	return raw, rec, nil
}
