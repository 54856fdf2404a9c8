package watch

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"slices"
	"time"

	"github.com/drupdate/drupdate/feeds"
	"github.com/drupdate/drupdate/internal/drupal"
	"github.com/drupdate/drupdate/internal/secdb"
	"github.com/drupdate/drupdate/internal/store"
)

// Advisories configures the watcher's security advisories (Deps.Advisories).
type Advisories struct {
	Sources secdb.Sources
	// Waivers must have been validated.
	Waivers []secdb.Waiver
	// Getter fetches remote sources.
	Getter feeds.Getter
	// Refresh is how often the sources are read again (default 1h).
	Refresh time.Duration
}

// DefaultAdvisoryRefresh is how often advisory sources are read again.
const DefaultAdvisoryRefresh = time.Hour

// advState is the advisories the watcher evaluates with.
type advState struct {
	db      *secdb.DB
	waivers []secdb.Waiver
	// digest identifies the advisories and waivers; it is part of every
	// platform's EvalKey, so new advisories re-evaluate the fleet.
	digest string
	next   time.Time // when to read the sources again
}

// BucketAdvisories holds one advisory.Advisory per advisory id, as last
// read from the sources, for the API and other instances.
const BucketAdvisories = "advisories"

// EventAdvisory is raised when an advisory newly affects a project on a
// platform: a new advisory, or a platform that moved onto an affected
// version. A platform's first findings are its baseline, as its first
// statuses are, and a waived finding raises nothing.
const EventAdvisory = "advisory.affects" // AdvisoryEvent

// AdvisoryEvent is one advisory newly affecting one project on a platform.
type AdvisoryEvent struct {
	Platform string   `json:"platform"`
	Tags     []string `json:"tags,omitempty"`
	Project  string   `json:"project"`
	Package  string   `json:"package"`
	// Version is the drupal.org version installed, Installed its Composer
	// spelling.
	Version     string       `json:"version"`
	Installed   string       `json:"installed"`
	Note        AdvisoryNote `json:"advisory"`
	Recommended string       `json:"recommended,omitempty"`
}

// refreshAdvisories reads the advisory sources when due. A failed read
// keeps the advisories already loaded, so one bad download changes
// nothing; the error is returned for the log.
func (w *Watcher) refreshAdvisories(ctx context.Context) error {
	if w.advCfg == nil {
		return nil
	}
	now := w.now()
	if cur := w.adv.Load(); cur != nil && now.Before(cur.next) {
		return nil
	}
	refresh := w.advCfg.Refresh
	if refresh <= 0 {
		refresh = DefaultAdvisoryRefresh
	}
	var packages []string
	if len(w.advCfg.Sources.ComposerAPI) > 0 {
		invs, err := w.inventories(ctx)
		if err != nil {
			return fmt.Errorf("refresh advisories: %w", err)
		}
		packages = secdb.Packages(invs...)
	}
	db, err := secdb.Load(ctx, w.advCfg.Sources, w.advCfg.Getter, packages)
	if err != nil {
		if cur := w.adv.Load(); cur != nil {
			next := *cur
			next.next = now.Add(min(refresh, 5*time.Minute))
			w.adv.Store(&next)
		}
		return fmt.Errorf("refresh advisories: %w", err)
	}
	h := sha256.New()
	enc := json.NewEncoder(h)
	if err := enc.Encode(db.Advisories); err != nil {
		return fmt.Errorf("refresh advisories: %w", err)
	}
	if err := enc.Encode(w.advCfg.Waivers); err != nil {
		return fmt.Errorf("refresh advisories: %w", err)
	}
	st := &advState{db: db, waivers: w.advCfg.Waivers, digest: hex.EncodeToString(h.Sum(nil)), next: now.Add(refresh)}
	if cur := w.adv.Load(); cur == nil || cur.digest != st.digest {
		if err := w.storeAdvisories(ctx, db); err != nil {
			return err
		}
		w.log.Info("advisories loaded", "advisories", len(db.Advisories), "digest", st.digest[:12])
	}
	w.adv.Store(st)
	return nil
}

// storeAdvisories writes the advisories whose stored copy differs.
func (w *Watcher) storeAdvisories(ctx context.Context, db *secdb.DB) error {
	stored := map[string][]byte{}
	err := store.Each(ctx, w.st, BucketAdvisories, "", 1000, func(kv store.KV) error {
		stored[kv.Key] = kv.Value
		return nil
	})
	if err != nil {
		return fmt.Errorf("store advisories: %w", err)
	}
	var writes []store.Write
	for _, a := range db.Advisories {
		data, err := json.Marshal(a)
		if err != nil {
			return fmt.Errorf("store advisories: %w", err)
		}
		if string(stored[a.ID]) != string(data) {
			writes = append(writes, store.Write{Bucket: BucketAdvisories, Key: a.ID, Value: data})
		}
	}
	for chunk := range slices.Chunk(writes, 256) {
		if _, err := w.st.Apply(ctx, store.Batch{Writes: chunk}); err != nil {
			return fmt.Errorf("store advisories: %w", err)
		}
	}
	return nil
}

// advisoryEvents compares a platform's findings with those recorded and
// returns the events of the new ones and the keys to record.
func advisoryEvents(name string, old PlatformRecord, findings []secdb.Finding, recommended func(project string) string) ([]store.NewEvent, []string, error) {
	var keys []string
	var events []store.NewEvent
	was := map[string]bool{}
	for _, k := range old.Findings {
		was[k] = true
	}
	for _, f := range findings {
		if f.Waived != nil {
			continue
		}
		k := f.Project + "|" + f.ID
		keys = append(keys, k)
		if !old.FindingsSeen || was[k] {
			continue
		}
		e := AdvisoryEvent{Platform: name, Tags: old.Tags, Project: f.Project, Package: f.Package, Version: f.Version,
			Installed: f.Installed, Note: noteOf(f), Recommended: recommended(f.Project)}
		data, err := json.Marshal(e)
		if err != nil {
			return nil, nil, fmt.Errorf("encode advisory event: %w", err)
		}
		events = append(events, store.NewEvent{Kind: EventAdvisory, Key: name, Data: data})
	}
	slices.Sort(keys)
	return events, slices.Compact(keys), nil
}

// inventories reads the stored inventory of every platform.
func (w *Watcher) inventories(ctx context.Context) ([]*drupal.Inventory, error) {
	var out []*drupal.Inventory
	err := store.Each(ctx, w.st, BucketPlatforms, "", 100, func(kv store.KV) error {
		var rec PlatformRecord
		if err := decodePlatformRecord(kv.Value, &rec); err == nil && rec.Inventory != nil {
			out = append(out, rec.Inventory)
		}
		return nil
	})
	return out, err
}
